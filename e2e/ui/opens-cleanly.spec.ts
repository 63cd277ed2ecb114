import { expect, test } from '../fixtures/webhost'
import { MailwardenPage, SECTION_NAMES } from './pages/mailwarden'

test('opens under the strict CSP without errors, and keeps the token out of the address bar', async ({
  page,
  webhost,
}) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  // A string, since this file is type-checked without the DOM library.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI))`,
  })

  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  expect(page.url()).not.toContain(webhost.token)
  for (const name of SECTION_NAMES) await app.goTo(name)

  // A reload keeps working: the token stayed with the tab.
  await page.reload()
  await expect(page.getByText(/^version \d/)).toBeVisible()
  expect(problems).toEqual([])
})

test('a tab opened without its token says so and how to get a working address, instead of loading forever', async ({
  page,
  webhost,
}) => {
  const app = new MailwardenPage(page)
  // The address without its #token=…, as when a user types or bookmarks it.
  await page.goto(`${webhost.origin}/`)
  const alert = page.getByRole('alert').filter({ hasText: 'This address lacks its key' })
  await expect(alert).toBeVisible()
  await expect(alert).toContainText('ends in #token=… and this one does not')
  // The title once, not again as the first words of the explanation.
  expect((await alert.textContent())?.split('This address lacks its key').length).toBe(2)
  await expect(alert).toContainText('mailwarden ui')
  await expect(alert).toContainText('npm start')
  await expect(alert).toContainText('Mailwarden is running at http://127.0.0.1:…/#token=…')
  // No section pretends to be reading: each says it cannot, and why.
  await expect(page.getByText('The saved accounts cannot be read: this page is not connected')).toBeVisible()
  await expect(page.getByText(/^Reading /)).toHaveCount(0)
  await app.goTo('Settings')
  await expect(page.getByText('Your settings cannot be read: this page is not connected')).toBeVisible()
  await expect(page.getByText(/^Reading |^Checking the keychain/)).toHaveCount(0)
  await app.goTo('Tunnels')
  await expect(page.getByText('The tunnels could not be read')).toBeVisible()
  await expect(page.getByText(/^Reading /)).toHaveCount(0)
})
