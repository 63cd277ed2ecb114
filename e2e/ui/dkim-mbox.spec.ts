// An mbox in the DKIM section, through the real web host and Debian's Chromium: picked or dropped,
// streamed to the host's archive upload route, verified on the engine's worker pool with the keys
// typed in the options, one row per message in the sortable table; and a long run cancelled.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { startHeldDns } from '../../core/dkim/test-support/held-dns'
import { expect, REPO_ROOT, test } from '../fixtures/webhost'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

const CORPUS = path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real')
const SEPARATOR = 'From MAILER-DAEMON Tue Dec  1 10:00:00 2026'

/** mboxrd, as mail clients export: a "From " line before each message, body "From " lines escaped. */
function mbox(messages: Buffer[]): Buffer {
  return Buffer.concat(
    messages.map((message) => {
      const text = message.toString('latin1')
      const nl = text.includes('\r\n') ? '\r\n' : '\n'
      const escaped = text.replace(/^(>*From )/gm, '>$1')
      return Buffer.from(`${SEPARATOR}${nl}${escaped}${escaped.endsWith(nl) ? '' : nl}${nl}`, 'latin1')
    }),
  )
}

/** The message with one body word changed, as a forwarder or an attacker would. */
function tamper(message: Buffer): Buffer {
  const text = message.toString('latin1')
  const split = text.search(/\r?\n\r?\n/)
  const body = text.slice(split).replace(/[a-z]{4,}/, (word) => word.toUpperCase())
  return Buffer.from(text.slice(0, split) + body, 'latin1')
}

async function openDkimWithKeys(page: Page, url: string): Promise<DkimPage> {
  const app = new MailwardenPage(page)
  await app.open(url)
  await app.goTo('DKIM')
  const dkim = new DkimPage(page)
  await dkim.openOptions()
  await dkim.keyRecords.fill(await readFile(path.join(CORPUS, 'keys.txt'), 'utf8'))
  return dkim
}

const mboxPicker = (page: Page) => page.getByLabel('An mbox file')

