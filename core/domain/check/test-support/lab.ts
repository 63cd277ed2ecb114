// What the domain-check lab tests share: a resolver on the lab's dnsmasq and finding-id helpers.
import { getLab, type Lab } from '../../../../e2e/lab/lab.js'
import { createResolver, type Resolver } from '../../../dns/resolver.js'

export function labResolver(): { lab: Lab; resolver: Resolver } {
  const lab = getLab()
  return { lab, resolver: createResolver({ server: lab.dns.server, timeoutMs: 4000 }) }
}

export const ids = (findings: readonly { id: string }[]) => findings.map((f) => f.id)
