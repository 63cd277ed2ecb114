// The lab end to end: submit through Exim's 587 with AUTH over STARTTLS, find the message in
// the Dovecot Maildir signed by Exim (DKIM), fetch it over IMAPS and through Perdition.
import { randomUUID } from 'node:crypto'
import { Resolver } from 'node:dns/promises'
import fs from 'node:fs'
import path from 'node:path'
import { ImapFlow } from 'imapflow'
import { dkimVerify } from 'mailauth/lib/dkim/verify'
import nodemailer from 'nodemailer'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from './lab.js'

let lab: Lab
let ca: Buffer
const subject = `lab round trip ${randomUUID()}`

beforeAll(() => {
  lab = getLab()
  ca = fs.readFileSync(lab.caPath)
})

async function waitForFile(dir: string, needle: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const sub of ['new', 'cur']) {
      const d = path.join(dir, sub)
      for (const f of fs.existsSync(d) ? fs.readdirSync(d) : []) {
        const text = fs.readFileSync(path.join(d, f), 'utf8')
        if (text.includes(needle)) return text
      }
    }
    if (Date.now() > deadline) throw new Error(`no message containing "${needle}" in ${dir}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function fetchBySubject(host: { address: string; host: string }, port: number): Promise<string> {
  const client = new ImapFlow({
    host: host.address,
    port,
    secure: port === lab.ports.imaps,
    doSTARTTLS: port === lab.ports.imaps ? undefined : true,
    auth: { user: lab.user.login, pass: lab.user.password },
    tls: { ca: [ca], servername: host.host },
    logger: false,
  })
  await client.connect()
  try {
    const lock = await client.getMailboxLock('INBOX')
    try {
      const uids = await client.search({ subject }, { uid: true })
      expect(uids && uids.length > 0).toBe(true)
      const uid = (uids as number[])[0] as number
      const msg = await client.fetchOne(String(uid), { source: true }, { uid: true })
      if (msg === false || !msg.source) throw new Error('message has no source')
      return msg.source.toString('utf8')
    } finally {
      lock.release()
    }
  } finally {
    await client.logout()
  }
}

/** Verifies with mailauth (an independent verifier), fetching keys from the lab DNS only. */
async function dkimResults(message: string) {
  const resolver = new Resolver({ timeout: 2000, tries: 1 })
  resolver.setServers([lab.dns.server])
  const { results } = await dkimVerify(message, {
    resolver: async (name, rrtype) => {
      if (rrtype !== 'TXT') throw Object.assign(new Error(`no ${rrtype} in the lab`), { code: 'ENOTFOUND' })
      return resolver.resolveTxt(name)
    },
  })
  return results
}

describe('mail lab', () => {
  it('does not take a password on 587 before STARTTLS, so unauthenticated submission is refused', async () => {
    const t = nodemailer.createTransport({
      host: lab.good.exim.address,
      port: lab.ports.submission,
      secure: false,
      ignoreTLS: true,
      auth: { user: lab.user.login, pass: lab.user.password },
    })
    // AUTH is not offered without TLS (nodemailer then skips it): RCPT must be refused.
    await expect(
      t.sendMail({ from: lab.user.address, to: lab.user.address, subject: 'must not arrive', text: 'x' }),
    ).rejects.toThrow(/Authentication required/)
  })

  it('submits over 587 with AUTH after STARTTLS; Exim delivers into the Maildir with a DKIM-Signature', async () => {
    const t = nodemailer.createTransport({
      host: lab.good.exim.address,
      port: lab.ports.submission,
      secure: false,
      requireTLS: true,
      auth: { user: lab.user.login, pass: lab.user.password },
      tls: { ca: [ca], servername: lab.good.exim.host },
    })
    const info = await t.sendMail({
      from: lab.user.address,
      to: lab.user.address,
      subject,
      text: 'Sent by e2e/lab/mail.lab.test.ts through Exim submission.',
    })
    expect(info.accepted).toContain(lab.user.address)

    const stored = await waitForFile(lab.maildir, subject, 15_000)
    const header = stored.slice(0, stored.indexOf('\n\n') > 0 ? stored.indexOf('\n\n') : undefined)
    expect(header).toMatch(/^DKIM-Signature: /m)
    expect(header).toMatch(new RegExp(`d=${lab.dkim.domain.replace('.', '\\.')};`))
    expect(header).toMatch(new RegExp(`s=${lab.dkim.selector};`))
    const results = await dkimResults(stored)
    expect(results).toHaveLength(1)
    expect(results[0]).toMatchObject({
      signingDomain: lab.dkim.domain,
      selector: lab.dkim.selector,
      status: { result: 'pass' },
    })
    // The same check refuses a message changed after signing, so the pass above means something.
    const tampered = stored.replace('Sent by e2e/lab', 'Sent by someone else from e2e/lab')
    const [changed] = await dkimResults(tampered)
    expect(changed?.status.result).not.toBe('pass')
    expect(changed?.status.comment).toMatch(/body hash did not verify/)
  })

  it('publishes the DKIM key in the lab DNS', async () => {
    const r = new Resolver({ timeout: 2000, tries: 1 })
    r.setServers([lab.dns.server])
    const txt = (await r.resolveTxt(`${lab.dkim.selector}._domainkey.${lab.dkim.domain}`)).map((p) =>
      p.join(''),
    )
    expect(txt).toContain(lab.dkim.txt)
  })

  it('fetches the message over IMAPS from Dovecot', async () => {
    await waitForFile(lab.maildir, subject, 15_000)
    const source = await fetchBySubject(lab.good.dovecot, lab.ports.imaps)
    expect(source).toContain(subject)
    expect(source).toMatch(/^DKIM-Signature: /m)
  })

  it('fetches the message through Perdition (993 implicit TLS and 143 STARTTLS)', async () => {
    await waitForFile(lab.maildir, subject, 15_000)
    for (const port of [lab.ports.imaps, lab.ports.imap]) {
      const source = await fetchBySubject(lab.good.perdition, port)
      expect(source).toContain(subject)
      expect(source).toMatch(/^DKIM-Signature: /m)
    }
  })
})
