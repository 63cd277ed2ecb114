// The report as JSON: `issue` is the shape `mailwarden probe --json` promises (issue 6: `target`
// and `endpoints` first, each endpoint's keys of issue 6 first), extended so that everything the
// text, Markdown and HTML reports say is in it too (issue 13): the overall verdict, the mail
// domain's MTA-STS and TLS-RPT checks, run-wide notes, which trust store was used, and per endpoint
// the advice sentences, notes and the facts behind the certificate and TLS lines. `full` is the
// whole report, for an export a person may load back or diff.
import type { EndpointReport, ProbeReport } from '../contract/probe.js'
import { buildDocument, type EndpointSection } from './sections.js'

export type JsonShape = 'issue' | 'full'

function endpointJson(e: EndpointReport, section: EndpointSection | undefined) {
  const cert = e.tls?.certificate
  return {
    host: e.host,
    port: e.port,
    protocol: e.protocol,
    security: e.security,
    reason: e.reason,
    source: e.source,
    /** false: found only by a guess or in a file fetched over plain HTTP; check it. */
    trusted: e.sourceTrusted,
    tls: e.tls
      ? {
          version: e.tls.version,
          versionsAccepted: e.tls.versionsAccepted,
          cipher: e.tls.cipher,
          certificate: cert
            ? {
                subject: cert.subject,
                subjectAltNames: cert.subjectAltNames,
                issuer: cert.issuer,
                notBefore: cert.notBefore,
                notAfter: cert.notAfter,
                selfSigned: cert.selfSigned,
                trusted: cert.trusted,
                hostnameMatch: cert.hostnameMatch,
                fingerprintSha256: cert.fingerprintSha256,
                spkiSha256: cert.spkiSha256,
                keyType: cert.keyType,
                keyBits: cert.keyBits,
                // What the report's certificate line and facts say besides the above.
                daysLeft: cert.daysLeft,
                expired: cert.expired,
                notYetValid: cert.notYetValid,
                trustProblem: cert.trustProblem,
                keyCurve: cert.keyCurve,
                signatureAlgorithm: cert.signatureAlgorithm,
              }
            : null,
          versionsRefused: e.tls.versionsRefused,
          versionsUntested: e.tls.versionsUntested,
          cipherStandardName: e.tls.cipherStandardName,
          trustedAgainst: e.tls.trustedAgainst,
          error: e.tls.error,
        }
      : null,
    authBeforeTls: e.authBeforeTls,
    findings: e.findings.map(({ id, severity, title, detail, fix }) => ({
      id,
      severity,
      title,
      detail,
      fix,
    })),
    verdict: e.verdict,
    clients: e.clients,
    address: e.address,
    expectedProtocol: e.expectedProtocol,
    sourceDetail: e.sourceDetail,
    preauth: e.preauth,
    injection: e.injection,
    capabilities: e.capabilities,
    /** The chosen client's advice, as the text report prints it. */
    advice: section?.advice ?? null,
    notes: e.notes,
  }
}

/** The `--json` object: { target, endpoints, verdict, domains, notes, ... }. */
export function reportObject(report: ProbeReport) {
  const doc = buildDocument(report)
  return {
    target: report.target,
    endpoints: report.endpoints.map((e, i) => endpointJson(e, doc.endpoints[i])),
    verdict: report.verdict,
    /** MTA-STS and TLS-RPT of each mail domain probed, with their findings. */
    domains: report.domains,
    notes: report.notes,
    client: report.client,
    /** The chosen client's settings to avoid, as the report lists them once. */
    clientAdvice: {
      heading: doc.client.heading,
      avoid: doc.client.avoid,
      notes: doc.client.notes,
      wording: doc.client.wording,
    },
    resolver: report.resolver,
    trustedAgainst: report.trustedAgainst,
    /** Which trust store was used: the OS's, or Node's bundled roots (and why). */
    trustStore: report.trustStore,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
  }
}

export function renderJson(report: ProbeReport, shape: JsonShape = 'issue', indent = 2): string {
  return JSON.stringify(shape === 'issue' ? reportObject(report) : report, null, indent)
}
