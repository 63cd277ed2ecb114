// Exim's real signing path: messages submitted to the lab's Exim (587, AUTH after STARTTLS) are
// signed d=lab.test s=mwlab on their way to Dovecot; the copies stored in the Maildir (bare LF,
// with Received and Return-Path added after signing) join the corpus, plus tampered copies.
import { randomUUID } from 'node:crypto'
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type { Lab } from '../lab/lab.js'
import type { Corpus, CorpusCase } from './generate.js'

async function waitForMessage(maildir: string, needle: string, timeoutMs: number): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const sub of ['new', 'cur']) {
      const dir = path.join(maildir, sub)
      const names = await readdir(dir).catch(() => [] as string[])
      for (const name of names) {
        const data = await readFile(path.join(dir, name))
        if (data.includes(needle)) return data
      }
    }
    if (Date.now() > deadline)
      throw new Error(`Exim did not deliver the message "${needle}" within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Sends three messages through Exim, adds them and tampered copies to the corpus, and the lab key. */
export async function addEximCases(corpus: Corpus, lab: Lab): Promise<CorpusCase[]> {
  const ca = await readFile(lab.caPath)
  const transport = nodemailer.createTransport({
    host: lab.good.exim.address,
    port: lab.ports.submission,
    secure: false,
    requireTLS: true,
    auth: { user: lab.user.login, pass: lab.user.password },
    tls: { ca: [ca], servername: lab.good.exim.host },
  })
  const tag = randomUUID()
  const messages = [
    { name: 'plain', text: 'A plain message signed by Exim.\n\nSecond paragraph.\n' },
    { name: 'utf8', text: 'Grüße aus dem Labor — ✉ 日本語\n' },
    {
      name: 'attachment',
      text: 'With an attachment.',
      attachments: [{ filename: 'data.bin', content: Buffer.alloc(30_000, 7) }],
    },
  ]
  const cases: CorpusCase[] = []
  try {
    for (const m of messages) {
      const subject = `corpus ${m.name} ${tag}`
      await transport.sendMail({
        from: lab.user.address,
        to: lab.user.address,
        subject,
        text: m.text,
        ...(m.attachments ? { attachments: m.attachments } : {}),
      })
      const stored = await waitForMessage(lab.maildir, subject, 15_000)
      const sig = { domain: lab.dkim.domain, selector: lab.dkim.selector, aligned: true }
      const write = async (name: string, data: Buffer) => {
        const file = path.join('cases', `${name}.eml`)
        await writeFile(path.join(corpus.dir, file), data)
        return file
      }
      cases.push({
        name: `exim-${m.name}`,
        file: await write(`exim-${m.name}`, stored),
        signer: 'exim',
        description: `Exim signed it (rsa-sha256, relaxed/relaxed); stored by Dovecot with bare LF`,
        expect: { signatures: [{ ...sig, result: 'pass' }], verdictPass: true },
      })
      const text = stored.toString('latin1')
      const bodyAt = text.indexOf('\n\n') + 2
      const tampered = `${text.slice(0, bodyAt)}${text.slice(bodyAt).replace(/[a-z]/, (c) => c.toUpperCase())}`
      cases.push({
        name: `exim-${m.name}-body-changed`,
        file: await write(`exim-${m.name}-body-changed`, Buffer.from(tampered, 'latin1')),
        signer: 'exim',
        description: 'an Exim-signed message with one body letter changed',
        expect: {
          signatures: [{ ...sig, result: 'fail' }],
          verdictPass: false,
          findings: ['body-hash-mismatch'],
        },
      })
    }
  } finally {
    transport.close()
  }
  await appendFile(corpus.keysFile, `${lab.dkim.selector}._domainkey.${lab.dkim.domain} ${lab.dkim.txt}\n`)
  corpus.cases.push(...cases)
  return cases
}
