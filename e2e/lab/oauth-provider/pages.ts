// oidc-provider's built-in device-flow, logout and error pages load a web font from Google; the lab
// never leaves loopback (a Playwright run must not try), so these replace them with plain HTML.
// The forms oidc-provider hands in (`form`) are embedded as they are: they carry its CSRF token.

interface PageContext {
  body?: string
  type?: string
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
}

function set(ctx: PageContext, html: string): void {
  ctx.type = 'html'
  ctx.body = html
}

export const devicePages = {
  async userCodeInputSource(ctx: PageContext, form: string, _out: unknown, err?: Error) {
    const error = err ? '<p role="alert" id="error">That code is wrong or has expired.</p>' : ''
    set(
      ctx,
      page(
        'Connect a device',
        `${error}<p>Enter the code shown on your device.</p>${form}<button type="submit" id="submit" form="op.deviceInputForm">Continue</button>`,
      ),
    )
  },
  async userCodeConfirmSource(
    ctx: PageContext,
    form: string,
    client: { clientId: string },
    _info: unknown,
    userCode: string,
  ) {
    set(
      ctx,
      page(
        'Connect a device',
        `<p><code>${escapeHtml(client.clientId)}</code> asks to sign in with code <code id="user-code">${escapeHtml(userCode)}</code>.</p>${form}<button type="submit" id="submit" form="op.deviceConfirmForm">Continue</button>`,
      ),
    )
  },
  async successSource(ctx: PageContext) {
    set(ctx, page('Signed in', '<p id="done">The device is signed in; you can close this page.</p>'))
  },
}

export async function logoutSource(ctx: PageContext, form: string) {
  set(
    ctx,
    page(
      'Sign out',
      `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>`,
    ),
  )
}

export async function postLogoutSuccessSource(ctx: PageContext) {
  set(ctx, page('Signed out', '<p>You are signed out.</p>'))
}

export async function renderError(ctx: PageContext, out: Record<string, unknown>) {
  const lines = Object.entries(out)
    .map(
      ([k, v]) =>
        `<p><strong>${escapeHtml(k)}</strong>: <span class="${escapeHtml(k)}">${escapeHtml(String(v))}</span></p>`,
    )
    .join('')
  set(ctx, page('Sign-in error', lines))
}
