import { AnalyticsClient } from './analytics-client';

export default function Page() {
  return (
    <main style={{ margin: '0 auto', maxWidth: 1100, padding: 24, font: '15px/1.5 system-ui, sans-serif' }}>
      <h1>Sales</h1>
      <AnalyticsClient />
    </main>
  );
}
