// The DANE phase needs one resolver address to ask with the DNSSEC OK bit and read the AD bit from
// (Node's dns module hides both). Without --dns it is the system's first nameserver, read from
// /etc/resolv.conf: a small, bounded reader (the file is a few lines; more is not read).
import { open } from 'node:fs/promises'
import { isIP } from 'node:net'

export const RESOLV_CONF = '/etc/resolv.conf'
/** resolv.conf is a few hundred bytes; a nameserver line past this is not looked for. */
export const RESOLV_CONF_MAX_BYTES = 16 * 1024

/** The first `nameserver` line's address as "IP:53" ("[IPv6]:53"), or null when there is none. */
export function firstNameserver(text: string): string | null {
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line)
    if (!match) continue
    // A link-local IPv6 with a zone ("fe80::1%eth0") cannot be reached by address alone.
    const address = match[1] as string
    if (address.includes('%')) continue
    const version = isIP(address)
    if (version === 4) return `${address}:53`
    if (version === 6) return `[${address}]:53`
  }
  return null
}

/** Reads at most RESOLV_CONF_MAX_BYTES of `file`; null when it is missing or names no nameserver. */
export async function systemNameserver(file = RESOLV_CONF): Promise<string | null> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(file, 'r')
  } catch {
    return null
  }
  try {
    const buffer = Buffer.alloc(RESOLV_CONF_MAX_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return firstNameserver(buffer.subarray(0, bytesRead).toString('utf8'))
  } finally {
    await handle.close()
  }
}

/** "HOST[:PORT]" as the user gave --dns into the "IP:PORT" form checkDane asks (port 53 by default). */
export function daneServer(dns: string): string {
  if (dns.startsWith('[')) return /\]:\d+$/.test(dns) ? dns : `${dns}:53`
  if (isIP(dns) === 6) return `[${dns}]:53`
  return dns.includes(':') ? dns : `${dns}:53`
}
