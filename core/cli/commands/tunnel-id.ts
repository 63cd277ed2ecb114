// The id of a CLI tunnel, which names its local certificate in the keychain (tunnel-tls:<id>):
// derived from where it listens and where it goes, not from its place in a --config file, so a
// restart finds the same certificate (and the device keeps trusting its pin) whatever the order.
// Mode, protocol and local TLS are left out: the certificate does not depend on them, and a
// changed protocol need not cost the device a new pin.
import { createHash } from 'node:crypto'
import type { TunnelConfig } from '../../../shared/contract/tunnel-config.js'
import { MAX_TUNNEL_ID_SLUG_CHARS } from '../../tunnel/limits.js'

export type TunnelEnds = Pick<TunnelConfig, 'listenHost' | 'listenPort' | 'upstreamHost' | 'upstreamPort'>

/** Hex characters of the hash: 48 bits, so two tunnels of one user never share an id. */
const HASH_HEX_CHARS = 12

/**
 * `cli-<listen and upstream, readable>-<hash>`, e.g. `cli-127-0-0-1-1143-imap-example-com-993-…`.
 * The readable part is cut to fit the id's 64 characters; the hash covers the whole of each end.
 * It never has the form of the ids earlier versions gave (`cli-1`, `cli-2`…) nor of an app
 * tunnel's (`<name>-<6 hex>`), so their certificates are left alone.
 */
export function cliTunnelId(ends: TunnelEnds): string {
  const listenHost = ends.listenHost.toLowerCase()
  const upstreamHost = ends.upstreamHost.toLowerCase()
  const hash = createHash('sha256')
    .update(JSON.stringify([listenHost, ends.listenPort, upstreamHost, ends.upstreamPort]))
    .digest('hex')
    .slice(0, HASH_HEX_CHARS)
  const slug = `${listenHost}-${ends.listenPort}-${upstreamHost}-${ends.upstreamPort}`
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_TUNNEL_ID_SLUG_CHARS)
    .replace(/-+$/, '')
  return `cli-${slug}-${hash}`
}

/** Gives the ids of the tunnels of one run, in their order. The same two ends twice get `-2`,
 * `-3`… by order; that is only possible with listen port 0, whose port (so the device's setting)
 * changes at every run anyway. */
export function cliTunnelIdsOfOneRun(): (ends: TunnelEnds) => string {
  const seen = new Map<string, number>()
  return (ends) => {
    const id = cliTunnelId(ends)
    const count = (seen.get(id) ?? 0) + 1
    seen.set(id, count)
    return count === 1 ? id : `${id}-${count}`
  }
}
