import { spawnSync } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '../fixtures/lab-webhost'
import { getLab } from '../lab/lab'
import { ProbePage } from './pages/probe'

const lab = getLab()
const IMAP = lab.good.dovecot.host

/** Every file the config directory holds, read as text (the settings, and anything else written there). */
async function configText(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = names
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
  return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n')
}

test('saves a probed account with its password in the keychain, re-checks it and tests the login', async ({
  page,
  webhost,
}) => {
  // Tests share one keychain session, so each saves its account under its own name.
  const label = `Alice at the lab #${test.info().testId}`
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await app.probe(`${IMAP}:993`)
  await app.waitForFinish()

  await app.saveForm.getByLabel('Account name').fill(label)
  await app.saveForm.getByLabel('Login name').fill(lab.user.login)
  await app.saveForm.getByLabel('Password (optional)').fill(lab.user.password)
  await app.saveForm.getByRole('button', { name: 'Save account' }).click()
  await expect(app.saveForm.getByRole('status')).toHaveText(
    `Saved the account ${label} and its password in the keychain.`,
  )
  await expect(app.saveForm.getByLabel('Password (optional)')).toHaveValue('')

  // The account is in the settings; the password is not, anywhere in the config directory or the page.
  const row = app.savedAccount(label)
  await expect(row).toContainText(`IMAP ${IMAP}:993`)
  await expect(row).toContainText('password in the keychain')
  const stored = await configText(webhost.configDir)
  expect(stored).toContain(label)
  expect(stored).not.toContain(lab.user.password)
  expect(await page.content()).not.toContain(lab.user.password)
  const settings = JSON.parse(await readFile(path.join(webhost.configDir, 'settings.json'), 'utf8')) as {
    accounts: { label: string; secretAccount: string | null }[]
  }
  const saved = settings.accounts.find((a) => a.label === label)
  expect(saved?.secretAccount).toBeTruthy()
  // It really is in the OS keychain, under the name the settings point to.
  const lookup = spawnSync(
    'secret-tool',
    ['lookup', 'service', 'Mailwarden', 'account', saved?.secretAccount ?? ''],
    {
      encoding: 'utf8',
    },
  )
  expect(lookup.stdout).toBe(lab.user.password)

  // Re-check in one click: the server again, with its verdict.
  await row.getByRole('button', { name: `Re-check ${label}` }).click()
  await expect(row.getByRole('list', { name: 'Re-check results' })).toContainText(`Good IMAP ${IMAP}:993`)

  // Test login over TLS with the stored password.
  await row.getByRole('button', { name: `Test login for ${label}` }).click()
  // Said once ("Logged in over TLSv1.3 with LOGIN."), not "Logged in with LOGIN. Logged in over…".
  await expect(row.getByRole('list', { name: 'Test login results' }).getByRole('listitem')).toHaveText(
    new RegExp(
      `^Good IMAP ${IMAP.replaceAll('.', '\\.')}:993: Logged in over TLSv1\\.[23] with [A-Z0-9 -]+(, [A-Z0-9 -]+)*\\.$`,
    ),
  )

  // Delete asks first, then removes the account and its password.
  await row.getByRole('button', { name: `Delete ${label}` }).click()
  await expect(row.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await row.getByRole('button', { name: `Delete ${label}` }).click()
  await expect(app.savedAccount(label)).toHaveCount(0)
  await expect(app.savedAccounts.getByRole('heading', { name: 'Saved accounts' })).toBeFocused()
  const gone = spawnSync(
    'secret-tool',
    ['lookup', 'service', 'Mailwarden', 'account', saved?.secretAccount ?? ''],
    {
      encoding: 'utf8',
    },
  )
  expect(gone.stdout).toBe('')
})

test('tests a login with a password typed once and not stored', async ({ page, webhost }) => {
  const label = `Alice without a stored password #${test.info().testId}`
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await app.probe(`${IMAP}:993`)
  await app.waitForFinish()
  await app.saveForm.getByLabel('Account name').fill(label)
  await app.saveForm.getByLabel('Login name').fill(lab.user.login)
  await app.saveForm.getByRole('button', { name: 'Save account' }).click()
  await expect(app.saveForm.getByRole('status')).toHaveText(`Saved the account ${label}.`)

  const row = app.savedAccount(label)
  await row.getByRole('button', { name: `Test login for ${label}` }).click()
  const password = row.getByLabel(`Password for ${label} (used once, not stored)`)
  await expect(password).toBeFocused()
  await password.fill('not-the-password')
  await row.getByRole('button', { name: 'Log in over TLS' }).click()
  await expect(row.getByRole('list', { name: 'Test login results' })).toContainText(
    `IMAP ${IMAP}:993: Login refused`,
  )
  expect(await configText(webhost.configDir)).not.toContain('not-the-password')
})

test('imports a Thunderbird prefs.js and says which setting to change', async ({ page, webhost }) => {
  const prefs = [
    'user_pref("mail.account.account1.server", "server1");',
    'user_pref("mail.account.account2.server", "server2");',
    `user_pref("mail.server.server1.hostname", "${IMAP}");`,
    'user_pref("mail.server.server1.port", 143);',
    // 1: the old "STARTTLS, if available", which a network attacker can strip.
    'user_pref("mail.server.server1.socketType", 1);',
    'user_pref("mail.server.server1.type", "imap");',
    `user_pref("mail.server.server1.userName", "${lab.user.login}");`,
    `user_pref("mail.server.server2.hostname", "${IMAP}");`,
    'user_pref("mail.server.server2.port", 993);',
    'user_pref("mail.server.server2.socketType", 3);',
    'user_pref("mail.server.server2.type", "imap");',
    '',
  ].join('\n')
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await page.getByLabel('Thunderbird prefs.js').setInputFiles({
    name: 'prefs.js',
    mimeType: 'text/javascript',
    buffer: Buffer.from(prefs),
  })
  const audit = page.getByRole('list', { name: 'Thunderbird settings checked' })
  await expect(audit.getByRole('listitem')).toHaveCount(2)
  const risky = audit.getByRole('listitem').filter({ hasText: `${IMAP}:143` })
  await expect(risky).toContainText(/^(Warning|Bad) IMAP/)
  await expect(risky).toContainText('What to set instead:')
  await expect(audit.getByRole('listitem').filter({ hasText: `${IMAP}:993` })).toContainText(/^Good IMAP/)
  await expect(page.getByText(/^Found 2 servers; 1 setting to change\.$/)).toBeVisible()
})

test('refuses a file far larger than a prefs.js without reading it', async ({ page, webhost }) => {
  // On disk, so the browser picks it up by path instead of receiving 5 MB over the test channel.
  const mbox = test.info().outputPath('Inbox.mbox')
  await writeFile(mbox, Buffer.alloc(5 * 1024 * 1024, 0x61))
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await page.getByLabel('Thunderbird prefs.js').setInputFiles(mbox)
  await expect(page.getByRole('alert')).toContainText('Inbox.mbox is 5120 KB; a prefs.js is much smaller.')
})

test('logs in to a self-signed server only once the user has pinned its certificate', async ({
  page,
  webhost,
}) => {
  const host = lab.flawed.selfSigned.host
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await app.probe(`${host}:993`)
  await app.waitForFinish()
  await expect(app.endpoint(`IMAP ${host}:993`).getByRole('heading', { level: 3 })).not.toContainText('Good')

  // Saved without a pin, the certificate is refused before any password is sent.
  const unpinned = `Self-signed, not pinned #${test.info().testId}`
  await app.saveForm.getByLabel('Account name').fill(unpinned)
  await app.saveForm.getByLabel('Login name').fill(lab.user.login)
  await app.saveForm.getByRole('button', { name: 'Save account' }).click()
  await expect(app.saveForm.getByRole('status')).toHaveText(`Saved the account ${unpinned}.`)
  const refused = app.savedAccount(unpinned)
  await refused.getByRole('button', { name: `Test login for ${unpinned}` }).click()
  await refused.getByLabel(/^Password for/).fill(lab.user.password)
  await refused.getByRole('button', { name: 'Log in over TLS' }).click()
  await expect(refused.getByRole('list', { name: 'Test login results' })).toContainText(
    `IMAP ${host}:993: Could not be tested`,
  )

  // Pinned, it logs in, trusting exactly that certificate.
  const pinned = `Self-signed, pinned #${test.info().testId}`
  await app.saveForm.getByLabel('Account name').fill(pinned)
  await app.saveForm
    .getByRole('checkbox', { name: new RegExp(`^Trust the certificate of ${host}:993`) })
    .check()
  await app.saveForm.getByRole('button', { name: 'Save account' }).click()
  await expect(app.saveForm.getByRole('status')).toHaveText(`Saved the account ${pinned}.`)
  const row = app.savedAccount(pinned)
  await row.getByRole('button', { name: `Test login for ${pinned}` }).click()
  await row.getByLabel(/^Password for/).fill(lab.user.password)
  await row.getByRole('button', { name: 'Log in over TLS' }).click()
  await expect(row.getByRole('list', { name: 'Test login results' })).toContainText(
    `IMAP ${host}:993: Logged in`,
  )
})

test('calls out a certificate that changed since the account was saved', async ({ page, webhost }) => {
  const label = `Alice, certificate changed #${test.info().testId}`
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await app.probe(`${IMAP}:993`)
  await app.waitForFinish()
  await app.saveForm.getByLabel('Account name').fill(label)
  await app.saveForm.getByRole('button', { name: 'Save account' }).click()
  await expect(app.saveForm.getByRole('status')).toHaveText(`Saved the account ${label}.`)

  // Stand in for a server whose certificate was replaced: the saved fingerprint is another one,
  // read by a fresh host.
  const file = path.join(webhost.configDir, 'settings.json')
  const settings = JSON.parse(await readFile(file, 'utf8')) as {
    accounts: { label: string; servers: { lastFingerprintSha256: string | null }[] }[]
  }
  const old = `${'AB:'.repeat(31)}AB`
  for (const server of settings.accounts.find((a) => a.label === label)?.servers ?? []) {
    server.lastFingerprintSha256 = old
  }
  await writeFile(file, JSON.stringify(settings))
  await webhost.restart()
  await app.open(webhost.url)

  const row = app.savedAccount(label)
  await row.getByRole('button', { name: `Re-check ${label}` }).click()
  const results = row.getByRole('list', { name: 'Re-check results' })
  await expect(results).toContainText(`The certificate of`)
  await expect(results).toContainText(`changed since it was saved (was ${old}, now`)
})
