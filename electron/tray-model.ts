// What the tray icon shows and offers, computed from the tunnels' state. Pure: chrome.ts renders
// it with Electron's Tray and Menu, and tests check it without Electron.
import type { TunnelState as EngineTunnel } from '../shared/contract/tunnel.js'
import { TUNNEL_FINDINGS } from '../shared/knowledge/tunnel-findings.js'

export interface TunnelState {
  id: string
  name: string
  status: 'running' | 'stopped' | 'starting' | 'error'
  /** "127.0.0.1:1143 → imap.example.org:993" */
  route: string
  error?: string | null
  /** A running tunnel whose server is not verified or not reachable, or any tunnel whose OAuth
   * account needs a new sign-in: a client connecting gets nowhere, so the tray must not call it
   * simply "running". */
  problem?: string | null
  /** The OAuth account's address when the tunnel needs a new sign-in; else null. */
  needsSignInFor?: string | null
}

/** A tunnel whose OAuth account must be signed in again (or cannot refresh) cannot log anyone in,
 * running or not: the user has to act in the window, so the tray says so. */
function oauthProblem(t: EngineTunnel): string | null {
  const oauth = t.oauth
  if (!oauth) return null
  const who = oauth.address ?? oauth.accountId
  if (oauth.state === 'needs-authorization') return `needs sign-in (${who})`
  if (oauth.state === 'refresh-failed') return `token refresh failed (${who})`
  return null
}

/** A running tunnel whose server is not verified or not reachable. */
function checkProblem(t: EngineTunnel, status: TunnelState['status']): string | null {
  const check = t.check
  if (status !== 'running' || !check || check.state === 'verified' || check.state === 'checking') return null
  if (check.reason) return TUNNEL_FINDINGS[check.reason].title
  return check.state === 'unreachable' ? 'server unreachable' : 'server not verified'
}

/** The tray's view of one tunnel of the engine. */
export function trayTunnel(t: EngineTunnel): TunnelState {
  const status = t.status === 'listening' ? 'running' : t.status === 'failed' ? 'error' : 'stopped'
  const local = t.listening
    ? `${t.listening.host}:${t.listening.port}`
    : `${t.config.listenHost}:${t.config.listenPort}`
  const problem = oauthProblem(t) ?? checkProblem(t, status)
  return {
    id: t.config.id,
    name: t.config.name,
    status,
    route: `${local} → ${t.config.upstreamHost}:${t.config.upstreamPort}`,
    error: t.lastError,
    problem,
    needsSignInFor: t.oauth?.state === 'needs-authorization' ? (t.oauth.address ?? t.oauth.accountId) : null,
  }
}

export type TrayStatus = 'idle' | 'active' | 'error'

export type TrayItem =
  | { kind: 'open'; label: string }
  | { kind: 'tunnel'; id: string; label: string; action: 'start' | 'stop' }
  | { kind: 'header'; label: string }
  | { kind: 'separator' }
  | { kind: 'quit'; label: string }

export interface TrayModel {
  status: TrayStatus
  tooltip: string
  items: TrayItem[]
}

/** Tray menus get long; past this many tunnels the rest are managed in the window. */
export const MAX_TUNNELS_IN_TRAY = 12

export function trayModel(tunnels: readonly TunnelState[]): TrayModel {
  const running = tunnels.filter((t) => t.status === 'running' || t.status === 'starting')
  const failed = tunnels.filter((t) => t.status === 'error' || t.problem)
  const status: TrayStatus = failed.length > 0 ? 'error' : running.length > 0 ? 'active' : 'idle'
  const parts = [
    running.length === 0
      ? 'no tunnel running'
      : `${running.length} tunnel${running.length === 1 ? '' : 's'} running`,
  ]
  if (failed.length > 0) parts.push(`${failed.length} in error`)
  // A listening tunnel with a problem counts both as running and in error: it listens (Stop is
  // offered) but does not work.
  const items: TrayItem[] = [{ kind: 'open', label: 'Open Mailwarden' }]
  if (tunnels.length > 0) {
    items.push({ kind: 'separator' }, { kind: 'header', label: 'Tunnels' })
    for (const tunnel of tunnels.slice(0, MAX_TUNNELS_IN_TRAY)) {
      const live = tunnel.status === 'running' || tunnel.status === 'starting'
      const state =
        tunnel.status === 'error'
          ? `error: ${tunnel.error ?? 'failed'}`
          : tunnel.problem
            ? `${tunnel.status}, ${tunnel.problem}`
            : tunnel.status
      items.push({
        kind: 'tunnel',
        id: tunnel.id,
        label: `${live ? 'Stop' : 'Start'} ${tunnel.name} (${tunnel.route}, ${state})`.slice(0, 120),
        action: live ? 'stop' : 'start',
      })
    }
    if (tunnels.length > MAX_TUNNELS_IN_TRAY)
      items.push({ kind: 'header', label: `${tunnels.length - MAX_TUNNELS_IN_TRAY} more in the window` })
  }
  items.push({ kind: 'separator' }, { kind: 'quit', label: 'Quit Mailwarden' })
  return { status, tooltip: `Mailwarden: ${parts.join(', ')}`, items }
}

/** Closing the window keeps the app in the tray while a tunnel is up (legacy clients use it). */
export function keepsRunningWhenClosed(tunnels: readonly TunnelState[]): boolean {
  return tunnels.some((t) => t.status === 'running' || t.status === 'starting')
}
