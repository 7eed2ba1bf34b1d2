// Library build: one ES module, dist/embed.js (served at /embed/embed.js), with chart.js in a lazy chunk beside it.
import { defineConfig } from 'vite';
import { importWithoutDom } from './scripts/import-without-dom.mjs';
import { minifyTemplates } from './scripts/minify-templates.mjs';

export default defineConfig({
  plugins: [minifyTemplates(), importWithoutDom()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'embed.js',
    },
    rolldownOptions: {
      // Lets the lazy chunks import Lit and the session from embed.js itself instead of a third, eager chunk.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Hashed names: the server serves chunks as immutable.
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Library mode keeps whitespace for pure annotations; a script tag wants it all minified.
        minify: true,
      },
    },
  },
});
