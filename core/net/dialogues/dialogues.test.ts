import { describe, expect, it } from 'vitest'
import { imapCapabilities } from './imap.js'
import { pop3Capabilities } from './pop3.js'
import { smtpCapabilities } from './smtp.js'

describe('capability parsing is exact, never a substring match', () => {
  it('IMAP: atoms, AUTH= mechanisms, LOGINDISABLED', () => {
    const caps = imapCapabilities(['IMAP4rev1', 'SASL-IR', 'STARTTLS', 'LOGINDISABLED', 'AUTH=PLAIN'])
    expect(caps).toMatchObject({
      startTls: true,
      loginDisabled: true,
      plaintextLogin: false,
      authMechanisms: ['PLAIN'],
    })
    expect(imapCapabilities(['IMAP4rev1', 'XSTARTTLS-NOT', 'ID']).startTls).toBe(false)
  })

  it('POP3: STLS, USER and SASL lines', () => {
    const caps = pop3Capabilities(['TOP', 'USER', 'SASL PLAIN LOGIN', 'STLS'])
    expect(caps).toMatchObject({ startTls: true, plaintextLogin: true, authMechanisms: ['PLAIN', 'LOGIN'] })
    expect(pop3Capabilities(['IMPLEMENTATION STLS-less server']).startTls).toBe(false)
  })

  it('SMTP: EHLO keywords after the first line, AUTH and the old AUTH= form', () => {
    const caps = smtpCapabilities({
      code: 250,
      lines: [
        '250-mail.example Hello STARTTLS fan',
        '250-PIPELINING',
        '250-AUTH PLAIN LOGIN',
        '250-AUTH=CRAM-MD5',
        '250 HELP',
      ],
    })
    expect(caps.startTls).toBe(false)
    expect(caps.authMechanisms).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5'])
    expect(caps.plaintextLogin).toBe(true)
  })
})
