import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/webhost'
import { MailwardenPage, SECTION_NAMES } from './pages/mailwarden'

/** Axe's findings, reduced to what a failure message needs: the rule and where. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations.map(({ id, help, nodes }) => ({ id, help, targets: nodes.map((n) => n.target) }))
}

// One test per section and scheme: axe on a full section takes seconds on a busy machine.
for (const colorScheme of ['light', 'dark'] as const) {
  for (const name of SECTION_NAMES) {
    test(`${name} has no accessibility violations in ${colorScheme}`, async ({ page, webhost }) => {
      await page.emulateMedia({ colorScheme })
      const app = new MailwardenPage(page)
      await app.open(webhost.url)
      await app.goTo(name)
      expect(await violations(page), `${name} in ${colorScheme}`).toEqual([])
    })
  }

  test(`Settings with an error and a shown password, and Activity with lines, have none in ${colorScheme}`, async ({
    page,
    webhost,
  }) => {
    // Two full axe passes and a keychain round trip: given more time on a busy machine.
    test.slow()
    await page.emulateMedia({ colorScheme })
    const app = new MailwardenPage(page)
    await app.open(webhost.url)
    // The Settings states a user meets: an inline error, a stored password shown, a save status.
    await app.goTo('Settings')
    await app.dnsServer.fill('not a server')
    await app.saveNetwork.click()
    await expect(page.getByText(/^Enter an IP address/)).toBeVisible()
    const account = `smtp:bob@example.org#${colorScheme}`
    await app.storeSecret(account, 'hunter2hunter2')
    await app.storedAccount(account).getByRole('button', { name: /^Show/ }).click()
    await expect(app.revealedPassword(account)).toBeVisible()
    expect(await violations(page), `Settings with an error and a password in ${colorScheme}`).toEqual([])

    // Activity, now that the engine has logged something.
    await app.goTo('Activity')
    await expect(page.getByRole('main').getByRole('listitem').first()).toBeVisible()
    expect(await violations(page), `Activity with log lines in ${colorScheme}`).toEqual([])
  })
}
