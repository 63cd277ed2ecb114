// Against the real OS keychain: GNOME Keyring on a private D-Bus session, which `npm test`
// (scripts/test-all.mjs) starts fresh and unlocked for every run.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKeychain, KEYCHAIN_SERVICE } from './keychain.js'

const root = path.resolve(import.meta.dirname, '..', '..')

function secretTool(...args: string[]) {
  return spawnSync('secret-tool', args, { encoding: 'utf8' })
}

describe('OS keychain', () => {
  it('runs inside the keychain session that npm test provides', () => {
    expect(
      process.env.MAILWARDEN_KEYRING_SESSION,
      'run through `npm test`, which starts a GNOME Keyring',
    ).toBe('1')
  })

  it('stores, lists, reads and deletes a secret in GNOME Keyring', async () => {
    const keychain = createKeychain()
    const account = `imap:alice@lab.test@${randomBytes(4).toString('hex')}`
    const secret = `pä$$ word ${randomBytes(8).toString('hex')}`
    expect(await keychain.status()).toMatchObject({ available: true })
    await keychain.set(account, secret)
    expect(await keychain.get(account)).toBe(secret)
    expect(await keychain.list()).toContain(account)
    // Another client of the same Secret Service sees it: it really is in the keyring.
    const lookup = secretTool('lookup', 'service', KEYCHAIN_SERVICE, 'account', account)
    expect(lookup.stdout).toBe(secret)
    expect(await keychain.delete(account)).toBe(true)
    expect(await keychain.get(account)).toBeNull()
    expect(await keychain.delete(account)).toBe(false)
  })

  it('refuses, with a reason, when no keychain is reachable; nothing is written to disk', async () => {
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'mw-no-keychain-'))
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'core/cli/bin.ts'), 'secrets', 'set', 'someone'],
      {
        input: 'hunter2\n',
        encoding: 'utf8',
        cwd: root,
        env: {
          ...process.env,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
          DISPLAY: '',
          MAILWARDEN_CONFIG_DIR: configDir,
        },
      },
    )
    expect(result.status).toBe(3)
    expect(result.stderr).toMatch(
      /OS keychain is not available \(there is no session bus.*will not write them to a file/,
    )
    expect(result.stderr).not.toContain('hunter2')
    expect(await readdir(configDir)).toEqual([])
    await rm(configDir, { recursive: true, force: true })
  })
})
