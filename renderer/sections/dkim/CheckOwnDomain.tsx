import { useDomainCheckStore } from '../../stores/domain-check.js'
import { useNavigationStore } from '../../stores/navigation.js'
import { useSettingsStore } from '../../stores/settings.js'

const NO_DOMAINS: readonly string[] = []

/** The own domain (Settings' ownDomains) that `domain` is or lies under, if any. */
export function ownDomainOf(domain: string, own: readonly string[]): string | null {
  const d = domain.toLowerCase().replace(/\.$/, '')
  return own.find((o) => d === o || d.endsWith(`.${o}`)) ?? null
}

/** A signature from one of the user's own domains links to that domain's check. */
export function CheckOwnDomain({ domain }: { domain: string }) {
  const own = useSettingsStore((s) => s.state?.settings.ownDomains ?? NO_DOMAINS)
  const mine = domain ? ownDomainOf(domain, own) : null
  if (!mine) return null
  function open() {
    useNavigationStore.getState().go('domain')
    void useDomainCheckStore.getState().start(mine ?? undefined)
  }
  return (
    <p className="small">
      {mine} is one of your domains.{' '}
      <button type="button" className="button" onClick={open}>
        Check {mine}’s DNS and mail servers
      </button>
    </p>
  )
}
