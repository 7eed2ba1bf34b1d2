import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Analytics } from './Analytics';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <main style={{ margin: '0 auto', maxWidth: 1100, padding: 24, font: '15px/1.5 system-ui, sans-serif' }}>
      <h1>Sales</h1>
      <Analytics />
    </main>
  </StrictMode>,
);
