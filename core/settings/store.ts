// Settings as one JSON file, schema-checked on every read and write. A file that cannot be read
// is renamed aside (never deleted) and reported, and defaults are used until the user saves.
import { mkdir, readFile, rename, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  DEFAULT_SETTINGS,
  Settings,
  type SettingsPatch,
  type SettingsRecovery,
  type SettingsState,
} from '../../shared/contract/index.js'
import { describeIssues } from '../api/dispatch.js'
import { EngineError } from '../api/errors.js'
import type { Logger } from '../log/logger.js'
import { CaFileError, readCaFile } from '../net/ca-file.js'
import { writeFileAtomic } from './atomic-write.js'
import { upgradeOldSpellings } from './old-spellings.js'
import { SETTINGS_FILE } from './paths.js'

/** A settings file is a few hundred bytes; anything far larger is not ours. */
const MAX_SETTINGS_BYTES = 64 * 1024

/** The extra CA file must be an absolute path (the engine's working directory is not the user's)
 * to a readable PEM file with at least one certificate. */
export async function checkCaFile(file: string): Promise<void> {
  if (!path.isAbsolute(file))
    throw new EngineError(
      'invalid-request',
      `The CA file ${file} is not a full path; give the whole path, such as /etc/ssl/company-ca.pem.`,
    )
  try {
    await readCaFile(file)
  } catch (error) {
    if (error instanceof CaFileError) throw new EngineError('invalid-request', error.message)
    throw error
  }
}

export class SettingsStore {
  readonly file: string
  /** The first read, shared: two callers at start-up must not both read (the second would find a
   * corrupt file already set aside and lose the notice that says so). */
  #cache: Promise<SettingsState> | undefined
  /** Updates run one after another so two quick saves cannot interleave. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, SETTINGS_FILE)
  }

  load(): Promise<SettingsState> {
    this.#cache ??= this.#read().catch((error: unknown) => {
      this.#cache = undefined // a file that could not be read is tried again next time
      throw error
    })
    return this.#cache
  }

  update(patch: SettingsPatch): Promise<SettingsState> {
    const run = this.#queue.then(async () => {
      const current = await this.load()
      const next = Settings.safeParse({ ...current.settings, ...patch })
      if (!next.success) {
        throw new EngineError('invalid-request', `These settings are invalid: ${describeIssues(next.error)}.`)
      }
      // A CA file is checked when it is set, not at the next probe: nothing is saved if it fails.
      if (typeof patch.extraCaFile === 'string') await checkCaFile(patch.extraCaFile)
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      await writeFileAtomic(this.file, `${JSON.stringify(next.data, null, 2)}\n`)
      // Once saved, the file is good again; the recovery notice has done its job.
      const saved: SettingsState = { settings: next.data, path: this.file, recovered: null }
      this.#cache = Promise.resolve(saved)
      return saved
    })
    this.#queue = run.catch(() => {})
    return run
  }

  async #read(): Promise<SettingsState> {
    const fresh = { settings: DEFAULT_SETTINGS, path: this.file, recovered: null }
    let text: string
    try {
      const info = await stat(this.file)
      if (info.size > MAX_SETTINGS_BYTES)
        return this.#setAside(`it is ${info.size} bytes, far larger than settings`)
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fresh
      throw new EngineError(
        'internal',
        `The settings file ${this.file} cannot be read: ${(error as Error).message}`,
      )
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      return this.#setAside(`it is not valid JSON (${(error as Error).message})`)
    }
    const parsed = Settings.safeParse(upgradeOldSpellings(json))
    if (!parsed.success)
      return this.#setAside(`it does not match the settings format (${describeIssues(parsed.error)})`)
    return { settings: parsed.data, path: this.file, recovered: null }
  }

  async #setAside(reason: string): Promise<SettingsState> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const backupPath = `${this.file}.corrupt-${stamp}`
    await rename(this.file, backupPath)
    const recovered: SettingsRecovery = { backupPath, reason }
    this.log.warn(
      'settings',
      `The settings file could not be used because ${reason}; it was kept as ${backupPath}.`,
    )
    return { settings: DEFAULT_SETTINGS, path: this.file, recovered }
  }
}
