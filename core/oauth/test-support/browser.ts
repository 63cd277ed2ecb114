// A person at a browser, without a browser: follows redirects, keeps cookies, and submits the
// provider's forms (login with the test user, consent, the device code pages), up to the loopback
// redirect, which it requests like a browser would. For the tests of the real flows only.
import http from 'node:http'
import https from 'node:https'
import { TEST_USER } from './provider.js'

interface Answer {
  status: number
  location: string | null
  body: string
}

export interface FakeUser {
  /** Walks from `url`; resolves with the last page's body (the loopback page or the device's done page). */
  visit(url: string, fill?: Record<string, string>): Promise<string>
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)
  return m ? (m[1] ?? '').replace(/&amp;/g, '&') : null
}

function firstForm(html: string, base: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) return null
  const fields: Record<string, string> = {}
  for (const input of (form[2] ?? '').match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(input, 'name')
    if (name) fields[name] = attr(input, 'value') ?? ''
  }
  return { action: new URL(attr(form[1] ?? '', 'action') ?? base, base).href, fields }
}

export function fakeUser(caPem: string, user: { address: string; password: string } = TEST_USER): FakeUser {
  const cookies = new Map<string, string>()
  const request = (url: string, form?: Record<string, string>): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const target = new URL(url)
      const body = form ? new URLSearchParams(form).toString() : ''
      const headers: Record<string, string> = {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      }
      if (form) {
        headers['content-type'] = 'application/x-www-form-urlencoded'
        headers['content-length'] = String(Buffer.byteLength(body))
      }
      const options = { method: form ? 'POST' : 'GET', headers, ca: caPem, agent: false as const }
      const req = (target.protocol === 'https:' ? https : http).request(target, options, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';')
          const at = pair?.indexOf('=') ?? -1
          if (pair && at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1))
        }
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location ? new URL(res.headers.location, url).href : null,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      })
      req.setTimeout(10_000, () => req.destroy(new Error(`${url} timed out`)))
      req.on('error', reject)
      req.end(body)
    })

  return {
    async visit(start, fill = {}) {
      let url = start
      let answer = await request(url)
      const trail: string[] = []
      for (let step = 0; step < 25; step++) {
        trail.push(`${answer.status} ${new URL(url).pathname}`)
        if (answer.location) {
          url = answer.location
          answer = await request(url)
          continue
        }
        const form = firstForm(answer.body, url)
        if (!form || answer.status !== 200) return answer.body
        const fields = { ...form.fields, ...fill }
        if ('login' in fields) Object.assign(fields, { login: user.address, password: user.password })
        url = form.action
        answer = await request(url, fields)
      }
      throw new Error(`the provider pages did not end within 25 steps: ${trail.join(', ')}`)
    },
  }
}
