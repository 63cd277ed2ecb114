// The provider's own login and consent pages (not oidc-provider's devInteractions): a plain HTML
// form for the lab user's address and password, then a consent form listing the scopes. Field
// names are stable (`login`, `password`, button `submit`) for the token helper and Playwright.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import type { InteractionDetails } from 'oidc-provider'
import { escapeHtml, page } from './pages.js'
import { OAUTH_USER } from './settings.js'

const MAX_FORM_BYTES = 16 * 1024

function loginForm(uid: string, clientId: string, error?: string): string {
  return page(
    'Sign in to the Mailwarden lab',
    `<p>Application: <code>${escapeHtml(clientId)}</code></p>${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label>Email <input type="email" name="login" id="login" required></label>
<label>Password <input type="password" name="password" id="password" required></label>
<button type="submit" id="submit">Sign in</button>
</form>`,
  )
}

function consentForm(uid: string, clientId: string, scopes: string[]): string {
  const items = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')
  return page(
    'Allow access',
    `<p><code>${escapeHtml(clientId)}</code> asks for:</p><ul>${items}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm">
<button type="submit" id="submit">Allow</button>
</form>`,
  )
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_FORM_BYTES) throw new Error('form too large')
    chunks.push(chunk)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

function send(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status
  res.setHeader('content-type', 'text/html; charset=utf-8')
  res.setHeader('cache-control', 'no-store')
  res.end(html)
}

async function grantConsent(provider: Provider, details: InteractionDetails): Promise<string> {
  const accountId = details.session?.accountId
  const clientId = details.params.client_id
  if (!accountId || !clientId) throw new Error('consent without a signed-in user')
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId })
  const missing = details.prompt.details
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(resource, scopes.join(' '))
  return grant.save()
}

/** GET /interaction/:uid shows the step's form; POST …/login and …/confirm finish it. */
export async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const [, , uid, action] = (req.url ?? '').split('?')[0]?.split('/') ?? []
  const details = await provider.interactionDetails(req, res)
  if (details.uid !== uid) return send(res, 400, page('Error', '<p>Unknown or expired sign-in.</p>'))
  const clientId = String(details.params.client_id ?? '')
  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'login') return send(res, 200, loginForm(uid, clientId))
    const scopes = String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean)
    return send(res, 200, consentForm(uid, clientId, scopes))
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req)
    if (form.get('login') !== OAUTH_USER.address || form.get('password') !== OAUTH_USER.password)
      return send(res, 200, loginForm(uid, clientId, 'Wrong address or password.'))
    return provider.interactionFinished(req, res, { login: { accountId: OAUTH_USER.address } })
  }
  if (req.method === 'POST' && action === 'confirm') {
    await readForm(req)
    const grantId = await grantConsent(provider, details)
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
  }
  send(res, 404, page('Not found', '<p>No such step.</p>'))
}
