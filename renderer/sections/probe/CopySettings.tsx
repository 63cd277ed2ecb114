import type { EndpointReport } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import type { ClientAdvice } from '../../../shared/knowledge/explain.js'
import { CopyText } from '../../components/CopyText.js'
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
  return (
    <CopyText
      text={settingsText(endpoint, advice)}
      what={`for ${endpoint.host}:${endpoint.port}`}
      label="Copy settings"
      copiedText="Copied to the clipboard."
      className="copy-settings"
    />
  )
}
