// From a probe result to a working tunnel: the server the probe found is handed to the Tunnels
// form, the user creates and starts it, and a legacy client (curl, in plaintext) reaches the lab.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from '../fixtures/lab-webhost'
import { getLab } from '../lab/lab'
import { ProbePage } from './pages/probe'
import { TunnelsPage } from './pages/tunnels'

test('creates a tunnel for a probed server and uses it', async ({ page, webhost }) => {
  const lab = getLab()
  const probe = new ProbePage(page)
  await probe.open(webhost.url)
  await probe.goTo('Probe')
  await probe.probe(`${lab.good.dovecot.host}:993`)
  await probe.waitForFinish()
  // The action sits in the port's folded details: nine copies of it made a result long.
  const card = await probe.openDetails(`IMAP ${lab.good.dovecot.host}:993`)
  await card.getByRole('button', { name: 'Create a tunnel for this server' }).click()

  await expect(probe.heading).toHaveText('Tunnels')
  const tunnels = new TunnelsPage(page)
  await expect(tunnels.form.getByLabel('Mail server')).toHaveValue(lab.good.dovecot.host)
  await expect(tunnels.form.getByLabel('Server port')).toHaveValue('993')
  await expect(tunnels.form.getByRole('radio', { name: /^implicit TLS/ })).toBeChecked()
  await tunnels.form.getByRole('button', { name: 'Create tunnel' }).click()

  const name = `IMAP ${lab.good.dovecot.host}`
  const port = await tunnels.start(name)
  const { stdout } = await promisify(execFile)('curl', [
    '-sS',
    '--max-time',
    '10',
    '-u',
    `${lab.user.login}:${lab.user.password}`,
    `imap://127.0.0.1:${port}/`,
  ])
  expect(stdout).toContain('INBOX')
  await expect(tunnels.counter(name, 'Connections')).toHaveText('1')
})
