import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a running `muster serve` (MUSTER_URL, default :8080).
const api = process.env.MUSTER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': api, '/metrics': api, '/healthz': api } },
});
