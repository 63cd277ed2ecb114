// The DKIM section against the real engine and real keys: the corpus's real messages, whose keys
// the lab's DNS server (127.0.10.53) publishes, dropped, pasted, opened and verified as a folder;
// and a 30 MB message with attachments that reaches the engine through the upload route.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, REPO_ROOT, test } from '../fixtures/webhost'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

const CORPUS = path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real')
const LAB_DNS = '127.0.10.53:53'

const corpus = (name: string) => readFile(path.join(CORPUS, name))

/** Opens the app with the lab's DNS server saved in Settings, then goes to DKIM. */
async function openDkim(page: Page, url: string): Promise<DkimPage> {
  const app = new MailwardenPage(page)
  await app.open(url)
  await app.goTo('Settings')
  await app.dnsServer.fill(LAB_DNS)
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('status')).toHaveText('Saved')
  await app.goTo('DKIM')
  return new DkimPage(page)
}

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations.map(({ id, help, nodes }) => ({ id, help, targets: nodes.map((n) => n.target) }))
}

/** The message with one body line changed, as a forwarder or an attacker would. */
function tamper(message: string): string {
  const split = message.search(/\r?\n\r?\n/)
  const head = message.slice(0, split)
  const body = message.slice(split)
  const changed = body.replace(/[a-z]{4,}/, (word) => word.toUpperCase())
  expect(changed).not.toBe(body)
  return head + changed
}

test('a dropped real message shows its verdict, each signature and its findings', async ({
  page,
  webhost,
}) => {
  const dkim = await openDkim(page, webhost.url)
  await dkim.drop([{ name: 'real-amazon.eml', bytes: await corpus('real-amazon.eml') }])

  await expect(dkim.verdictHeading).toContainText('Verdict for real-amazon.eml')
  await expect(dkim.verdictHeading).toContainText('pass')
  await expect(dkim.verdictHeading).toContainText('From vouched for')
  await expect(page.getByText('From is vouched for.')).toBeVisible()
  // Keys from the lab DNS: relaxed alignment would use the RFC 9989 tree walk, and says so.
  await expect(
    page.getByText('Organisational domains found by the DMARC DNS tree walk (RFC 9989).'),
  ).toBeVisible()

  // amazon.com verifies with the lab's copy of its (1024-bit) key; amazonses.com has none there.
  const amazon = dkim.signature(1)
  await expect(dkim.signatureHeading(1)).toContainText('pass')
  await expect(dkim.signatureHeading(1)).toContainText('amazon.com')
  await expect(amazon.getByText('This is the signature that counts for DMARC.')).toBeVisible()
  for (const step of [
    'Fetch the key',
    'Check the key',
    'Hash the body',
    'Hash the headers',
    'Verify the signature',
  ]) {
    await expect(amazon.getByRole('listitem').filter({ hasText: step })).toBeVisible()
  }
  await expect(amazon.getByRole('list', { name: 'Findings about signature 1' })).toContainText(
    'The signing key is weak',
  )
  // No key for it: permerror where DNS says the name does not exist, temperror where the lab's DNS
  // server refuses names outside the lab (it has no upstream). Either way not a pass.
  await expect(dkim.signatureHeading(2)).toContainText(/temperror|permerror/)
  await expect(dkim.signatureHeading(2)).toContainText('amazonses.com')

  // The receiving server's own results sit beside ours; the message's headers beside the report.
  await expect(dkim.received.getByRole('table')).toContainText('mx1.messagingengine.com')
  await expect(dkim.headers).toContainText('account-update@amazon.com')

  // The canonicalized data behind the verdict.
  await amazon.getByText('Show canonicalized data').click()
  await expect(amazon.getByRole('region', { name: 'Canonical header block of signature 1' })).toContainText(
    'dkim-signature:',
  )
  await expect(amazon.getByText('They match')).toBeVisible()
})

