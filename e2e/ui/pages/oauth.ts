// The OAuth 2.0 accounts of the Tunnels section as a user sees them, by role and label only.
import { expect, type Locator, type Page } from '@playwright/test'
import type { LabOAuth } from '../../lab/lab'

/** Chromium finds the lab provider by this rule (it has no lab DNS); the engine uses the lab DNS. */
export function providerResolverRule(oauth: LabOAuth): string {
  return `--host-resolver-rules=MAP ${oauth.provider.host} ${oauth.provider.address}`
}

export class OAuthAccountsPage {
  constructor(readonly page: Page) {}

  get list(): Locator {
    return this.page.getByRole('list', { name: 'OAuth accounts' })
  }

  card(address: string): Locator {
    return this.list
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name: address, exact: true }) })
  }

  status(address: string): Locator {
    return this.card(address).locator('.tunnel-status')
  }

  /** Adds a custom-provider account for the lab's provider (the user is on the Tunnels section). */
  async addLabAccount(oauth: LabOAuth): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Add an OAuth account' }).click()
    const form = this.page.getByRole('form', { name: 'Add an OAuth account' })
    await form.getByLabel('Provider').selectOption('custom')
    await expect(form.getByText('Where to get a client id:')).toBeVisible()
    await form.getByLabel('Mail address').fill(oauth.user.address)
    await form.getByLabel('Client id').fill(oauth.clients.main.clientId)
    await form.getByLabel('Issuer').fill(oauth.issuer)
    await form.getByLabel('Scopes').fill(oauth.scopes.join(' '))
    await form.getByRole('button', { name: 'Add account' }).click()
    const card = this.card(oauth.user.address)
    await expect(this.status(oauth.user.address)).toHaveText(/Not signed in/)
    return card
  }

  /** Signs in with the browser flow: the provider's page opens in a new page; the user logs in and allows. */
  async signInWithBrowser(oauth: LabOAuth, scope: Locator): Promise<void> {
    const popup = this.page.waitForEvent('popup')
    await scope.getByRole('button', { name: /^Sign in( again)?\b/ }).click()
    const provider = await popup
    await provider.waitForURL((url) => url.hostname === oauth.provider.host, { timeout: 15_000 })
    await provider.getByLabel('Email').fill(oauth.user.address)
    await provider.getByLabel('Password').fill(oauth.user.password)
    await provider.getByRole('button', { name: 'Sign in' }).click()
    await provider.getByRole('button', { name: 'Allow' }).click()
    await expect(this.status(oauth.user.address)).toHaveText(/Signed in/, { timeout: 15_000 })
    await provider.close()
  }
}
