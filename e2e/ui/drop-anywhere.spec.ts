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
