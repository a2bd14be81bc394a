import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The storefront demo host, served by apps/server at `/`. In `vite dev`, /api goes to a running
// server (`pnpm start`, PORT 8787 by default).
export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: { proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 8787}` } },
  build: { outDir: 'dist', emptyOutDir: true },
});
