// With Next.js, see demo/examples/nextjs: the same component, marked 'use client' and rendered on the client only.
import { TcDashboard } from '@tc-embed/react';
import { useState } from 'react';

/** The tc-embed server, from the build's environment. */
const serverUrl = import.meta.env.VITE_TC_EMBED_URL ?? 'http://localhost:8080';

// Defined once, outside the component: elements with the same callback share one session and one refresh.
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
