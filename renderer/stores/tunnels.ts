// The tunnels as the engine reports them (tunnel.list, then tunnel.status / tunnel.stats /
// tunnel.connection / tunnel.deleted events), each tunnel's recent connection log once opened,
// and a draft the Probe section can hand over ("create a tunnel for this account").
import { create } from 'zustand'
import type {
  CertificateSummary,
  ConnectionRecord,
  TlsSecurity,
  TunnelDraft,
  TunnelInspectResult,
  TunnelState,
  TunnelStats,
} from '../../shared/contract/index.js'
import { type ActionResult, api, errorMessage, failed } from '../client.js'

/** A server certificate someone already saw (a probe, a tunnel's check), to offer pinning it. */
export interface SeenCertificate {
  upstream: string
  certificate: CertificateSummary
  pin: string
  verified: boolean
  verifyError: string | null
}

/** What another section hands the Tunnels form: the fields, and the certificate it saw. */
export interface OfferedDraft {
  draft: Partial<TunnelDraft>
  seen: SeenCertificate | null
}

/** Records kept per tunnel in the page: the engine keeps its own ring; this is the view of it. */
export const LOG_RECORDS_SHOWN = 100

interface TunnelsStore {
  tunnels: TunnelState[]
  loaded: boolean
  loadError: string | null
  /** Connection records per tunnel id, newest first, once the log was opened. */
  logs: Record<string, ConnectionRecord[]>
  /** A draft from elsewhere in the app (a probe result) waiting for the form to pick it up. */
  draft: OfferedDraft | null
  load(): Promise<void>
  create(draft: TunnelDraft): Promise<ActionResult & { id?: string }>
  update(id: string, patch: Partial<TunnelDraft>): Promise<ActionResult>
  remove(id: string): Promise<ActionResult>
  start(id: string): Promise<ActionResult>
  stop(id: string): Promise<ActionResult>
  /** The OAuth login's local password, to the keychain only (null deletes it). */
  setLocalPassword(id: string, password: string | null): Promise<ActionResult>
  loadLog(id: string): Promise<ActionResult>
  inspect(request: {
    host: string
    port: number
    mode: TlsSecurity
    protocol: 'imap' | 'pop3' | 'smtp'
    caFile: string | null
  }): Promise<{ ok: true; result: TunnelInspectResult } | { ok: false; message: string }>
  offerDraft(draft: Partial<TunnelDraft>, seen?: SeenCertificate | null): void
  takeDraft(): OfferedDraft | null
  receiveStatus(state: TunnelState): void
  receiveStats(event: { id: string; stats: TunnelStats }): void
  receiveConnection(record: ConnectionRecord): void
  receiveDeleted(event: { id: string }): void
  reset(): void
}

const initial = { tunnels: [], loaded: false, loadError: null, logs: {}, draft: null }

function upsert(tunnels: TunnelState[], state: TunnelState): TunnelState[] {
  const at = tunnels.findIndex((t) => t.config.id === state.config.id)
  if (at === -1) return [...tunnels, state]
  return tunnels.map((t, i) => (i === at ? state : t))
}

export const useTunnelsStore = create<TunnelsStore>()((set, get) => {
  // Start, stop, update: each answers with the tunnel's new state.
  async function act(work: () => Promise<TunnelState>): Promise<ActionResult> {
    try {
      const state = await work()
      set((s) => ({ tunnels: upsert(s.tunnels, state) }))
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  }

  return {
    ...initial,
    async load() {
      try {
        const { tunnels } = await api().tunnel.list({})
        set({ tunnels, loaded: true, loadError: null })
      } catch (error) {
        set({ loaded: true, loadError: errorMessage(error) })
      }
    },
    async create(draft) {
      try {
        const state = await api().tunnel.create(draft)
        set((s) => ({ tunnels: upsert(s.tunnels, state) }))
        return { ok: true, id: state.config.id }
      } catch (error) {
        return failed(error)
      }
    },
    update: (id, patch) => act(() => api().tunnel.update({ id, patch })),
    start: (id) => act(() => api().tunnel.start({ id })),
    stop: (id) => act(() => api().tunnel.stop({ id })),
    setLocalPassword: (id, password) => act(() => api().tunnel.setLocalPassword({ id, password })),
    async remove(id) {
      try {
        await api().tunnel.delete({ id })
        get().receiveDeleted({ id })
        return { ok: true }
      } catch (error) {
        return failed(error)
      }
    },
    async loadLog(id) {
      try {
        const { records } = await api().tunnel.log({ id, limit: LOG_RECORDS_SHOWN })
        set((s) => ({ logs: { ...s.logs, [id]: records } }))
        return { ok: true }
      } catch (error) {
        return failed(error)
      }
    },
    async inspect(request) {
      try {
        return { ok: true, result: await api().tunnel.inspect(request) }
      } catch (error) {
        return failed(error)
      }
    },
    offerDraft: (draft, seen = null) => set({ draft: { draft, seen } }),
    takeDraft() {
      const { draft } = get()
      if (draft) set({ draft: null })
      return draft
    },
    receiveStatus: (state) => set((s) => ({ tunnels: upsert(s.tunnels, state) })),
    receiveStats: ({ id, stats }) =>
      set((s) => ({ tunnels: s.tunnels.map((t) => (t.config.id === id ? { ...t, stats } : t)) })),
    receiveConnection: (record) =>
      set((s) => {
        // A failed connection is the tunnel's last error, as the engine's state says on its next read.
        const tunnels =
          record.outcome === 'failed' && record.error
            ? s.tunnels.map((t) => (t.config.id === record.tunnelId ? { ...t, lastError: record.error } : t))
            : s.tunnels
        const shown = s.logs[record.tunnelId]
        // The log is read when opened; until then, there is nothing to keep.
        if (!shown) return { tunnels }
        return {
          tunnels,
          logs: { ...s.logs, [record.tunnelId]: [record, ...shown].slice(0, LOG_RECORDS_SHOWN) },
        }
      }),
    receiveDeleted: ({ id }) =>
      set((s) => {
        const { [id]: _gone, ...logs } = s.logs
        return { tunnels: s.tunnels.filter((t) => t.config.id !== id), logs }
      }),
    reset: () => set(initial),
  }
})

export const selectTunnels = (s: TunnelsStore) => s.tunnels
