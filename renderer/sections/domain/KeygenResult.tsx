import { useEffect, useRef } from 'react'
import {
  type DomainKeygenResult,
  KEYGEN_KEY_DIR,
  type KeygenKey,
  type KeygenRecord,
  SEVERITY_RANK,
  SEVERITY_WORDS,
} from '../../../shared/contract/index.js'
import { CopyText } from '../../components/CopyText.js'
import { useKeygenStore } from '../../stores/domain-keygen.js'

const SIGNERS: { id: keyof DomainKeygenResult['snippets']; label: string }[] = [
  { id: 'exim', label: 'Exim (remote_smtp transport)' },
  { id: 'opendkim', label: 'OpenDKIM' },
  { id: 'postfix', label: 'Postfix (with OpenDKIM)' },
  { id: 'rspamd', label: 'rspamd (dkim_signing.conf)' },
]

/** Saves a key through a Blob link: a save dialog on the desktop, a download in a browser tab. */
function SaveKey({ keyFile }: { keyFile: KeygenKey }) {
  const saved = useKeygenStore((s) => s.saved.includes(keyFile.fileName))
  const markSaved = useKeygenStore((s) => s.markSaved)
  const urls = useRef<string[]>([])
  useEffect(
    () => () => {
      for (const url of urls.current) URL.revokeObjectURL(url)
    },
    [],
  )

  function save() {
    const url = URL.createObjectURL(new Blob([keyFile.privatePem], { type: 'application/x-pem-file' }))
    urls.current.push(url)
    const link = document.createElement('a')
    link.href = url
    link.download = keyFile.fileName
    link.hidden = true
    document.body.append(link)
    link.click()
    link.remove()
    markSaved(keyFile.fileName)
  }

  return (
    <div className="keygen-save">
      <button type="button" className="button button-primary" onClick={save}>
        Save the {keyFile.algorithm === 'rsa' ? 'RSA' : 'Ed25519'} private key
        <span className="visually-hidden"> for selector {keyFile.selector}</span>
      </button>
      <p role="status" className="small">
        {saved
          ? `Saved as ${keyFile.fileName}, where your browser or the save dialog put it. It is not kept anywhere else: save it again now if that went wrong.`
          : `${keyFile.fileName} (${keyFile.algorithm === 'rsa' ? 'RSA' : 'Ed25519'}): not saved yet. Mailwarden keeps no copy.`}
      </p>
    </div>
  )
}

function RecordView({ record }: { record: KeygenRecord }) {
  return (
    <div className="subsection">
      <h3>
        DNS record for {record.algorithm === 'rsa' ? 'RSA' : 'Ed25519'}, selector {record.selector}
      </h3>
      <dl className="keygen-fields">
        <dt>Name</dt>
        <dd>
          <code className="wrap-anywhere">{record.name}</code>
          <CopyText text={record.name} what={`the record name ${record.name}`} />
        </dd>
        <dt>Type</dt>
        <dd>TXT</dd>
        <dt>Value</dt>
        <dd>
          <code className="wrap-anywhere">{record.value}</code>
          <CopyText text={record.value} what={`the record value for ${record.name}`} />
        </dd>
      </dl>
      <details>
        <summary>Zone file form (one record, split into strings of 255 bytes)</summary>
        <pre className="keygen-pre">{record.zone}</pre>
        <CopyText text={record.zone} what={`the zone file lines for ${record.name}`} />
      </details>
    </div>
  )
}

export function KeygenResult({ result }: { result: DomainKeygenResult }) {
  const reset = useKeygenStore((s) => s.reset)
  const advice = [...result.advice].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
  return (
    <div className="keygen-result">
      <p>
        {result.keys.length === 1 ? 'One key' : `${result.keys.length} keys`} for{' '}
        <strong>{result.domain}</strong>. Save each private key, publish each record, then configure your
        signer. The snippets below assume the key is moved to {KEYGEN_KEY_DIR}/ on the mail server (owner
        root, group of the signer, mode 0640).
      </p>
      {result.keys.map((key) => (
        <SaveKey key={key.fileName} keyFile={key} />
      ))}
      {result.records.map((record) => (
        <RecordView key={record.name} record={record} />
      ))}
      <div className="subsection">
        <h3>Your signer’s configuration</h3>
        {SIGNERS.map((signer) => (
          <details key={signer.id}>
            <summary>{signer.label}</summary>
            <pre className="keygen-pre">{result.snippets[signer.id]}</pre>
            <CopyText text={result.snippets[signer.id]} what={`the ${signer.label} configuration`} />
          </details>
        ))}
      </div>
      <h3 className="subsection">Advice</h3>
      <ul className="dkim-findings" aria-label="Advice for this key">
        {advice.map((item) => (
          <li key={item.id} className={`dkim-finding dkim-severity-${item.severity}`}>
            <p className="dkim-finding-title">
              <span className="dkim-severity">{SEVERITY_WORDS[item.severity]}:</span> {item.title}
            </p>
            <p>{item.detail}</p>
            <p>
              <strong>What to do:</strong> {item.fix}
            </p>
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={reset}>
        Make another key
      </button>
    </div>
  )
}
