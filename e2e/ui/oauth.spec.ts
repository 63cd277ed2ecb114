// Issue 18 through the UI: a user adds an OAuth account for the lab's provider, signs in in a
// real page of the provider (its own login and consent forms), creates a tunnel with that account
// to the lab's OAuth-only IMAP server and a local password, and an old client (curl, knowing only
// the local password) lists the INBOX. Then axe, light and dark, on the section with all of it.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import AxeBuilder from '@axe-core/playwright'
import { CHROMIUM_ARGS } from '../../playwright.config'
import { expect, test } from '../fixtures/lab-webhost'
import { getLab } from '../lab/lab'
import { OAuthAccountsPage, providerResolverRule } from './pages/oauth'
import { TunnelsPage } from './pages/tunnels'

const run = promisify(execFile)
const oauth = getLab().oauth

test.use({
  // The provider's page is the user's browser's business: Chromium here neither has the lab DNS
  // nor trusts the lab CA. The engine does both, and verifies the provider's certificate itself.
  ignoreHTTPSErrors: true,
  launchOptions: {
    executablePath: process.env.MAILWARDEN_CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, providerResolverRule(oauth)],
  },
})

test('sign in to an OAuth account in the browser, then an old client reads mail through an OAuth tunnel', async ({
  page,
  webhost,
}) => {
  test.setTimeout(90_000)
  const tunnels = new TunnelsPage(page)
  const accounts = new OAuthAccountsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.app.goTo('Tunnels')
  const card = await accounts.addLabAccount(oauth)
  await expect(card.getByRole('button', { name: /^Use a code instead/ })).toBeVisible()
  await accounts.signInWithBrowser(oauth, card)
  await expect(card).toContainText(
    'Signed in as alice@lab.test.'.replace('alice@lab.test', oauth.user.address),
  )
  await expect(card.getByRole('button', { name: 'Sign out' })).toBeVisible()

  await tunnels.fillNew({
    name: 'OAuth IMAP',
    server: oauth.imap.host,
    port: oauth.imap.ports.tls,
    mode: 'implicit-tls',
  })
  const form = tunnels.form
  await form.getByRole('radio', { name: 'With an OAuth 2.0 account' }).check()
  await form.getByLabel('OAuth account').selectOption({ label: oauth.user.address })
  await expect(form.getByText(`with ${oauth.user.address} as user name`)).toBeVisible()
  await form.getByRole('button', { name: 'Generate a password' }).click()
  const localPassword = await form.getByLabel('Local password').inputValue()
  expect(localPassword).toHaveLength(20)
  await form.getByRole('button', { name: 'Create tunnel' }).click()
  await expect(tunnels.card('OAuth IMAP')).toContainText(
    `Logs in with the OAuth 2.0 account ${oauth.user.address}`,
  )
  await expect(page.getByRole('main')).not.toContainText(localPassword)

  const port = await tunnels.start('OAuth IMAP')
  const { stdout } = await run(
    'curl',
    ['-sS', '--max-time', '20', '-u', `${oauth.user.address}:${localPassword}`, `imap://127.0.0.1:${port}/`],
    { timeout: 25_000 },
  )
  expect(stdout).toMatch(/\* LIST \([^)]*\) "[^"]*" "?INBOX"?/)
  await expect(tunnels.counter('OAuth IMAP', 'Connections')).toHaveText('1')
  await expect(tunnels.counter('OAuth IMAP', 'Failed logins')).toHaveText('0')

  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const results = await new AxeBuilder({ page }).include('main').analyze()
    expect(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `Tunnels with an OAuth account and tunnel in ${colorScheme}`,
    ).toEqual([])
  }
})
