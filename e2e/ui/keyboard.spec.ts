import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/webhost'
import { MailwardenPage, SECTION_NAMES } from './pages/mailwarden'

/** Presses Tab until the target has focus; fails if it is not reached within `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 25): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate((el) => el.matches(':focus'))) return
  }
  throw new Error(`Tab never reached ${target}`)
}

test('every section is reachable by keyboard', async ({ page, webhost }) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)

  for (const name of SECTION_NAMES) {
    const button = app.navButton(name)
    await tabTo(page, button)
    // The focus ring is visible, not just present.
    await expect(button).toHaveCSS('outline-style', 'solid')
    await page.keyboard.press('Enter')
    await expect(app.heading).toHaveText(name)
    await expect(button).toHaveAttribute('aria-current', 'page')
  }

  // From the nav, Tab carries on into the section's own controls.
  await app.navButton('Settings').focus()
  await page.keyboard.press('Enter')
  await tabTo(page, app.mailClient)
  await tabTo(page, app.dnsServer)
  await tabTo(page, app.accountName)
})
