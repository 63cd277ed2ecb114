// The renderer's Content Security Policy, sent as a response header on everything the window
// loads (the renderer also carries it in a <meta>). Nothing but the app's own files: no inline
// script, no eval, no remote content, no plugins, no framing. The engine is reached over IPC,
// so the page needs no network at all.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ')
