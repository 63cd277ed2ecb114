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
