import { readFile } from 'node:fs/promises'
import net from 'node:net'
import AxeBuilder from '@axe-core/playwright'
import type { Download, Page } from '@playwright/test'
import { expect, test } from '../fixtures/lab-webhost'
import { test as freshTest } from '../fixtures/webhost'
import { getLab } from '../lab/lab'
import { ProbePage } from './pages/probe'

const lab = getLab()
const NETWORK = {
  dnsServer: lab.dns.server,
  caPath: lab.caPath,
  ispdbUrl: `https://ispdb.${lab.domain}/v1.1/`,
}
const IMAP = lab.good.dovecot.host

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations.map(({ id, help, nodes }) => ({ id, help, targets: nodes.map((n) => n.target) }))
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()])
  const file = await (download as Download).path()
  return { name: (download as Download).suggestedFilename(), text: await readFile(file, 'utf8') }
}

/** A server on loopback that accepts connections and says `greeting` (or nothing), for as long as asked. */
async function fakeServer(greeting: string | null): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    if (greeting !== null) socket.write(greeting)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

test('probes an address of the lab domain and explains it in Thunderbird’s and Outlook’s words', async ({
  page,
  webhost,
}) => {
  const app = new ProbePage(page)
  await app.open(webhost.url)

  await app.probe(lab.user.address)
  // Progress is announced as it goes, and each endpoint appears before its result.
  await expect(app.progressStatus).toHaveText(
    /^(Looking for the mail servers of alice@lab\.test|Checked \d+ of)/,
  )
  await app.waitForFinish()
  // Once finished the progress list folds away: the results say the same.
  await app.progress.getByText(/^Server ports checked \(9\)/).click()
  await expect(app.progressRow(`${IMAP}:993`)).toContainText('Good Implicit TLS')

  // What the user came for, first: the settings to type in, in Thunderbird's words (the default).
  await expect(app.useSettings.getByRole('heading', { level: 3 })).toHaveText(
    'Use these settings in Thunderbird',
  )
  const incoming = app.useSide('Incoming mail')
  await expect(incoming.getByRole('heading')).toHaveText(/^Incoming mail · IMAP\s*Good$/)
  await expect(incoming.getByRole('definition')).toHaveText([IMAP, '993', 'SSL/TLS'])
  await expect(incoming.getByRole('term')).toHaveText(['Server', 'Port', 'Connection security'])
  const outgoing = app.useSide('Outgoing mail')
  await expect(outgoing.getByRole('definition')).toHaveText([lab.good.exim.host, '465', 'SSL/TLS'])
  // The wording caveat is said once for the whole result, not on every card.
  await expect(page.getByText(/wording is not verified against Thunderbird itself/)).toHaveCount(1)

  // Then one short card per port: verdict, the security in the client's words, the one line.
  const imaps = app.endpoint(`IMAP ${IMAP}:993`)
  await expect(imaps.getByRole('heading', { level: 3 })).toHaveText(`Good IMAP ${IMAP}:993`)
  await expect(imaps).toContainText('Implicit TLS — in Thunderbird: “SSL/TLS” · Nothing to change here.')
  const imap = app.endpoint(`IMAP ${IMAP}:143`)
  await expect(imap).toContainText(
    'STARTTLS — in Thunderbird: “STARTTLS” · STARTTLS works; implicit TLS is preferred.',
  )
  await expect(imap.getByRole('heading', { level: 3 })).toHaveText(`Good IMAP ${IMAP}:143`)
  await expect(app.endpoint(`IMAP ${lab.good.perdition.host}:993`)).toContainText('Implicit TLS')
  await expect(app.endpoint(`SMTP ${lab.good.exim.host}:465`)).toContainText('Implicit TLS')
  // The details are folded until asked for.
  await expect(imaps.getByRole('list', { name: 'TLS versions' })).toHaveCount(0)

  // TLS versions and the certificate in detail, including the pin a tunnel would use.
  await app.openDetails(`IMAP ${IMAP}:993`)
  await expect(imaps).toContainText('set "Connection security" to "SSL/TLS"')
  await expect(imaps.getByRole('list', { name: 'TLS versions' })).toContainText('TLS 1.2: accepted')
  await expect(imaps.getByRole('list', { name: 'TLS versions' })).toContainText('TLS 1.0: refused')
  await imaps.getByText(/^Certificate:/).click()
  await expect(imaps.getByText(`DNS:${IMAP}`)).toBeVisible()
  await expect(imaps.getByText(/^sha256\/[A-Za-z0-9+/]{43}=$/).first()).toBeVisible()
  await expect(imaps).toContainText('Trusted; issued for this server name')

  // The client picker starts at the Settings' client; Outlook's words for the same servers,
  // in the summary, the cards and the page's intro alike.
  await expect(app.clientPicker).toHaveValue('thunderbird')
  await app.clientPicker.selectOption('outlook')
  await expect(app.useSettings.getByRole('heading', { level: 3 })).toHaveText(
    'Use these settings in Outlook (classic, Windows)',
  )
  await expect(incoming.getByRole('term')).toHaveText([
    'Server',
    'Port',
    'Use the following type of encrypted connection',
  ])
  await expect(imaps).toContainText('In Outlook (classic, Windows), for IMAP use server')
  await expect(imaps).toContainText('"Use the following type of encrypted connection" to "SSL/TLS"')
  await expect(
    imaps.getByRole('heading', { name: 'What to set in Outlook (classic, Windows)' }),
  ).toBeVisible()
  await expect(page.getByText(/^Advice uses /)).toContainText(
    'Advice uses the words of Outlook (classic, Windows)',
  )
})

