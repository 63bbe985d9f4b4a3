import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { languagePagesPlugin } from './scripts/language-pages';
import { precompressPlugin } from './scripts/precompress';
import { LANGUAGES } from './src/i18n/languages';
import { PAGE_HEAD } from './src/i18n/page-head';

/** Libraries that change together and rarely: their own long-cached chunk, kept when only the app changes. */
const VENDOR = /[\\/]node_modules[\\/](?:preact|react|react-dom|scheduler|react-router|@tanstack|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/;

/**
 * Small components an app page's first screen shares with other pages (otherwise six 1–2 KB chunks,
 * each a request of its own on the app page's second round): one chunk. Only these modules are placed
 * by name (`onlyExplicitManualChunks`); what they import stays where Rollup puts it, so the entry does
 * not import this chunk (docs/decisions/0070-first-screen-requests-in-one-round.md).
 */
const SHARED_PARTS = /[\\/]src[\\/]components[\\/](?:data-table|enrolment-code|secret-box|redeploy-button|confirm-button|notice-text)\.tsx?$/;

/**
 * The production build runs the UI on Preact through its React compatibility layer: the same
 * components and libraries at a fraction of react-dom's weight (docs/decisions/0023-preact-in-production.md).
 * The dev server keeps React for Fast Refresh; the browser suites test the production build.
 */
const PREACT = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

/** Dev server on :3000 proxying the API (and its docs) to the server on :8000. */
export default defineConfig(({ command }) => ({
  plugins: [react(), languagePagesPlugin(LANGUAGES, PAGE_HEAD), precompressPlugin()],
  resolve: { alias: command === 'build' ? PREACT : [] },
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
    rollupOptions: {
      output: {
        manualChunks: (id) => (VENDOR.test(id) ? 'vendor' : SHARED_PARTS.test(id) ? 'parts' : undefined),
        onlyExplicitManualChunks: true,
      },
    },
  },
}));
