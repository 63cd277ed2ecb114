// The tunnel tells the truth on its card: a refused login is counted, a server it cannot verify is
// never a green "Listening" but a warning with the fix, a pin applies at once (from the card, the
// edit form, or a probe's result, each after the same consent step), a taken local port is refused
// when the tunnel is created, said once, and nothing scrolls sideways at 800×600.
import { execFile } from 'node:child_process'
import net from 'node:net'
import { promisify } from 'node:util'
import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/lab-webhost'
import { getLab } from '../lab/lab'
import { ProbePage } from './pages/probe'
import { TunnelsPage } from './pages/tunnels'

const run = promisify(execFile)
const lab = getLab()

async function curl(args: string[]): Promise<number> {
  try {
    await run('curl', ['-sS', '--max-time', '15', ...args], { timeout: 20_000 })
    return 0
  } catch (error) {
    const code = (error as { code?: number }).code
    return typeof code === 'number' ? code : 1
  }
}

/** Pins the key a warning offers, after ticking the comparison, as a user would. */
async function pinAfterComparing(page: Page, scope: Locator): Promise<void> {
  const trust = scope.getByRole('button', { name: 'Trust this key (pin it)' })
  await expect(trust).toBeDisabled()
  await scope.getByLabel(/I compared this fingerprint/).check()
  await trust.click()
  await expect(page.getByRole('button', { name: 'Trust this key (pin it)' })).toHaveCount(0)
}

test('a wrong password through the tunnel is counted as a failed login on the card', async ({
  page,
  webhost,
}) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.create({ name: 'Lab IMAP', server: lab.good.dovecot.host })
  const port = await tunnels.start('Lab IMAP')
  const code = await curl(['-u', `${lab.user.login}:not-the-password`, `imap://127.0.0.1:${port}/`])
  expect(code).not.toBe(0)
  await expect(tunnels.counter('Lab IMAP', 'Failed logins')).toHaveText('1')
  const log = await tunnels.openLog('Lab IMAP')
  await expect(log).toContainText('login refused (wrong password')
  expect((await page.getByRole('main').textContent()) ?? '').not.toContain('not-the-password')
})

test('a server it cannot verify is a warning with the fix, and pinning from the card verifies it at once', async ({
  page,
  webhost,
}) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.create({ name: 'Self-signed', server: lab.flawed.selfSigned.host })
  await tunnels.start('Self-signed', { verified: false })
  await expect(tunnels.status('Self-signed')).toHaveText(/Listening, server not verified/)
  const problem = tunnels.serverProblem('Self-signed')
  await expect(problem).toContainText('The server’s certificate is self-signed')
  await expect(problem).toContainText(/SHA-256 fingerprint\s*[0-9A-F:]{95}/)
  await expect(problem.getByLabel('CA file')).toBeVisible()
  // No "point your client here" while the server is not usable.
  await expect(tunnels.card('Self-signed').getByText(/set the server to/)).toHaveCount(0)
  const axe = await new AxeBuilder({ page }).include('.tunnel-card').analyze()
  expect(axe.violations.map((v) => v.id)).toEqual([])

  await pinAfterComparing(page, problem)
  await expect(tunnels.status('Self-signed')).toHaveText(/^\W*Listening$/)
  await expect(problem).toHaveCount(0)
  await expect(
    tunnels
      .card('Self-signed')
      .getByText(/pinned key/)
      .first(),
  ).toBeVisible()
  const port = Number(
    (await tunnels.card('Self-signed').locator('.tunnel-route code').first().textContent())
      ?.split(':')
      .at(-1),
  )
  expect(await curl(['-u', `${lab.user.login}:${lab.user.password}`, `imap://127.0.0.1:${port}/`])).toBe(0)
  // Saved: the app read again still has the pin.
  await page.reload()
  await tunnels.app.goTo('Tunnels')
  await expect(
    tunnels
      .card('Self-signed')
      .getByText(/pinned key/)
      .first(),
  ).toBeVisible()
})

test('pinning in the edit form applies to the running tunnel without Save', async ({ page, webhost }) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.create({ name: 'Edit pin', server: lab.flawed.selfSigned.host })
  await tunnels.start('Edit pin', { verified: false })
  await tunnels.card('Edit pin').getByRole('button', { name: 'Edit' }).click()
  await tunnels.form.getByRole('button', { name: 'Check the server’s certificate' }).click()
  await expect(tunnels.form.getByRole('status')).toContainText('not verified')
  await pinAfterComparing(page, tunnels.form)
  // The offer and its warning are gone; the pin is in force and saved, before any Save.
  await expect(tunnels.form.getByText('not verified')).toHaveCount(0)
  await expect(tunnels.form.getByText(/Trusted by its pinned key/)).toBeVisible()
  await expect(tunnels.form.getByRole('note')).toHaveText('The pin is saved; the tunnel uses it now.')
  await expect(tunnels.status('Edit pin')).toHaveText(/^\W*Listening$/)
  await tunnels.form.getByRole('button', { name: 'Cancel' }).click()
  await expect(
    tunnels
      .card('Edit pin')
      .getByText(/pinned key/)
      .first(),
  ).toBeVisible()
})

