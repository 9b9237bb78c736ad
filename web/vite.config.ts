// The panel's build: root is web/, output web/dist (the server serves it on the API's port).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', chunkSizeWarningLimit: 1500 },
  // `npm run dev:web` next to a running server (PORT 3000): the API and its cookie stay same-origin.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
