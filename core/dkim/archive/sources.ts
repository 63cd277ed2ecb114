// What `dkim verify PATH...` was given, expanded into messages: a single message file, an mbox
// (each message a byte range), a Maildir (cur/ and new/, Maildir++ sub-folders too) or a
// directory of .eml files (walked). Streams: directories are read with opendir, mboxes scanned.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs'
import { open, opendir, stat } from 'node:fs/promises'
import path from 'node:path'
import { isMessageFileName, MBOX_HEAD_BYTES } from '../../../shared/contract/message-kind.js'
import {
  DIRECTORY_BUFFER_ENTRIES,
  FIRST_READ_BYTES,
  MAX_DIRECTORY_DEPTH,
  READ_CHUNK_BYTES,
  WHOLE_READ_MAX_BYTES,
} from './limits.js'
import { looksLikeMbox, type MboxFormat, scanMbox, unescapeLines, unescapeMbox } from './mbox.js'

export type ArchiveItem =
  | { kind: 'file'; path: string; container?: 'maildir' | 'directory' }
  | {
      kind: 'mbox'
      path: string
      /** Offset of the message's "From " line in the mbox (what --json-lines reports). */
      offset: number
      start: number
      end: number
      format: MboxFormat
      separator: string
    }
  /** A path that could not be read at all: reported as a row, the run goes on. */
  | { kind: 'unreadable'; path: string; reason: string }

export interface ExpandOptions {
  mboxFormat?: MboxFormat
  signal?: AbortSignal
  /** The paths were handed over as mboxes (the page's "An mbox file"): their content decides, not their names. */
  asMbox?: boolean
}

/** A name for the message in reports: the path, and for an mbox message its offset. */
export function itemLabel(item: ArchiveItem): string {
  return item.kind === 'mbox' ? `${item.path}@${item.offset}` : item.path
}

async function firstBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(count)
    const { bytesRead } = await handle.read(buffer, 0, count, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/**
 * True when the file is an mbox, not one message: never for a *.eml name, else only when its first
 * line is a real From_ line (see looksLikeMbox). Throws when unreadable.
 */
export async function isMboxFile(file: string): Promise<boolean> {
  if (isMessageFileName(file)) return false
  return startsWithFromLine(file)
}

/**
 * True when the file's first line is a real From_ line, whatever its name: for a file the user
 * handed over as an mbox (the page's "An mbox file"), where the name does not decide. Throws when unreadable.
 */
export async function startsWithFromLine(file: string): Promise<boolean> {
  return looksLikeMbox(await firstBytes(file, MBOX_HEAD_BYTES + 2))
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

export async function isMaildir(dir: string): Promise<boolean> {
  const [cur, created] = await Promise.all([
    isDirectory(path.join(dir, 'cur')),
    isDirectory(path.join(dir, 'new')),
  ])
  return cur && created
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  return error instanceof Error ? error.message : String(error)
}

/** Sorted entry names of a directory, streamed (opendir) so a huge folder is not listed at once. */
async function* entries(dir: string): AsyncGenerator<{ name: string; isDir: boolean; isFile: boolean }> {
  const handle = await opendir(dir, { bufferSize: DIRECTORY_BUFFER_ENTRIES })
  for await (const entry of handle) {
    yield { name: entry.name, isDir: entry.isDirectory(), isFile: entry.isFile() }
  }
}

async function* maildirItems(dir: string, depth: number): AsyncGenerator<ArchiveItem> {
  // new/ first: that is where messages arrive; cur/ holds the ones a client has seen. tmp/ is
  // being written (Maildir's rule): never read.
  for (const sub of ['new', 'cur']) {
    for await (const entry of entries(path.join(dir, sub))) {
      if (entry.isFile && !entry.name.startsWith('.')) {
        yield { kind: 'file', path: path.join(dir, sub, entry.name), container: 'maildir' }
      }
    }
  }
  if (depth >= MAX_DIRECTORY_DEPTH) return
  // Maildir++ folders: ".Sent", ".Archive.2024" inside the top Maildir.
  for await (const entry of entries(dir)) {
    if (entry.isDir && entry.name.startsWith('.') && entry.name !== '.' && entry.name !== '..') {
      const sub = path.join(dir, entry.name)
      if (await isMaildir(sub)) yield* maildirItems(sub, depth + 1)
    }
  }
}

async function* directoryItems(
  dir: string,
  options: ExpandOptions,
  depth: number,
): AsyncGenerator<ArchiveItem> {
  if (await isMaildir(dir)) {
    yield* maildirItems(dir, depth)
    return
  }
  const names: Array<{ name: string; isDir: boolean; isFile: boolean }> = []
  for await (const entry of entries(dir)) names.push(entry)
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of names) {
    options.signal?.throwIfAborted()
    const full = path.join(dir, entry.name)
    if (entry.isDir) {
      if (depth < MAX_DIRECTORY_DEPTH) yield* directoryItems(full, options, depth + 1)
    } else if (entry.isFile) {
      const lower = entry.name.toLowerCase()
      if (lower.endsWith('.eml')) yield { kind: 'file', path: full, container: 'directory' }
      else if (lower.endsWith('.mbox') || lower.endsWith('.mbx')) yield* fileItems(full, options)
    }
  }
}

async function* fileItems(file: string, options: ExpandOptions): AsyncGenerator<ArchiveItem> {
  let mbox: boolean
  try {
    mbox = options.asMbox ? await startsWithFromLine(file) : await isMboxFile(file)
  } catch (error) {
    yield { kind: 'unreadable', path: file, reason: reasonOf(error) }
    return
  }
  if (!mbox) {
    yield { kind: 'file', path: file }
    return
  }
  const format = options.mboxFormat ?? 'mboxrd'
  try {
    for await (const range of scanMbox(file, { signal: options.signal }))
      yield { kind: 'mbox', path: file, format, ...range }
  } catch (error) {
    if (options.signal?.aborted) throw error
    yield { kind: 'unreadable', path: file, reason: reasonOf(error) }
  }
}

/** Every message of every path, in the order given (directories sorted by name). */
export async function* expandPaths(
  paths: string[],
  options: ExpandOptions = {},
): AsyncGenerator<ArchiveItem> {
  for (const p of paths) {
    options.signal?.throwIfAborted()
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(p)
    } catch (error) {
      yield { kind: 'unreadable', path: p, reason: reasonOf(error) }
      continue
    }
    if (info.isDirectory()) {
      try {
        yield* directoryItems(p, options, 0)
      } catch (error) {
        if (options.signal?.aborted) throw error
        yield { kind: 'unreadable', path: p, reason: reasonOf(error) }
      }
    } else yield* fileItems(p, options)
  }
}

