import type { ReactNode } from 'react'
import type { CertificateFacts, CertificateSummary, TlsFacts } from '../../../shared/contract/index.js'
import { plural } from '../../components/plural.js'
import { Disclosure } from './Disclosure.js'

/** "2026-03-01 12:00 UTC": unambiguous in every locale. */
export function formatDate(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function keyText(cert: CertificateSummary): string {
  const parts = [cert.keyType.toUpperCase()]
  if (cert.keyBits !== null) parts.push(`${cert.keyBits} bits`)
  if (cert.keyCurve) parts.push(cert.keyCurve)
  return parts.join(', ')
}

function daysLeftText(cert: CertificateSummary): string {
  if (cert.daysLeft < 0) return `expired ${plural(-cert.daysLeft, 'day')} ago`
  return `${plural(cert.daysLeft, 'day')} left`
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  )
}

function SummaryRows({ cert }: { cert: CertificateSummary }) {
  return (
    <>
      <Row term="Subject">{cert.subject}</Row>
      <Row term="Names (subjectAltName)">
        {cert.subjectAltNames.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="plain-list">
            {cert.subjectAltNames.map((name) => (
              <li key={name}>
                <code>{name}</code>
              </li>
            ))}
          </ul>
        )}
      </Row>
      <Row term="Issuer">{cert.issuer}</Row>
      <Row term="Valid">
        {formatDate(cert.notBefore)} to {formatDate(cert.notAfter)} ({daysLeftText(cert)})
      </Row>
      <Row term="Key">{keyText(cert)}</Row>
      <Row term="Signature">{cert.signatureAlgorithm}</Row>
      <Row term="Serial number">
        <code>{cert.serialNumber}</code>
      </Row>
      <Row term="SHA-256 fingerprint">
        <code>{cert.fingerprintSha256}</code>
      </Row>
      <Row term="Public key pin (SPKI SHA-256)">
        <code>{cert.spkiSha256}</code>
      </Row>
    </>
  )
}

function trustText(cert: CertificateFacts): string {
  const parts: string[] = []
  parts.push(cert.trusted ? 'Trusted' : `Not trusted${cert.trustProblem ? `: ${cert.trustProblem}` : ''}`)
  parts.push(cert.hostnameMatch ? 'issued for this server name' : 'not issued for this server name')
  if (cert.selfSigned) parts.push('self-signed')
  return parts.join('; ')
}

/** The leaf certificate in full, then the rest of the chain as the server sent it. */
export function CertificateDetails({ tls }: { tls: TlsFacts }) {
  const cert = tls.certificate
  if (!cert) {
    return <p className="muted">The server sent no certificate{tls.error ? `: ${tls.error}` : '.'}</p>
  }
  const rest = tls.chain.slice(1)
  return (
    <Disclosure
      className="probe-details"
      summary={
        <>
          Certificate: {cert.subjectAltNames[0]?.replace(/^DNS:/, '') ?? cert.subject} ({daysLeftText(cert)})
        </>
      }
    >
      <dl className="facts">
        <Row term="Trust">{trustText(cert)}</Row>
        <Row term="Checked against">{tls.trustedAgainst}</Row>
        <SummaryRows cert={cert} />
      </dl>
      {rest.length > 0 && (
        <>
          <h5 className="facts-heading">Rest of the chain ({plural(rest.length, 'certificate')})</h5>
          <ol className="chain">
            {rest.map((link) => (
              <li key={link.fingerprintSha256}>
                <dl className="facts">
                  <SummaryRows cert={link} />
                </dl>
              </li>
            ))}
          </ol>
        </>
      )}
    </Disclosure>
  )
}
