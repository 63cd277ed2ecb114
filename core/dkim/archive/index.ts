// Verifying many messages: files, directories of .eml, mbox (mboxrd, mboxo) and Maildir, on
// worker threads. The CLI's `dkim verify PATH...` and the UI's folder verification use this.

export { looksLikeMbox, type MboxFormat, type MboxRange, scanMbox, unescapeMbox } from './mbox.js'
export {
  type ArchiveOptions,
  type ArchiveResult,
  defaultWorkerCount,
  verifyItems,
  workerEntry,
} from './pool.js'
export { type ArchiveReport, type ArchiveSignature, archiveReport } from './report.js'
export {
  type ArchiveItem,
  type ExpandOptions,
  expandPaths,
  isMaildir,
  isMboxFile,
  itemLabel,
  readItem,
} from './sources.js'
