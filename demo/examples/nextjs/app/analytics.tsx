'use client';
// The elements define custom elements, which needs the browser: this component is rendered on the client only
// (see analytics-client.tsx).
import { TcDashboard } from '@tc-embed/react';
import { useState } from 'react';

/** The tc-embed server, inlined at build time (NEXT_PUBLIC_*). */
const serverUrl = process.env.NEXT_PUBLIC_TC_EMBED_URL ?? 'http://localhost:8080';

// Defined once, outside the component: elements with the same callback share one session and one renewal.
// (A new function on every render would start a new session each time.)
const fetchToken = () => fetch('/api/tc-token', { method: 'POST' }).then((response) => response.json());

export function Analytics() {
  const [status, setStatus] = useState('Loading…');
  return (
    <>
      <p role="status">{status}</p>
      <TcDashboard
        dashboardId="sales"
        serverUrl={serverUrl}
        fetchToken={fetchToken}
        onTcReady={(event) => setStatus(`Ready for ${event.detail.user.distinctId}`)}
        onTcTokenRefreshed={(event) => setStatus(`Token refreshed, valid until ${event.detail.expiresAt}`)}
        onTcError={(event) => setStatus(`${event.detail.code}: ${event.detail.message}`)}
      />
    </>
  );
}
