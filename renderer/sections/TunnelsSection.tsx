import { useEffect, useState } from 'react'
import { Loading } from '../components/ConnectionBanner.js'
import { Section } from '../components/Section.js'
import { selectTunnels, useTunnelsStore } from '../stores/tunnels.js'
import { OAuthAccounts } from './tunnels/OAuthAccounts.js'
import { TunnelCard } from './tunnels/TunnelCard.js'
import { TunnelForm } from './tunnels/TunnelForm.js'
import '../styles/tunnels.css'

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: string }

export function TunnelsSection() {
  const tunnels = useTunnelsStore(selectTunnels)
  const loaded = useTunnelsStore((s) => s.loaded)
  const loadError = useTunnelsStore((s) => s.loadError)
  const load = useTunnelsStore((s) => s.load)
  const create = useTunnelsStore((s) => s.create)
  const update = useTunnelsStore((s) => s.update)
  const takeDraft = useTunnelsStore((s) => s.takeDraft)
  const setLocalPassword = useTunnelsStore((s) => s.setLocalPassword)
  const [editing, setEditing] = useState<Editing>({ kind: 'none' })
  const [offered, setOffered] = useState<ReturnType<typeof takeDraft>>(null)

  useEffect(() => {
    void load()
    // A probe result may have handed over a server: open the form with it.
    const offered = takeDraft()
    if (offered) {
      setOffered(offered)
      setEditing({ kind: 'new' })
    }
  }, [load, takeDraft])

  const editingTunnel = editing.kind === 'edit' ? tunnels.find((t) => t.config.id === editing.id) : undefined

  return (
    <Section title="Tunnels">
      <p className="section-intro">
        A tunnel lets a mail client that cannot speak modern TLS connect to this computer only, while
        Mailwarden carries the connection to the real server over verified TLS. Passwords never cross the
        network in the clear.
      </p>
      {editing.kind === 'none' && (
        <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
          New tunnel
        </button>
      )}
      {editing.kind === 'new' && (
        <TunnelForm
          title="New tunnel"
          initial={offered?.draft ?? null}
          observed={offered?.seen ?? null}
          observedBy="The probe"
          submitLabel="Create tunnel"
          onCancel={() => {
            setOffered(null)
            setEditing({ kind: 'none' })
          }}
          onSubmit={async (next, localPassword) => {
            const result = await create(next)
            // The tunnel exists now: its local password goes to the keychain under its id.
            if (result.ok && result.id && localPassword !== null) {
              const stored = await setLocalPassword(result.id, localPassword)
              if (!stored.ok) {
                setEditing({ kind: 'edit', id: result.id })
                return {
                  ok: false,
                  message: `The tunnel was created, but its local password was not stored: ${stored.message}`,
                }
              }
            }
            if (result.ok) {
              setOffered(null)
              setEditing({ kind: 'none' })
            }
            return result
          }}
        />
      )}
      {editingTunnel && (
        <TunnelForm
          title={`Edit ${editingTunnel.config.name}`}
          initial={editingTunnel.config}
          submitLabel="Save tunnel"
          applyPin={(pin) => update(editingTunnel.config.id, { pin })}
          localPasswordSet={editingTunnel.oauth?.localPasswordSet ?? false}
          onCancel={() => setEditing({ kind: 'none' })}
          onSubmit={async (next, localPassword) => {
            const result = await update(editingTunnel.config.id, next)
            if (!result.ok) return result
            if (localPassword !== null) {
              const stored = await setLocalPassword(editingTunnel.config.id, localPassword)
              if (!stored.ok)
                return {
                  ok: false,
                  message: `The tunnel was saved, but its local password was not: ${stored.message}`,
                }
            }
            setEditing({ kind: 'none' })
            return result
          }}
        />
      )}
      {loadError && (
        <div className="banner banner-error" role="alert">
          <p className="banner-title">The tunnels could not be read</p>
          <p>{loadError}</p>
        </div>
      )}
      {!loaded && !loadError && <Loading what="the tunnels" />}
      {loaded && tunnels.length === 0 && !loadError && <p className="muted">No tunnel yet.</p>}
      {tunnels.length > 0 && (
        <ul className="tunnel-list" aria-label="Tunnels">
          {tunnels.map((state) => (
            <TunnelCard
              key={state.config.id}
              state={state}
              onEdit={() => setEditing({ kind: 'edit', id: state.config.id })}
            />
          ))}
        </ul>
      )}
      <OAuthAccounts />
    </Section>
  )
}