/** The bytes of one message, streamed (a file, or an mbox range with its escaping undone). */
export function readItem(item: ArchiveItem, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  if (item.kind === 'unreadable') throw new Error(item.reason)
  if (item.kind === 'file') return createReadStream(item.path, { highWaterMark: READ_CHUNK_BYTES, signal })
  if (item.end <= item.start) return (async function* () {})()
  const raw = createReadStream(item.path, {
    start: item.start,
    end: item.end - 1,
    highWaterMark: READ_CHUNK_BYTES,
    signal,
  })
  return unescapeMbox(raw, item.format)
}

/**
 * The bytes of a message no bigger than WHOLE_READ_MAX_BYTES, read at once and synchronously; null
 * for a bigger one (stream it with readItem). For a verifier thread, which has nothing else to do
 * while it waits: a file read through streams costs open, read and close as three trips through
 * the event loop and the thread pool, about a third of a run over small messages.
 */
export function readItemWhole(item: ArchiveItem): Buffer | null {
  if (item.kind === 'unreadable') throw new Error(item.reason)
  if (item.kind === 'mbox') {
    const length = item.end - item.start
    if (length > WHOLE_READ_MAX_BYTES) return null
    return unescapeLines(readRange(item.path, item.start, length), item.format, true)
  }
  const fd = openSync(item.path, 'r')
  try {
    return readSmallFile(fd)
  } finally {
    closeSync(fd)
  }
}

// A first read into a buffer kept for the thread: most messages fit, and then a file costs open,
// one read and close, without an fstat (each a system call, and they are slow in a sandbox). A
// regular file's read comes short only at its end. A longer file is sized and read again, whole.
let scratch: Buffer | null = null

/** A whole file of at most WHOLE_READ_MAX_BYTES, or null when it is bigger. */
function readSmallFile(fd: number): Buffer | null {
  scratch ??= Buffer.allocUnsafeSlow(FIRST_READ_BYTES)
  const first = readSync(fd, scratch, 0, FIRST_READ_BYTES, 0)
  if (first < FIRST_READ_BYTES) return Buffer.from(scratch.subarray(0, first))
  const size = fstatSync(fd).size
  return size > WHOLE_READ_MAX_BYTES ? null : readAll(fd, 0, size)
}

function readRange(file: string, start: number, length: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    return readAll(fd, start, length)
  } finally {
    closeSync(fd)
  }
}

/** Up to `length` bytes from `position`: fewer when the file is shorter (it changed under us). */
function readAll(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done)
    if (read === 0) break
    done += read
  }
  return buffer.subarray(0, done)
}
