import { useState } from 'react'
import type { EndpointReport, MailClientId } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import { CLIENTS, wordingNote } from '../../../shared/knowledge/clients.js'
import type { ClientAdvice } from '../../../shared/knowledge/explain.js'
import { recommendedSettings } from '../../../shared/knowledge/recommend.js'
import { Verdict } from './Verdict.js'
import { advise, HostName, verdictLine } from './words.js'

interface Side {
  title: string
  endpoint: EndpointReport | null
  /** Said when no server of this side can be used. */
  missing: string
}

/** The text "Copy these settings" puts on the clipboard: both servers, in the client's words. */
export function summaryText(sides: readonly Side[], client: MailClientId): string {
  const name = CLIENTS[client].name
  return sides
    .map(({ title, endpoint, missing }) => {
      if (!endpoint) return `${title}: ${missing}`
      const advice = advise(endpoint, client)
      return [
        `${title} (${PROTOCOL_WORDS[endpoint.protocol]})`,
        `  Server: ${endpoint.host}`,
        `  Port: ${endpoint.port}`,
        `  ${advice.field} (${name}): ${advice.choose ?? 'do not use this server'}`,
        ...advice.config.map((line) => `  ${line}`),
      ].join('\n')
    })
    .join('\n\n')
}

function ServerSettings({ side, advice }: { side: Side; advice: ClientAdvice | null }) {
  const { endpoint } = side
  const headingId = `use-${side.title.toLowerCase().replace(/\W+/g, '-')}`
  return (
    <section className="use-side" aria-labelledby={headingId}>
      <h4 id={headingId} className="use-side-title">
        <span>
          {side.title}
          {endpoint && <span className="muted"> · {PROTOCOL_WORDS[endpoint.protocol]}</span>}
        </span>
        {endpoint && <Verdict verdict={endpoint.verdict} />}
      </h4>
      {endpoint && advice ? (
        <>
          <dl className="use-facts">
            <dt>Server</dt>
            <dd>
              <code>
                <HostName host={endpoint.host} />
              </code>
            </dd>
            <dt>Port</dt>
            <dd>
              <code>{endpoint.port}</code>
            </dd>
            <dt>{advice.field}</dt>
            <dd>
              <strong>{advice.choose ?? 'do not use this server'}</strong>
            </dd>
          </dl>
          {advice.config.length > 0 && (
            <pre className="advice-config">
              <code>{advice.config.join('\n')}</code>
            </pre>
          )}
          <p className="use-verdict small">{verdictLine(endpoint)}</p>
          {advice.certificate && <p className="advice-certificate small">{advice.certificate}</p>}
        </>
      ) : (
        <p className="use-missing">{side.missing}</p>
      )}
    </section>
  )
}

/**
 * The top of a result, what the user came for: the incoming and the outgoing server to type into
 * their client, in its words, each with its verdict; a copy button; the wording caveat once.
 */
export function UseTheseSettings({
  endpoints,
  client,
}: {
  endpoints: EndpointReport[]
  client: MailClientId
}) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'manual'>('idle')
  const profile = CLIENTS[client]
  const { incoming, outgoing } = recommendedSettings(endpoints)
  const sides: Side[] = [
    {
      title: 'Incoming mail',
      endpoint: incoming,
      missing: 'No incoming server (IMAP or POP3) with encryption was found; see every server port below.',
    },
    {
      title: 'Outgoing mail',
      endpoint: outgoing,
      missing:
        'No outgoing submission server (SMTP on 465 or 587) with encryption was found; port 25 is for servers, not clients.',
    },
  ]
  const text = summaryText(sides, client)

  async function copy() {
    try {
      await navigator.clipboard.writeText(text)
      setCopied('copied')
    } catch {
      setCopied('manual')
    }
  }

  return (
    <section className="use-settings" aria-labelledby="use-settings-title">
      <h3 id="use-settings-title">Use these settings in {profile.name}</h3>
      <div className="use-sides">
        {sides.map((side) => (
          <ServerSettings
            key={side.title}
            side={side}
            advice={side.endpoint ? advise(side.endpoint, client) : null}
          />
        ))}
      </div>
      <div className="use-actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy these settings
        </button>
        <p role="status" className="status-ok small">
          {copied === 'copied' && 'Copied to the clipboard.'}
        </p>
      </div>
      {copied === 'manual' && (
        <textarea
          className="copy-manual"
          readOnly
          rows={9}
          aria-label="These settings, to copy"
          value={text}
          ref={(element) => element?.select()}
        />
      )}
      <p className="muted small use-wording">{wordingNote(client)}</p>
    </section>
  )
}
