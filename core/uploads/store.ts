// Messages uploaded by a browser tab, waiting for the operation that names them. Each is a temp
// file (mode 0600, in a private directory) so that waiting uploads cost no memory; it is deleted
// when taken, when it expires, or when the store is closed. Ids are 128 random bits.
// An archive (an mbox) is not read into memory: a run claims the file and reads it in place,
// then releases it (deleted). The desktop app registers the user's own file instead (adopt), which
// is read in place and never deleted.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { ARCHIVE_UPLOAD_MAX_BYTES, MESSAGE_SOURCE_MAX_BYTES } from '../../shared/contract/index.js'

/** The largest upload accepted; the reading stops (and the connection ends) at this byte. */
export const UPLOAD_MAX_BYTES = MESSAGE_SOURCE_MAX_BYTES
/** An upload not used within this time is deleted: the page uses it at once, a leftover is litter. */
export const UPLOAD_TTL_MS = 10 * 60 * 1000
/** Uploads stored or in progress at once; stops a page (or a bug) filling the disk. */
export const MAX_STORED_UPLOADS = 16
/** An upload that sends nothing for this long is dropped, so a stalled one cannot hold a slot. */
export const UPLOAD_IDLE_TIMEOUT_MS = 30 * 1000
/**
 * Archives waiting, uploading or being verified at once: each may be ARCHIVE_UPLOAD_MAX_BYTES of
 * temporary disk, so a page (or a bug) cannot fill the disk with them.
 */
export const MAX_STORED_ARCHIVES = 2

export type UploadRefusal =
  | { kind: 'too-large'; limit: number; noun?: string }
  | { kind: 'too-many'; limit: number }
  | { kind: 'aborted' }
  | { kind: 'io'; message: string }

export class UploadRefusedError extends Error {
  constructor(readonly refusal: UploadRefusal) {
    super(refusalSentence(refusal))
    this.name = 'UploadRefusedError'
  }
}

export function refusalSentence(refusal: UploadRefusal): string {
  switch (refusal.kind) {
    case 'too-large':
      return `The ${refusal.noun ?? 'message'} is larger than Mailwarden accepts (${sizeWords(refusal.limit)}).`
    case 'too-many':
      return `Already ${refusal.limit} uploads are waiting to be verified; wait for them to finish and try again.`
    case 'aborted':
      return 'The upload was interrupted before it was complete; nothing was kept.'
    case 'io':
      return `The upload could not be stored: ${refusal.message}`
  }
}

function sizeWords(bytes: number): string {
  const gib = bytes / 1024 ** 3
  return gib >= 1 && Number.isInteger(gib) ? `${gib} GiB` : `${Math.round(bytes / (1024 * 1024))} MiB`
}

export interface StoredUpload {
  id: string
  size: number
  expiresAt: number
}

interface Entry extends StoredUpload {
  file: string
  timer: ReturnType<typeof setTimeout>
  /** False for a file adopted in place (the user's own): never deleted. */
  owned: boolean
}

/** A file claimed by a run: read it in place, then release it (deleted when it was a copy). */
export interface ClaimedUpload {
  file: string
  size: number
  release(): Promise<void>
}

export interface UploadStoreOptions {
  maxBytes?: number
  ttlMs?: number
  maxStored?: number
  idleTimeoutMs?: number
  /** Parent of the private directory (tests); the system's temp directory by default. */
  tmpDir?: string
  /** What an upload is, in refusals: "message" (default) or "mbox". */
  noun?: string
  now?: () => number
}

export type TakeResult = { ok: true; bytes: Buffer } | { ok: false; reason: 'unknown' | 'expired' }
export type ClaimResult = ({ ok: true } & ClaimedUpload) | { ok: false; reason: 'unknown' | 'expired' }

