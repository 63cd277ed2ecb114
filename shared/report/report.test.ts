import { describe, expect, it } from 'vitest'
import { VERDICT_WORDS } from '../contract/mail.js'
import { type EndpointReport, ProbeReport } from '../contract/probe.js'
import { explainEndpoint } from '../knowledge/explain.js'
import { certificateLine, hostPort, protocolName, securityInClientWords, versionsLine } from './facts.js'
import {
  buildDocument,
  REPORT_FILE_TYPES,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderText,
  reportObject,
} from './index.js'
import { plain } from './text.js'

// Server-controlled text a hostile server could send: markup, Markdown links, table pipes, an
// ANSI escape that would recolour a terminal, a newline that would start a fake heading.
const HOSTILE = '<script>alert(1)</script> [click](http://evil.example) | x \u001b[31mred\n# fake'

function endpoint(over: Partial<EndpointReport>): EndpointReport {
  const base: EndpointReport = {
    key: 'imap.example.org:993',
    host: 'imap.example.org',
    port: 993,
    address: '192.0.2.10',
    protocol: 'imap',
    expectedProtocol: null,
    security: 'implicit-tls',
    reason: 'TLS from the first byte, then an IMAP greeting.',
    source: 'srv',
    sourceTrusted: true,
    sourceDetail: 'SRV _imaps._tcp.example.org',
    clientSetting: null,
    tls: {
      version: 'TLSv1.3',
      versionsAccepted: ['TLSv1.2', 'TLSv1.3'],
      versionsRefused: ['TLSv1', 'TLSv1.1'],
      versionsUntested: [],
      cipher: 'TLS_AES_256_GCM_SHA384',
      cipherStandardName: 'TLS_AES_256_GCM_SHA384',
      certificate: {
        subject: `CN=${HOSTILE}`,
        issuer: 'CN=Example CA',
        subjectAltNames: ['DNS:imap.example.org'],
        notBefore: '2026-01-01T00:00:00.000Z',
        notAfter: '2027-01-01T00:00:00.000Z',
        daysLeft: 31,
        serialNumber: '01',
        keyType: 'rsa',
        keyBits: 2048,
        keyCurve: null,
        signatureAlgorithm: 'sha256WithRSAEncryption',
        fingerprintSha256: 'AB:CD:EF',
        spkiSha256: 'sha256/abc=',
        selfSigned: false,
        isCa: false,
        trusted: true,
        trustProblem: null,
        hostnameMatch: true,
        expired: false,
        notYetValid: false,
      },
      chain: [],
      trustedAgainst: 'system CAs',
      error: null,
    },
    authBeforeTls: [],
    greeting: [`* OK ${HOSTILE}`],
    preauth: false,
    injection: null,
    capabilities: { beforeTls: null, afterTls: ['IMAP4rev1'], added: [], removed: [] },
    findings: [
      { id: 'tls.info', severity: 'info', title: 'Implicit TLS', detail: 'Fine.', fix: 'Nothing to do.' },
      {
        id: 'server.text',
        severity: 'warn',
        title: 'Odd greeting',
        detail: `Server said ${HOSTILE}`,
        fix: 'Ask the provider.',
      },
    ],
    verdict: 'warn',
    clients: {},
    transcript: [],
    timings: { connectMs: 1, greetingMs: 2, tlsMs: 3, versionsMs: 4, totalMs: 10 },
    notes: [],
  }
  const merged = { ...base, ...over }
  return { ...merged, clients: explainEndpoint(merged) }
}

