// The upstream half of a token login, the same in the three protocols but for their words: send
// AUTH/AUTHENTICATE with the initial response (or after the server's empty prompt), and when the
// server answers a challenge instead of its verdict (XOAUTH2 and OAUTHBEARER send the refusal as
// base64 JSON that way), acknowledge it as the mechanism wants and read the verdict.
import { MAX_SIGN_IN_SERVER_LINES } from '../limits.js'
import type { Talk, UpstreamResult } from './protocol.js'
import { decodeChallenge, failureAcknowledgement, type UpstreamMechanism } from './sasl.js'

export type ServerLine =
  /** A line that does not end the exchange (an untagged IMAP line, an SMTP "250-" line). */
  | { kind: 'more'; text: string }
  /** A SASL challenge (IMAP/POP3 "+", SMTP 334) with its base64 payload. */
  | { kind: 'challenge'; payload: string }
  | { kind: 'ok' }
  | { kind: 'fail'; text: string }

export interface SaslWords {
  /** The command that starts the exchange; the response inline when given (null: after the prompt). */
  start(mechanism: UpstreamMechanism, initial: string | null): string
  /** Whether the response may go inline (SASL-IR, line limits). */
  inline(response: string): boolean
  classify(line: string): ServerLine
}

export async function saslExchange(
  server: Talk,
  words: SaslWords,
  mechanism: UpstreamMechanism,
  response: string,
): Promise<UpstreamResult> {
  const inline = words.inline(response)
  server.write(`${words.start(mechanism, inline ? response : null)}\r\n`)
  let sent = inline
  let acknowledged = false
  const said: string[] = []
  for (let n = 0; n < MAX_SIGN_IN_SERVER_LINES; n++) {
    const line = await server.line()
    const seen = words.classify(line)
    switch (seen.kind) {
      case 'more':
        said.push(seen.text)
        break
      case 'challenge':
        if (!sent) {
          server.write(`${response}\r\n`)
          sent = true
        } else if (!acknowledged) {
          said.push(decodeChallenge(seen.payload))
          server.write(`${failureAcknowledgement(mechanism)}\r\n`)
          acknowledged = true
        } else {
          // A second challenge after the refusal: cancel (RFC 4954 / 3501 "*").
          server.write('*\r\n')
        }
        break
      case 'ok':
        return { ok: true, line }
      case 'fail':
        said.push(seen.text)
        return { ok: false, said: said.filter((s) => s.length > 0).join(' ') }
    }
  }
  return { ok: false, said: `${said.join(' ')} (no verdict after ${MAX_SIGN_IN_SERVER_LINES} lines)` }
}
