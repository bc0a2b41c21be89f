import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The H5 shop: `vite build web/shop` writes web/shop/dist, which the server serves at `/`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: {
      // API_TARGET points the dev server at another API server (default: npm start's port)
      '/api': { target: process.env.API_TARGET ?? 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
