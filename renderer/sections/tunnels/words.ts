// How a tunnel is said in the UI: routes, modes in the user's client's words, byte counts.

import type { TunnelConfig, TunnelState } from '../../../shared/contract/index.js'
import type { MailClientWords } from '../../../shared/knowledge/mail-clients.js'

export function modeWords(mode: TunnelConfig['mode'], words: MailClientWords): string {
  return mode === 'implicit-tls'
    ? `implicit TLS (“${words.implicitTls}” in ${words.name})`
    : `STARTTLS (“${words.startTls}” in ${words.name})`
}

export function localAddress(state: TunnelState): string {
  const { config, listening } = state
  if (listening) return `${listening.host}:${listening.port}`
  return config.listenPort === 0
    ? `${config.listenHost}:(any free port)`
    : `${config.listenHost}:${config.listenPort}`
}

export function upstreamAddress(config: TunnelConfig): string {
  const host = config.upstreamHost.includes(':') ? `[${config.upstreamHost}]` : config.upstreamHost
  return `${host}:${config.upstreamPort}`
}

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`
  if (count < 1024 ** 3) return `${(count / 1024 ** 2).toFixed(1)} MiB`
  return `${(count / 1024 ** 3).toFixed(2)} GiB`
}

export interface StatusWords {
  label: string
  mark: string
  /** The badge's colour class: ok (green) only for a listening tunnel whose server was verified. */
  tone: 'listening' | 'stopped' | 'failed' | 'warn'
}

/** The card's status: listening is "working" only once the start-time check verified the server. */
export function statusWords(state: TunnelState, needsSignIn = false): StatusWords {
  if (state.status === 'stopped') return { label: 'Stopped', mark: '○', tone: 'stopped' }
  if (state.status === 'failed') return { label: 'Failed', mark: '✕', tone: 'failed' }
  // Its clients are refused until the user signs the account in again: not working.
  if (needsSignIn || state.oauth?.state === 'needs-authorization')
    return { label: 'Listening, needs sign-in', mark: '⚠', tone: 'warn' }
  switch (state.check?.state) {
    case 'verified':
      return { label: 'Listening', mark: '●', tone: 'listening' }
    case 'cannot-verify':
      return { label: 'Listening, server not verified', mark: '⚠', tone: 'warn' }
    case 'unreachable':
      return { label: 'Listening, server unreachable', mark: '⚠', tone: 'warn' }
    default:
      return { label: 'Listening, checking the server…', mark: '◌', tone: 'stopped' }
  }
}
