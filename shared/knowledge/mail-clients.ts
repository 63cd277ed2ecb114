// The short form of each client's words that the renderer's settings and cards import; the full
// table (where each setting lives, the traps, where the wording was checked) is clients.ts.
import type { MailClientId } from '../contract/schemas.js'
import { CLIENT_IDS, CLIENTS } from './clients.js'

export interface MailClientWords {
  name: string
  /** The label for implicit TLS (993/995/465). */
  implicitTls: string
  /** The label for STARTTLS (143/110/587/25). */
  startTls: string
  /** The label for no encryption. */
  none: string
  /** Where the setting lives in that client. */
  where: string
}

export const MAIL_CLIENTS: Record<MailClientId, MailClientWords> = Object.fromEntries(
  Object.values(CLIENTS).map((c) => [
    c.id,
    {
      name: c.name,
      implicitTls: c.implicitTls,
      startTls: c.startTls ?? c.implicitTls,
      none: c.none,
      where: c.whereIncoming,
    },
  ]),
) as Record<MailClientId, MailClientWords>

/**
 * Every menu that lists mail clients (Settings, the probe form, the results' picker) lists them
 * from here, in one order: the table's, with "Other clients" last.
 */
export const MAIL_CLIENT_MENU: readonly { id: MailClientId; name: string }[] = CLIENT_IDS.map((id) => ({
  id,
  name: CLIENTS[id].name,
}))

/**
 * "the words of Thunderbird", "generic words most clients use": a client in a sentence about its
 * labels. A possessive would not do: "Other clients’s", "Outlook (classic, Windows)’s".
 */
export function clientWords(id: MailClientId): string {
  return id === 'generic' ? 'generic words most clients use' : `the words of ${CLIENTS[id].name}`
}
