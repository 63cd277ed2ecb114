// The lab's certificates, made the classic way (openssl genrsa / req -x509 / x509 -req / ca),
// plus Exim's DKIM signing key (made by `dkim keygen`'s makeDkimKey). Cached in the state dir: `up` regenerates only when missing,
// changed in layout, or close to expiry.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { makeDkimKey } from '../../core/domain/keygen/make-key.js'
import { must, run } from './exec.js'
import {
  ADDR,
  ALIASES,
  BARE_DOMAIN_SERVER,
  DOMAIN,
  HOST,
  type ServerKey,
  WRONG_HOST_CERT_NAME,
} from './topology.js'

// Bump when the set or shape of certificates changes, to invalidate caches.
const LAYOUT_VERSION = 7

export interface KeyPair {
  cert: string
  key: string
}

export interface CertSet {
  ca: string
  caKey: string
  /** Good CA-signed certificates, per server that speaks TLS correctly. */
  good: Record<
    | 'dovecot'
    | 'exim'
    | 'perdition'
    | 'oldTls'
    | 'authBeforeTls'
    | 'web'
    | 'oauthProvider'
    | 'oauthImap'
    | 'oauthSmtp',
    KeyPair
  >
  expired: KeyPair
  wrongHost: KeyPair
  selfSigned: KeyPair
  dkim: { key: string; publicKeyBase64: string }
}

function namesFor(server: ServerKey): string[] {
  const aliases = Object.entries(ALIASES)
    .filter(([, k]) => k === server)
    .map(([name]) => name)
  return [HOST[server], ...aliases, ...(server === BARE_DOMAIN_SERVER ? [DOMAIN] : [])]
}

function san(names: string[], ips: string[]): string {
  return [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',')
}

function genrsa(file: string): void {
  must('openssl', ['genrsa', '-out', file, '2048'])
  fs.chmodSync(file, 0o644) // throwaway lab keys; daemons drop privileges before reading some
}

const LEAF_EXT = (altNames: string) =>
  [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${altNames}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n')

function caSigned(dir: string, id: string, cn: string, altNames: string, ca: KeyPair): KeyPair {
  const key = path.join(dir, `${id}.key`)
  const cert = path.join(dir, `${id}.pem`)
  const csr = path.join(dir, `${id}.csr`)
  const ext = path.join(dir, `${id}.ext`)
  genrsa(key)
  must('openssl', ['req', '-new', '-key', key, '-subj', `/O=Mailwarden Lab/CN=${cn}`, '-out', csr])
  fs.writeFileSync(ext, LEAF_EXT(altNames))
  must('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    randomSerial(),
    '-days',
    '825',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ])
  fs.rmSync(csr)
  fs.rmSync(ext)
  return { cert, key }
}

function randomSerial(): string {
  return `0x${randomBytes(12).toString('hex')}`
}

