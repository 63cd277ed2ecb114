import { spawnSync } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

const SECRET = 'correct horse battery staple 7'

/** Tests share one keychain session, so each test files its password under its own name. */
const account = () => `imap:alice@example.org@mail.example.org#${test.info().testId}`

test('stores a password in the keychain and reads it back', async ({ page, webhost }) => {
  const ACCOUNT = account()
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')
  await expect(app.passwordsGroup).toContainText('kept in your system’s keychain')

  await expect(app.password).toHaveAttribute('type', 'password')
  await app.storeSecret(ACCOUNT, SECRET)

  // The form forgets the password, and the page shows only the account's name.
  await expect(app.password).toHaveValue('')
  await expect(app.accountName).toHaveValue('')
  await expect(app.storedAccount(ACCOUNT)).toBeVisible()
  expect(await page.content()).not.toContain(SECRET)

  // It really is in the OS keychain: another Secret Service client finds it there, and no
  // file in the config directory holds it.
  const lookup = spawnSync('secret-tool', ['lookup', 'service', 'Mailwarden', 'account', ACCOUNT], {
    encoding: 'utf8',
  })
  expect(lookup.stdout).toBe(SECRET)
  for (const file of await readdir(webhost.configDir)) {
    expect(await readFile(path.join(webhost.configDir, file), 'utf8')).not.toContain(SECRET)
  }

  // Show reads it back from the keychain; leaving the row hides it again.
  await app.storedAccount(ACCOUNT).getByRole('button', { name: /^Show/ }).click()
  await expect(app.revealedPassword(ACCOUNT)).toHaveValue(SECRET)
  await app.accountName.click()
  await expect(app.revealedPassword(ACCOUNT)).toHaveCount(0)
  expect(await page.content()).not.toContain(SECRET)

  // Still there after a reload: it lives in the keychain, not in the page.
  await page.reload()
  await app.goTo('Settings')
  await expect(app.storedAccount(ACCOUNT)).toBeVisible()
})

test('deleting a stored password removes it from the list', async ({ page, webhost }) => {
  const ACCOUNT = account()
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')
  await app.storeSecret(ACCOUNT, SECRET)

  const row = app.storedAccount(ACCOUNT)
  await row.getByRole('button', { name: /^Delete/ }).click()
  // Deleting asks once, in place; Cancel is focused so a stray Enter keeps the password.
  await expect(row.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await row.getByRole('button', { name: /^Delete/ }).click()

  await expect(app.storedAccount(ACCOUNT)).toHaveCount(0)
  await expect(app.heading).toHaveText('Settings')
  // Gone from the OS keychain itself, not only from the list.
  const lookup = spawnSync('secret-tool', ['lookup', 'service', 'Mailwarden', 'account', ACCOUNT], {
    encoding: 'utf8',
  })
  expect(lookup.stdout).toBe('')
  await page.reload()
  await app.goTo('Settings')
  await expect(page.getByRole('heading', { name: 'Stored passwords' })).toBeVisible()
  await expect(app.storedAccount(ACCOUNT)).toHaveCount(0)
})
