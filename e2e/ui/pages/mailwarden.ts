// The Mailwarden window as a user sees it, by role and label only, so the same page object
// drives the web-host runs and the Electron runs.
import { expect, type Locator, type Page } from '@playwright/test'

export const SECTION_NAMES = ['Probe', 'DKIM', 'Your domain', 'Tunnels', 'Settings', 'Activity'] as const
export type SectionName = (typeof SECTION_NAMES)[number]

export class MailwardenPage {
  constructor(readonly page: Page) {}

  /** Opens the address the host printed and waits until the engine has answered. */
  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.page.getByText(/^version \d/)).toBeVisible()
  }

  get nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Sections' })
  }

  navButton(name: SectionName): Locator {
    return this.nav.getByRole('button', { name, exact: true })
  }

  get heading(): Locator {
    return this.page.getByRole('main').getByRole('heading', { level: 1 })
  }

  async goTo(name: SectionName): Promise<void> {
    await this.navButton(name).click()
    await expect(this.heading).toHaveText(name)
  }

  // Settings

  themeOption(label: 'Same as the system' | 'Light' | 'Dark'): Locator {
    return this.page.getByRole('radio', { name: label, exact: true })
  }

  get mailClient(): Locator {
    return this.page.getByLabel('Mail client')
  }

  get appearanceGroup(): Locator {
    return this.page.getByRole('region', { name: 'Appearance and words' })
  }

  get networkGroup(): Locator {
    return this.page.getByRole('region', { name: 'Network' })
  }

  get dnsServer(): Locator {
    return this.page.getByLabel('DNS server')
  }

  get connectTimeout(): Locator {
    return this.page.getByLabel('Connect timeout (seconds)')
  }

  get saveNetwork(): Locator {
    return this.page.getByRole('button', { name: 'Save network settings' })
  }

  // Passwords

  get passwordsGroup(): Locator {
    return this.page.getByRole('region', { name: 'Passwords' })
  }

  get accountName(): Locator {
    return this.page.getByLabel('Account name')
  }

  get password(): Locator {
    return this.page.getByLabel('Password', { exact: true })
  }

  get storePassword(): Locator {
    return this.page.getByRole('button', { name: 'Store in keychain' })
  }

  get storedPasswords(): Locator {
    return this.page.getByRole('list', { name: 'Stored passwords' })
  }

  storedAccount(account: string): Locator {
    return this.storedPasswords.getByRole('listitem').filter({ hasText: account })
  }

  revealedPassword(account: string): Locator {
    return this.page.getByRole('textbox', { name: `Password for ${account}`, exact: true })
  }

  async storeSecret(account: string, secret: string): Promise<void> {
    await this.accountName.fill(account)
    await this.password.fill(secret)
    await this.storePassword.click()
    await expect(this.passwordsGroup.getByRole('status')).toHaveText(
      `Stored the password for ${account} in the keychain.`,
    )
  }
}