test('copies the settings and exports the report as Markdown, HTML and JSON, made in the page', async ({
  page,
  context,
  webhost,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await app.probe(lab.user.address)
  await app.waitForFinish()

  // The summary's copy: both servers at once, in the client's words.
  await app.useSettings.getByRole('button', { name: 'Copy these settings' }).click()
  await expect(app.useSettings.getByRole('status')).toHaveText('Copied to the clipboard.')
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
    [
      'Incoming mail (IMAP)',
      `  Server: ${IMAP}`,
      '  Port: 993',
      '  Connection security (Thunderbird): SSL/TLS',
      '',
      'Outgoing mail (SMTP)',
      `  Server: ${lab.good.exim.host}`,
      '  Port: 465',
      '  Connection security (Thunderbird): SSL/TLS',
    ].join('\n'),
  )

  // One port's own copy, in its details.
  const card = await app.openDetails(`IMAP ${IMAP}:993`)
  await card.getByRole('button', { name: `Copy settings for ${IMAP}:993` }).click()
  await expect(card.getByRole('status')).toHaveText('Copied to the clipboard.')
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
    [
      `IMAP server: ${IMAP}`,
      'Port: 993',
      'Connection security (Thunderbird): SSL/TLS',
      'Security found: Implicit TLS',
    ].join('\n'),
  )

  // Exports in the picked client's words, and the JSON says whose words those were.
  await app.clientPicker.selectOption('apple-mail')
  const markdown = await downloaded(page, () => app.exportButton('Markdown').click())
  expect(markdown.name).toMatch(/^mailwarden-alice@lab\.test-\d{4}-\d{2}-\d{2}\.md$/)
  expect(markdown.text).toContain(`${IMAP}:993`)
  expect(markdown.text).toContain('Apple Mail')
  const html = await downloaded(page, () => app.exportButton('HTML').click())
  expect(html.text).toMatch(/^<!DOCTYPE html>/i)
  expect(html.text).toContain(`${IMAP}:993`)
  const json = await downloaded(page, () => app.exportButton('JSON').click())
  const report = JSON.parse(json.text) as {
    target: string
    client: string
    endpoints: { host: string; port: number; security: string; verdict: string }[]
  }
  expect(report.target).toBe(lab.user.address)
  expect(report.client).toBe('apple-mail')
  expect(report.endpoints).toContainEqual(
    expect.objectContaining({ host: IMAP, port: 993, security: 'implicit-tls', verdict: 'good' }),
  )
})

