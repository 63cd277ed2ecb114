// Each result word in the tone it is meant to have (renderer/sections/dkim/words.ts): pass green,
// fail and permerror red, none plain; for one message's verdict and signature, and in a folder's
// table. The tone only repeats the word, but a pass in grey reads as "not quite".
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, REPO_ROOT, test } from '../fixtures/webhost'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

const CORPUS = path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real')
const SHOTS = process.env.MAILWARDEN_SHOTS_DIR

/** The DKIM section with the corpus's keys typed in and the RFC message's date to judge it by. */
async function openDkimWithKeys(page: Page, url: string): Promise<DkimPage> {
  const app = new MailwardenPage(page)
  await app.open(url)
  await app.goTo('DKIM')
  const dkim = new DkimPage(page)
  await dkim.openOptions()
  await dkim.keyRecords.fill(await readFile(path.join(CORPUS, 'keys.txt'), 'utf8'))
  await dkim.asOf.fill('2020-01-01')
  return dkim
}

/** The colour a CSS colour variable of the page resolves to, as computed styles write it. */
async function colourOf(page: Page, variable: string): Promise<string> {
  return page.evaluate((name) => {
    const doc = (globalThis as unknown as { document: DocumentLike }).document
    const probe = doc.createElement('span')
    probe.style.color = `var(${name})`
    doc.body.appendChild(probe)
    const colour = doc.defaultView.getComputedStyle(probe).color
    probe.remove()
    return colour
  }, variable)
}

/** The few DOM parts used in the page (e2e/ is typed without the DOM). */
interface DocumentLike {
  body: { appendChild(node: unknown): void }
  createElement(tag: string): { style: { color: string }; remove(): void }
  defaultView: { getComputedStyle(node: unknown): { color: string } }
}

/** The badge of a result word inside `scope`, and its text colour. */
async function badgeColour(scope: Locator, word: string): Promise<string> {
  const badge = scope.locator('.dkim-result').filter({ hasText: new RegExp(`^\\W*${word}$`) })
  await expect(badge).toHaveCount(1)
  return badge.evaluate((node) => {
    const view = (globalThis as unknown as { getComputedStyle(n: unknown): { color: string } })
      .getComputedStyle
    return view(node).color
  })
}

async function message(name: string): Promise<Buffer> {
  return readFile(path.join(CORPUS, name))
}

/** The message with its signature's version changed: a malformed signature, a permerror. */
function malformed(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace('v=1;', 'v=9;'), 'latin1')
}

/** The message with one body word changed after signing: the signature fails. */
function tampered(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1')
  const split = text.search(/\r?\n\r?\n/)
  return Buffer.from(
    text.slice(0, split) + text.slice(split).replace(/[a-z]{4,}/, (w) => w.toUpperCase()),
    'latin1',
  )
}

/** The message without its DKIM-Signature field (and its folded lines). */
function unsigned(bytes: Buffer): Buffer {
  return Buffer.from(
    bytes.toString('latin1').replace(/^DKIM-Signature:.*\r?\n(?:[ \t].*\r?\n)*/im, ''),
    'latin1',
  )
}

test('a passing message shows pass in the pass tone, in the verdict and its signature', async ({
  page,
  webhost,
}) => {
  const dkim = await openDkimWithKeys(page, webhost.url)
  await dkim.drop([{ name: 'rfc6376-a2.eml', bytes: await message('rfc6376-a2.eml') }])
  await expect(dkim.verdictHeading).toContainText('From vouched for')
  const ok = await colourOf(page, '--ok')
  expect(await badgeColour(dkim.verdictHeading, 'pass')).toBe(ok)
  expect(await badgeColour(dkim.signatureHeading(1), 'pass')).toBe(ok)
  if (SHOTS)
    for (const [width, height] of [
      [1280, 800],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height })
      await page
        .getByRole('region', { name: /^Verdict for / })
        .screenshot({ path: path.join(SHOTS, `dkim-tone-message-${width}.png`) })
    }
})

test('a pass whose signer is not the From domain stays a green pass, beside "From not vouched for"', async ({
  page,
  webhost,
}) => {
  const dkim = await openDkimWithKeys(page, webhost.url)
  // gmail.com signed it; the From is in strace.org. The signature verifies: the word is pass, and
  // whether it vouches for the From is the sender badge's to say, in its own tone.
  await dkim.drop([{ name: 'real-gmail-2013.eml', bytes: await message('real-gmail-2013.eml') }])
  await expect(dkim.verdictHeading).toContainText('From not vouched for')
  const ok = await colourOf(page, '--ok')
  expect(await badgeColour(dkim.verdictHeading, 'pass')).toBe(ok)
  expect(await badgeColour(dkim.signatureHeading(1), 'pass')).toBe(ok)
  expect(await badgeColour(dkim.verdictHeading, 'From not vouched for')).toBe(
    await colourOf(page, '--warning-text'),
  )
  if (SHOTS)
    for (const [width, height] of [
      [1280, 800],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height })
      await page
        .getByRole('region', { name: /^Verdict for / })
        .screenshot({ path: path.join(SHOTS, `dkim-tone-not-aligned-${width}.png`) })
    }
})

test('a folder’s table shows each result word in its own tone', async ({ page, webhost }) => {
  const dkim = await openDkimWithKeys(page, webhost.url)
  const signed = await message('rfc6376-a2.eml')
  await dkim.severalFiles.setInputFiles([
    { name: 'a-pass.eml', mimeType: 'message/rfc822', buffer: signed },
    { name: 'b-fail.eml', mimeType: 'message/rfc822', buffer: tampered(signed) },
    { name: 'c-permerror.eml', mimeType: 'message/rfc822', buffer: malformed(signed) },
    { name: 'd-none.eml', mimeType: 'message/rfc822', buffer: unsigned(signed) },
  ])
  await expect(dkim.table.locator('tbody tr')).toHaveCount(4)
  expect(await dkim.verdicts()).toEqual(['pass', 'fail', 'permerror', 'none'])
  const [ok, bad, plain] = [
    await colourOf(page, '--ok'),
    await colourOf(page, '--danger'),
    await colourOf(page, '--muted'),
  ]
  expect(new Set([ok, bad, plain]).size).toBe(3)
  expect(await badgeColour(dkim.table, 'pass')).toBe(ok)
  expect(await badgeColour(dkim.table, 'fail')).toBe(bad)
  expect(await badgeColour(dkim.table, 'permerror')).toBe(bad)
  expect(await badgeColour(dkim.table, 'none')).toBe(plain)
  if (SHOTS)
    for (const [width, height] of [
      [1280, 800],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height })
      await dkim.folder.screenshot({ path: path.join(SHOTS, `dkim-tone-table-${width}.png`) })
    }
})
