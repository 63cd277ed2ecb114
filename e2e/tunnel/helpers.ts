// Test helpers for the tunnel: a tunnel started in this process against the lab, a raw client
// that reads what the tunnel says, real clients (curl, Python) run as child processes, fd counts.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { createResolver } from '../../core/dns/resolver.js'
import { cachedResolve, trustPolicy } from '../../core/tunnel/runtime.js'
import type { SignInRuntime } from '../../core/tunnel/sign-in/gate.js'
import { Tunnel } from '../../core/tunnel/tunnel.js'
import type { ConnectionRecord } from '../../shared/contract/tunnel.js'
import { TunnelConfig, type TunnelConfigInput } from '../../shared/contract/tunnel-config.js'
import { getLab } from '../lab/lab.js'

export interface TestTunnel {
  tunnel: Tunnel
  port: number
  records: ConnectionRecord[]
  warnings: string[]
  /** The next record (the connection's end); resolves at once if one is already there. */
  nextRecord(): Promise<ConnectionRecord>
  stop(): Promise<void>
}

export async function startTunnel(
  config: Partial<TunnelConfigInput> &
    Pick<TunnelConfigInput, 'upstreamHost' | 'upstreamPort' | 'mode' | 'protocol'>,
  options: {
    timeoutMs?: number
    idleTimeoutMs?: number
    resolve?: (host: string) => Promise<string>
    /** A tunnel with `oauth`: its token source and local password. */
    signIn?: SignInRuntime
  } = {},
): Promise<TestTunnel> {
  const lab = getLab()
  const parsed = TunnelConfig.parse({
    id: 'test',
    name: 'test',
    listenPort: 0,
    caFile: lab.caPath,
    ...config,
  })
  const records: ConnectionRecord[] = []
  const warnings: string[] = []
  const waiters: ((r: ConnectionRecord) => void)[] = []
  let taken = 0
  const tunnel = new Tunnel(parsed, {
    trust: await trustPolicy(parsed, null),
    timeoutMs: options.timeoutMs ?? 5_000,
    idleTimeoutMs: options.idleTimeoutMs,
    resolve: options.resolve ?? cachedResolve(async () => createResolver({ server: lab.dns.server })),
    onRecord: (record) => {
      records.push(record)
      waiters.shift()?.(record)
    },
    warn: (message) => warnings.push(message),
    signIn: options.signIn ?? null,
  })
  const { port } = await tunnel.start()
  return {
    tunnel,
    port,
    records,
    warnings,
    nextRecord: () => {
      const index = taken++
      const ready = records[index]
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve))
    },
    stop: () => tunnel.stop(),
  }
}

/** Connects, sends each line after the previous answer arrived, returns all it read until close. */
export function talk(
  port: number,
  lines: string[],
  options: { timeoutMs?: number; waitMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    let received = ''
    const queue = [...lines]
    let timer: NodeJS.Timeout | null = null
    const deadline = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within ${options.timeoutMs ?? 8000} ms; got ${JSON.stringify(received)}`))
    }, options.timeoutMs ?? 8000)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (timer) clearTimeout(timer)
      // After a pause in what arrives, the next line goes out (or the socket is ended).
      timer = setTimeout(() => {
        const next = queue.shift()
        if (next === undefined) socket.end()
        else socket.write(`${next}\r\n`)
      }, options.waitMs ?? 150)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(deadline)
      if (timer) clearTimeout(timer)
      resolve(received)
    })
  })
}

export interface Run {
  code: number
  stdout: string
  stderr: string
}

export function run(command: string, args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

export const PYTHON_CLIENTS = path.join(import.meta.dirname, 'clients.py')

export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length
}

/** Polls the Maildir of the lab user for a message with this subject (Exim delivers in ~1 s). */
export async function waitForMessage(subject: string, timeoutMs = 10_000): Promise<boolean> {
  const lab = getLab()
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    for (const folder of ['new', 'cur']) {
      const dir = path.join(lab.maildir, folder)
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const text = fs.readFileSync(path.join(dir, name), 'latin1')
        if (text.includes(`Subject: ${subject}`)) return true
      }
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}