test('a picked mbox is verified message by message, and its table sorts', async ({ page, webhost }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-mbox-'))
  try {
    const names = (await readdir(CORPUS)).filter((name) => name.endsWith('.eml')).sort()
    const messages = await Promise.all(names.map((name) => readFile(path.join(CORPUS, name))))
    const cnn = await readFile(path.join(CORPUS, 'real-cnn.eml'))
    const junk = Buffer.from('\u0000\u0001 not a message at all \u00ff\n', 'latin1')
    // A "From " line straight after another: an empty message (a cut export), which cannot be verified.
    const empty = Buffer.from(`${SEPARATOR}\n\n`)
    const bytes = Buffer.concat([mbox([...messages, tamper(cnn)]), empty, mbox([junk])])
    const file = path.join(dir, 'export.mbox')
    await writeFile(file, bytes)
    const offsetOf = (n: number) => {
      let at = 0
      for (let i = 0; i < n; i++) at = bytes.indexOf(SEPARATOR, at + 1)
      return at
    }

    const dkim = await openDkimWithKeys(page, webhost.url)
    const uploads: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') uploads.push(new URL(request.url()).pathname)
    })
    await mboxPicker(page).setInputFiles(file)

    const total = names.length + 3
    await expect(dkim.folder.getByRole('status')).toHaveText(
      `Done: ${total} messages verified: 7 pass (aligned with From), 3 do not, 1 could not be verified.`,
      { timeout: 20_000 },
    )
    // The mbox went to the archive route in one request; no message was sent on its own.
    expect(uploads).toEqual(['/upload/archive'])
    await expect(dkim.folder.getByText(/^Verified 11 messages, 0\.\d MiB of 0\.\d MiB$/)).toBeVisible()
    await expect(dkim.folder.getByRole('progressbar')).toHaveAttribute('value', String(bytes.length))
    await expect(dkim.table.locator('tbody tr')).toHaveCount(total)

    // Rows are named by the offset of their "From " line, as the CLI's --json-lines gives them.
    const amazon = `export.mbox@${offsetOf(names.indexOf('real-amazon.eml'))}`
    const amazonRow = dkim.table
      .locator('tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: amazon, exact: true }) })
    await expect(amazonRow).toContainText('pass')
    await expect(amazonRow).toContainText('amazon.com, amazonses.com')
    await expect(amazonRow.locator('td').nth(3)).toHaveText('yes')
    const row = (n: number) =>
      dkim.table.locator('tbody tr').filter({
        has: page.getByRole('rowheader', { name: `export.mbox@${offsetOf(n)}`, exact: true }),
      })
    // The empty message: an error row that says why; the junk after it: no signature, still a row.
    await expect(row(total - 2)).toContainText('The message is empty.')
    await expect(
      row(total - 1)
        .locator('td')
        .nth(3),
    ).toHaveText('no')
    await expect(row(total - 3)).toContainText('fail')

    // By name: offsets in numeric order (the first message first).
    expect((await dkim.names())[0]).toBe('export.mbox@0')
    // Verdict, worst first: the two unsigned rows, then the tampered copy of the CNN message.
    await dkim.sortButton('Verdict').click()
    await dkim.sortButton('Verdict').click()
    await expect(dkim.columnHeader('Verdict')).toHaveAttribute('aria-sort', 'descending')
    expect((await dkim.verdicts()).slice(0, 4)).toEqual(['none', 'none', 'fail', 'pass'])
    expect((await dkim.names())[2]).toBe(`export.mbox@${offsetOf(total - 3)}`)
    await dkim.sortButton('Signing domain').click()
    await expect(dkim.columnHeader('Signing domain')).toHaveAttribute('aria-sort', 'ascending')
    // The mbox picker, its progress and its table pass axe like the rest of the section.
    const axe = await new AxeBuilder({ page })
      .include('section[aria-labelledby="dkim-folder-title"]')
      .analyze()
    expect(axe.violations.map((v) => v.id)).toEqual([])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('an mbox dropped on the message drop zone goes to the mbox path, not to one-message verify', async ({
  page,
  webhost,
}) => {
  const dkim = await openDkimWithKeys(page, webhost.url)
  const messages = await Promise.all(
    ['real-gmail-2013.eml', 'rfc8463-a3.eml'].map((name) => readFile(path.join(CORPUS, name))),
  )
  await dkim.drop([{ name: 'dropped.mbox', bytes: mbox(messages) }])
  await expect(dkim.folder.getByRole('status')).toHaveText(
    'Done: 2 messages verified: 1 pass (aligned with From), 1 do not, 0 could not be verified.',
  )
  expect(await dkim.names()).toEqual(['dropped.mbox@0', expect.stringMatching(/^dropped\.mbox@\d+$/)])
  await expect(dkim.verdictHeading).toHaveCount(0)
})

test('a long mbox run shows its progress and stops on Cancel', async ({ page, webhost }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-mbox-cancel-'))
  // The gate: a DNS server that answers the first three messages' key at once and never answers
  // the selector each later message names. The run cannot be done before Cancel, however fast.
  const dns = await startHeldDns(await readFile(path.join(CORPUS, 'keys.txt'), 'utf8'), (name) =>
    name.startsWith('held'),
  )
  try {
    // 600 copies of a 52 KB newsletter: about 30 MB.
    const cnn = await readFile(path.join(CORPUS, 'real-cnn.eml'))
    const held = (i: number) =>
      Buffer.from(cnn.toString('latin1').replace(' s=v2;', ` s=held${i};`), 'latin1')
    const file = path.join(dir, 'big.mbox')
    await writeFile(file, mbox([cnn, cnn, cnn, ...Array.from({ length: 597 }, (_, i) => held(i))]))
    const app = new MailwardenPage(page)
    await app.open(webhost.url)
    await app.goTo('Settings')
    await app.dnsServer.fill(dns.server)
    await app.saveNetwork.click()
    await expect(app.networkGroup.getByRole('status')).toHaveText('Saved')
    await app.goTo('DKIM')
    const dkim = new DkimPage(page)
    await mboxPicker(page).setInputFiles(file)

    // Progress: the rows the run has verified arrive while it waits for the rest.
    await expect(dkim.table.locator('tbody tr')).toHaveCount(3, { timeout: 20_000 })
    await expect(dkim.folder.getByRole('status')).toHaveText(/^Verifying/)
    await dkim.cancel.click()

    await expect(dkim.folder.getByRole('status')).toHaveText('Cancelled after 3 messages.')
    await expect(dkim.cancel).toHaveCount(0)
    // The bar counted the bytes verified through, short of the whole file.
    await expect(dkim.folder.getByText(/^Verified 3 messages, [\d.]+ MiB of 30 MiB$/)).toBeVisible()
    const value = Number(await dkim.folder.getByRole('progressbar').getAttribute('value'))
    expect(value).toBeGreaterThan(0)
    expect(value).toBeLessThan(4 * (cnn.length + 100))
    // The engine said the run ended cancelled; the rows are the ones it verified.
    await expect(dkim.table.locator('tbody tr')).toHaveCount(3)
    expect(await dkim.verdicts()).toEqual(['pass', 'pass', 'pass'])
    // The pickers work again.
    await expect(mboxPicker(page)).toBeEnabled()
  } finally {
    await dns.close()
    await rm(dir, { recursive: true, force: true })
  }
})
