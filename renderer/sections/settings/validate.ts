// Inline checks that mirror the engine's schema, so a mistake is shown before a round trip;
// the engine still validates everything and its sentence is shown if it disagrees.
import { DnsServer } from '../../../shared/contract/index.js'

const DNS_EXAMPLE = 'such as 9.9.9.9, 127.0.0.53:53 or [::1]:53'

/** Empty means the system's resolver; otherwise an IP address with an optional port. */
export function checkDnsServer(text: string): string | null {
  const value = text.trim()
  if (value === '') return null
  if (!DnsServer.safeParse(value).success) {
    return `Enter an IP address with an optional port, ${DNS_EXAMPLE}. Host names are not accepted here.`
  }
  const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(value)
  if (octets?.slice(1).some((octet) => Number(octet) > 255)) {
    return `Each part of an IPv4 address is a number from 0 to 255, ${DNS_EXAMPLE}.`
  }
  const port = /:(\d+)$/.exec(value.replace(/^\[[^\]]*\]/, ''))
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) return 'A port is a number from 1 to 65535.'
  return null
}

export const TIMEOUT_MIN = 1
export const TIMEOUT_MAX = 120

export function checkTimeout(text: string): string | null {
  const value = Number(text.trim())
  if (text.trim() === '' || !Number.isInteger(value) || value < TIMEOUT_MIN || value > TIMEOUT_MAX) {
    return `Enter a whole number of seconds from ${TIMEOUT_MIN} to ${TIMEOUT_MAX}.`
  }
  return null
}
