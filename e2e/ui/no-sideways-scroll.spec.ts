// Nothing may scroll sideways at 800×600 (issue 13, item 12): every section, each with real
// content (a probe of the lab with a self-signed server's fingerprint in its advice, a verified
// DKIM message, a tunnel that carried a session and its log, an OAuth account with its device
// code and an OAuth tunnel and its form, Settings, Activity), every folded
// part opened. The page must not scroll sideways, and no element may reach past its card.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/lab-webhost'
import { REPO_ROOT } from '../fixtures/webhost'
import { DANE_DOMAINS } from '../lab/dnssec'
import { getLab } from '../lab/lab'
import { DkimPage } from './pages/dkim'
import { OAuthAccountsPage } from './pages/oauth'
import { ProbePage } from './pages/probe'
import { TunnelsPage } from './pages/tunnels'

const lab = getLab()

/** Opens every closed <details> in the main area, again and again, since opening one may reveal more. */
async function openEverything(page: Page): Promise<void> {
  for (let pass = 0; pass < 8; pass += 1) {
    // A string, since e2e/ is type-checked without the DOM library. React renders a Disclosure's
    // content on its toggle event, after this returns: two frames later it is on the page.
    const opened = await page.evaluate(`(() => {
      const closed = [...document.querySelectorAll('main details:not([open])')]
      for (const d of closed) d.open = true
      return new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(closed.length))))
    })()`)
    if (opened === 0) return
  }
}