export class UploadStore {
  readonly maxBytes: number
  readonly ttlMs: number
  readonly maxStored: number
  readonly idleTimeoutMs: number
  readonly noun: string
  private readonly tmpParent: string
  private readonly now: () => number
  private dir: Promise<string> | null = null
  private readonly entries = new Map<string, Entry>()
  /** Ids that expired recently, so a late use says "expired" rather than "unknown". */
  private readonly expired = new Set<string>()
  private inProgress = 0
  /** Claimed by a run and not yet released: they still hold disk. */
  private claimed = 0

  constructor(options: UploadStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? UPLOAD_MAX_BYTES
    this.ttlMs = options.ttlMs ?? UPLOAD_TTL_MS
    this.maxStored = options.maxStored ?? MAX_STORED_UPLOADS
    this.idleTimeoutMs = options.idleTimeoutMs ?? UPLOAD_IDLE_TIMEOUT_MS
    this.noun = options.noun ?? 'message'
    this.tmpParent = options.tmpDir ?? os.tmpdir()
    this.now = options.now ?? Date.now
  }

  /** Uploads stored, in progress and claimed by a run. */
  get size(): number {
    return this.entries.size + this.inProgress + this.claimed
  }

  /** Whether one more upload fits; the route asks before it reads a byte. */
  hasRoom(): boolean {
    return this.size < this.maxStored
  }

  private directory(): Promise<string> {
    this.dir ??= mkdtemp(path.join(this.tmpParent, 'mailwarden-uploads-'))
    return this.dir
  }

  /**
   * Streams `input` to a new upload, counting bytes as they arrive: past `maxBytes` it stops
   * reading, deletes what it wrote and throws (the caller ends the connection). Never buffers.
   */
  async receive(input: Readable): Promise<StoredUpload> {
    if (!this.hasRoom()) throw new UploadRefusedError({ kind: 'too-many', limit: this.maxStored })
    this.inProgress++
    const id = `up-${randomBytes(16).toString('hex')}`
    let file: string | null = null
    try {
      file = path.join(await this.directory(), id)
      const size = await this.copy(input, file)
      const expiresAt = this.now() + this.ttlMs
      const timer = setTimeout(() => void this.expire(id), this.ttlMs)
      timer.unref()
      this.entries.set(id, { id, size, expiresAt, file, timer, owned: true })
      return { id, size, expiresAt }
    } catch (error) {
      if (file) await unlink(file).catch(() => {})
      if (error instanceof UploadRefusedError) throw error
      throw new UploadRefusedError({ kind: 'io', message: (error as Error).message })
    } finally {
      this.inProgress--
    }
  }

