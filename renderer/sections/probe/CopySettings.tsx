import { useState } from 'react'
import type { EndpointReport } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import type { ClientAdvice } from '../../../shared/knowledge/explain.js'
import { SECURITY_NAMES } from './words.js'

/** The settings as plain text, in the picked client's words, ready to paste into a note or a ticket. */
export function settingsText(endpoint: EndpointReport, advice: ClientAdvice): string {
  return [
    `${PROTOCOL_WORDS[endpoint.protocol]} server: ${endpoint.host}`,
    `Port: ${endpoint.port}`,
    `${advice.field} (${advice.clientName}): ${advice.choose ?? 'do not use this server'}`,
    ...advice.config,
    `Security found: ${SECURITY_NAMES[endpoint.security]}`,
  ].join('\n')
}

interface Props {
  endpoint: EndpointReport
  advice: ClientAdvice
}

/** Copies the settings; where the clipboard is refused, shows them selected for a manual copy. */
export function CopySettings({ endpoint, advice }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle')
  const text = settingsText(endpoint, advice)
  const where = `${endpoint.host}:${endpoint.port}`

  async function copy() {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      setState('manual')
    }
  }

  return (
    <div className="copy-settings">
      <button type="button" className="button" onClick={() => void copy()}>
        Copy settings<span className="visually-hidden"> for {where}</span>
      </button>
      <p role="status" className="status-ok small">
        {state === 'copied' && 'Copied to the clipboard.'}
      </p>
      {state === 'manual' && (
        <textarea
          className="copy-manual"
          readOnly
          rows={5}
          aria-label={`Settings for ${where}, to copy`}
          value={text}
          ref={(element) => element?.select()}
        />
      )}
    </div>
  )
}
