// Your domain → Make a DKIM key, as an administrator uses it: two keys (RSA and Ed25519), each
// saved through the page (a download here, a save dialog on the desktop) as PKCS#8 PEM whose public
// half is the record shown; the record copied; axe clean with the result in light and dark.
import { createPrivateKey, createPublicKey } from 'node:crypto'
import fs from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

async function makeKeys(page: Page, url: string) {
  const app = new MailwardenPage(page)
  await app.open(url)
  await app.goTo('Your domain')
  const form = page.getByRole('form', { name: 'Make a DKIM key' })
  await form.getByLabel('Domain').fill('example.org')
  await form.getByLabel('Selector').fill('s20261207')
  await form.getByLabel('RSA 2048 and Ed25519 (two signatures)').check()
  await form.getByRole('button', { name: 'Make the key' }).click()
  await expect(page.getByText('2 keys for example.org.')).toBeVisible()
}

/** The p= of the record shown for `name`. */
async function recordP(page: Page, name: string): Promise<string> {
  const value = page
    .locator('dd')
    .filter({ hasText: `v=DKIM1` })
    .filter({ has: page.locator('code') })
  const texts = await value.locator('code').allTextContents()
  const names = await page.locator('dd code').allTextContents()
  expect(names).toContain(name)
  const index = names.indexOf(name)
  // Each record's dl lists its name, then its value.
  const record = names[index + 1] ?? ''
  expect(texts).toContain(record)
  return /p=([A-Za-z0-9+/=]+)/.exec(record)?.[1] ?? ''
}

test('makes two keys, saves each as PEM matching its record, and copies a record', async ({
  page,
  webhost,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await makeKeys(page, webhost.url)

  for (const [selector, file, type] of [
    ['s20261207', 's20261207._domainkey.example.org.private', 'rsa'],
    ['s20261207-ed', 's20261207-ed._domainkey.example.org.private', 'ed25519'],
  ] as const) {
    const download = page.waitForEvent('download')
    await page
      .getByRole('button', {
        name: `Save the ${type === 'rsa' ? 'RSA' : 'Ed25519'} private key for selector ${selector}`,
        exact: true,
      })
      .click()
    const saved = await download
    expect(saved.suggestedFilename()).toBe(file)
    const pem = fs.readFileSync(await saved.path(), 'utf8')
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    const key = createPrivateKey(pem)
    expect(key.asymmetricKeyType).toBe(type)
    const publicKey = createPublicKey(key)
    const p = await recordP(page, `${selector}._domainkey.example.org`)
    const expected =
      type === 'rsa'
        ? publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
        : Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url').toString('base64')
    expect(p).toBe(expected)
    await expect(page.getByText(`Saved as ${file}`)).toBeVisible()
  }

  await page
    .getByRole('button', { name: 'Copy the record value for s20261207._domainkey.example.org' })
    .click()
  await expect(page.getByText('Copied.').first()).toBeVisible()
  const copied = await page.evaluate<string>('navigator.clipboard.readText()')
  expect(copied).toMatch(/^v=DKIM1; k=rsa; p=MII/)

  // The advice says why two signatures, and the snippets name the key files.
  await expect(page.getByText(/Ed25519/).first()).toBeVisible()
  await page.locator('summary', { hasText: 'Exim (remote_smtp transport)' }).click()
  await expect(page.locator('pre').filter({ hasText: 'dkim_selector' })).toContainText('/etc/dkimkeys/')
})

test('a domain it cannot use is refused with the reason, and nothing is made', async ({ page, webhost }) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Your domain')
  const form = page.getByRole('form', { name: 'Make a DKIM key' })
  await form.getByLabel('Domain').fill('not a domain')
  await form.getByRole('button', { name: 'Make the key' }).click()
  await expect(page.getByRole('alert')).toContainText('No key was made')
  await expect(form).toBeVisible()
})

for (const colorScheme of ['light', 'dark'] as const)
  test(`the new key's page has no accessibility violations in ${colorScheme}`, async ({ page, webhost }) => {
    await page.emulateMedia({ colorScheme })
    await makeKeys(page, webhost.url)
    for (const summary of await page.locator('summary').all()) await summary.click()
    const results = await new AxeBuilder({ page }).analyze()
    expect(results.violations.map(({ id, nodes }) => ({ id, targets: nodes.map((n) => n.target) }))).toEqual(
      [],
    )
  })
