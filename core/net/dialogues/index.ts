import type { MailProtocol } from '../../../shared/contract/mail.js'
import { imapDialogue } from './imap.js'
import { pop3Dialogue } from './pop3.js'
import { smtpDialogue } from './smtp.js'
import type { Dialogue } from './types.js'

export type { Capabilities, Dialogue, Greeting, StartTlsReply } from './types.js'

export const dialogues: Record<MailProtocol, Dialogue> = {
  imap: imapDialogue,
  pop3: pop3Dialogue,
  smtp: smtpDialogue,
}
