import { useState } from 'react'
import { IDLE, type SaveState, SaveStatus } from '../../components/SaveStatus.js'
import { selectInfo, useAppStore } from '../../stores/app.js'
import { useSettingsStore } from '../../stores/settings.js'

/** Desktop-only choices; a browser tab has no login item or tray to offer. */
export function DesktopSettings() {
  const info = useAppStore(selectInfo)
  const startAtLogin = useSettingsStore((s) => s.state?.settings.startAtLogin ?? false)
  const update = useSettingsStore((s) => s.update)
  const [status, setStatus] = useState<SaveState>(IDLE)
  const [pending, setPending] = useState<boolean | null>(null)
  if (info?.shell !== 'electron') return null

  async function save(next: boolean) {
    setPending(next)
    setStatus({ kind: 'saving' })
    const result = await update({ startAtLogin: next })
    setPending(null)
    setStatus(result.ok ? { kind: 'saved' } : { kind: 'error', message: result.message })
  }

  return (
    <section className="card" aria-labelledby="desktop-title">
      <h2 id="desktop-title">Desktop</h2>
      <label className="choice">
        <input
          type="checkbox"
          checked={pending ?? startAtLogin}
          onChange={(e) => void save(e.target.checked)}
        />
        Start Mailwarden when I log in, hidden in the tray, with the tunnels marked “start with the app”
      </label>
      <p className="muted small">
        While a tunnel runs, closing the window keeps Mailwarden in the tray; quit from the tray icon to stop
        it.
      </p>
      <SaveStatus state={status} />
    </section>
  )
}
