import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/contract/index.js'
import { EventBus } from '../events/bus.js'
import { createLogger } from '../log/logger.js'
import { configDir } from './paths.js'
import { SettingsStore } from './store.js'

let dir: string
const events = new EventBus()
const log = createLogger(events)
const store = () => new SettingsStore(dir, log)

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-settings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('settings', () => {
  it('starts from defaults when there is no file, without creating one', async () => {
    const state = await store().load()
    expect(state).toEqual({
      settings: DEFAULT_SETTINGS,
      path: path.join(dir, 'settings.json'),
      recovered: null,
    })
    expect(await readdir(dir)).toEqual([])
  })

  it('leaves fields a patch does not name untouched (no defaults applied to a patch)', async () => {
    const server = {
      protocol: 'imap' as const,
      host: 'imap.lab.test',
      port: 993,
      security: 'implicit-tls' as const,
      lastFingerprintSha256: null,
    }
    const account = {
      id: 'a1',
      label: 'Lab',
      target: 'alice@lab.test',
      client: 'thunderbird',
      servers: [server],
      secretAccount: null,
      savedAt: '2026-01-01T00:00:00Z',
      lastCheckedAt: null,
    }
    const caFile = path.join(dir, 'lab.pem')
    await writeFile(caFile, tls.rootCertificates[0] ?? '')
    await store().update({ accounts: [account], extraCaFile: caFile })
    await store().update({ theme: 'dark' })
    const again = await store().load()
    expect(again.settings.accounts).toEqual([account])
    expect(again.settings.extraCaFile).toBe(caFile)
  })

  it('checks a CA file when it is set: missing, relative or no certificate is refused, nothing saved', async () => {
    const notes = path.join(dir, 'notes.txt')
    await writeFile(notes, 'hello\n')
    for (const [file, why] of [
      [path.join(dir, 'missing.pem'), /does not exist/],
      ['lab.pem', /not a full path/],
      [notes, /no usable PEM certificate/],
    ] as const)
      await expect(store().update({ extraCaFile: file, theme: 'dark' })).rejects.toThrow(why)
    expect(await readdir(dir)).toEqual(['notes.txt'])
  })

  it('reads a version-1 file written before accounts and tunnels existed', async () => {
    const old = {
      version: 1,
      theme: 'light',
      mailClient: 'outlook',
      dnsServer: null,
      connectTimeoutSeconds: 20,
    }
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify(old))
    const state = await store().load()
    expect(state.recovered).toBeNull()
    expect(state.settings).toMatchObject({ ...old, accounts: [], tunnels: [], extraCaFile: null })
  })

  it('reads tunnels saved with the old security words (implicit, plain) in the one spelling', async () => {
    const tunnel = (id: string, mode: string, localTls: string) => ({
      id,
      name: id,
      listenPort: 0,
      upstreamHost: 'imap.lab.test',
      upstreamPort: mode === 'starttls' ? 143 : 993,
      mode,
      protocol: 'imap',
      localTls,
    })
    const old = {
      version: 1,
      theme: 'light',
      mailClient: 'outlook',
      dnsServer: null,
      connectTimeoutSeconds: 20,
      tunnels: [tunnel('old', 'implicit', 'plain'), tunnel('lan', 'starttls', 'implicit')],
    }
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify(old))
    const state = await store().load()
    expect(state.recovered).toBeNull()
    expect(state.settings.tunnels.map((t) => [t.id, t.mode, t.localTls])).toEqual([
      ['old', 'implicit-tls', 'plaintext'],
      ['lan', 'starttls', 'implicit-tls'],
    ])
  })

  it('still sets aside a tunnel whose security is no word at all', async () => {
    const bad = {
      version: 1,
      theme: 'light',
      mailClient: 'outlook',
      dnsServer: null,
      connectTimeoutSeconds: 20,
      tunnels: [
        {
          id: 'x',
          name: 'x',
          listenPort: 0,
          upstreamHost: 'h',
          upstreamPort: 993,
          mode: 'ssl',
          protocol: 'imap',
        },
      ],
    }
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify(bad))
    const state = await store().load()
    expect(state.recovered).not.toBeNull()
    expect(state.settings.tunnels).toEqual([])
  })

  it('writes changes that a new store (a restart) reads back', async () => {
    await store().update({ theme: 'dark', dnsServer: '127.0.0.53:53' })
    const again = await store().load()
    expect(again.settings).toMatchObject({
      theme: 'dark',
      dnsServer: '127.0.0.53:53',
      mailClient: 'thunderbird',
    })
  })

  it('leaves no temp files behind and keeps the file private', async () => {
    await store().update({ theme: 'light' })
    expect(await readdir(dir)).toEqual(['settings.json'])
    const { mode } = await import('node:fs/promises').then((fs) => fs.stat(path.join(dir, 'settings.json')))
    expect(mode & 0o077).toBe(0)
  })

  it('applies quick successive updates in order, losing none', async () => {
    const s = store()
    await Promise.all([
      s.update({ theme: 'dark' }),
      s.update({ mailClient: 'outlook' }),
      s.update({ connectTimeoutSeconds: 30 }),
    ])
    const again = await store().load()
    expect(again.settings).toMatchObject({ theme: 'dark', mailClient: 'outlook', connectTimeoutSeconds: 30 })
  })

  it('refuses an invalid value and keeps the file as it was', async () => {
    const s = store()
    await s.update({ theme: 'dark' })
    // @ts-expect-error: the UI is not trusted; the schema must catch what the types would.
    await expect(s.update({ connectTimeoutSeconds: 0, theme: 'purple' })).rejects.toThrow(/invalid/)
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')).theme).toBe('dark')
  })

  it('keeps a corrupt file aside, reports it, and uses defaults', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{"version":1,"theme":')
    const lines: string[] = []
    const off = events.on('log', (line) => lines.push(line.message))
    const state = await store().load()
    off()
    expect(state.settings).toEqual(DEFAULT_SETTINGS)
    expect(state.recovered?.reason).toMatch(/not valid JSON/)
    expect(await readFile(state.recovered?.backupPath ?? '', 'utf8')).toBe('{"version":1,"theme":')
    expect(lines.join('\n')).toMatch(/kept as .*settings\.json\.corrupt-/)
  })

  it('tells every caller at start-up that a corrupt file was set aside, not only the first', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{ not json')
    const settings = store()
    const [a, b] = await Promise.all([settings.load(), settings.load()])
    expect(a.recovered?.reason).toMatch(/not valid JSON/)
    expect(b.recovered).toEqual(a.recovered)
  })

  it('keeps aside a file that is JSON but not our settings', async () => {
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, theme: 'purple' }))
    const state = await store().load()
    expect(state.recovered?.reason).toMatch(/does not match the settings format.*theme/)
    const files = await readdir(dir)
    expect(files.some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true)
  })

  it('clears the recovery notice once the user saves again', async () => {
    await writeFile(path.join(dir, 'settings.json'), 'garbage')
    const s = store()
    expect((await s.load()).recovered).not.toBeNull()
    expect((await s.update({ theme: 'light' })).recovered).toBeNull()
    expect((await store().load()).recovered).toBeNull()
  })

  it('finds the config directory the platform way', () => {
    expect(configDir({ MAILWARDEN_CONFIG_DIR: '/x/y' }, 'linux')).toBe('/x/y')
    expect(configDir({ HOME: '/home/a', XDG_CONFIG_HOME: '/home/a/.cfg' }, 'linux')).toBe(
      '/home/a/.cfg/mailwarden',
    )
    expect(configDir({ HOME: '/home/a', XDG_CONFIG_HOME: 'relative' }, 'linux')).toBe(
      '/home/a/.config/mailwarden',
    )
    expect(configDir({ HOME: '/Users/a' }, 'darwin')).toBe('/Users/a/Library/Application Support/Mailwarden')
    expect(configDir({ HOME: 'C:\\Users\\a', APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain(
      'Mailwarden',
    )
  })
})
