// HQ admin console. Build: `npx vite build web/admin` → web/admin/dist, served by the API server at /admin/.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5174,
    proxy: {
      // API_TARGET lets a developer point the dev server at another instance
      '/api': { target: process.env.API_TARGET ?? 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
