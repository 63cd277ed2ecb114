// Against the real lab: keys fetched from the lab DNS (dnsmasq serves e2e/corpus/dkim-real's
// keys.txt and Exim's own key), Exim's real signature on a message delivered to the Maildir, and
// tampered copies that must fail with the right explanation.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nodemailer from 'nodemailer'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../e2e/lab/lab.js'
import { createResolver } from '../dns/resolver.js'
import { cachedKeySource, dnsKeySource, type KeySource, verifyMessage } from './index.js'

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../e2e/corpus/dkim-real')
let lab: Lab
let keys: KeySource

beforeAll(() => {
  lab = getLab()
  keys = cachedKeySource(dnsKeySource(createResolver({ server: lab.dns.server, timeoutMs: 3_000 })))
})

async function waitForFile(dir: string, needle: string, timeoutMs: number): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const sub of ['new', 'cur']) {
      const d = path.join(dir, sub)
      for (const f of fs.existsSync(d) ? fs.readdirSync(d) : []) {
        const bytes = fs.readFileSync(path.join(d, f))
        if (bytes.includes(needle)) return bytes
      }
    }
    if (Date.now() > deadline) throw new Error(`no message containing "${needle}" in ${dir}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('DKIM verification against the lab', () => {
  it('fetches the corpus keys from the lab DNS and verifies the RFC 8463 message', async () => {
    const report = await verifyMessage(fs.readFileSync(path.join(corpus, 'rfc8463-a3.eml')), {
      keys,
      at: new Date('2020-01-01T00:00:00Z'),
    })
    expect(report.signatures.map((s) => [s.selector, s.result, s.keySource])).toEqual([
      ['brisbane', 'pass', `DNS server ${lab.dns.server}`],
      ['test', 'pass', `DNS server ${lab.dns.server}`],
    ])
  })

  it('verifies the Gmail key, whose record the lab splits into 255-byte TXT strings', async () => {
    const report = await verifyMessage(fs.readFileSync(path.join(corpus, 'real-gmail-2013.eml')), {
      keys,
      at: new Date('2020-01-01T00:00:00Z'),
    })
    expect(report.signatures[0]).toMatchObject({ domain: 'gmail.com', result: 'pass', keyBits: 2048 })
  })

  it('says a name the lab DNS does not serve has no key (permerror), or could not be asked (temperror)', async () => {
    const report = await verifyMessage(fs.readFileSync(path.join(corpus, 'real-amazon.eml')), { keys })
    const ses = report.signatures.find((s) => s.domain === 'amazonses.com')
    // The lab DNS refuses names outside its zones: no answer is not "no key".
    expect(ses?.result).toBe('temperror')
    expect(ses?.steps[0]?.status).toBe('failed')
    expect(report.signatures.find((s) => s.domain === 'amazon.com')?.result).toBe('pass')
  })

  it('verifies Exim’s own signature on a delivered message, and explains tampered copies', async () => {
    const subject = `dkim lab ${randomUUID()}`
    const ca = fs.readFileSync(lab.caPath)
    const transport = nodemailer.createTransport({
      host: lab.good.exim.address,
      port: lab.ports.submission,
      secure: false,
      requireTLS: true,
      auth: { user: lab.user.login, pass: lab.user.password },
      tls: { ca: [ca], servername: lab.good.exim.host },
    })
    await transport.sendMail({
      from: lab.user.address,
      to: lab.user.address,
      subject,
      text: 'Signed by Exim in the lab.\nSecond line.\n',
    })
    const stored = await waitForFile(lab.maildir, subject, 15_000)

    const report = await verifyMessage(stored, { keys })
    const exim = report.signatures.find((s) => s.domain === lab.dkim.domain)
    expect(exim).toMatchObject({
      selector: lab.dkim.selector,
      algorithm: 'rsa-sha256',
      canonicalization: 'relaxed/relaxed',
      result: 'pass',
      keyBits: 2048,
      aligned: true,
    })
    expect(report.alignedPass).toBe(true)

    const text = stored.toString('latin1')
    const body = await verifyMessage(
      Buffer.from(text.replace('Second line.', 'Second line, changed.'), 'latin1'),
      { keys },
    )
    const bodyFail = body.signatures.find((s) => s.domain === lab.dkim.domain)
    expect(bodyFail?.result).toBe('fail')
    expect(bodyFail?.reason).toMatch(/body hash does not match/)

    const footer = await verifyMessage(Buffer.from(`${text}-- \nlab-list mailing list\n`, 'latin1'), { keys })
    expect(footer.signatures.find((s) => s.domain === lab.dkim.domain)?.reason).toMatch(
      /bytes were added after it/,
    )

    const subjectChanged = await verifyMessage(
      Buffer.from(text.replace(subject, `${subject} [SPAM]`), 'latin1'),
      { keys },
    )
    const headerFail = subjectChanged.signatures.find((s) => s.domain === lab.dkim.domain)
    expect(headerFail?.result).toBe('fail')
    expect(headerFail?.reason).toMatch(/signed header changed/)
    expect(headerFail?.canonicalHeaders?.text).toContain('[SPAM]')
  })
})