test('keeps the address, the advanced settings and the client when the user leaves the page and comes back', async ({
  page,
  webhost,
}) => {
  const app = new ProbePage(page)
  await app.open(webhost.url)
  await app.target.fill(lab.user.address)
  await app.advanced.click()
  await page.getByLabel('Your mail client').selectOption('apple-mail')
  await page.getByLabel('Server', { exact: true }).fill(IMAP)
  await app.goTo('Settings')
  await app.goTo('Probe')
  await expect(app.target).toHaveValue(lab.user.address)
  await expect(app.advanced).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByLabel('Your mail client')).toHaveValue('apple-mail')
  await expect(page.getByLabel('Server', { exact: true })).toHaveValue(IMAP)

  // The results' client, too.
  await app.advanced.click()
  await app.start.click()
  await app.waitForFinish()
  await app.clientPicker.selectOption('mutt')
  await app.goTo('DKIM')
  await app.goTo('Probe')
  await expect(app.clientPicker).toHaveValue('mutt')
  await expect(app.useSettings.getByRole('heading', { level: 3 })).toHaveText(
    'Use these settings in Mutt / NeoMutt',
  )
})

test('every mail client menu lists the same clients in the same order, and names them in good English', async ({
  page,
  webhost,
}) => {
  const app = new ProbePage(page)
  await app.open(webhost.url)
  const names = (select: ReturnType<typeof page.getByLabel>) =>
    select.locator('option').evaluateAll((options) => options.map((o) => o.textContent))
  await app.advanced.click()
  const inForm = await names(page.getByLabel('Your mail client'))
  await app.probe(`${IMAP}:993`)
  await app.waitForFinish()
  const inResults = await names(app.clientPicker)
  await app.goTo('Settings')
  const inSettings = await names(app.mailClient)
  expect(inForm.at(-1)).toBe('Other clients')
  expect(inForm[0]).toBe('Thunderbird')
  expect(inResults).toEqual(inForm)
  expect(inSettings).toEqual(inForm)

  // "Other clients" in a sentence: never "Other clients's".
  await app.mailClient.selectOption('generic')
  await app.goTo('Probe')
  await expect(page.getByText(/^Advice uses /)).toContainText('Advice uses generic words most clients use')
  await expect(page.getByRole('main')).not.toContainText('clients’s')
  await expect(page.getByRole('main')).not.toContainText("clients's")
})

for (const colorScheme of ['light', 'dark'] as const) {
  test(`shows results with no accessibility violations in ${colorScheme}`, async ({ page, webhost }) => {
    await page.emulateMedia({ colorScheme })
    const app = new ProbePage(page)
    await app.open(webhost.url)
    // A good and a bad server, with the certificate and capabilities open.
    await app.probe(`${IMAP}:993 ${lab.flawed.expired.host}:993`)
    await app.waitForFinish()
    for (const card of [
      app.endpoint(`IMAP ${IMAP}:993`),
      app.endpoint(`IMAP ${lab.flawed.expired.host}:993`),
    ]) {
      await card.getByText(/^Details/).click()
      await card.getByText(/^Certificate:/).click()
      await card.getByText(/^Greeting and capabilities/).click()
    }
    await expect(
      app.endpoint(`IMAP ${lab.flawed.expired.host}:993`).getByRole('heading', { level: 3 }),
    ).toHaveText(/^Bad IMAP/)
    expect(await violations(page), `Probe results in ${colorScheme}`).toEqual([])
  })
}

