// `mailwarden oauth` end to end in-process: the CLI signs an account in against a real
// oidc-provider (test-support/provider.ts) with the device flow and with the browser flow
// (--no-browser: a fake user opens the printed URL), shows its state, and signs it out.
// Needs the keychain session (scripts/keyring-session.sh).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.js'
import { fakeUser } from '../../oauth/test-support/browser.js'
import { startTestProvider, TEST_CLIENT, type TestProvider } from '../../oauth/test-support/provider.js'
import { runCli } from '../main.js'
import { idFromAddress, parseOAuthArgs } from './oauth-args.js'

let provider: TestProvider
let dir: string

async function cli(argv: string[], onErr: (line: string) => void = () => {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, {
    io: {
      out: (t) => out.push(t),
      err: (t) => {
        err.push(t)
        onErr(t)
      },
    },
    staticDir: dir,
    stopSignal: new Promise(() => {}),
    readStdin: async () => '',
    makeEngine: (shell) => createEngine({ configDir: dir, shell }),
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

beforeAll(async () => {
  provider = await startTestProvider()
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-oauth-cli-'))
  await writeFile(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      version: 1,
      theme: 'system',
      mailClient: 'thunderbird',
      dnsServer: null,
      connectTimeoutSeconds: 15,
      extraCaFile: provider.tls.caPath,
    }),
  )
}, 30_000)

afterAll(async () => {
  await cli(['oauth', 'delete', 'alice-example-test'])
  await provider?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('mailwarden oauth', () => {
  it('parses the command line', () => {
    expect(idFromAddress('Alice.B@Example.org')).toBe('alice-b-example-org')
    expect(() => parseOAuthArgs(['login', '--provider', 'nope', '--account', 'a@b.c'])).toThrow(
      /--provider must be/,
    )
    expect(() => parseOAuthArgs(['login', '--provider', 'microsoft', '--account', 'a@b.c'])).toThrow(
      /--client-id/,
    )
    expect(parseOAuthArgs(['login', 'x', '--device'])).toMatchObject({
      action: 'login',
      id: 'x',
      device: true,
    })
  })

  it('signs in with the device flow, shows the state, signs out with revocation', async () => {
    let approval: Promise<string> | undefined
    const login = await cli(
      [
        'oauth',
        'login',
        '--provider',
        'custom',
        '--account',
        'alice@example.test',
        '--client-id',
        TEST_CLIENT,
        '--issuer',
        provider.issuer,
        '--scope',
        'openid',
        '--scope',
        'offline_access',
        '--device',
      ],
      (line) => {
        const m = /open (\S+) and enter the code (\S+)/.exec(line)
        if (m?.[1] && m[2]) approval = fakeUser(provider.tls.caPem).visit(m[1], { user_code: m[2] })
      },
    )
    await approval
    expect(login.err).toMatch(/enter the code/)
    expect(login).toMatchObject({ code: 0 })
    expect(login.out).toMatch(/^Signed in: alice-example-test {2}alice@example.test/)

    const status = await cli(['oauth', 'status', '--json'])
    expect(status.code).toBe(0)
    const parsed = JSON.parse(status.out) as { accounts: Array<{ state: string }> }
    expect(parsed.accounts).toHaveLength(1)
    expect(parsed.accounts[0]?.state).toBe('signed-in')

    const logout = await cli(['oauth', 'logout', 'alice-example-test'])
    expect(logout).toMatchObject({ code: 0 })
    expect(logout.out).toMatch(/revoked/)
    const after = await cli(['oauth', 'status', 'alice-example-test'])
    expect(after.code).toBe(1)
    expect(after.out).toMatch(/signed-out[\s\S]*mailwarden oauth login alice-example-test/)
  }, 40_000)

  it('signs in with the browser flow when the URL is printed (--no-browser)', async () => {
    let visit: Promise<string> | undefined
    const login = await cli(['oauth', 'login', 'alice-example-test', '--no-browser'], (line) => {
      const url = /https:\/\/\S+/.exec(line)?.[0]
      if (url) visit = fakeUser(provider.tls.caPem).visit(url)
    })
    expect(await visit).toContain('You can close this tab')
    expect(login).toMatchObject({ code: 0 })
  })

  it('refuses an unknown account with exit 2', async () => {
    const r = await cli(['oauth', 'login', 'nobody'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/no OAuth account "nobody"/)
  })
})
