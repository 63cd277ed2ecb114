// A user opens a tunnel to a LAN device with TLS toward the device: chooses STARTTLS, opts into old
// TLS 1.0/1.1 and sees the warning, starts it and reads the generated certificate's pin, which a
// real client (curl, STARTTLS to the tunnel) then pins.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from '../fixtures/webhost'
import { getLab } from '../lab/lab'
import { TunnelsPage } from './pages/tunnels'

const run = promisify(execFile)
const lab = getLab()

test('chooses TLS toward the device, sees the legacy warning, and trusts the shown pin', async ({
  page,
  webhost,
}) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.useDnsServer(lab.dns.server)
  await tunnels.fillNew({ name: 'Scanner', server: lab.good.dovecot.host, caFile: lab.caPath })
  const form = tunnels.form
  await form.getByRole('checkbox', { name: /Let other devices on my network use it/ }).check()
  await expect(form.getByText('Other devices will reach this tunnel without encryption')).toBeVisible()
  await form.getByLabel('Allowed devices').fill('127.0.0.5')
  await form.getByRole('radio', { name: /^STARTTLS \(the device upgrades/ }).check()
  await expect(form.getByText('without encryption')).toHaveCount(0)
  const legacy = form.getByRole('checkbox', { name: 'Also accept old TLS 1.0 and 1.1 from the device' })
  await expect(form.getByRole('note')).toHaveCount(0)
  await legacy.check()
  await expect(form.getByRole('note')).toContainText('TLS 1.0 and 1.1 are broken protocols')
  await form.getByRole('button', { name: 'Create tunnel' }).click()

  const card = tunnels.card('Scanner')
  await expect(card).toContainText('Towards the device: STARTTLS, old TLS 1.0/1.1 allowed.')
  await expect(card).toContainText('Its certificate is made when the tunnel first starts.')
  const port = await tunnels.start('Scanner')
  const certificate = card.getByRole('definition').filter({
    has: page.locator('xpath=preceding-sibling::dt[.="Pin (SPKI SHA-256)"]'),
  })
  const pin = ((await certificate.first().textContent()) ?? '').trim()
  expect(pin).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/)
  await expect(card).toContainText(/([0-9A-F]{2}:){31}[0-9A-F]{2}/)

  const { stdout } = await run(
    'curl',
    [
      '-sS',
      '--max-time',
      '10',
      '--ssl-reqd',
      '-k',
      '--pinnedpubkey',
      `sha256//${pin.slice('sha256/'.length)}`,
      '-u',
      `${lab.user.login}:${lab.user.password}`,
      `imap://127.0.0.1:${port}/`,
    ],
    { timeout: 15_000 },
  )
  expect(stdout).toContain('INBOX')
  await card.getByRole('button', { name: 'Stop' }).click()
  await expect(card.getByText('Stopped')).toBeVisible()
})
