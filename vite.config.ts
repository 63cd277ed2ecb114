// The renderer's build: one static bundle that both the Electron app:// scheme and the loopback
// web host serve, so paths stay relative (base './') and nothing is loaded from elsewhere.
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/**
 * The dev server injects an inline script (React Fast Refresh's preamble) that the page's CSP
 * meta would block; drop the meta while serving only. Built pages keep it.
 */
function devWithoutCspMeta(): Plugin {
  return {
    name: 'mailwarden:dev-without-csp-meta',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  }
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), devWithoutCspMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The CSP forbids inline scripts and styles, so never inline assets into the HTML.
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: true },
})