// `openssl x509 -req` in OpenSSL 3.0 cannot set a past notBefore/notAfter; `openssl ca` can.
function expiredCert(dir: string, ca: KeyPair): KeyPair {
  const key = path.join(dir, 'expired.key')
  const cert = path.join(dir, 'expired.pem')
  const csr = path.join(dir, 'expired.csr')
  const work = path.join(dir, 'ca-work')
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work)
  fs.writeFileSync(path.join(work, 'index.txt'), '')
  fs.writeFileSync(path.join(work, 'serial'), `${randomBytes(8).toString('hex')}\n`)
  const conf = path.join(work, 'ca.cnf')
  fs.writeFileSync(
    conf,
    [
      '[ca]',
      'default_ca = lab',
      '[lab]',
      `dir = ${work}`,
      `database = ${work}/index.txt`,
      `serial = ${work}/serial`,
      `new_certs_dir = ${work}`,
      `certificate = ${ca.cert}`,
      `private_key = ${ca.key}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'copy_extensions = none',
      'x509_extensions = leaf',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      '[leaf]',
      LEAF_EXT(san([HOST.expired], [ADDR.expired])),
    ].join('\n'),
  )
  genrsa(key)
  must('openssl', ['req', '-new', '-key', key, '-subj', `/O=Mailwarden Lab/CN=${HOST.expired}`, '-out', csr])
  must('openssl', [
    'ca',
    '-batch',
    '-config',
    conf,
    '-notext',
    '-startdate',
    '20240101000000Z',
    '-enddate',
    '20250101000000Z',
    '-in',
    csr,
    '-out',
    cert,
  ])
  fs.rmSync(csr)
  fs.rmSync(work, { recursive: true, force: true })
  return { cert, key }
}

function selfSignedCert(dir: string): KeyPair {
  const key = path.join(dir, 'selfsigned.key')
  const cert = path.join(dir, 'selfsigned.pem')
  genrsa(key)
  must('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-days',
    '825',
    '-sha256',
    '-subj',
    `/O=Mailwarden Lab/CN=${HOST.selfSigned}`,
    '-addext',
    `subjectAltName=${san([HOST.selfSigned], [ADDR.selfSigned])}`,
    '-out',
    cert,
  ])
  return { cert, key }
}

function layout(dir: string): CertSet {
  const kp = (id: string): KeyPair => ({
    cert: path.join(dir, `${id}.pem`),
    key: path.join(dir, `${id}.key`),
  })
  return {
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    good: {
      dovecot: kp('dovecot'),
      exim: kp('exim'),
      perdition: kp('perdition'),
      oldTls: kp('oldtls'),
      authBeforeTls: kp('authplain'),
      web: kp('web'),
      oauthProvider: kp('oauth-provider'),
      oauthImap: kp('oauth-imap'),
      oauthSmtp: kp('oauth-smtp'),
    },
    expired: kp('expired'),
    wrongHost: kp('wronghost'),
    selfSigned: kp('selfsigned'),
    dkim: { key: path.join(dir, 'dkim.key'), publicKeyBase64: '' },
  }
}

function dkimPublic(key: string): string {
  const der = must('openssl', ['rsa', '-in', key, '-pubout', '-outform', 'PEM'])
  return der
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join('')
}

function cacheValid(dir: string, set: CertSet): boolean {
  const manifest = path.join(dir, 'layout.json')
  if (!fs.existsSync(manifest)) return false
  try {
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: number }
    if (m.version !== LAYOUT_VERSION) return false
  } catch {
    return false
  }
  const pairs = [...Object.values(set.good), set.expired, set.wrongHost, set.selfSigned]
  const files = [set.ca, set.caKey, set.dkim.key, ...pairs.flatMap((p) => [p.cert, p.key])]
  if (!files.every((f) => fs.existsSync(f))) return false
  // Still valid for 30 days (the expired one is meant to be expired, skip it).
  const live = [
    set.ca,
    ...Object.values(set.good).map((p) => p.cert),
    set.wrongHost.cert,
    set.selfSigned.cert,
  ]
  return live.every(
    (c) => run('openssl', ['x509', '-in', c, '-noout', '-checkend', String(30 * 86400)]).status === 0,
  )
}

export async function ensureCerts(dir: string): Promise<{ set: CertSet; cached: boolean }> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 })
  const set = layout(dir)
  if (cacheValid(dir, set)) {
    set.dkim.publicKeyBase64 = dkimPublic(set.dkim.key)
    return { set, cached: true }
  }
  for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true })

  genrsa(set.caKey)
  must('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    set.caKey,
    '-days',
    '3650',
    '-sha256',
    '-subj',
    '/O=Mailwarden Lab/CN=Mailwarden Lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    set.ca,
  ])
  const ca = { cert: set.ca, key: set.caKey }

  caSigned(
    dir,
    'dovecot',
    HOST.dovecot,
    san([...namesFor('dovecot'), HOST.backend], [ADDR.dovecot, ADDR.backend]),
    ca,
  )
  caSigned(dir, 'exim', HOST.exim, san(namesFor('exim'), [ADDR.exim]), ca)
  caSigned(dir, 'perdition', HOST.perdition, san(namesFor('perdition'), [ADDR.perdition]), ca)
  caSigned(dir, 'oldtls', HOST.oldTls, san([HOST.oldTls], [ADDR.oldTls]), ca)
  caSigned(dir, 'authplain', HOST.authBeforeTls, san([HOST.authBeforeTls], [ADDR.authBeforeTls]), ca)
  caSigned(dir, 'web', HOST.web, san(namesFor('web'), [ADDR.web]), ca)
  // The IP SANs matter: Dovecot's introspection client reaches the provider by address (it
  // resolves through the system resolver, which does not know the lab names).
  caSigned(
    dir,
    'oauth-provider',
    HOST.oauthProvider,
    san(namesFor('oauthProvider'), [ADDR.oauthProvider]),
    ca,
  )
  caSigned(dir, 'oauth-imap', HOST.oauthImap, san(namesFor('oauthImap'), [ADDR.oauthImap]), ca)
  caSigned(dir, 'oauth-smtp', HOST.oauthSmtp, san(namesFor('oauthSmtp'), [ADDR.oauthSmtp]), ca)
  // A valid certificate from the lab CA, but for a name that is not the server's.
  caSigned(dir, 'wronghost', WRONG_HOST_CERT_NAME, san([WRONG_HOST_CERT_NAME], []), ca)
  expiredCert(dir, ca)
  selfSignedCert(dir)

  // Exim signs with a key made as `mailwarden dkim keygen` makes one (PKCS#8 PEM, RSA 2048), so
  // every lab test of a message Exim signed also proves that key in a real signer.
  const dkim = await makeDkimKey({ type: 'rsa-2048' })
  fs.writeFileSync(set.dkim.key, dkim.privatePem, { mode: 0o644 }) // as every lab key: Exim reads it as Debian-exim
  set.dkim.publicKeyBase64 = dkimPublic(set.dkim.key)
  fs.writeFileSync(path.join(dir, 'layout.json'), JSON.stringify({ version: LAYOUT_VERSION }))
  return { set, cached: false }
}
