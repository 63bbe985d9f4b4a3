import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressPlugin } from './scripts/precompress';

/** Libraries that change together and rarely: their own long-cached chunk, kept when only the app changes. */
const VENDOR = /[\\/]node_modules[\\/](?:react|react-dom|scheduler|react-router|@tanstack|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/;

/** Dev server on :3000 proxying the API (and its docs) to the server on :8000. */
export default defineConfig({
  plugins: [react(), precompressPlugin()],
  server: {
    port: 3000,
    strictPort: true,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8000', changeOrigin: false },
      '/docs': { target: 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: { output: { manualChunks: (id) => (VENDOR.test(id) ? 'vendor' : undefined) } },
  },
});
