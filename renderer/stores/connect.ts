// Wires a client and its connection to the stores: pushed events into their stores, and a fresh
// read of everything whenever the link comes (back) up, since the engine may have restarted.
import type { Client, Unsubscribe } from '../../shared/contract/index.js'
import type { ConnectionSource } from '../transport/connection.js'
import { useAccountsStore } from './accounts.js'
import { useAppStore } from './app.js'
import { connectDesktopEvents } from './desktop.js'
import { connectDkimEvents, useDkimStore } from './dkim/index.js'
import { useDomainCheckStore } from './domain-check.js'
import { useKeygenStore } from './domain-keygen.js'
import { logStore } from './log.js'
import { useNavigationStore } from './navigation.js'
import { useOAuthStore } from './oauth.js'
import { useProbeStore } from './probe.js'
import { useSecretsStore } from './secrets.js'
import { useSettingsStore } from './settings.js'
import { useTunnelsStore } from './tunnels.js'

export async function loadAll(): Promise<void> {
  await Promise.all([
    useAppStore.getState().loadInfo(),
    useSettingsStore.getState().load(),
    useSecretsStore.getState().load(),
    useTunnelsStore.getState().load(),
    useAccountsStore.getState().load(),
    useOAuthStore.getState().load(),
  ])
}

export function connectStores(client: Client, connection: ConnectionSource): Unsubscribe {
  const app = useAppStore.getState()
  app.setConnection(connection.current())
  const stops = [
    client.on('log', (line) => logStore.getState().push(line)),
    client.on('settings.changed', (state) => useSettingsStore.getState().receive(state)),
    ...connectDkimEvents(client),
    ...connectDesktopEvents(client),
    client.on('tunnel.status', (state) => useTunnelsStore.getState().receiveStatus(state)),
    client.on('tunnel.stats', (event) => useTunnelsStore.getState().receiveStats(event)),
    client.on('tunnel.connection', (record) => useTunnelsStore.getState().receiveConnection(record)),
    client.on('tunnel.deleted', (event) => useTunnelsStore.getState().receiveDeleted(event)),
    client.on('oauth.status', (state) => useOAuthStore.getState().receiveStatus(state)),
    client.on('oauth.deleted', (event) => useOAuthStore.getState().receiveDeleted(event)),
    client.on('oauth.authorize.progress', (event) => useOAuthStore.getState().receiveProgress(event)),
    client.on('oauth.authorize.finished', (event) => useOAuthStore.getState().receiveFinished(event)),
    client.on('probe.progress', (event) => useProbeStore.getState().receiveProgress(event)),
    client.on('probe.finished', (event) => useProbeStore.getState().receiveFinished(event)),
    client.on('domain.check.progress', (event) => useDomainCheckStore.getState().receiveProgress(event)),
    client.on('domain.check.finished', (event) => useDomainCheckStore.getState().receiveFinished(event)),
    connection.subscribe((state) => {
      const wasConnected = useAppStore.getState().connection.status === 'connected'
      useAppStore.getState().setConnection(state)
      if (state.status === 'connected' && !wasConnected) void loadAll()
    }),
  ]
  // The desktop link is up from the start and never reports a change: load now. The web link
  // loads through the subscription above once its socket opens (calls made earlier would wait).
  if (connection.current().status === 'connected') void loadAll()
  return () => {
    for (const stop of stops) stop()
  }
}

/** Puts every store back to its initial state (tests). */
export function resetStores(): void {
  useAppStore.getState().reset()
  useSettingsStore.getState().reset()
  useSecretsStore.getState().reset()
  logStore.getState().reset()
  useDkimStore.getState().reset()
  useProbeStore.getState().reset()
  useAccountsStore.getState().reset()
  useNavigationStore.getState().reset()
  useTunnelsStore.getState().reset()
  useOAuthStore.getState().reset()
  useDomainCheckStore.getState().reset()
  useKeygenStore.getState().reset()
}
