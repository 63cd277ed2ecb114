// The Tunnels section as a user sees it, by role and label only: shared by the web-host specs and
// the Electron specs.
import { expect, type Locator, type Page } from '@playwright/test'
import { MailwardenPage } from './mailwarden'

export interface NewTunnel {
  name: string
  protocol?: 'IMAP' | 'POP3' | 'SMTP'
  server: string
  port?: number
  mode?: 'implicit-tls' | 'starttls'
  caFile?: string
}

export class TunnelsPage {
  readonly app: MailwardenPage
  constructor(readonly page: Page) {
    this.app = new MailwardenPage(page)
  }

  get form(): Locator {
    return this.page.getByRole('form')
  }

  card(name: string): Locator {
    return this.page
      .getByRole('list', { name: 'Tunnels' })
      .getByRole('listitem')
      .filter({
        has: this.page.getByRole('heading', { name, exact: true }),
      })
  }

  /** Settings → Network: the DNS server every job uses (the lab's, in tests). */
  async useDnsServer(server: string): Promise<void> {
    await this.app.goTo('Settings')
    await this.app.dnsServer.fill(server)
    await this.app.saveNetwork.click()
    await expect(this.app.networkGroup.getByRole('status')).toHaveText('Saved')
  }

  async fillNew(tunnel: NewTunnel): Promise<void> {
    await this.app.goTo('Tunnels')
    await this.page.getByRole('button', { name: 'New tunnel' }).click()
    const form = this.form
    await form.getByLabel('Name').fill(tunnel.name)
    await form.getByRole('radio', { name: tunnel.protocol ?? 'IMAP', exact: true }).check()
    await form.getByLabel('Mail server').fill(tunnel.server)
    await form
      .getByRole('radio', {
        name: new RegExp(`^${tunnel.mode === 'starttls' ? 'STARTTLS' : 'implicit TLS'}`),
      })
      .check()
    if (tunnel.port) await form.getByLabel('Server port').fill(String(tunnel.port))
    if (tunnel.caFile) await form.getByLabel('CA file (optional)').fill(tunnel.caFile)
  }

  async create(tunnel: NewTunnel): Promise<Locator> {
    await this.fillNew(tunnel)
    await this.form.getByRole('button', { name: 'Create tunnel' }).click()
    const card = this.card(tunnel.name)
    await expect(card).toBeVisible()
    return card
  }

  /** The status badge of a tunnel's card ("● Listening", "⚠ Listening, server not verified"...). */
  status(name: string): Locator {
    return this.card(name).locator('.tunnel-status')
  }

  /** Starts a tunnel, waits for its check of the server, and returns the local port it listens on.
   * verified: false expects a listener whose server could not be verified or reached. */
  async start(name: string, { verified = true }: { verified?: boolean } = {}): Promise<number> {
    const card = this.card(name)
    await card.getByRole('button', { name: 'Start', exact: true }).click()
    await expect(this.status(name)).toHaveText(
      verified ? /^\W*Listening$/ : /Listening, server (not verified|unreachable)$/,
    )
    const route = await card.locator('.tunnel-route code').first().textContent()
    const port = Number(route?.split(':').at(-1))
    expect(port).toBeGreaterThan(0)
    return port
  }

  /** The warning of a listening tunnel whose server could not be verified or reached. */
  serverProblem(name: string): Locator {
    return this.card(name).getByRole('region', { name: /^Cannot (verify|reach)/ })
  }

  counter(
    name: string,
    label: 'Open now' | 'Connections' | 'Failed' | 'Failed logins' | 'To server' | 'To clients',
  ): Locator {
    return this.card(name)
      .getByRole('definition')
      .filter({ has: this.page.locator(`xpath=preceding-sibling::dt[.="${label}"]`) })
  }

  /** The "Last error: ..." paragraph of a tunnel's card. */
  lastError(name: string): Locator {
    return this.card(name).getByText('Last error:').locator('xpath=..')
  }

  async openLog(name: string): Promise<Locator> {
    await this.card(name).getByRole('button', { name: 'Connection log' }).click()
    return this.card(name).getByRole('table', { name: `Connections of ${name}` })
  }
}