// This one starts from fresh settings and points the engine at the lab through Settings, as a user
// would: the good server is only found through the lab DNS and only trusted through the lab CA.
freshTest(
  'probes alike with the DNS server and CA file set in Settings, and calls plaintext bad',
  async ({ page, webhost }) => {
    const app = new ProbePage(page)
    await app.open(webhost.url)
    await app.goTo('Settings')
    await app.ispdbUrl.fill('http://ispdb.lab.test/v1.1/')
    await app.saveNetwork.click()
    await expect(
      app.networkGroup.getByText(/^The ISP database must be fetched over https:\/\//),
    ).toBeVisible()
    await expect(app.ispdbUrl).toHaveAttribute('aria-invalid', 'true')
    await app.pointAtLab(NETWORK)

    const host = lab.flawed.plaintext.host
    await app.probe(`${host}:143 ${IMAP}:993`)
    await app.waitForFinish()
    const good = app.endpoint(`IMAP ${IMAP}:993`)
    await expect(good.getByRole('heading', { level: 3 })).toHaveText(`Good IMAP ${IMAP}:993`)
    await good.getByText(/^Details/).click()
    await good.getByText(/^Certificate:/).click()
    await expect(good).toContainText(`Checked against`)
    await expect(good).toContainText(lab.caPath)

    const card = app.endpoint(`IMAP ${host}:143`)
    await expect(card.getByRole('heading', { level: 3 })).toHaveText(`Bad IMAP ${host}:143`)
    await expect(card).toContainText('No encryption')
    await card.getByText(/^Details/).click()
    const findings = card.getByRole('list', { name: `Findings for ${host}:143` })
    await expect(findings.getByRole('listitem').first()).toContainText('What it means:')
    await expect(findings.getByRole('listitem').first()).toContainText('What to do:')
    await expect(card).toContainText(`Do not set up IMAP on ${host}:143 in Thunderbird`)
  },
)

test('a host without SMTP is good, its closed standard ports shown as closed, not as good', async ({
  page,
  webhost,
}) => {
  const app = new ProbePage(page)
  await app.open(webhost.url)
  // The IMAP/POP3 server: its seven standard ports are tried, the three SMTP ones refuse.
  await app.probe(IMAP)
  await app.waitForFinish()
  await expect(page.getByRole('heading', { name: `Results for ${IMAP}` })).toContainText('Good')
  for (const port of [25, 465, 587]) {
    const card = app.endpoint(`SMTP ${IMAP}:${port}`)
    await expect(card.getByRole('heading', { level: 3 })).toHaveText(`Closed SMTP ${IMAP}:${port}`)
    await expect(card).toContainText('Port closed')
  }
  await expect(app.endpoint(`IMAP ${IMAP}:993`).getByRole('heading', { level: 3 })).toHaveText(
    `Good IMAP ${IMAP}:993`,
  )
})

test('checks the settings a client shows, in that client’s words', async ({ page, webhost }) => {
  const app = new ProbePage(page)
  await app.open(webhost.url)
  // By keyboard alone: open Advanced, fill the client's settings, submit with Enter.
  await app.advanced.focus()
  await page.keyboard.press('Enter')
  await expect(app.advanced).toHaveAttribute('aria-expanded', 'true')
  await page.getByLabel('Server', { exact: true }).fill(IMAP)
  await page.getByLabel('Port', { exact: true }).fill('143')
  await page.getByLabel('Connection security', { exact: true }).fill('STARTTLS, if available')
  await page.keyboard.press('Enter')
  await app.waitForFinish()
  // "if available" lets an attacker strip STARTTLS: at least a warning, never good.
  const card = app.endpoint(`IMAP ${IMAP}:143`)
  await expect(card.getByRole('heading', { level: 3 })).toHaveText(/^(Warning|Bad) IMAP/)
  await card.getByText(/^Details/).click()
  await expect(card.getByRole('list', { name: `Findings for ${IMAP}:143` })).toContainText(/if available/i)
})

test('shows what a server sends as text, never as markup', async ({ page, webhost }) => {
  const server = await fakeServer('* OK <img src=x onerror="window.__pwned=1"> <b>hello</b> ready\r\n')
  try {
    const app = new ProbePage(page)
    await app.open(webhost.url)
    await app.probe(`imap://127.0.0.1:${server.port}`)
    await app.waitForFinish()
    const card = await app.openDetails(`IMAP 127.0.0.1:${server.port}`)
    await card.getByText(/^Greeting and capabilities/).click()
    await expect(card.getByText('<img src=x onerror="window.__pwned=1"> <b>hello</b> ready')).toBeVisible()
    await expect(page.locator('main img, main b')).toHaveCount(0)
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined')
  } finally {
    await server.close()
  }
})

freshTest('cancels a probe that is waiting for a silent server', async ({ page, webhost }) => {
  const server = await fakeServer(null)
  try {
    const app = new ProbePage(page)
    await app.open(webhost.url)
    // A long timeout, so only Cancel can end the wait for the greeting.
    await app.pointAtLab({ ...NETWORK, timeoutSeconds: 30 })
    await app.probe(`imap://127.0.0.1:${server.port}`)
    await expect(app.progressRow(`127.0.0.1:${server.port}`)).toBeVisible()
    await app.cancel.click()
    await expect(app.progressStatus).toHaveText(/^Probe cancelled/, { timeout: 5_000 })
    await expect(app.cancel).toHaveCount(0)
    // The form works again at once.
    await expect(app.start).not.toHaveAttribute('aria-disabled', 'true')
  } finally {
    await server.close()
  }
})