const report = ProbeReport.parse({
  target: 'example.org',
  startedAt: '2026-12-01T21:00:00.000Z',
  durationMs: 812.4,
  resolver: 'DNS server 127.0.10.53:53',
  trustedAgainst: 'the system trust store (/etc/ssl/certs/ca-certificates.crt, 144 CAs)',
  trustStore: {
    kind: 'os-file',
    location: '/etc/ssl/certs/ca-certificates.crt',
    certificates: 144,
    description: 'the system trust store (/etc/ssl/certs/ca-certificates.crt, 144 CAs)',
    note: null,
  },
  client: 'thunderbird',
  endpoints: [
    endpoint({}),
    endpoint({
      key: 'imap.example.org:143',
      port: 143,
      security: 'plaintext',
      tls: null,
      reason: 'No STARTTLS offered.',
      authBeforeTls: ['LOGIN'],
      findings: [
        { id: 'auth.plaintext', severity: 'bad', title: 'Password before TLS', detail: 'd', fix: 'f' },
      ],
      verdict: 'bad',
    }),
  ],
  discovery: { steps: [], notes: [] },
  domains: [
    {
      domain: 'example.org',
      mtaSts: {
        status: 'warn',
        record: 'v=STSv1; id=20260101000000Z',
        mode: 'testing',
        mx: ['mx.example.org'],
        maxAgeSeconds: 86400,
        policyUrl: 'https://mta-sts.example.org/.well-known/mta-sts.txt',
        detail: 'Policy in testing mode for mx.example.org.',
      },
      tlsRpt: {
        status: 'good',
        record: 'v=TLSRPTv1; rua=mailto:tlsrpt@example.org',
        reportTo: ['mailto:tlsrpt@example.org'],
        detail: 'Reports go to mailto:tlsrpt@example.org.',
      },
      findings: [
        {
          id: 'mta-sts-testing',
          severity: 'warn',
          title: 'MTA-STS is only in testing mode',
          detail: 'Senders report failures but still deliver without TLS.',
          fix: 'Switch the policy to mode: enforce.',
        },
      ],
    },
  ],
  verdict: 'bad',
  notes: ['TLS 1.0 could not be tried on this runtime.'],
})

