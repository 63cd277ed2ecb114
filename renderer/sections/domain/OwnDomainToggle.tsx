import { useState } from 'react'
import { useSettingsStore } from '../../stores/settings.js'

const NO_DOMAINS: readonly string[] = []

/** Marks the checked domain as one the user runs (a DKIM signature from it then links here). */
export function OwnDomainToggle({ domain }: { domain: string }) {
  const own = useSettingsStore((s) => s.state?.settings.ownDomains ?? NO_DOMAINS)
  const update = useSettingsStore((s) => s.update)
  const [error, setError] = useState<string | null>(null)
  const mine = own.includes(domain)

  async function toggle() {
    const next = mine ? own.filter((d) => d !== domain) : [...own, domain]
    const result = await update({ ownDomains: next })
    setError(result.ok ? null : result.message)
  }

  return (
    <div>
      <label className="choice">
        <input type="checkbox" checked={mine} onChange={() => void toggle()} />
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
