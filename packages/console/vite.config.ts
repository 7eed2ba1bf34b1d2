import { defineConfig } from 'vite';

/** The console is served by the tc-embed server under /console; assets get hashed names (cached immutable). */
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    // The console's CSP allows scripts from 'self' only: no inline module-preload polyfill needed in Chromium.
    modulePreload: { polyfill: false },
  },
});