/** Everything that makes the view scroll sideways, or reaches past the card it is in, in words. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const problems = []
    const root = document.scrollingElement
    const describe = (el) => {
      const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60)
      return el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' + text + '"'
    }
    if (root.scrollWidth > root.clientWidth) {
      // Name the outermost elements that reach past the window, so the message says where to look.
      const past = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      const outermost = past.filter((el) => !past.includes(el.parentElement)).slice(0, 3).map(describe)
      problems.push('the page scrolls sideways: ' + root.scrollWidth + ' px wide in ' + root.clientWidth + '; past the window: ' + outermost.join(', '))
    }
    for (const card of document.querySelectorAll('main .card')) {
      const box = card.getBoundingClientRect()
      const title = (card.querySelector('h2, h3')?.textContent || '').trim().slice(0, 40)
      for (const el of card.querySelectorAll('*')) {
        const r = el.getBoundingClientRect()
        if (r.width === 0 || r.height === 0) continue
        if (r.right > box.right + 1 || r.left < box.left - 1)
          problems.push('in the card "' + title + '": ' + describe(el) + ' is ' + Math.round(r.width) + ' px wide, past the card (' + Math.round(box.left) + '–' + Math.round(box.right) + ')')
        else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible' && getComputedStyle(el).overflowX !== 'hidden' && getComputedStyle(el).overflowX !== 'clip')
          problems.push('in the card "' + title + '": ' + describe(el) + ' scrolls sideways')
      }
    }
    return problems
  })()`)
}

async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  await openEverything(page)
  // Soft: one section's overflow must not hide another's; the test still fails at the end.
  expect.soft(await overflow(page), where).toEqual([])
}

test.use({ viewport: { width: 800, height: 600 } })

test('at 800×600 nothing scrolls sideways in any section, with real content', async ({ page, webhost }) => {
  test.setTimeout(120_000)
  const app = new ProbePage(page)
  await app.open(webhost.url)

  // Probe: the lab's address and a self-signed server, whose advice carries the fingerprint.
  await app.probe(`${lab.user.address} ${lab.flawed.selfSigned.host}:993`)
  await app.waitForFinish(40_000)
  await expect(app.endpoint(`IMAP ${lab.flawed.selfSigned.host}:993`)).toBeVisible()
  await expectNoSidewaysScroll(page, 'Probe')

  // DKIM: a real message, verified against the lab's copy of its key.
  await app.goTo('DKIM')
  const dkim = new DkimPage(page)
  const message = await readFile(path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real', 'real-amazon.eml'))
  await dkim.drop([{ name: 'real-amazon.eml', bytes: message }])
  await expect(dkim.verdictHeading).toContainText('pass')
  await expectNoSidewaysScroll(page, 'DKIM')

  // Tunnels: one that carried a real session, with its log open.
  await app.goTo('Tunnels')
  const tunnels = new TunnelsPage(page)
  await tunnels.create({ name: 'Lab IMAP', server: lab.good.dovecot.host, caFile: lab.caPath })
  const port = await tunnels.start('Lab IMAP')
  await promisify(execFile)('curl', [
    '-sS',
    '--max-time',
    '10',
    '-u',
    `${lab.user.login}:${lab.user.password}`,
    `imap://127.0.0.1:${port}/`,
  ])
  await expect(tunnels.counter('Lab IMAP', 'Connections')).toHaveText('1')
  const log = await tunnels.openLog('Lab IMAP')
  await expect(log.getByRole('row')).toHaveCount(2)
  await expectNoSidewaysScroll(page, 'Tunnels')

  // OAuth (issue 18): the Microsoft preset's registration text, an account showing its device
  // code, and the tunnel form's OAuth login with a generated password and the advanced fold.
  await page.getByRole('button', { name: 'Add an OAuth account' }).click()
  await expect(page.getByText('Where to get a client id:')).toBeVisible()
  await expectNoSidewaysScroll(page, 'Tunnels, the OAuth account form (Microsoft)')
  await page
    .getByRole('form', { name: 'Add an OAuth account' })
    .getByRole('button', { name: 'Cancel' })
    .click()
  const accounts = new OAuthAccountsPage(page)
  const account = await accounts.addLabAccount(lab.oauth)
  await account.getByRole('button', { name: /^Use a code instead/ }).click()
  await expect(account.getByText('Code to enter')).toBeAttached()
  await tunnels.fillNew({ name: 'OAuth IMAP', server: lab.oauth.imap.host, port: lab.oauth.imap.ports.tls })
  await tunnels.form.getByRole('radio', { name: 'With an OAuth 2.0 account' }).check()
  // Not signed in: the option says so after the address.
  await tunnels.form
    .getByLabel('OAuth account')
    .selectOption({ label: `${lab.oauth.user.address} (not signed in)` })
  await tunnels.form.getByRole('button', { name: 'Generate a password' }).click()
  await expectNoSidewaysScroll(page, 'Tunnels, a device code and the OAuth tunnel form')
  await tunnels.form.getByRole('button', { name: 'Create tunnel' }).click()
  await expect(tunnels.card('OAuth IMAP')).toBeVisible()
  await account.getByRole('button', { name: 'Cancel sign-in' }).click()
  await expectNoSidewaysScroll(page, 'Tunnels, an OAuth tunnel')

  await app.goTo('Settings')
  await expectNoSidewaysScroll(page, 'Settings')

  await app.goTo('Activity')
  await expectNoSidewaysScroll(page, 'Activity')
})

test('at 800×600 nothing scrolls sideways on Your domain: a key made, a DANE domain checked', async ({
  page,
  webhost,
}) => {
  const app = new ProbePage(page)
  await app.open(webhost.url)
  // The validating resolver, so the report carries MX, port 25, addresses and DANE lines.
  await app.goTo('Settings')
  await app.dnsServer.fill(lab.dnssec.resolver)
  await app.saveNetwork.click()
  await app.goTo('Your domain')
  const keygen = page.getByRole('form', { name: 'Make a DKIM key' })
  await keygen.getByLabel('Domain').fill('mail.example.com')
  await keygen.getByLabel('Selector').fill('s2026-12')
  await keygen.getByRole('button', { name: 'Make the key' }).click()
  await expect(page.getByText(/_domainkey\.mail\.example\.com/).first()).toBeVisible({ timeout: 20_000 })
  const check = page.getByRole('form', { name: 'Check a domain' })
  await check.getByLabel('Domain').fill(DANE_DOMAINS.addresses)
  await check.getByRole('button', { name: 'Check the domain' }).click()
  await expect(page.getByText(new RegExp(`^${DANE_DOMAINS.addresses.replaceAll('.', '\\.')}: `))).toBeVisible(
    {
      timeout: 20_000,
    },
  )
  await expectNoSidewaysScroll(page, 'Your domain')
})
