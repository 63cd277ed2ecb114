// A forged first line ("From : ceo@bank.example", "From ceo@bank.example") on a validly signed
// message, through every way a message comes into the page: pasted, picked, dropped on the drop
// zone. It is one message (only a real From_ line makes an mbox), the first line is a bad
// finding, and the verdict does not say From is vouched for. Also: Verify with an empty paste box.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { expect, REPO_ROOT, test } from '../fixtures/webhost'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

const CORPUS = path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real')
const SHOTS = process.env.MAILWARDEN_SHOTS_DIR

/** rfc6376-a2.eml (signed by example.com, whose From is in example.com) under a forged first line. */
async function forged(first: string): Promise<Buffer> {
  return Buffer.concat([Buffer.from(`${first}\n`), await readFile(path.join(CORPUS, 'rfc6376-a2.eml'))])
}

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

/** One message's report: the signature verifies, From is not vouched for, and the finding says why. */
async function expectForgeryShown(page: Page, dkim: DkimPage, name: string, first: string): Promise<void> {
  await expect(dkim.verdictHeading).toContainText(`Verdict for ${name}`)
  // The heading itself says it: no green pass on its own for a message with two authors.
  await expect(dkim.verdictHeading).toContainText('sender ambiguous: treat as forged')
  await expect(dkim.verdictHeading.locator('.dkim-tone-ok')).toHaveCount(0)
  await expect(dkim.signatureHeading(1)).toContainText('pass')
  await expect(page.getByText('From is not vouched for.')).toBeVisible()
  await expect(page.getByText(/names its author more than once/).first()).toBeVisible()
  const findings = dkim.findings('Findings about the message')
  // Bad findings come first: the first line is at the top of the list, quoted.
  await expect(findings.getByRole('listitem').first()).toContainText(/^Bad:/)
  await expect(findings).toContainText('The first line is not a valid header field')
  await expect(findings).toContainText(first.replace(/\s+/g, ' '))
  await expect(dkim.signature(1)).toContainText(
    'no: the message names its author more than once, so no signature is aligned',
  )
  await expect(dkim.table).toHaveCount(0)
}

for (const first of ['From : ceo@bank.example', 'From ceo@bank.example']) {
  test(`a pasted message under "${first}" is one message, and the forgery is shown`, async ({
    page,
    webhost,
  }) => {
    const dkim = await openDkimWithKeys(page, webhost.url)
    await dkim.paste.fill((await forged(first)).toString('latin1'))
    await dkim.verifyPasted.click()
    await expectForgeryShown(page, dkim, 'pasted message', first)
    if (SHOTS && first.includes(':'))
      for (const [width, height] of [
        [1280, 800],
        [800, 600],
      ] as const) {
        await page.setViewportSize({ width, height })
        await page
          .getByRole('region', { name: /^Verdict for / })
          .screenshot({ path: path.join(SHOTS, `dkim-forged-first-line-${width}.png`) })
      }
  })

  test(`a picked file under "${first}" (no .eml name) is one message, not an mbox`, async ({
    page,
    webhost,
  }) => {
    const dkim = await openDkimWithKeys(page, webhost.url)
    await dkim.messageFile.setInputFiles({
      name: 'forged',
      mimeType: 'application/octet-stream',
      buffer: await forged(first),
    })
    await expectForgeryShown(page, dkim, 'forged', first)
  })
}

test('a dropped .mbox whose first line is "From : x" is one message; a .eml after a real From_ line too', async ({
  page,
  webhost,
}) => {
  const dkim = await openDkimWithKeys(page, webhost.url)
  await dkim.drop([{ name: 'forged.mbox', bytes: await forged('From : ceo@bank.example') }])
  await expectForgeryShown(page, dkim, 'forged.mbox', 'From : ceo@bank.example')

  const separator = 'From jdoe@example.com Fri Jul 11 21:01:54 2003'
  await dkim.drop([{ name: 'saved.eml', bytes: await forged(separator) }])
  await expectForgeryShown(page, dkim, 'saved.eml', separator)
})

test('Verify with an empty paste box says so and keeps the last result', async ({ page, webhost }) => {
  const dkim = await openDkimWithKeys(page, webhost.url)
  await dkim.paste.fill((await readFile(path.join(CORPUS, 'rfc6376-a2.eml'))).toString('latin1'))
  await dkim.verifyPasted.click()
  await expect(dkim.verdictHeading).toContainText('pass')

  for (const empty of ['', '  \n\n  ']) {
    await dkim.paste.fill(empty)
    await dkim.verifyPasted.click()
    await expect(page.getByRole('alert')).toHaveText(
      'The paste box is empty: paste the whole message first (its headers, an empty line, then its body). The result below is still the one for pasted message.',
    )
    await expect(dkim.paste).toBeFocused()
    await expect(dkim.verdictHeading).toContainText('Verdict for pasted message')
    await expect(dkim.verdictHeading).toContainText('pass')
  }
  // Typing clears the sentence; a message verifies as before.
  await dkim.paste.fill((await readFile(path.join(CORPUS, 'rfc6376-a2.eml'))).toString('latin1'))
  await expect(page.getByRole('alert')).toHaveCount(0)
})
