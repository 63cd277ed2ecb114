// Your domain → Check a domain, against the lab's DNS and mail servers: the classic Exim setup
// (1024-bit key at selector x with t=y, the DomainKeys policy, no DMARC) gets its problems and what
// to change first; lab.test's mail server on port 25 and its MTA-STS policy are shown; axe clean
// with a report in light and dark.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/lab-webhost'
import { ADMIN } from '../lab/admin-domains'
import { DANE_DOMAINS, DANE_HOSTS } from '../lab/dnssec'
import { getLab } from '../lab/lab'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

const lab = getLab()

async function check(
  page: Page,
  url: string,
  domain: string,
  options: { selectors?: string; skipMx?: boolean } = {},
) {
  const app = new MailwardenPage(page)
  await app.open(url)
  await app.goTo('Your domain')
  const form = page.getByRole('form', { name: 'Check a domain' })
  await form.getByLabel('Domain').fill(domain)
  if (options.selectors) await form.getByLabel('DKIM selectors (optional)').fill(options.selectors)
  if (options.skipMx)
    await form.getByLabel('Only the DNS records (do not connect to the mail servers)').check()
  await form.getByRole('button', { name: 'Check the domain' }).click()
  await expect(page.getByText(new RegExp(`^${domain.replaceAll('.', '\\.')}: `))).toBeVisible({
    timeout: 20_000,
  })
}

test('the classic Exim setup: its problems, and what to change first', async ({ page, webhost }) => {
  await check(page, webhost.url, ADMIN.classic, { skipMx: true })
  await expect(page.getByText(`${ADMIN.classic}: Bad`)).toBeVisible()
  const steps = page
    .getByRole('heading', { name: 'What to change first' })
    .locator('..')
    .getByRole('listitem')
  await expect(steps.first()).toContainText(/2048/)
  await expect(page.getByText(/x\._domainkey\.nodmarc\.test: RSA 1024 bits, t=y/)).toBeVisible()
  const findings = page.getByRole('list', { name: `Findings for ${ADMIN.classic}` })
  await expect(findings).toContainText(/t=y/)
  await expect(findings).toContainText(/DomainKeys/)
  await expect(findings).toContainText(/DMARC/)

  // Marked as one of my domains, it stays so (a DKIM signature from it then links to this check).
  const mine = page.getByLabel(`${ADMIN.classic} is one of my domains`, { exact: false })
  await mine.check()
  await expect(mine).toBeChecked()
  await page.reload()
  await check(page, webhost.url, ADMIN.classic, { skipMx: true })
  await expect(page.getByLabel(`${ADMIN.classic} is one of my domains`, { exact: false })).toBeChecked()
})

test('lab.test: its mail server on port 25 and the MTA-STS policy that covers it', async ({
  page,
  webhost,
}) => {
  await check(page, webhost.url, lab.domain)
  await expect(page.getByText(/mail\.lab\.test \(preference 10\)/)).toBeVisible()
  await expect(page.getByText(/Port 25: Good/)).toBeVisible()
  await expect(page.getByText(/MTA-STS: covered by/)).toBeVisible()
})

for (const colorScheme of ['light', 'dark'] as const)
  test(`a domain's report has no accessibility violations in ${colorScheme}`, async ({ page, webhost }) => {
    await page.emulateMedia({ colorScheme })
    await check(page, webhost.url, ADMIN.classic, { skipMx: true })
    const results = await new AxeBuilder({ page }).analyze()
    expect(results.violations.map(({ id, nodes }) => ({ id, targets: nodes.map((n) => n.target) }))).toEqual(
      [],
    )
  })

test('a DKIM signature from one of my domains links to its check', async ({ page, webhost }) => {
  // amazon.com marked as mine from its check (the lab's DNS has nothing for it: records only).
  await check(page, webhost.url, 'amazon.com', { skipMx: true })
  await page.getByLabel('amazon.com is one of my domains', { exact: false }).check()
  await expect(page.getByLabel('amazon.com is one of my domains', { exact: false })).toBeChecked()

  const app = new MailwardenPage(page)
  await app.goTo('DKIM')
  const message = await readFile(path.join('e2e', 'corpus', 'dkim-real', 'real-amazon.eml'), 'latin1')
  const dkim = new DkimPage(page)
  await dkim.paste.fill(message)
  await dkim.verifyPasted.click()
  await expect(page.getByText('amazon.com is one of your domains.')).toBeVisible({ timeout: 15_000 })
  await page.getByRole('button', { name: 'Check amazon.com’s DNS and mail servers' }).click()
  await expect(page.getByRole('heading', { name: 'Your domain', level: 1 })).toBeVisible()
  await expect(page.getByText(/^amazon\.com: /)).toBeVisible({ timeout: 20_000 })
})

test('DANE through a validating resolver: each address of an MX host, and a CNAME’s TLSA name', async ({
  page,
  webhost,
}) => {
  // As a user would: the validating resolver set in Settings, then the domain checked.
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')
  await app.dnsServer.fill(lab.dnssec.resolver)
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('status')).toHaveText('Saved')
  await check(page, webhost.url, DANE_DOMAINS.addresses)
  const mx = page.getByRole('heading', { name: 'Mail servers (MX), MTA-STS and DANE' }).locator('..')
  // The lowest four of five addresses are checked: the one Exim matches, the dead ones do not answer.
  await expect(mx).toContainText(
    new RegExp(
      `DANE: 1 TLSA record at _25\\._tcp\\.${DANE_HOSTS.fiveAddresses.replaceAll('.', '\\.')}, validated`,
    ),
  )
  await expect(mx).toContainText(`${lab.good.exim.address} matches`)
  await expect(mx).toContainText('1 more address not checked')
  await expect(mx).toContainText(`(${DANE_HOSTS.aliasToTlsa} is a CNAME for ${DANE_HOSTS.aliasTarget})`)
})