test('a pasted tampered message fails, and the failure is explained', async ({ page, webhost }) => {
  const dkim = await openDkim(page, webhost.url)
  await dkim.openOptions()
  await dkim.asOf.fill('2020-01-01')
  const tampered = tamper((await corpus('rfc8463-dkimpy-rsa.eml')).toString('latin1'))
  await dkim.paste.fill(tampered)
  await dkim.verifyPasted.click()

  await expect(dkim.verdictHeading).toContainText('fail')
  await expect(page.getByText('From is not vouched for.')).toBeVisible()
  const signature = dkim.signature(1)
  await expect(dkim.signatureHeading(1)).toContainText('football.example.com')
  await expect(signature.getByRole('listitem').filter({ hasText: 'Hash the body' })).toContainText('failed')
  await expect(signature.getByRole('list', { name: 'Findings about signature 1' })).toContainText(
    'The body changed after signing',
  )
  await expect(page.getByText(/^2020-01-01T00:00:00.*the date you chose$/)).toBeVisible()
  // Claimed and computed body hashes, side by side, and different.
  await signature.getByText('Show canonicalized data').click()
  const claimed = await signature
    .getByText('Claimed (bh=)', { exact: true })
    .locator('xpath=following-sibling::dd[1]')
    .textContent()
  const computed = await signature
    .getByText('Computed', { exact: true })
    .locator('xpath=following-sibling::dd[1]')
    .textContent()
  expect(claimed).toMatch(/^[A-Za-z0-9+/]{43}=$/)
  expect(computed).toMatch(/^[A-Za-z0-9+/]{43}=$/)
  expect(computed).not.toBe(claimed)

  // An empty paste is refused in place, with a sentence.
  await dkim.paste.fill('')
  await dkim.verifyPasted.click()
  await expect(page.getByText(/^The paste box is empty: paste the whole message first/)).toBeVisible()
})

test('a folder is verified as one run and its table sorts by keyboard', async ({ page, webhost }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-folder-'))
  try {
    const folder = path.join(dir, 'inbox')
    await mkdir(folder)
    const names = (await readdir(CORPUS)).filter((name) => name.endsWith('.eml'))
    for (const name of names) await copyFile(path.join(CORPUS, name), path.join(folder, name))
    const tampered = tamper((await corpus('real-cnn.eml')).toString('latin1'))
    await writeFile(path.join(folder, 'tampered-cnn.eml'), Buffer.from(tampered, 'latin1'))
    const dkim = await openDkim(page, webhost.url)
    await dkim.folderPicker.setInputFiles(folder)

    const total = names.length + 1
    await expect(dkim.folder.getByRole('status')).toHaveText(`Done: ${total} messages verified.`, {
      timeout: 30_000,
    })
    await expect(dkim.table.locator('tbody tr')).toHaveCount(total)

    // Verdict, best first, then worst first: the tampered message moves to the top.
    await dkim.sortButton('Verdict').focus()
    await page.keyboard.press('Enter')
    await expect(dkim.columnHeader('Verdict')).toHaveAttribute('aria-sort', 'ascending')
    expect((await dkim.verdicts())[0]).toBe('pass')
    await page.keyboard.press('Enter')
    await expect(dkim.columnHeader('Verdict')).toHaveAttribute('aria-sort', 'descending')
    expect((await dkim.names())[0]).toContain('tampered-cnn.eml')
    expect((await dkim.verdicts())[0]).toBe('fail')
    expect((await dkim.verdicts()).filter((v) => v === 'pass')).toHaveLength(names.length)

    // By name, with Space this time.
    await dkim.sortButton('Name').focus()
    await page.keyboard.press('Space')
    const byName = await dkim.names()
    expect(byName).toEqual(
      [...byName].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })),
    )
    await dkim.sortButton('Signing domain').click()
    await expect(dkim.columnHeader('Signing domain')).toHaveAttribute('aria-sort', 'ascending')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

/** Signs `head`+`body` (relaxed/relaxed, rsa-sha256) with node:crypto; both must already be canonical. */
function signRelaxed(headers: [string, string][], body: string, domain: string, selector: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const bh = createHash('sha256').update(body, 'latin1').digest('base64')
  const signed = headers.map(([name]) => name.toLowerCase())
  const tags = `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=${selector}; h=${signed.join(':')}; bh=${bh}; b=`
  const canonical = headers.map(([name, value]) => `${name.toLowerCase()}:${value.trim()}\r\n`).join('')
  const data = `${canonical}dkim-signature:${tags}`
  const b = sign('sha256', Buffer.from(data, 'latin1'), privateKey).toString('base64')
  const p = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64')
  return {
    field: `DKIM-Signature: ${tags}${b}`,
    record: `${selector}._domainkey.${domain} v=DKIM1; k=rsa; p=${p}`,
  }
}

