import { defineConfig } from 'vite';

// Vite compiles the TSX (automatic JSX runtime); no plugin is needed for this example.
export default defineConfig({});
