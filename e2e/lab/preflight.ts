// Checks before anything starts, each failing with one line that says what to do.
import fs from 'node:fs'
import { LabError, run } from './exec.js'
import { DOVECOT_IMAP } from './flawed.js'
import { perditionBinaryLib } from './perdition.js'
import { ADDR, LISTENS, type ServerKey } from './topology.js'

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError(
      'the mail lab must run as root (it binds ports below 1024 and starts daemons that switch users); run it with sudo or as root',
    )
  }
}

const BINARIES: Record<string, string> = {
  exim4: '/usr/sbin/exim4',
  dovecot: '/usr/sbin/dovecot',
  'dovecot imap': DOVECOT_IMAP,
  'dovecot lmtp': '/usr/lib/dovecot/lmtp',
  'dovecot pop3': '/usr/lib/dovecot/pop3',
  'perdition.imap4': '/usr/sbin/perdition.imap4',
  'perdition.pop3': '/usr/sbin/perdition.pop3',
  'perdition posix_regex popmap': perditionBinaryLib(),
  dnsmasq: '/usr/sbin/dnsmasq',
  nginx: '/usr/sbin/nginx',
  socat: '/usr/bin/socat',
  openssl: '/usr/bin/openssl',
  ss: '/usr/bin/ss',
  useradd: '/usr/sbin/useradd',
}

export function requireBinaries(): void {
  const missing = Object.entries(BINARIES)
    .filter(([, file]) => !fs.existsSync(file))
    .map(([name]) => name)
  if (missing.length > 0)
    throw new LabError(`missing ${missing.join(', ')}; run: bash e2e/lab/install-packages.sh`)
}

export function requireSaneStateDir(root: string): void {
  if (/\s/.test(root))
    throw new LabError(
      `state dir "${root}" contains whitespace, which daemon configs cannot quote; set MAILWARDEN_LAB_DIR to a path without spaces`,
    )
}

export interface Listener {
  proto: 'tcp' | 'udp'
  address: string
  port: number
  process: string
}

/** Every listening TCP socket and bound UDP socket, from `ss`. */
export function listeners(): Listener[] {
  const r = run('ss', ['-H', '-lntup'])
  const out: Listener[] = []
  for (const line of r.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/)
    if (cols.length < 5) continue
    const proto = cols[0] === 'udp' ? 'udp' : cols[0] === 'tcp' ? 'tcp' : undefined
    const local = cols[4]
    if (!proto || !local) continue
    const m = /^\[?(.*?)\]?(?:%\S+)?:(\d+|\*)$/.exec(local)
    if (!m || m[2] === '*') continue
    const proc = /users:\(\("([^"]+)",pid=(\d+)/.exec(line)
    out.push({
      proto,
      address: m[1] ?? '',
      port: Number(m[2]),
      process: proc ? `${proc[1]} (pid ${proc[2]})` : 'unknown process',
    })
  }
  return out
}

const WILDCARDS = new Set(['0.0.0.0', '*', '::', ''])

/** The first lab address:port that is already taken, with who holds it. */
export function requireFreePorts(): void {
  const taken = listeners()
  for (const [key, ports] of Object.entries(LISTENS) as [ServerKey, readonly number[]][]) {
    const address = ADDR[key]
    const wanted: { proto: 'tcp' | 'udp'; port: number }[] = ports.map((port) => ({ proto: 'tcp', port }))
    if (key === 'dns') wanted.push({ proto: 'udp', port: 53 })
    for (const w of wanted) {
      const holder = taken.find(
        (l) =>
          l.proto === w.proto && l.port === w.port && (l.address === address || WILDCARDS.has(l.address)),
      )
      if (holder) {
        const where =
          holder.address === address
            ? ''
            : ` (listening on ${holder.address || '*'}:${w.port}, which covers every address)`
        throw new LabError(
          `${address}:${w.port}/${w.proto} is taken by ${holder.process}${where}; stop it (or run: npm run lab:down if it is a previous lab) and retry`,
        )
      }
    }
  }
}

/** Lab addresses with anything listening on them (for status, and to verify `down`). */
export function labListeners(): Listener[] {
  const ours = new Set<string>(Object.values(ADDR))
  return listeners().filter((l) => ours.has(l.address))
}
