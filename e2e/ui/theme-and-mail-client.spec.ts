import { expect, test } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

test('changes the theme and mail client, and they survive a restart of the host', async ({
  page,
  webhost,
}) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')

  await app.themeOption('Dark').check()
  await expect(app.appearanceGroup.getByRole('status')).toHaveText('Saved')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')

  await app.mailClient.selectOption({ label: 'Evolution' })
  await expect(app.appearanceGroup.getByRole('status')).toHaveText('Saved')
  await app.goTo('Probe')
  await expect(page.getByRole('main')).toContainText('“TLS on a dedicated port” in Evolution')
  await expect(page.getByText(/^Advice uses /)).toContainText('Advice uses the words of Evolution')

  await webhost.restart()
  // The open page notices that its host went away.
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: 'Connection to Mailwarden lost' })
      .or(page.getByRole('alert').filter({ hasText: 'Mailwarden refused this page’s key' })),
  ).toBeVisible()

  await app.open(webhost.url)
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await app.goTo('Settings')
  await expect(app.themeOption('Dark')).toBeChecked()
  await expect(app.mailClient).toHaveValue('evolution')
})
