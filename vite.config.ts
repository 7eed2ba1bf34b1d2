// `npm run dev`: the demo host page with the elements compiled from source (packages/elements/src), reloaded on
// every edit, against a running tc-embed server and demo backend (`npm start` in another terminal).
// The page is served on http://localhost:5173: authorize it once with `npx tc-embed origins add http://localhost:5173`.
// Each package's production build has its own config (packages/elements/vite.config.mjs, packages/console/vite.config.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const serverUrl = (process.env.TC_DEMO_SERVER_URL ?? `http://localhost:${process.env.PORT || 8080}`).replace(/\/+$/, '');
const demoBackend = `http://localhost:${process.env.TC_DEMO_PORT ?? 3000}`;
const elementsSource = '/packages/elements/src/index.ts';

/** The demo page loads embed.js from the server; here it loads the element sources instead. */
function elementsFromSource(): Plugin {
  return {
    name: 'tc-elements-from-source',
    transformIndexHtml: (html) => html.replaceAll('%TC_SERVER_URL%/embed/embed.js', `/@fs${fileURLToPath(new URL('.', import.meta.url))}${elementsSource.slice(1)}`).replaceAll('%TC_SERVER_URL%', serverUrl),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./demo/public', import.meta.url)),
  plugins: [elementsFromSource()],
  server: {
    port: 5173,
    strictPort: true,
    // The page's token requests go to the demo backend, which keeps the API key (never the browser).
    proxy: { '/api': demoBackend },
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
  },
});