/** Every string in a JSON value, wherever it sits. */
function strings(value: unknown): Set<string> {
  const found = new Set<string>()
  const walk = (v: unknown) => {
    if (typeof v === 'string') found.add(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk(value)
  return found
}

describe('JSON', () => {
  it('starts with the issue’s shape: target and endpoints, each endpoint’s keys of issue 6 first', () => {
    const json = JSON.parse(renderJson(report))
    expect(Object.keys(json).slice(0, 2)).toEqual(['target', 'endpoints'])
    expect(Object.keys(json.endpoints[0]).slice(0, 12)).toEqual([
      'host',
      'port',
      'protocol',
      'security',
      'reason',
      'source',
      'trusted',
      'tls',
      'authBeforeTls',
      'findings',
      'verdict',
      'clients',
    ])
    expect(Object.keys(json.endpoints[0].tls).slice(0, 4)).toEqual([
      'version',
      'versionsAccepted',
      'cipher',
      'certificate',
    ])
    expect(Object.keys(json.endpoints[0].tls.certificate).slice(0, 12)).toEqual([
      'subject',
      'subjectAltNames',
      'issuer',
      'notBefore',
      'notAfter',
      'selfSigned',
      'trusted',
      'hostnameMatch',
      'fingerprintSha256',
      'spkiSha256',
      'keyType',
      'keyBits',
    ])
    expect(json.endpoints[1].tls).toBeNull()
    expect(json.endpoints[0].clients.thunderbird.choose).toBe('SSL/TLS')
    expect(reportObject(report).endpoints[1]?.findings[0]).toEqual(report.endpoints[1]?.findings[0])
  })

  it('carries every section and every line the text report prints (issue 13)', () => {
    const doc = buildDocument(report)
    const text = renderText(report)
    const json = reportObject(report)
    const inJson = strings(json)
    // The sections the text prints, each checked against the text (so this follows the renderer)
    // and then looked up in the JSON.
    const printed: string[] = []
    for (const e of doc.endpoints) {
      for (const f of e.findings) printed.push(f.id, f.title, f.detail, f.fix)
      printed.push(...e.advice.sentences, ...e.advice.config, ...e.notes)
    }
    expect(doc.domains).toHaveLength(1)
    for (const d of doc.domains) {
      for (const f of d.facts) printed.push(f.value)
      for (const f of d.findings) printed.push(f.id, f.title, f.detail, f.fix)
    }
    printed.push(...doc.client.avoid, ...doc.client.notes, doc.client.wording, ...doc.notes)
    for (const line of printed) {
      expect(text).toContain(plain(line))
      expect(inJson, line).toContain(line)
    }
    // The table and each section's heading can be rebuilt from the JSON alone.
    json.endpoints.forEach((e, i) => {
      expect([
        hostPort(e),
        protocolName(e),
        securityInClientWords(e, report.client),
        certificateLine(e.tls?.certificate && { ...e.tls.certificate, isCa: false, serialNumber: '' }),
        versionsLine(e.tls && { ...e.tls, chain: [], certificate: null }),
        VERDICT_WORDS[e.verdict],
      ]).toEqual(doc.table.rows[i])
    })
    expect(json.domains[0]).toMatchObject({
      domain: 'example.org',
      mtaSts: { status: 'warn', mode: 'testing' },
      tlsRpt: { status: 'good' },
    })
    expect(json.verdict).toBe('bad')
    expect(json.durationMs).toBe(report.durationMs)
    // Which trust store was used, in both.
    expect(text).toContain(
      'Certificates checked against the system trust store (/etc/ssl/certs/ca-certificates.crt, 144 CAs).',
    )
    expect(json.trustStore).toMatchObject({ kind: 'os-file', location: '/etc/ssl/certs/ca-certificates.crt' })
  })

  it('keeps the whole report in the full export, which parses back', () => {
    expect(ProbeReport.parse(JSON.parse(renderJson(report, 'full')))).toEqual(report)
  })
})

describe('Markdown', () => {
  const md = renderMarkdown(report)

  it('has the summary table, findings worst first with their fixes, and the client advice', () => {
    expect(md).toMatch(/^# Mail server security report: example\.org\n/)
    expect(md).toContain('| imap.example.org:993 | IMAP | SSL/TLS (implicit TLS) |')
    const warn = md.indexOf('**WARN** Odd greeting')
    const info = md.indexOf('**INFO** Implicit TLS')
    expect(warn).toBeGreaterThan(0)
    expect(info).toBeGreaterThan(warn)
    expect(md).toContain('*What to do:* Ask the provider.')
    expect(md).toMatch(
      /### In Thunderbird\n\nIn Thunderbird, for IMAP use server imap\.example\.org, port 993/,
    )
    expect(md).toMatch(/Do not set up IMAP on imap\.example\.org:143/)
  })

  it('escapes server text: no raw tag, link, pipe, escape character or injected heading', () => {
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('[click](')
    expect(md).not.toContain('\u001b')
    expect(md).not.toMatch(/^# fake/m)
    expect(md).toContain('\\<script\\>')
    // Every table row still has exactly seven pipes (six cells).
    for (const line of md.split('\n').filter((l) => l.startsWith('| imap')))
      expect(line.match(/(?<!\\)\|/g)).toHaveLength(7)
  })
})

describe('HTML', () => {
  const html = renderHtml(report, { client: 'outlook' })

  it('is self-contained: no script, no external resource, a CSP that forbids both', () => {
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html).not.toMatch(/<script|src=|href=|<link|@import|url\(/i)
  })

  it('escapes every server string and uses the chosen client’s words', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('\u001b')
    expect(html).toContain('<h3>In Outlook (classic, Windows)</h3>')
    // The client's settings to avoid, as the text and Markdown reports list them (issue 13).
    expect(html).toContain('<h2>Settings to avoid in Outlook (classic, Windows)</h2>')
    expect(html).toContain('<h2>Mail domain example.org</h2>')
    expect(html).toContain(
      'set &quot;Use the following type of encrypted connection&quot; to &quot;SSL/TLS&quot;',
    )
  })
})

describe('text', () => {
  it('prints one row per endpoint, then findings with fixes and advice, without control characters', () => {
    const text = renderText(report)
    const lines = text.split('\n')
    expect(lines[2]).toMatch(/^Endpoint +Protocol +Security +Certificate +TLS versions +Verdict$/)
    expect(lines[3]).toMatch(
      /^imap\.example\.org:993 +IMAP +SSL\/TLS \(implicit TLS\) +trusted, name matches, 31 days left +TLSv1\.2, TLSv1\.3 +Warning$/,
    )
    expect(lines[4]).toMatch(/^imap\.example\.org:143 +IMAP +None \(plaintext\) +none +– +Bad$/)
    expect(text).toContain('  BAD  Password before TLS [auth.plaintext]')
    expect(text).toContain('       Fix: f')
    expect(text).not.toContain('\u001b')
    expect(text).toMatch(/Verdict: Bad\. 2 endpoint\(s\) in 812 ms\.$/)
  })

  it('names a file type for each export', () => {
    expect(REPORT_FILE_TYPES.html.extension).toBe('html')
  })
})
