// The relays under benchmark, each in a process of its own so its memory and descriptors can be
// read: Mailwarden's tunnel and the plain Node pipe (bundled with esbuild, so no TypeScript loader
// runs in the measured process, and forked), and stunnel4 in client mode, one service per upstream.
import { type ChildProcess, fork, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { build } from 'esbuild'

/** Where a relay connects: a lab name (TLS checks it) at a lab address. */
export interface Upstream {
  host: string
  address: string
  port: number
}

export interface Measure {
  rss: number
  heapUsed: number
  fds: number
  active: number
}

export interface Child {
  process: ChildProcess
  port: number
  measure(): Promise<Measure>
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listens on ${port}`)
}

export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}

/** User + system CPU seconds a process has used (/proc/PID/stat, clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const fields = (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export function fdsOf(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length
}

export class Relays {
  constructor(
    private readonly work: string,
    private readonly caPath: string,
  ) {}

  async #bundle(name: string): Promise<string> {
    const bundle = path.join(this.work, `${name}.mjs`)
    if (!fs.existsSync(bundle))
      await build({
        entryPoints: [path.join(import.meta.dirname, `${name}.ts`)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: bundle,
        logLevel: 'error',
      })
    return bundle
  }

  async #fork(name: string, args: string[]): Promise<Child> {
    const child = fork(await this.#bundle(name), args, {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port))
      child.once('exit', (code) => reject(new Error(`${name} exited ${code}`)))
    })
    return {
      process: child,
      port,
      measure: () =>
        new Promise((resolve) => {
          child.once('message', resolve as (m: unknown) => void)
          child.send('measure')
        }),
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', () => resolve())
          child.send('stop')
        }),
    }
  }

  /** Mailwarden's tunnel with its protocol filters, implicit TLS upstream. */
  mailwarden(upstream: Upstream, protocol: 'imap' | 'pop3' | 'smtp'): Promise<Child> {
    const config = {
      id: 'bench',
      name: 'bench',
      listenPort: 0,
      upstreamHost: upstream.host,
      upstreamPort: upstream.port,
      mode: 'implicit-tls',
      protocol,
      caFile: this.caPath,
    }
    return this.#fork('tunnel-child', [JSON.stringify(config), upstream.address])
  }

  /** bench/lib/plain-pipe.ts: Node's net and tls joined with pipe(), nothing else. */
  plainPipe(upstream: Upstream): Promise<Child> {
    const args = {
      address: upstream.address,
      port: upstream.port,
      servername: upstream.host,
      caFile: this.caPath,
    }
    return this.#fork('plain-pipe', [JSON.stringify(args)])
  }

  /** One stunnel4 process, a client-mode service per upstream (chain and name verified). */
  async stunnel(upstreams: Upstream[]): Promise<{ ports: number[]; pid: number; stop(): void }> {
    const ports: number[] = []
    let conf = 'foreground = yes\npid =\ndebug = err\n'
    for (const [i, upstream] of upstreams.entries()) {
      const port = await freePort()
      ports.push(port)
      conf += `[service${i}]\nclient = yes\naccept = 127.0.0.1:${port}\nconnect = ${upstream.address}:${upstream.port}\nverifyChain = yes\nCAfile = ${this.caPath}\ncheckHost = ${upstream.host}\nsni = ${upstream.host}\nsslVersionMin = TLSv1.2\n`
    }
    const file = path.join(this.work, 'stunnel.conf')
    fs.writeFileSync(file, conf)
    const child = spawn('stunnel4', [file], { stdio: ['ignore', 'ignore', 'inherit'] })
    for (const port of ports) await waitListening(port)
    return { ports, pid: child.pid ?? 0, stop: () => child.kill('SIGTERM') }
  }
}
