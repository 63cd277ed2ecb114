import type { ReactNode } from 'react'
import type { DkimFinding, DkimSignatureReport } from '../../../shared/contract/index.js'
import { CheckOwnDomain } from './CheckOwnDomain.js'
import { Findings } from './Findings.js'
import { ResultBadge } from './ResultBadge.js'
import { ScrollBox } from './ScrollBox.js'
import { RESULT_SENTENCE, STEP_LABEL, STEP_STATUS_SYMBOL, STEP_STATUS_WORD } from './words.js'

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  )
}

function alignmentWords(signature: DkimSignatureReport, ambiguous: boolean): string {
  if (signature.alignment === 'strict') return 'yes, exactly the From domain (strict)'
  if (signature.alignment === 'relaxed') return 'yes, the same organisational domain as From (relaxed)'
  if (ambiguous) return 'no: the message names its author more than once, so no signature is aligned'
  return 'no: the signing domain is not the From domain'
}

function Truncated({ truncated }: { truncated: boolean }) {
  return truncated ? <p className="muted small">Cut for display; the whole was checked.</p> : null
}

/** One signature: the verdict first, then the steps, its findings and the canonicalized data. */
export function SignatureCard({
  signature,
  total,
  findings,
  ambiguous = false,
}: {
  signature: DkimSignatureReport
  total: number
  findings: DkimFinding[]
  /** The message names its author more than once (AUTHOR_AMBIGUOUS_FINDINGS): nothing is aligned. */
  ambiguous?: boolean
}) {
  const n = signature.index + 1
  const titleId = `dkim-signature-${signature.index}`
  const body = signature.body
  return (
    <article className="card dkim-signature" aria-labelledby={titleId}>
      <h3 id={titleId} className="dkim-signature-title">
        <ResultBadge result={signature.result} />{' '}
        <span>
          Signature {n} of {total}: {signature.domain || 'no domain'}
          {signature.selector && <span className="muted"> (selector {signature.selector})</span>}
        </span>
      </h3>
      <p>{signature.reason ?? RESULT_SENTENCE[signature.result]}</p>
      {signature.countsForDmarc && <p className="dkim-dmarc">This is the signature that counts for DMARC.</p>}
      <CheckOwnDomain domain={signature.domain} />

      <h4>Steps</h4>
      <ol className="dkim-steps">
        {signature.steps.map((step) => (
          <li key={step.name} className={`dkim-step dkim-step-${step.status}`}>
            <span className="dkim-step-symbol" aria-hidden="true">
              {STEP_STATUS_SYMBOL[step.status]}
            </span>
            <span>
              <strong>{STEP_LABEL[step.name]}</strong>: {STEP_STATUS_WORD[step.status]}. {step.sentence}
            </span>
          </li>
        ))}
      </ol>

      <Findings findings={findings} label={`Findings about signature ${n}`} />

      <dl className="dkim-facts">
        <Fact term="Algorithm">{signature.algorithm || 'unknown'}</Fact>
        <Fact term="Canonicalization">{signature.canonicalization}</Fact>
        <Fact term="Key">
          {signature.keyBits ? `${signature.keyBits} bits` : 'not known'}
          {signature.testing ? ' (the domain is testing DKIM: t=y)' : ''}
        </Fact>
        <Fact term="Aligned with From">{alignmentWords(signature, ambiguous)}</Fact>
        <Fact term="Body signed">
          {signature.bodyLength === null
            ? 'all of it'
            : `the first ${signature.bodyLength} bytes (l=)${body.totalBytes !== null ? ` of ${body.totalBytes}` : ''}`}
        </Fact>
        <Fact term="Signed headers">{signature.signedHeaders.join(', ') || 'none'}</Fact>
        {signature.identity && <Fact term="Identity (i=)">{signature.identity}</Fact>}
        {signature.signedAt && <Fact term="Signed at">{signature.signedAt}</Fact>}
        {signature.expiresAt && <Fact term="Expires">{signature.expiresAt}</Fact>}
        {signature.keySource && <Fact term="Key from">{signature.keySource}</Fact>}
      </dl>

      <details className="dkim-canonical">
        <summary>Show canonicalized data</summary>
        <h4>Body hash</h4>
        <dl className="dkim-facts">
          <Fact term="Claimed (bh=)">
            <code>{body.claimedHash ?? 'none'}</code>
          </Fact>
          <Fact term="Computed">
            <code>{body.computedHash ?? 'not computed'}</code>
          </Fact>
          <Fact term="They match">{body.matches === null ? 'not checked' : body.matches ? 'yes' : 'no'}</Fact>
          <Fact term="Canonical body">
            {body.signedBytes === null
              ? 'not hashed'
              : `${body.signedBytes} of ${body.totalBytes ?? '?'} bytes signed`}
          </Fact>
        </dl>
        <h4>Canonical header block (as hashed, b= emptied)</h4>
        {signature.canonicalHeaders ? (
          <>
            <ScrollBox className="dkim-pre" label={`Canonical header block of signature ${n}`}>
              <pre>{signature.canonicalHeaders.text}</pre>
            </ScrollBox>
            <Truncated truncated={signature.canonicalHeaders.truncated} />
          </>
        ) : (
          <p className="muted">Not reached.</p>
        )}
        <h4>The DKIM-Signature field</h4>
        <ScrollBox className="dkim-pre" label={`DKIM-Signature field of signature ${n}`}>
          <pre>{signature.rawField.text}</pre>
        </ScrollBox>
        <Truncated truncated={signature.rawField.truncated} />
        {signature.keyRecord && (
          <>
            <h4>Key record</h4>
            <ScrollBox className="dkim-pre" label={`Key record of signature ${n}`}>
              <pre>{signature.keyRecord}</pre>
            </ScrollBox>
          </>
        )}
      </details>
    </article>
  )
}
