import type { DiscoveryStep } from '../../../shared/contract/probe-target.js'
import { plural } from '../../components/plural.js'
import type { EndpointProgress } from '../../stores/probe.js'

/** Findings whose presence makes the warning an error: a forged file would look like this. */
const ALARMING = new Set(['autoconfig-over-http-other-domain', 'autoconfig-over-http-no-tls'])

/** What came of each HTTPS autoconfig attempt, from discovery's own steps (the last word on each URL). */
function httpsAttempts(steps: readonly DiscoveryStep[]): { url: string; outcome: string }[] {
  const last = new Map<string, string>()
  for (const step of steps)
    if (step.kind === 'autoconfig' && step.subject.startsWith('https://') && step.status !== 'started')
      last.set(
        step.subject,
        // The fetch's sentence names the URL again; it is already at the start of the line.
        step.status === 'found' ? `answered: ${step.detail}` : step.detail.replaceAll(step.subject, 'it'),
      )
  return [...last].map(([url, outcome]) => ({ url, outcome }))
}

/**
 * Said above the results, in words, when servers came only from an autoconfig file fetched over
 * plain HTTP: anyone on the path can write that file, so the servers it names are not to be
 * trusted on its word. Names the servers and what happened to the HTTPS attempts.
 */
export function PlainHttpWarning({
  endpoints,
  steps,
}: {
  endpoints: readonly EndpointProgress[]
  steps: readonly DiscoveryStep[]
}) {
  const fromHttp = endpoints.filter((e) => e.source === 'autoconfig-http')
  if (fromHttp.length === 0) return null
  // The address's query (?emailaddress=…) adds nothing a reader needs here.
  const files = [...new Set(fromHttp.map((e) => e.sourceDetail.replace(/\?[^ ]*/, '')))]
  // Each alarming finding once, with every server it was raised on.
  const alarming = new Map<string, { title: string; servers: string[] }>()
  for (const e of fromHttp)
    for (const f of e.result?.findings ?? [])
      if (ALARMING.has(f.id)) {
        const entry = alarming.get(f.id) ?? { title: f.title, servers: [] }
        entry.servers.push(`${e.host}:${e.port}`)
        alarming.set(f.id, entry)
      }
  const attempts = httpsAttempts(steps)
  return (
    <div
      className={`banner ${alarming.size > 0 ? 'banner-error' : 'banner-warning'} plain-http`}
      role="note"
      aria-labelledby="plain-http-title"
    >
      <p className="banner-title" id="plain-http-title">
        {plural(fromHttp.length, 'server')} came from a file fetched over plain HTTP
      </p>
      <p>
        {fromHttp.map((e) => `${e.host}:${e.port}`).join(', ')} {fromHttp.length === 1 ? 'was' : 'were'} found
        only in {files.join(' and ')}, fetched without encryption. Anyone on the network between you and that
        web server (a public Wi-Fi, a hostile router) can rewrite that file and send your mail client, and
        your password, to a server of their choosing. Check these server names with your provider before you
        use them.
      </p>
      {alarming.size > 0 && (
        <ul>
          {[...alarming].map(([id, { title, servers }]) => (
            <li key={id}>
              <strong>{title}:</strong> {servers.join(', ')}
            </li>
          ))}
        </ul>
      )}
      {attempts.length > 0 && (
        <>
          <p>The HTTPS addresses, tried first, did not give these servers:</p>
          <ul className="plain-http-attempts">
            {attempts.map((a) => (
              <li key={a.url}>
                <code>{a.url}</code>: {a.outcome}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
