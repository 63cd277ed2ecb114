// The certificate the tunnel shows a LAN device when its local side speaks TLS: self-signed, made
// by Mailwarden on a tunnel's first secure start (local-cert-make.ts), one per tunnel (each names
// its own listen address). This module says what it holds, which names it carries and when it is
// renewed; it loads no ASN.1 code.
import { X509Certificate } from 'node:crypto'
import os from 'node:os'
import type { LocalCertificate } from '../../shared/contract/tunnel.js'
import { fingerprintSha256, spkiSha256 } from '../net/certificate.js'
import { MAX_LOCAL_CERT_NAMES } from './limits.js'

/** Validity of a generated certificate: 825 days, the longest Apple's TLS clients accept. */
export const LOCAL_CERT_DAYS = 825
/** Regenerated this long before it expires, so a device never meets an expired one. */
export const LOCAL_CERT_RENEW_DAYS = 30

export interface LocalTlsMaterial {
  certPem: string
  keyPem: string
  /** The listen host it was made for: another host means a new certificate. */
  listenHost: string
  names: string[]
}

/**
 * The names a device may use for the listener: the host itself when it is one address or name,
 * every address of this machine for a wildcard bind (0.0.0.0, ::), plus the machine's name.
 */
export function certificateNames(listenHost: string): string[] {
  const host = listenHost.replace(/^\[|\]$/g, '')
  const names = new Set<string>()
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(os.networkInterfaces()))
      for (const entry of list ?? []) if (host === '::' || entry.family === 'IPv4') names.add(entry.address)
    names.add(os.hostname())
    names.add('localhost')
  } else names.add(host)
  return [...names].filter((n) => n.length > 0 && !n.includes('%')).slice(0, MAX_LOCAL_CERT_NAMES)
}

export function describeLocalCertificate(material: LocalTlsMaterial): LocalCertificate {
  const cert = new X509Certificate(material.certPem)
  return {
    pin: spkiSha256(cert),
    fingerprintSha256: fingerprintSha256(cert),
    names: material.names,
    notAfter: new Date(cert.validTo).toISOString(),
    pem: material.certPem,
  }
}

/** Still good for this listen host and not about to expire? */
export function isUsable(material: LocalTlsMaterial, listenHost: string, now: Date = new Date()): boolean {
  if (material.listenHost !== listenHost) return false
  try {
    const cert = new X509Certificate(material.certPem)
    return new Date(cert.validTo).getTime() - now.getTime() > LOCAL_CERT_RENEW_DAYS * 86_400_000
  } catch {
    return false
  }
}
