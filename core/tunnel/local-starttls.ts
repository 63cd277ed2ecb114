// A local STARTTLS side (a LAN device that upgrades itself): the tunnel greets the client, answers
// the few commands a careful server allows before TLS (the protocol answers live beside each
// filter), refuses a login in clear, and on STARTTLS/STLS hands the socket to the TLS handshake.
// Nothing the client says before TLS reaches the server: the upstream opens only after the upgrade.
// Bytes the client sends after its STARTTLS and before its ClientHello abort the connection (the
// local mirror of CVE-2011-0411): they would otherwise be read as if they came over TLS.
import type net from 'node:net'
import type tls from 'node:tls'
import type { MailProtocol } from '../../shared/contract/mail.js'
import { MAX_PLAINTEXT_BYTES } from '../net/limits.js'
import { LineReader } from '../net/line-reader.js'
import { beforeTlsDialogue } from './before-tls/dialogue.js'
import { refusal } from './greeting.js'
import {
  CLOSE_GRACE_MS,
  LOCAL_BEFORE_TLS_LINE_MS,
  MAX_LOCAL_BEFORE_TLS_COMMANDS,
  MAX_LOCAL_BEFORE_TLS_LINE_BYTES,
} from './limits.js'
import { acceptLocalTls, type LocalTlsRuntime } from './local-tls.js'
import type { CommandRecorder } from './recorder.js'

export interface LocalStartTlsOptions {
  protocol: MailProtocol
  /** The name the SMTP greeting uses (the listen host). */
  domain: string
  local: LocalTlsRuntime
  recorder: CommandRecorder
  lineTimeoutMs?: number
}

/** Resolves with the upgraded socket, or null when the client said goodbye before TLS. Rejects
 * with a sentence (the raw socket destroyed) on a protocol breach, a timeout or a failed handshake. */
export async function localStartTls(
  raw: net.Socket,
  options: LocalStartTlsOptions,
): Promise<tls.TLSSocket | null> {
  const talk = beforeTlsDialogue(options.protocol, options.domain)
  const reader = new LineReader(raw, 'the client', {
    maxLineBytes: MAX_LOCAL_BEFORE_TLS_LINE_BYTES,
    maxTotalBytes: MAX_PLAINTEXT_BYTES,
    readTimeoutMs: options.lineTimeoutMs ?? LOCAL_BEFORE_TLS_LINE_MS,
  })
  raw.resume()
  raw.write(talk.greeting)
  try {
    for (let n = 0; n < MAX_LOCAL_BEFORE_TLS_COMMANDS; n++) {
      const line = await reader.readLine()
      const answer = talk.answer(line)
      options.recorder.add(answer.record)
      if (answer.refusedLogin) options.recorder.loginAnswered(false)
      if (answer.next === 'upgrade') {
        const early = reader.detach()
        if (early.length > 0) {
          raw.destroy()
          throw new Error(
            `The client sent ${early.length} bytes after STARTTLS before its TLS handshake; closed (they could have been injected).`,
          )
        }
        raw.write(answer.reply)
        return await acceptLocalTls(raw, options.local)
      }
      raw.write(answer.reply)
      if (answer.next === 'close') {
        reader.detach()
        raw.end()
        // Its FIN (or anything more) is read and dropped, so the socket closes at once.
        raw.resume()
        setTimeout(() => raw.destroy(), CLOSE_GRACE_MS).unref()
        return null
      }
    }
    throw new Error(`The client sent ${MAX_LOCAL_BEFORE_TLS_COMMANDS} commands without STARTTLS; closed.`)
  } catch (error) {
    reader.detach()
    // Said in the client's protocol when the socket can still carry it, then closed.
    if (!raw.destroyed && !raw.writableEnded) {
      raw.end(refusal(options.protocol, (error as Error).message))
      setTimeout(() => raw.destroy(), CLOSE_GRACE_MS).unref()
    }
    throw error
  }
}
