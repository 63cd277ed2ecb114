// The Probe section as a user sees it, by role and label only (like mailwarden.ts), plus the one
// Settings step every probe test needs: pointing the engine at the lab's DNS, CA and ISP database.
import { expect, type Locator, type Page } from '@playwright/test'
import { MailwardenPage } from './mailwarden'

export interface LabNetwork {
  dnsServer: string
  caPath: string
  ispdbUrl: string
  timeoutSeconds?: number
}

export class ProbePage extends MailwardenPage {
  constructor(page: Page) {
    super(page)
  }

  /** Sets the network settings through the Settings section, as a user would, then comes back. */
  async pointAtLab(network: LabNetwork): Promise<void> {
    await this.goTo('Settings')
    await this.dnsServer.fill(network.dnsServer)
    await this.connectTimeout.fill(String(network.timeoutSeconds ?? 5))
    await this.extraCaFile.fill(network.caPath)
    await this.ispdbUrl.fill(network.ispdbUrl)
    await this.saveNetwork.click()
    await expect(this.networkGroup.getByRole('status')).toHaveText('Saved')
    await this.goTo('Probe')
  }

  get extraCaFile(): Locator {
    return this.page.getByLabel('Extra trusted CA file')
  }

  get ispdbUrl(): Locator {
    return this.page.getByLabel('ISP database URL')
  }

  // The form

  get target(): Locator {
    return this.page.getByLabel('Address or server')
  }

  get start(): Locator {
    return this.page.getByRole('button', { name: 'Start probe' })
  }

  get cancel(): Locator {
    return this.page.getByRole('button', { name: 'Cancel probe' })
  }

  get advanced(): Locator {
    return this.page.getByRole('button', { name: /^Advanced/ })
  }

  // Progress

  get progress(): Locator {
    return this.page.getByRole('region', { name: 'Progress' })
  }

  get progressStatus(): Locator {
    return this.progress.getByRole('status')
  }

  get progressList(): Locator {
    return this.progress.getByRole('list', { name: 'Server ports' })
  }

  /** The progress row of one endpoint, by its "host:port". */
  progressRow(hostPort: string): Locator {
    return this.progressList.getByRole('listitem').filter({ hasText: hostPort })
  }

  async probe(target: string): Promise<void> {
    await this.target.fill(target)
    await this.start.click()
  }

  async waitForFinish(timeout = 20_000): Promise<void> {
    await expect(this.progressStatus).toHaveText(/^Probe finished/, { timeout })
  }

  // Results

  get results(): Locator {
    return this.page.getByRole('region', { name: /^Results/ })
  }

  get clientPicker(): Locator {
    return this.page.getByLabel('Show advice for')
  }

  /** The result card of one endpoint, e.g. "IMAP imap.lab.test:993". */
  endpoint(title: string): Locator {
    return this.page.getByRole('article', { name: new RegExp(`${escapeRegExp(title)}$`) })
  }

  /** Opens the folded details of one endpoint's card and returns the card. */
  async openDetails(title: string): Promise<Locator> {
    const card = this.endpoint(title)
    await card.getByText(/^Details/).click()
    return card
  }

  /** The summary at the top of the results: "Use these settings in <client>". */
  get useSettings(): Locator {
    return this.page.getByRole('region', { name: /^Use these settings in / })
  }

  /** One side of the summary: "Incoming mail" or "Outgoing mail". */
  useSide(side: 'Incoming mail' | 'Outgoing mail'): Locator {
    return this.useSettings.getByRole('region', { name: new RegExp(`^${side}`) })
  }

  /** The warning above the results when servers came from a file fetched over plain HTTP. */
  get plainHttpWarning(): Locator {
    return this.results.getByRole('note', { name: /came from a file fetched over plain HTTP$/ })
  }

  exportButton(format: 'Markdown' | 'HTML' | 'JSON'): Locator {
    return this.page.getByRole('group', { name: 'Export the report' }).getByRole('button', { name: format })
  }

  // Saving

  get saveForm(): Locator {
    return this.page.getByRole('form', { name: 'Save this account' })
  }

  get savedAccounts(): Locator {
    return this.page.getByRole('region', { name: 'Saved accounts' })
  }

  savedAccount(label: string): Locator {
    return this.savedAccounts.getByRole('listitem').filter({ hasText: label }).first()
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
