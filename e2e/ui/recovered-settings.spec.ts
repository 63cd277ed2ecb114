import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

test('says so when the settings file could not be read and defaults are in use', async ({
  page,
  webhost,
}) => {
  await writeFile(path.join(webhost.configDir, 'settings.json'), '{ this is not JSON')
  await webhost.restart()

  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')
  const banner = page.getByRole('status').filter({ hasText: 'Your settings file could not be read' })
  await expect(banner).toBeVisible()
  await expect(banner).toContainText(webhost.configDir)
  await expect(banner).toContainText('defaults are in use')
  await expect(app.themeOption('Same as the system')).toBeChecked()
})
