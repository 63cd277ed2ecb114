/** The Electron executable, or null and why it is absent; never triggers a download. */
export function findElectronRuntime(
  root: string,
): { path: string; reason: null } | { path: null; reason: string }
