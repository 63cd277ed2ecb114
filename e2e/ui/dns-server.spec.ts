import { expect, test } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

test('shows a clear error when the DNS server is invalid', async ({ page, webhost }) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')

  // A host name is the likely mistake. Clicking Save straight from the field must still save or
  // refuse: an error that appears on the field's blur must not push the button from under the click.
  await app.dnsServer.fill('dns.example.org')
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('alert')).toHaveText(
    'Nothing was saved: correct the field marked above.',
  )
  // The reason is next to the field, and tied to it for screen readers.
  const error = app.networkGroup.getByText(/^Enter an IP address with an optional port/)
  await expect(error).toBeVisible()
  await expect(app.dnsServer).toHaveAttribute('aria-invalid', 'true')
  await expect(app.dnsServer).toHaveAccessibleDescription(/Enter an IP address with an optional port/)

  // Leaving a field is enough to see its error, before any Save.
  await app.connectTimeout.fill('500')
  await page.keyboard.press('Tab')
  await expect(app.networkGroup.getByText('Enter a whole number of seconds from 1 to 120.')).toBeVisible()
  await app.connectTimeout.fill('20')

  // Correcting it clears the error, and saving works.
  await app.dnsServer.fill('9.9.9.9:53')
  await expect(error).toHaveCount(0)
  await expect(app.dnsServer).not.toHaveAttribute('aria-invalid', 'true')
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('status')).toHaveText('Saved')

  await page.reload()
  await app.goTo('Settings')
  await expect(app.dnsServer).toHaveValue('9.9.9.9:53')
})

test('shows the engine’s own sentence when it refuses a setting', async ({ page, webhost }) => {
  // The page checks the same rule as the engine, so the engine never refuses a value the page
  // let through; stand in for a refusal by answering settings.update with an error envelope.
  const refusal = 'The request for settings.update is invalid: dnsServer: the engine says no.'
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    const server = ws.connectToServer()
    ws.onMessage((message) => {
      const call = JSON.parse(String(message)) as { id: number; op: string }
      if (call.op !== 'settings.update') return server.send(message)
      ws.send(
        JSON.stringify({
          type: 'result',
          id: call.id,
          result: { ok: false, error: { code: 'invalid-request', message: refusal } },
        }),
      )
    })
  })
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')
  await app.dnsServer.fill('192.0.2.53')
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('alert')).toHaveText(refusal)
})
