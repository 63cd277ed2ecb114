// Who may use a tunnel: on a loopback listener, any loopback client; on a LAN listener the user
// opted into, this machine's own 127.0.0.1 and ::1, and every other address (the rest of 127/8
// included) only when it is on the allowlist (addresses or CIDR ranges).
import net from 'node:net'

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true
  const address = host.replace(/^\[|\]$/g, '')
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address)
}

function plain(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
}

export class ClientAllowList {
  readonly #list = new net.BlockList()
  readonly #anyLoopback: boolean

  /** Throws a sentence for an entry that is not an address or range. `anyLoopback`: a loopback
   * listener, where every client is a process of this machine. */
  constructor(entries: readonly string[], options: { anyLoopback?: boolean } = {}) {
    this.#anyLoopback = options.anyLoopback ?? false
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/')
      const family = net.isIP(address)
      if (family === 0) throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR range.`)
      const type = family === 4 ? 'ipv4' : 'ipv6'
      if (prefix === undefined) this.#list.addAddress(address, type)
      else {
        const bits = Number(prefix)
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128))
          throw new Error(`${JSON.stringify(entry)} has an invalid prefix length.`)
        this.#list.addSubnet(address, bits, type)
      }
    }
  }

  allows(remoteAddress: string | undefined): boolean {
    if (!remoteAddress) return false
    const address = plain(remoteAddress)
    if (address === '127.0.0.1' || address === '::1') return true
    if (this.#anyLoopback && isLoopbackHost(address)) return true
    const family = net.isIP(address)
    if (family === 0) return false
    return this.#list.check(address, family === 4 ? 'ipv4' : 'ipv6')
  }
}
