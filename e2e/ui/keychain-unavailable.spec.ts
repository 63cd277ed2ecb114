// The Passwords notice when the OS keychain cannot be reached: the host runs with a session bus
// address that leads nowhere, so the real Secret Service client fails as it would on a machine
// without a keyring.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { startWebHostProcess } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

test('says once, in clean sentences, that the keychain is unavailable and what still works', async ({
  page,
}) => {
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'mailwarden-e2e-'))
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS
  // The child process takes its environment when it starts; the test's own is put back at once.
  process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(configDir, 'no-bus')}`
  const host = await startWebHostProcess(configDir).finally(() => {
    process.env.DBUS_SESSION_BUS_ADDRESS = saved
  })
  try {
    const app = new MailwardenPage(page)
    await app.open(host.handle.url)
    await app.goTo('Settings')
    const notice = page.getByRole('status').filter({ hasText: 'The keychain is not available' })
    await expect(notice).toBeVisible()
    const text = (await notice.textContent()) ?? ''
    expect(text).not.toContain('..')
    // The engine's reason already says passwords never go to a file: not said a second time.
    expect(text.match(/file/g)).toHaveLength(1)
    await expect(notice).toContainText('Until it works, accounts are saved without a password')
  } finally {
    await host.close()
    await rm(configDir, { recursive: true, force: true })
  }
})