/** base64 of random bytes in 76-character lines: an attachment of about `size` bytes on the wire. */
function attachment(size: number): string {
  const text = randomBytes(Math.ceil((size * 3) / 4)).toString('base64')
  return (text.match(/.{1,76}/g) ?? []).join('\r\n')
}

test('a 30 MB message with attachments verifies from the browser tab, through the upload', async ({
  page,
  webhost,
}) => {
  test.setTimeout(90_000)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-large-'))
  try {
    const boundary = 'mw-boundary-1'
    const body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The quarterly figures are attached.',
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="figures-1.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="figures-1.bin"',
      '',
      attachment(15 * 1024 * 1024),
      `--${boundary}`,
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="report.pdf"',
      '',
      attachment(15 * 1024 * 1024),
      `--${boundary}--`,
      '',
    ].join('\r\n')
    const headers: [string, string][] = [
      ['From', 'Finance <finance@big.example>'],
      ['To', 'Board <board@example.org>'],
      ['Subject', 'Quarterly figures'],
      ['Date', 'Tue, 01 Dec 2026 10:00:00 +0000'],
      ['MIME-Version', '1.0'],
      ['Content-Type', `multipart/mixed; boundary="${boundary}"`],
    ]
    const { field, record } = signRelaxed(headers, body, 'big.example', 'big')
    const message = `${field}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n${body}`
    expect(message.length).toBeGreaterThan(30 * 1000 * 1000)
    const file = path.join(dir, 'figures.eml')
    await writeFile(file, message, 'latin1')

    const app = new MailwardenPage(page)
    await app.open(webhost.url)
    await app.goTo('DKIM')
    const dkim = new DkimPage(page)
    await dkim.openOptions()
    await dkim.keyRecords.fill(record)
    // Far beyond the 1 MiB the WebSocket takes: the page must upload it.
    const uploads: number[] = []
    page.on('request', (request) => {
      if (request.url().endsWith('/upload') && request.method() === 'POST') uploads.push(1)
    })
    await dkim.messageFile.setInputFiles(file)

    await expect(dkim.verdictHeading).toContainText('pass', { timeout: 60_000 })
    await expect(page.getByText(/sent to Mailwarden as an upload/)).toBeVisible()
    await expect(page.getByText(/^3\d\.\d MiB/)).toBeVisible()
    await expect(dkim.signatureHeading(1)).toContainText('big.example')
    expect(uploads).toHaveLength(1)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the DKIM section has no accessibility violations in ${colorScheme}`, async ({ page, webhost }) => {
    // Two verifications and two axe runs over a long report: generous, for a busy machine.
    test.setTimeout(90_000)
    await page.emulateMedia({ colorScheme })
    const dkim = await openDkim(page, webhost.url)
    expect(await violations(page), `empty DKIM section in ${colorScheme}`).toEqual([])

    await dkim.openOptions()
    await dkim.drop([{ name: 'real-fastmail.eml', bytes: await corpus('real-fastmail.eml') }])
    await expect(dkim.verdictHeading).toContainText('pass')
    await dkim.signature(1).getByText('Show canonicalized data').click()
    const folder = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-axe-'))
    try {
      await copyFile(path.join(CORPUS, 'real-gmail-2013.eml'), path.join(folder, 'gmail.eml'))
      await writeFile(path.join(folder, 'junk.eml'), 'not a message')
      await dkim.severalFiles.setInputFiles([path.join(folder, 'gmail.eml'), path.join(folder, 'junk.eml')])
      await expect(dkim.folder.getByRole('status')).toHaveText('Done: 2 messages verified.')
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
    expect(await violations(page), `a report and a folder table in ${colorScheme}`).toEqual([])
  })
}
