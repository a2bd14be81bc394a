import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The distributors' admin SPA, served by apps/server under `/admin/`. In `vite dev`, /api goes to a
// running server (`pnpm start`, PORT 8787 by default).
export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  server: { port: 5174, proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 8787}` } },
  build: { outDir: 'dist', emptyOutDir: true },
});
