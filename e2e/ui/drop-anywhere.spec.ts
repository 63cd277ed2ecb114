// A message dropped anywhere on the window, not only on the DKIM drop zone, opens in the DKIM
// section verified, as a file dropped from a file manager on the desktop app does.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '../fixtures/lab-webhost'
import { REPO_ROOT } from '../fixtures/webhost'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

test('verifies a message dropped on the Probe section', async ({ page, webhost }) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Probe')
  const bytes = await readFile(path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real', 'real-amazon.eml'))
  const dkim = new DkimPage(page)
  await dkim.dropOn(page.getByRole('main'), [{ name: 'real-amazon.eml', bytes }])

  await expect(app.heading).toHaveText('DKIM')
  await expect(dkim.verdictHeading).toContainText('Verdict for real-amazon.eml')
  await expect(dkim.verdictHeading).toContainText('pass')
})

test('a file dropped on the window whose first line is "From : x" is one message, with the forgery shown', async ({
  page,
  webhost,
}) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Probe')
  const signed = await readFile(path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real', 'rfc6376-a2.eml'))
  const bytes = Buffer.concat([Buffer.from('From : ceo@bank.example\n'), signed])
  const dkim = new DkimPage(page)
  // No .eml name: before, the "From " it starts with made it an mbox whose first line was skipped.
  await dkim.dropOn(page.getByRole('main'), [{ name: 'forged', bytes }])

  await expect(app.heading).toHaveText('DKIM')
  await expect(dkim.verdictHeading).toContainText('Verdict for forged')
  await expect(page.getByText('From is not vouched for.')).toBeVisible()
  await expect(dkim.findings('Findings about the message')).toContainText(
    'The first line is not a valid header field',
  )
  await expect(dkim.table).toHaveCount(0)
})
