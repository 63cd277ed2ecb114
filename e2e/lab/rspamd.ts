// A private rspamd (Debian's package) for one test file: Debian's stock /etc/rspamd config with
// its own local.d, database, run and log directories in a temp dir, one scanner worker bound to
// 127.0.0.1 on a free port, no controller or proxy, DNS only to the lab's resolver. No redis.
// The system's rspamd service is never used (the install scripts keep it from starting).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const RSPAMD = '/usr/bin/rspamd'
const RSPAMC = '/usr/bin/rspamc'
/** A fresh dbdir compiles the TLD list and the regexp cache first: about 15 s here. */
const START_TIMEOUT_MS = 90_000

export interface RspamdLab {
  dir: string
  /** $DBDIR: where rspamd's fallback key path looks ($DBDIR/dkim/$domain.$selector.key). */
  dbDir: string
  port: number
  /** The message as rspamd would pass it on (`rspamc --mime`), as an authenticated user. */
  scan(message: string, user: string, from: string): Promise<string>
  log(): Promise<string>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function topConfig(port: number): string {
  // Debian's rspamd.conf without its fixed localhost ports and extra workers.
  return [
    '.include "$CONFDIR/common.conf"',
    'options {',
    '  pidfile = "$RUNDIR/rspamd.pid";',
    '  .include "$CONFDIR/options.inc"',
    '  .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"',
    '}',
    'logging { type = "file"; filename = "$LOGDIR/rspamd.log"; level = "info"; }',
    'worker "normal" {',
    `  bind_socket = "127.0.0.1:${port}";`,
    '  .include "$CONFDIR/worker-normal.inc"',
    '  count = 1;',
    '}',
    '',
  ].join('\n')
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

async function waitListening(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '')
      throw new Error(`rspamd exited (${child.exitCode ?? child.signalCode}):\n${log.slice(-3000)}`)
    }
    if (await canConnect(port)) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`rspamd did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`)
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** Starts rspamd with these local.d files (name -> text); `dns` is "address:port". `dbDir`: a
 * $DBDIR kept by the caller, so a second rspamd reuses the first one's compiled caches (~3 s
 * instead of ~15 s to start); by default a fresh one in the temp dir. */
export async function startRspamd(
  localD: Record<string, string>,
  dns: string,
  options: { dbDir?: string } = {},
): Promise<RspamdLab> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-rspamd-'))
  const dirs = {
    local: path.join(dir, 'local.d'),
    db: options.dbDir ?? path.join(dir, 'db'),
    run: path.join(dir, 'run'),
    log: path.join(dir, 'log'),
  }
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true })
  const port = await freePort()
  const files: Record<string, string> = {
    // Only the lab's resolver: no query leaves loopback, and a quick give-up for the RBLs.
    'options.inc': `dns { nameserver = ["${dns}"]; timeout = 1s; retransmits = 1; }\n`,
    ...localD,
  }
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dirs.local, name), text)
  const config = path.join(dir, 'rspamd.conf')
  await writeFile(config, topConfig(port))
  const logFile = path.join(dirs.log, 'rspamd.log')
  // -f: stays in the foreground, so stopping the child stops it; root with -i, as the key files
  // are root's 0600 (a real setup gives them to _rspamd).
  const child = spawn(
    RSPAMD,
    [
      '-f',
      '-i',
      '-u',
      'root',
      '-g',
      'root',
      '-c',
      config,
      `--var=LOCAL_CONFDIR=${dir}`,
      `--var=DBDIR=${dirs.db}`,
      `--var=RUNDIR=${dirs.run}`,
      `--var=LOGDIR=${dirs.log}`,
    ],
    { stdio: 'ignore' },
  )
  try {
    await waitListening(child, port, logFile)
  } catch (error) {
    await stopChild(child)
    throw error
  }
  return {
    dir,
    dbDir: dirs.db,
    port,
    async scan(message, user, from) {
      const file = path.join(dir, `message-${Date.now()}.eml`)
      await writeFile(file, message)
      const { stdout } = await run(
        RSPAMC,
        ['-h', `127.0.0.1:${port}`, '-t', '20', '--mime', '-i', '127.0.0.1', '-u', user, '-F', from, file],
        { timeout: 30_000, maxBuffer: 1 << 20, encoding: 'latin1' },
      )
      return stdout
    },
    log: () => readFile(logFile, 'utf8'),
    async stop() {
      await stopChild(child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
