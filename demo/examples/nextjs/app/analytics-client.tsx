'use client';
import dynamic from 'next/dynamic';

// `ssr: false` is only allowed in a client component: the server renders the fallback, the browser the elements.
export const AnalyticsClient = dynamic(() => import('./analytics').then((module) => module.Analytics), {
  ssr: false,
  loading: () => <p role="status">Loading…</p>,
});
