// Bounds of archive reading (many messages: files, directories, mbox, Maildir), each with what it stops.

/** Read size for files and mbox scanning: big enough for speed, small enough to stay flat in memory
 * (a message sliced out of a chunk keeps the chunk alive until it is verified: 1 MiB chunks cost
 * ~30 MB of peak RSS more than these on a 100 MB mbox, for no measurable speed). */
export const READ_CHUNK_BYTES = 128 * 1024
/**
 * A message up to this size is read at once (synchronously, in a verifier thread); a bigger one is
 * streamed so that memory stays flat however big a message is.
 */
export const WHOLE_READ_MAX_BYTES = 1024 * 1024
/** The first read of a file, into a buffer kept per thread: most messages end within it. */
export const FIRST_READ_BYTES = 64 * 1024
/** Messages handed out per worker before results come back; bounds the reorder buffer (results stay in order). */
export const IN_FLIGHT_PER_WORKER = 32
/**
 * Messages sent to a thread in one go (and answered in one go): enough that passing them between
 * threads costs little beside verifying them, few enough that a batch of big messages is not a long wait.
 */
export const BATCH_MESSAGES = 8
/** Messages a thread verifies at once: one waiting for its key does not stop the others. */
export const MESSAGES_AT_ONCE_PER_WORKER = 4
/** Directory depth walked for .eml files and Maildir++ folders; a symlink loop or a hostile tree stops here. */
export const MAX_DIRECTORY_DEPTH = 16
/** Entries read from one directory listing at a time (opendir streams, so a huge folder is not listed at once). */
export const DIRECTORY_BUFFER_ENTRIES = 256
/** An mbox separator ("From " line) longer than this is not one; stops a line without LF from growing the carry. */
export const MAX_FROM_LINE_BYTES = 4096
/** A partial line kept across chunks while unescaping ">From " is at most this long (longer cannot be a From line). */
export const MAX_ESCAPE_CARRY_BYTES = 1024
/** Progress events at most this often (plus one per DKIM_ARCHIVE_ROWS_PER_EVENT rows): a fast run must not flood the page. */
export const ARCHIVE_PROGRESS_INTERVAL_MS = 100
/** Workers never outnumber this, whatever the machine says (each holds a verifier and its buffers). */
export const MAX_WORKERS = 32
/** A worker that has not answered one message in this long is stuck; the message is reported as failed. */
export const WORKER_MESSAGE_TIMEOUT_MS = 120_000
/**
 * Heap of each worker thread. The young generation is what a verifier churns through (strings and
 * objects per message); V8's default lets each thread grow it to ~48 MB before collecting, which
 * on a many-core machine is most of the run's memory. The old generation bound turns a runaway
 * worker into an error for its messages (ERR_WORKER_OUT_OF_MEMORY) instead of a machine out of memory.
 */
export const WORKER_YOUNG_GENERATION_MB = 8
export const WORKER_OLD_GENERATION_MB = 256
