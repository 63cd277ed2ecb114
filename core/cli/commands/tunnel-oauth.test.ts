// `mailwarden tunnel --oauth …`: the command line's mistakes, each said before anything listens or
// any password is read (the lab test e2e/tunnel/oauth-clients.lab.test.ts runs the real thing).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../engine.js'
import { runCli } from '../main.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'mw-tunnel-oauth-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function tunnel(extra: string[]) {
  const err: string[] = []
  let reads = 0
  const code = await runCli(
    [
      'tunnel',
      '--listen',
      '0',
      '--to',
      'mail.example.test:993',
      '--tls',
      'implicit-tls',
      '--protocol',
      'imap',
      ...extra,
    ],
    {
      io: { out: () => {}, err: (t) => err.push(t) },
      staticDir: dir,
      stopSignal: new Promise(() => {}),
      readStdin: async () => {
        reads++
        return 'a local password'
      },
      makeEngine: (shell) => createEngine({ configDir: dir, shell }),
    },
  )
  return { code, err: err.join('\n'), reads }
}

describe('mailwarden tunnel --oauth: usage errors', () => {
  it.each([
    [['--oauth', 'nobody'], /There is no OAuth account "nobody"/],
    [['--oauth', 'microsoft'], /--oauth microsoft needs --account ADDRESS/],
    [
      ['--oauth', 'microsoft', '--account', 'a@example.test'],
      /add --client-id ID to create it.*oauth login a-example-test/,
    ],
    [['--oauth', 'nobody', '--account', 'a@example.test'], /go with --oauth PROVIDER/],
    [['--account', 'a@example.test'], /need --oauth/],
    [['--oauth', 'nobody', '--mechanism', 'plain'], /--mechanism must be auto, xoauth2 or oauthbearer/],
  ])('%j', async (extra, message) => {
    const r = await tunnel(extra)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
    expect(r.reads).toBe(0)
  })

  it('--oauth does not go with --config', async () => {
    const r = await tunnel(['--config', '/dev/null', '--oauth', 'x'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--config takes the tunnels from the file.*--oauth/)
  })
})
