// A message dropped anywhere on the window (not only on the DKIM drop zone, which handles its own
// drops) lands in the DKIM section and is verified: one file as a message, several as a folder.
import { fromFile, useDkimStore } from './dkim/index.js'
import { useNavigationStore } from './navigation.js'

/** True when a drag carries files: only then does the window accept the drop. */
export function carriesFiles(types: readonly string[]): boolean {
  return types.includes('Files')
}

export async function openDroppedFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return
  useNavigationStore.getState().go('dkim')
  const [first] = files
  // One file: a message, or an mbox (the store tells them apart by the "From " line).
  if (files.length === 1 && first) await useDkimStore.getState().openFile(first)
  else await useDkimStore.getState().verifyFiles(files.map(fromFile))
}
