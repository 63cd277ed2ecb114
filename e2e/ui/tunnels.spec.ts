// A user creates tunnels in the UI and a real client (curl) goes through them to the lab's
// Dovecot: counters move, the log shows the session with the login redacted, a self-signed server
// is trusted only by a pin the user accepted, and a wrong-host server is refused with a reason.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '../fixtures/webhost'
import { getLab } from '../lab/lab'
import { TunnelsPage } from './pages/tunnels'

const run = promisify(execFile)
const lab = getLab()

/** curl, in plaintext to the tunnel, as a legacy client would; returns its output and exit code. */
async function curlImap(port: number): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      'curl',
      [
        '-sS',
        '--max-time',
        '10',
        '-u',
        `${lab.user.login}:${lab.user.password}`,
        `imap://127.0.0.1:${port}/`,
      ],
      { timeout: 15_000 },
    )
    return { code: 0, out: stdout + stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

test('creates a tunnel, uses it with curl, and sees the counters move and the login redacted', async ({
  page,
  webhost,
}) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.useDnsServer(lab.dns.server)
  await tunnels.create({ name: 'Lab IMAP', server: lab.good.dovecot.host, caFile: lab.caPath })
  await expect(tunnels.card('Lab IMAP').getByText('Stopped')).toBeVisible()
  const port = await tunnels.start('Lab IMAP')

  const { code, out } = await curlImap(port)
  expect(code, out).toBe(0)
  expect(out).toContain('INBOX')

  await expect(tunnels.counter('Lab IMAP', 'Connections')).toHaveText('1')
  await expect(tunnels.counter('Lab IMAP', 'To clients')).not.toHaveText('0 B')

  const log = await tunnels.openLog('Lab IMAP')
  await expect(log.getByRole('row')).toHaveCount(2) // header + the one session
  await expect(log).toContainText('ok')
  await expect(log).toContainText(/AUTHENTICATE|LOGIN/)
  const shown = (await page.getByRole('main').textContent()) ?? ''
  const plain = Buffer.from(`\0${lab.user.login}\0${lab.user.password}`).toString('base64')
  expect(shown).not.toContain(lab.user.password)
  expect(shown).not.toContain(plain)

  const axe = await new AxeBuilder({ page }).analyze()
  expect(axe.violations.map((v) => v.id)).toEqual([])

  await tunnels.card('Lab IMAP').getByRole('button', { name: 'Stop' }).click()
  await expect(tunnels.card('Lab IMAP').getByText('Stopped')).toBeVisible()
})

test('trusts a self-signed server only after the user saw and accepted its key', async ({
  page,
  webhost,
}) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.useDnsServer(lab.dns.server)
  await tunnels.fillNew({ name: 'Self-signed', server: lab.flawed.selfSigned.host })
  await tunnels.form.getByRole('button', { name: 'Check the server’s certificate' }).click()
  const seen = tunnels.form.getByRole('status').filter({ hasText: 'not verified' })
  await expect(seen).toBeVisible()
  await expect(seen).toContainText(/sha256\/[A-Za-z0-9+/]{43}=/)
  const trust = tunnels.form.getByRole('button', { name: 'Trust this key (pin it)' })
  await expect(trust).toBeDisabled()
  await tunnels.form.getByLabel(/I compared this fingerprint/).check()
  await trust.click()
  await expect(tunnels.form.getByText(/Trusted by its pinned key/)).toBeVisible()
  await tunnels.form.getByRole('button', { name: 'Create tunnel' }).click()

  const port = await tunnels.start('Self-signed')
  const { code, out } = await curlImap(port)
  expect(code, out).toBe(0)
  expect(out).toContain('INBOX')
  await expect(
    tunnels
      .card('Self-signed')
      .getByText(/pinned key/)
      .first(),
  ).toBeVisible()
})

test('refuses a server whose certificate is for another host, and says why', async ({ page, webhost }) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.useDnsServer(lab.dns.server)
  await tunnels.create({ name: 'Wrong host', server: lab.flawed.wrongHost.host, caFile: lab.caPath })
  const port = await tunnels.start('Wrong host', { verified: false })
  // Said at once, before any client tried, with the fix: the right name, or a pin after comparing.
  const problem = tunnels.serverProblem('Wrong host')
  await expect(problem).toContainText('The server’s certificate is for another name')
  await expect(problem.getByRole('button', { name: /Correct the server name/ })).toBeVisible()
  const { code } = await curlImap(port)
  expect(code).not.toBe(0)
  await expect(tunnels.counter('Wrong host', 'Failed')).toHaveText('1')
  await expect(tunnels.lastError('Wrong host')).toContainText(/certificate|host/i)
})