  private copy(input: Readable, file: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const out = createWriteStream(file, { mode: 0o600, flags: 'wx' })
      let size = 0
      let settled = false
      const fail = (error: Error) => {
        if (settled) return
        settled = true
        input.unpipe(out)
        out.destroy()
        reject(error)
      }
      input.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > this.maxBytes) {
          input.pause()
          fail(new UploadRefusedError({ kind: 'too-large', limit: this.maxBytes, noun: this.noun }))
        }
      })
      input.on('aborted', () => fail(new UploadRefusedError({ kind: 'aborted' })))
      input.on('error', () => fail(new UploadRefusedError({ kind: 'aborted' })))
      input.on('close', () => {
        if (!input.readableEnded) fail(new UploadRefusedError({ kind: 'aborted' }))
      })
      out.on('error', fail)
      out.on('finish', () => {
        if (settled) return
        settled = true
        resolve(size)
      })
      input.pipe(out)
    })
  }

  /** The upload's bytes, deleted on the way: an id works once. */
  async take(id: string): Promise<TakeResult> {
    const entry = this.entries.get(id)
    if (!entry) return { ok: false, reason: this.expired.has(id) ? 'expired' : 'unknown' }
    this.entries.delete(id)
    clearTimeout(entry.timer)
    try {
      if (this.now() >= entry.expiresAt) {
        this.remember(id)
        return { ok: false, reason: 'expired' }
      }
      return { ok: true, bytes: await readFile(entry.file) }
    } finally {
      if (entry.owned) await unlink(entry.file).catch(() => {})
    }
  }

  /** Where a waiting upload's file is, without using it up (to check it before a run starts). */
  peek(id: string): { ok: true; file: string } | { ok: false; reason: 'unknown' | 'expired' } {
    const entry = this.entries.get(id)
    if (!entry || this.now() >= entry.expiresAt)
      return { ok: false, reason: entry || this.expired.has(id) ? 'expired' : 'unknown' }
    return { ok: true, file: entry.file }
  }

  /**
   * The upload's file, for a run to read in place: the id is used up (as with take), the expiry
   * no longer applies, and the file is kept until `release` (which deletes a copy, never an adopted file).
   */
  claim(id: string): ClaimResult {
    const entry = this.entries.get(id)
    if (!entry) return { ok: false, reason: this.expired.has(id) ? 'expired' : 'unknown' }
    this.entries.delete(id)
    clearTimeout(entry.timer)
    if (this.now() >= entry.expiresAt) {
      this.remember(id)
      if (entry.owned) void unlink(entry.file).catch(() => {})
      return { ok: false, reason: 'expired' }
    }
    this.claimed++
    let released = false
    return {
      ok: true,
      file: entry.file,
      size: entry.size,
      release: async () => {
        if (released) return
        released = true
        this.claimed--
        if (entry.owned) await unlink(entry.file).catch(() => {})
      },
    }
  }

  /**
   * Registers a file in place (the desktop app: the file the user picked, by the path Electron
   * gave). It is never copied or deleted; only a regular file is accepted.
   */
  async adopt(file: string): Promise<StoredUpload> {
    if (!path.isAbsolute(file))
      throw new UploadRefusedError({ kind: 'io', message: 'the path is not absolute.' })
    if (!this.hasRoom()) throw new UploadRefusedError({ kind: 'too-many', limit: this.maxStored })
    let size: number
    try {
      const info = await stat(file)
      if (!info.isFile()) throw new Error(`${path.basename(file)} is not a file.`)
      size = info.size
    } catch (error) {
      throw new UploadRefusedError({ kind: 'io', message: (error as Error).message })
    }
    const id = `up-${randomBytes(16).toString('hex')}`
    const expiresAt = this.now() + this.ttlMs
    const timer = setTimeout(() => void this.expire(id), this.ttlMs)
    timer.unref()
    this.entries.set(id, { id, size, expiresAt, file, timer, owned: false })
    return { id, size, expiresAt }
  }

  private remember(id: string): void {
    this.expired.add(id)
    // Bounded: only the latest few matter for the sentence.
    if (this.expired.size > this.maxStored * 4) {
      const oldest = this.expired.values().next().value
      if (oldest !== undefined) this.expired.delete(oldest)
    }
  }

  private async expire(id: string): Promise<void> {
    const entry = this.entries.get(id)
    if (!entry) return
    this.entries.delete(id)
    this.remember(id)
    if (entry.owned) await unlink(entry.file).catch(() => {})
  }

  /** Deletes every stored upload and the private directory. */
  async close(): Promise<void> {
    for (const entry of this.entries.values()) clearTimeout(entry.timer)
    this.entries.clear()
    if (this.dir) {
      const dir = await this.dir.catch(() => null)
      this.dir = null
      if (dir) await rm(dir, { recursive: true, force: true })
    }
  }
}

let shared: UploadStore | null = null
let sharedArchives: UploadStore | null = null

/**
 * The process's one store: the web host writes to it and the engine's readMessageSource takes
 * from it (both run in the `mailwarden ui` process; the engine context knows nothing of uploads).
 */
export function sharedUploadStore(): UploadStore {
  shared ??= new UploadStore()
  return shared
}

/** The process's store of archives (mbox files): its own bound and count, read in place by a run. */
export function sharedArchiveStore(): UploadStore {
  sharedArchives ??= new UploadStore({
    maxBytes: ARCHIVE_UPLOAD_MAX_BYTES,
    maxStored: MAX_STORED_ARCHIVES,
    noun: 'mbox',
  })
  return sharedArchives
}
