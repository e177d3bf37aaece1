import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer only: it is served by Electron (app:// protocol) or by the web bridge, never by a dev CDN.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or styles: the CSP forbids them.
    assetsInlineLimit: 0,
  },
});
