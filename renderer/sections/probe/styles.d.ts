// Vite bundles a stylesheet imported for its side effect (ProbeSection imports probe.css).
declare module '*.css' {}
