// The report as JSON: `issue` is exactly the shape `mailwarden probe --json` promises (issue 6);
// `full` is the whole report, for an export a person may load back or diff.
import type { EndpointReport, ProbeReport } from '../contract/probe.js'

export type JsonShape = 'issue' | 'full'

function endpointJson(e: EndpointReport) {
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
              }
            : null,
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
  }
}

/** The issue's `--json` object: { target, endpoints: [...] }. */
export function reportObject(report: ProbeReport) {
  return { target: report.target, endpoints: report.endpoints.map(endpointJson) }
}

export function renderJson(report: ProbeReport, shape: JsonShape = 'issue', indent = 2): string {
  return JSON.stringify(shape === 'issue' ? reportObject(report) : report, null, indent)
}
