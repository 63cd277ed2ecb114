// A small bounded HTTPS client for the lab provider: reaches a lab name at its loopback address
// (no DNS needed), verifies the certificate against the lab CA, keeps cookies (the sign-in steps
// need them) and never follows redirects by itself (the caller decides, e.g. stops at the
// loopback redirect).
import fs from 'node:fs'
import https from 'node:https'
import { ADDR, HOST, type ServerKey } from './topology.js'

const TIMEOUT_MS = 10_000
const MAX_BODY = 1024 * 1024

export interface HttpResponse {
  status: number
  location: string | null
  body: string
  json<T>(): T
}

export interface LabHttp {
  request(
    url: string,
    options?: { method?: 'GET' | 'POST'; form?: Record<string, string>; basicAuth?: [string, string] },
  ): Promise<HttpResponse>
}

function addressOf(hostname: string): string {
  const key = (Object.keys(HOST) as ServerKey[]).find((k) => HOST[k] === hostname)
  return key ? ADDR[key] : hostname
}

class CookieJar {
  private readonly cookies = new Map<string, string>()
  take(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair = '', ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some(
        (a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now(),
      )
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/** A client with its own cookie jar (one per sign-in, like one browser profile). */
export function labHttp(caPath: string): LabHttp {
  const ca = fs.readFileSync(caPath)
  const jar = new CookieJar()
  return {
    request(url, options = {}) {
      const u = new URL(url)
      if (u.protocol !== 'https:') throw new Error(`lab provider URLs are https: ${u.origin}`)
      const body = options.form ? new URLSearchParams(options.form).toString() : undefined
      const headers: Record<string, string> = { host: u.host, accept: 'application/json, text/html;q=0.9' }
      const cookie = jar.header()
      if (cookie) headers.cookie = cookie
      if (body !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded'
        headers['content-length'] = String(Buffer.byteLength(body))
      }
      if (options.basicAuth) {
        const [id, secret] = options.basicAuth.map(encodeURIComponent)
        headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
      }
      return new Promise<HttpResponse>((resolve, reject) => {
        const req = https.request(
          {
            host: addressOf(u.hostname),
            port: u.port || 443,
            servername: u.hostname,
            path: `${u.pathname}${u.search}`,
            method: options.method ?? (body === undefined ? 'GET' : 'POST'),
            headers,
            ca,
            timeout: TIMEOUT_MS,
          },
          (res) => {
            jar.take(res.headers['set-cookie'])
            const chunks: Buffer[] = []
            let size = 0
            res.on('data', (c: Buffer) => {
              size += c.length
              if (size > MAX_BODY)
                req.destroy(new Error(`response from ${u.origin} larger than ${MAX_BODY} bytes`))
              else chunks.push(c)
            })
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8')
              const location = res.headers.location ? new URL(res.headers.location, url).href : null
              resolve({
                status: res.statusCode ?? 0,
                location,
                body: text,
                json<T>() {
                  return JSON.parse(text) as T
                },
              })
            })
            res.on('error', reject)
          },
        )
        req.on('timeout', () => req.destroy(new Error(`no answer from ${u.origin} within ${TIMEOUT_MS} ms`)))
        req.on('error', reject)
        req.end(body)
      })
    },
  }
}

export interface HtmlForm {
  action: string
  fields: Record<string, string>
  names: string[]
}

/** The first POST form of a page, with its inputs' names and (hidden) values. */
export function firstForm(html: string, pageUrl: string): HtmlForm | null {
  const m = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html)
  if (!m) return null
  const attrs = m[1] ?? ''
  const action = /action="([^"]*)"/i.exec(attrs)?.[1] ?? pageUrl
  const fields: Record<string, string> = {}
  const names: string[] = []
  for (const input of (m[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const a = input[1] ?? ''
    const name = /name="([^"]*)"/i.exec(a)?.[1]
    if (!name) continue
    names.push(name)
    fields[name] = decodeEntities(/value="([^"]*)"/i.exec(a)?.[1] ?? '')
  }
  return { action: new URL(decodeEntities(action), pageUrl).href, fields, names }
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
}
