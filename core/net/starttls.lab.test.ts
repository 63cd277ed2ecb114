// The upgrader against the real lab servers: Dovecot (IMAP 143, POP3 110), Perdition (143, 110)
// and Exim (587, 25), verified against the lab CA.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { getLab } from '../../e2e/lab/lab.js'
import type { MailProtocol } from '../../shared/contract/mail.js'
import { connectStartTls } from './starttls.js'

const lab = getLab()
const ca = readFileSync(lab.caPath, 'utf8')

const cases: [string, string, string, number, MailProtocol][] = [
  ['Dovecot IMAP', lab.good.dovecot.host, lab.good.dovecot.address, 143, 'imap'],
  ['Dovecot POP3', lab.good.dovecot.host, lab.good.dovecot.address, 110, 'pop3'],
  ['Perdition IMAP', lab.good.perdition.host, lab.good.perdition.address, 143, 'imap'],
  ['Perdition POP3', lab.good.perdition.host, lab.good.perdition.address, 110, 'pop3'],
  ['Exim submission', lab.good.exim.host, lab.good.exim.address, 587, 'smtp'],
  ['Exim MX', lab.good.exim.host, lab.good.exim.address, 25, 'smtp'],
]

describe('STARTTLS against the lab', () => {
  it.each(cases)('%s upgrades and verifies', async (_name, host, address, port, protocol) => {
    const connection = await connectStartTls({ host, address, port }, protocol, {
      ca,
      rejectUnauthorized: true,
      timeoutMs: 5_000,
    })
    expect(connection.before.startTls).toBe(true)
    expect(connection.tls.authorized).toBe(true)
    expect(['TLSv1.2', 'TLSv1.3']).toContain(connection.tls.getProtocol())
    connection.tls.destroy()
  })
})
