// Item 3 of issue 13, as the user sees it: servers that came only from an autoconfig file over
// plain HTTP are said above the results, in words, with why it matters and what the HTTPS
// attempts got; a file that sends the password to another domain's server is an error, and each
// such server is bad, whatever its TLS.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { FORGED_DOMAIN, startForgedAutoconfig } from '../fixtures/forged-autoconfig'
import { labSettings } from '../fixtures/lab-webhost'
import { startWebHostProcess } from '../fixtures/webhost'
import { getLab } from '../lab/lab'
import { ProbePage } from './pages/probe'

const lab = getLab()
const IMAP = lab.good.dovecot.host
const SMTP = lab.good.exim.host

test('a server list fetched over plain HTTP is said above the results, with the HTTPS failures', async ({
  page,
}) => {
  const forged = await startForgedAutoconfig({
    address: '127.0.13.81',
    labDns: lab.dns.server,
    file: `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="${FORGED_DOMAIN}">
  <incomingServer type="imap"><hostname>${IMAP}</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
  <outgoingServer type="smtp"><hostname>${SMTP}</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
</emailProvider></clientConfig>`,
  })
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'mailwarden-e2e-'))
  await writeFile(
    path.join(configDir, 'settings.json'),
    JSON.stringify({ ...labSettings(), dnsServer: forged.dnsServer }),
    { mode: 0o600 },
  )
  const host = await startWebHostProcess(configDir)
  try {
    const app = new ProbePage(page)
    await app.open(host.handle.url)
    await app.probe(`bob@${FORGED_DOMAIN}`)
    await app.waitForFinish(30_000)

    const warning = app.plainHttpWarning
    await expect(warning).toBeVisible()
    await expect(warning.getByText('2 servers came from a file fetched over plain HTTP')).toBeVisible()
    await expect(warning).toContainText(
      `${IMAP}:993, ${SMTP}:465 were found only in http://autoconfig.${FORGED_DOMAIN}/mail/config-v1.1.xml`,
    )
    await expect(warning).toContainText(
      'send your mail client, and your password, to a server of their choosing',
    )
    await expect(warning).toContainText(
      `A file fetched over plain HTTP sends you to another domain’s server: ${IMAP}:993, ${SMTP}:465`,
    )
    // The HTTPS attempts, in words, in the warning itself (not in a folded note).
    await expect(warning).toContainText(
      `https://autoconfig.${FORGED_DOMAIN}/mail/config-v1.1.xml?emailaddress=bob%40${FORGED_DOMAIN}: Could not connect to it (ECONNREFUSED).`,
    )
    await expect(warning).toContainText(
      `https://${FORGED_DOMAIN}/.well-known/autoconfig/mail/config-v1.1.xml: Could not connect to it (ECONNREFUSED).`,
    )
    // It sits above the settings to use, and the server, though its TLS is good, is bad here.
    const above = await warning.evaluate(
      (el, summary) => Boolean(el.compareDocumentPosition(summary as never) & 4),
      await app.useSettings.elementHandle(),
    )
    expect(above).toBe(true)
    await expect(app.endpoint(`IMAP ${IMAP}:993`).getByRole('heading', { level: 3 })).toHaveText(
      `Bad IMAP ${IMAP}:993`,
    )
    await expect(app.endpoint(`IMAP ${IMAP}:993`)).toContainText(
      'A file fetched over plain HTTP sends you to another domain’s server',
    )
  } finally {
    await host.close()
    await rm(configDir, { recursive: true, force: true })
    await forged.close()
  }
})
