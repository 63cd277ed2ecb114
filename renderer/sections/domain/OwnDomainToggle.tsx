import { useState } from 'react'
import { useSettingsStore } from '../../stores/settings.js'

const NO_DOMAINS: readonly string[] = []

/** Marks the checked domain as one the user runs (a DKIM signature from it then links here). */
export function OwnDomainToggle({ domain }: { domain: string }) {
  const own = useSettingsStore((s) => s.state?.settings.ownDomains ?? NO_DOMAINS)
  const update = useSettingsStore((s) => s.update)
  const [error, setError] = useState<string | null>(null)
  // Shown at once, while the settings are written (the box follows the click, not the disk).
  const [pending, setPending] = useState<boolean | null>(null)
  const mine = own.includes(domain)

  async function toggle(next: boolean) {
    setPending(next)
    const rest = own.filter((d) => d !== domain)
    const result = await update({ ownDomains: next ? [...rest, domain] : rest })
    setPending(null)
    setError(result.ok ? null : result.message)
  }

  return (
    <div>
      <label className="choice">
        <input type="checkbox" checked={pending ?? mine} onChange={(e) => void toggle(e.target.checked)} />
        {domain} is one of my domains (DKIM results from it link to this check)
      </label>
      {error && (
        <p role="alert" className="small">
          {error}
        </p>
      )}
    </div>
  )
}
