import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { inProcessCli } from './test-support/run-cli.js'

const root = path.resolve(import.meta.dirname, '..', '..')
const { cli, dir } = inProcessCli('mw-cli-', { eachTest: true })

describe('mailwarden CLI', () => {
  it('prints help with the commands and exit codes', async () => {
    const { code, out } = await cli(['--help'])
    expect(code).toBe(0)
    expect(out).toMatch(/Usage: mailwarden <command>/)
    expect(out).toMatch(/ui +Serve the Mailwarden window/)
    expect(out).toMatch(/Exit codes:/)
  })

  it('prints the version, as JSON too', async () => {
    expect((await cli(['--version'])).out).toMatch(/^\d+\.\d+\.\d+$/)
    expect(JSON.parse((await cli(['--version', '--json'])).out)).toHaveProperty('version')
  })

  it('says in one sentence on stderr when a command is unknown (exit 2)', async () => {
    const { code, out, err } = await cli(['frobnicate'])
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toBe('Unknown command "frobnicate"; run mailwarden --help to see the commands.')
  })

  it('refuses an unknown flag (exit 2)', async () => {
    const { code, err } = await cli(['ui', '--bind', '0.0.0.0'])
    expect(code).toBe(2)
    expect(err).toMatch(/--bind.*mailwarden ui --help/)
  })

  it('shows and changes settings, with JSON for scripts', async () => {
    const set = await cli(['settings', 'set', 'theme=dark', 'dnsServer=127.0.0.53:53', '--json'])
    expect(set.code).toBe(0)
    expect(JSON.parse(set.out).settings).toMatchObject({ theme: 'dark', dnsServer: '127.0.0.53:53' })
    const get = await cli(['settings'])
    expect(get.out).toMatch(/theme = dark/)
    const clear = await cli(['settings', 'set', 'dnsServer=none', '--json'])
    expect(JSON.parse(clear.out).settings.dnsServer).toBeNull()
  })

  it('explains an invalid setting (exit 2)', async () => {
    const { code, err } = await cli(['settings', 'set', 'dnsServer=my-router'])
    expect(code).toBe(2)
    expect(err).toMatch(/dnsServer: a DNS server is an IP address/)
  })
})

describe('mailwarden ui (a real process)', () => {
  it('prints one line with the URL and token, listens on 127.0.0.1, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'core/cli/bin.ts'), 'ui', '--no-open'],
      {
        cwd: root,
        env: { ...process.env, MAILWARDEN_CONFIG_DIR: dir(), MAILWARDEN_RENDERER_DIR: dir() },
      },
    )
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    )
    expect(line).toMatch(/^Mailwarden is running at http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('says clearly when the port is taken (exit 3)', async () => {
    const net = await import('node:net')
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const { code, err } = await cli(['ui', '--no-open', '--port', String(port)])
    blocker.close()
    expect(code).toBe(3)
    expect(err).toBe(`Port ${port} on 127.0.0.1 is already in use; choose another with --port or omit it.`)
  })
})