test('a probe of a self-signed server hands its key to the new tunnel, pinned only after comparing', async ({
  page,
  webhost,
}) => {
  const probe = new ProbePage(page)
  await probe.open(webhost.url)
  await probe.goTo('Probe')
  await probe.probe(`${lab.flawed.selfSigned.host}:993`)
  await probe.waitForFinish()
  const card = await probe.openDetails(`IMAP ${lab.flawed.selfSigned.host}:993`)
  await card.getByRole('button', { name: 'Create a tunnel for this server' }).click()
  const tunnels = new TunnelsPage(page)
  const offer = tunnels.form.getByRole('status')
  await expect(offer).toContainText('The probe saw this certificate.')
  await expect(offer).toContainText('not verified')
  await expect(offer).toContainText(/sha256\/[A-Za-z0-9+/]{43}=/)
  await pinAfterComparing(page, tunnels.form)
  await expect(tunnels.form.getByText(/Trusted by its pinned key/)).toBeVisible()
  await tunnels.form.getByRole('button', { name: 'Create tunnel' }).click()
  const name = `IMAP ${lab.flawed.selfSigned.host}`
  await tunnels.start(name)
  await expect(tunnels.serverProblem(name)).toHaveCount(0)
})

test('a local port already taken is refused when the tunnel is created, said once', async ({
  page,
  webhost,
}) => {
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  // A port free now, given to the first tunnel.
  const probe = net.createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise((r) => probe.close(r))
  await tunnels.fillNew({ name: 'First', server: lab.good.dovecot.host })
  await tunnels.form.getByLabel('Local port').fill(String(port))
  await tunnels.form.getByRole('button', { name: 'Create tunnel' }).click()
  await expect(tunnels.card('First')).toBeVisible()

  await tunnels.fillNew({ name: 'Second', server: lab.good.dovecot.host })
  await tunnels.form.getByLabel('Local port').fill(String(port))
  await tunnels.form.getByRole('button', { name: 'Create tunnel' }).click()
  const message = `Local port ${port} is already used by the tunnel “First”`
  await expect(tunnels.form.getByRole('alert').filter({ hasText: message })).toBeVisible()
  await expect(page.getByText(message)).toHaveCount(1)
  await expect(tunnels.card('Second')).toHaveCount(0)
  await tunnels.form.getByRole('button', { name: 'Cancel' }).click()

  // Another program takes the first tunnel's port after it was created: Start says so once.
  const holder = net.createServer()
  await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()))
  try {
    await tunnels.card('First').getByRole('button', { name: 'Start', exact: true }).click()
    await expect(tunnels.status('First')).toHaveText(/Failed/)
    await expect(tunnels.card('First').getByText(/already in use/)).toHaveCount(1)
  } finally {
    await new Promise((r) => holder.close(r))
  }
})

test('at 800×600 nothing scrolls sideways: a long connection log and the warning stay in their cards', async ({
  page,
  webhost,
}) => {
  await page.setViewportSize({ width: 800, height: 600 })
  const tunnels = new TunnelsPage(page)
  await tunnels.app.open(webhost.url)
  await tunnels.create({ name: 'Not verified', server: lab.flawed.selfSigned.host })
  await tunnels.start('Not verified', { verified: false })
  await tunnels.create({ name: 'Wrong host', server: lab.flawed.wrongHost.host })
  const wrongPort = await tunnels.start('Wrong host', { verified: false })
  await tunnels.create({ name: 'Long lines', server: lab.good.dovecot.host })
  const port = await tunnels.start('Long lines')
  // A client whose commands are long lines without spaces, and a connection that fails with a long reason.
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let said = ''
    socket.on('data', (chunk) => {
      said += chunk.toString('latin1')
      if (said.includes('a2 ')) socket.end()
      else if (said.includes('* OK'))
        socket.write(`a1 EXAMINE "${'x'.repeat(180)}"\r\na2 NOOP${'y'.repeat(150)}\r\n`)
    })
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })
  expect(await curl([`imap://127.0.0.1:${wrongPort}/`])).not.toBe(0)
  await tunnels.openLog('Long lines')
  const log = await tunnels.openLog('Wrong host')
  await expect(log.getByRole('row')).toHaveCount(2)
  const commands = tunnels.card('Long lines').getByText(/^\d+ commands?$/)
  await commands.first().click()
  await expect(tunnels.card('Long lines').getByText(/EXAMINE "x{20}/)).toBeVisible()

  // Run in the page (a string: this file is compiled without the DOM's types).
  const widths = (await page.evaluate(`(() => {
    const root = document.scrollingElement
    const outside = []
    for (const card of document.querySelectorAll('.tunnel-card')) {
      const box = card.getBoundingClientRect()
      for (const el of card.querySelectorAll('*')) {
        const r = el.getBoundingClientRect()
        if (r.width === 0) continue
        if (r.right > box.right + 1 || r.left < box.left - 1)
          outside.push(el.tagName + '.' + el.className + ': ' + r.left + '-' + r.right + ' outside ' + box.left + '-' + box.right)
      }
    }
    return { scroll: root.scrollWidth, client: root.clientWidth, outside }
  })()`)) as { scroll: number; client: number; outside: string[] }
  expect(widths.outside).toEqual([])
  expect(widths.scroll).toBeLessThanOrEqual(widths.client)
})
