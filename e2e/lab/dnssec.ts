// The lab's DNSSEC world, for DANE (RFC 7672): two unbound processes on their own loopback
// addresses. (a) 127.0.10.54 is authoritative (`auth-zone:`) for a zone signed here with
// ldns-keygen + ldns-signzone, and for an unsigned one; (b) 127.0.10.55 is a validating resolver
// whose only trust anchor is that zone's DS, stubbing both zones to (a). Answers from the signed
// zone carry the AD bit; answers from the unsigned one do not. Plus a chain-sending Exim on
// 127.0.10.56 (dnssec-exim.ts) for DANE-TA. Both unbounds are unbound, not nsd: unbound 1.17's
// auth-zone serves a pre-signed zone with its RRSIGs and NSEC denial when asked with DO.
//
// The signed zone's apex is lab.test, not dane.lab.test: the Exim certificate names smtp.lab.test
// and mail.lab.test, and DANE-TA (usage 2) checks the MX name against the certificate (RFC 7672
// 3.2.3), so those MX names must live in the signed zone. This resolver is a world of its own: it
// knows only the names in dnssecZone(), not the rest of the lab DNS (dnsmasq at 127.0.10.53).
//
// TLSA data is computed here with openssl from the lab's certificate files, independently of the
// check's node:crypto code, so the lab test compares two implementations.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { CHAIN_EXIM_ADDR, chainEximArgs, writeChainExim } from './dnssec-exim.js'
import { LabError, must, run, sleep } from './exec.js'
import { type ProcessRecord, startDetached, startForking, stopAll } from './procs.js'
import { ADDR, PORT } from './topology.js'

export const DNSSEC_ADDR = { auth: '127.0.10.54', resolver: '127.0.10.55' } as const
export const SIGNED_ZONE = 'lab.test'
export const UNSIGNED_ZONE = 'dane-unsigned.test'

/** The MX names of the DANE lab and what their TLSA records say about Exim's certificate. */
export const DANE_HOSTS = {
  /** 3 1 1 of Exim's key, plus 3 0 2 of its whole certificate: matches. */
  eeMatch: `mx1.dane.${SIGNED_ZONE}`,
  /** 3 1 1 of another lab key (Dovecot's): does not match. */
  eeMismatch: `mx2.dane.${SIGNED_ZONE}`,
  /** 2 0 1 of the lab CA certificate, pointing at the chain-sending Exim (dnssec-exim.ts); the
   * name is on Exim's certificate: matches through the CA. */
  taCert: `mail.${SIGNED_ZONE}`,
  /** 2 1 2 of the lab CA key (SHA-512), pointing at the lab's Exim, which sends only its leaf: the
   * anchor is not in the chain, so it does not match (RFC 7672 3.2.2). */
  taNotInChain: `smtp.${SIGNED_ZONE}`,
  /** 1 1 1 (PKIX-EE) of Exim's key: usage unusual for SMTP (RFC 7672 3.1.3). */
  pkixUsage: `mx3.dane.${SIGNED_ZONE}`,
  /** A and no TLSA, in the signed zone: a proven "no DANE". */
  noTlsa: `mx4.dane.${SIGNED_ZONE}`,
  /** 3 1 1 of Exim's key, but in the unsigned zone: never validated. */
  unsigned: `mx1.${UNSIGNED_ZONE}`,
  /** 3 1 0: Exim's whole public key (matching type 0): matches. */
  fullEe: `mx5.dane.${SIGNED_ZONE}`,
  /** 3 0 0: Dovecot's whole certificate: does not match Exim's. */
  fullMismatch: `mx6.dane.${SIGNED_ZONE}`,
  /** 2 1 0: the lab CA's whole key, on the lab Exim that sends only its leaf: the key signed the
   * leaf (RFC 7672 3.1.2), but the leaf does not name this host, so DANE-TA fails on the name. */
  fullTaKey: `mx7.dane.${SIGNED_ZONE}`,
  /** Two addresses (the lab Exim and the chain Exim, same key), 3 1 1 of the key: both match. */
  twoAddresses: `mx8.dane.${SIGNED_ZONE}`,
  /** Five addresses: the lab Exim, then DANE_DEAD_ADDRS where nothing listens; 3 1 1 of the key. */
  fiveAddresses: `mx9.dane.${SIGNED_ZONE}`,
  /** CNAME to mx10 (3 1 1 of Exim's key), itself with a stale 3 1 1 of another key: the
   * expanded name's records count (RFC 7672 2.2.2): matches. */
  aliasToTlsa: `alias1.dane.${SIGNED_ZONE}`,
  aliasTarget: `mx10.dane.${SIGNED_ZONE}`,
  /** CNAME to mx4 (no TLSA), with 3 1 1 of Exim's key at the alias: the MX name's records count. */
  aliasFallback: `alias2.dane.${SIGNED_ZONE}`,
  /** CNAME to mail.lab.test (2 0 1, chain Exim): DANE-TA checks the expanded name, which the
   * certificate carries. */
  aliasTa: `alias3.dane.${SIGNED_ZONE}`,
} as const

/** Loopback addresses where nothing listens (connections are refused at once), for fiveAddresses. */
export const DANE_DEAD_ADDRS = ['127.0.10.61', '127.0.10.62', '127.0.10.63', '127.0.10.64'] as const

/** Domains whose MX RRsets point at the hosts above (for an MX-level check). */
export const DANE_DOMAINS = {
  /** MX mx1 (matching) and mx2 (mismatching). */
  signed: `dane.${SIGNED_ZONE}`,
  /** MX mail.lab.test (DANE-TA through the chain-sending Exim). */
  trustAnchor: `ta.dane.${SIGNED_ZONE}`,
  unsigned: UNSIGNED_ZONE,
  /** MX mx1 alone: DANE-EE matches, while the certificate names another host. */
  eeOnly: `ee.dane.${SIGNED_ZONE}`,
  /** MX mx9 (five addresses) and alias1 (a CNAME): the text report's address and alias lines. */
  addresses: `multi.dane.${SIGNED_ZONE}`,
} as const

export interface DnssecLab {
  /** "ADDR:PORT" of the validating resolver. */
  resolver: string
  /** "ADDR:PORT" of the authoritative server (answers without validation; AD never set). */
  authoritative: string
  /** What was started (unbound x2, the chain Exim), for the lab's processes.json. */
  processes: readonly ProcessRecord[]
  stop(): Promise<void>
}

interface TlsaData {
  eximSpki256: string
  eximCert512: string
  otherSpki256: string
  caCert256: string
  caSpki512: string
  /** Whole DER in hex, for matching type 0. */
  eximSpkiFull: string
  dovecotCertFull: string
  caSpkiFull: string
}

function digestFile(file: string, algo: 'sha256' | 'sha512'): string {
  const out = must('openssl', ['dgst', `-${algo}`, '-r', file])
  const hex = out.split(' ')[0] ?? ''
  if (!/^[0-9a-f]{64,128}$/.test(hex)) throw new LabError(`openssl dgst gave no digest for ${file}: ${out}`)
  return hex
}

function certDer(cert: string, out: string): string {
  must('openssl', ['x509', '-in', cert, '-outform', 'DER', '-out', out])
  return out
}

function spkiDer(cert: string, out: string): string {
  const pem = `${out}.pem`
  must('openssl', ['x509', '-in', cert, '-noout', '-pubkey', '-out', pem])
  must('openssl', ['pkey', '-pubin', '-in', pem, '-outform', 'DER', '-out', out])
  return out
}

function hexOf(file: string): string {
  return fs.readFileSync(file).toString('hex')
}

function tlsaData(certsDir: string, work: string): TlsaData {
  const cert = (name: string) => path.join(certsDir, `${name}.pem`)
  for (const name of ['exim', 'dovecot', 'ca'])
    if (!fs.existsSync(cert(name))) throw new LabError(`${cert(name)} is missing; run: npm run lab:up`)
  const w = (name: string) => path.join(work, name)
  return {
    eximSpki256: digestFile(spkiDer(cert('exim'), w('exim.spki.der')), 'sha256'),
    eximCert512: digestFile(certDer(cert('exim'), w('exim.der')), 'sha512'),
    otherSpki256: digestFile(spkiDer(cert('dovecot'), w('dovecot.spki.der')), 'sha256'),
    caCert256: digestFile(certDer(cert('ca'), w('ca.der')), 'sha256'),
    caSpki512: digestFile(spkiDer(cert('ca'), w('ca.spki.der')), 'sha512'),
    eximSpkiFull: hexOf(w('exim.spki.der')),
    dovecotCertFull: hexOf(certDer(cert('dovecot'), w('dovecot.der'))),
    caSpkiFull: hexOf(w('ca.spki.der')),
  }
}

function soaNs(zone: string): string[] {
  return [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. 1 3600 600 86400 300`,
    `@ IN NS ns.${zone}.`,
    `ns IN A ${DNSSEC_ADDR.auth}`,
  ]
}

/** The signed zone's text before signing. */
export function dnssecZone(t: TlsaData): string {
  const exim = ADDR.exim
  const rel = (fqdn: string) => fqdn.slice(0, -(SIGNED_ZONE.length + 1))
  const tlsaAt = (fqdn: string, tlsa: string[]) =>
    tlsa.map((rdata) => `_${PORT.smtp}._tcp.${rel(fqdn)} IN TLSA ${rdata}`)
  const host = (fqdn: string, tlsa: string[], address: string | string[] = exim) => [
    ...[address].flat().map((a) => `${rel(fqdn)} IN A ${a}`),
    ...tlsaAt(fqdn, tlsa),
  ]
  const alias = (fqdn: string, target: string, tlsa: string[]) => [
    `${rel(fqdn)} IN CNAME ${target}.`,
    ...tlsaAt(fqdn, tlsa),
  ]
  return [
    ...soaNs(SIGNED_ZONE),
    `dane IN MX 10 ${DANE_HOSTS.eeMatch}.`,
    `dane IN MX 20 ${DANE_HOSTS.eeMismatch}.`,
    ...host(DANE_HOSTS.eeMatch, [`3 1 1 ${t.eximSpki256}`, `3 0 2 ${t.eximCert512}`]),
    ...host(DANE_HOSTS.eeMismatch, [`3 1 1 ${t.otherSpki256}`]),
    `ta.dane IN MX 10 ${DANE_HOSTS.taCert}.`,
    `ee.dane IN MX 10 ${DANE_HOSTS.eeMatch}.`,
    `multi.dane IN MX 10 ${DANE_HOSTS.fiveAddresses}.`,
    `multi.dane IN MX 20 ${DANE_HOSTS.aliasToTlsa}.`,
    ...host(DANE_HOSTS.taCert, [`2 0 1 ${t.caCert256}`], CHAIN_EXIM_ADDR),
    ...host(DANE_HOSTS.taNotInChain, [`2 1 2 ${t.caSpki512}`]),
    ...host(DANE_HOSTS.pkixUsage, [`1 1 1 ${t.eximSpki256}`]),
    ...host(DANE_HOSTS.noTlsa, []),
    ...host(DANE_HOSTS.fullEe, [`3 1 0 ${t.eximSpkiFull}`]),
    ...host(DANE_HOSTS.fullMismatch, [`3 0 0 ${t.dovecotCertFull}`]),
    ...host(DANE_HOSTS.fullTaKey, [`2 1 0 ${t.caSpkiFull}`]),
    ...host(DANE_HOSTS.twoAddresses, [`3 1 1 ${t.eximSpki256}`], [exim, CHAIN_EXIM_ADDR]),
    ...host(DANE_HOSTS.fiveAddresses, [`3 1 1 ${t.eximSpki256}`], [exim, ...DANE_DEAD_ADDRS]),
    ...alias(DANE_HOSTS.aliasToTlsa, DANE_HOSTS.aliasTarget, [`3 1 1 ${t.otherSpki256}`]),
    ...host(DANE_HOSTS.aliasTarget, [`3 1 1 ${t.eximSpki256}`]),
    ...alias(DANE_HOSTS.aliasFallback, DANE_HOSTS.noTlsa, [`3 1 1 ${t.eximSpki256}`]),
    ...alias(DANE_HOSTS.aliasTa, DANE_HOSTS.taCert, []),
    '',
  ].join('\n')
}

function unsignedZone(t: TlsaData): string {
  return [
    ...soaNs(UNSIGNED_ZONE),
    `@ IN MX 10 ${DANE_HOSTS.unsigned}.`,
    `mx1 IN A ${ADDR.exim}`,
    `_${PORT.smtp}._tcp.mx1 IN TLSA 3 1 1 ${t.eximSpki256}`,
    '',
  ].join('\n')
}

/** Keys made fresh at each start (ECDSA P-256, algorithm 13); returns the KSK's DS record. */
function signZone(dir: string, zoneFile: string): { signed: string; ds: string } {
  // ldns-keygen writes its files into the current directory.
  const keygen = (ksk: boolean) => {
    const r = spawnSync('ldns-keygen', ['-a', 'ECDSAP256SHA256', ...(ksk ? ['-k'] : []), SIGNED_ZONE], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
    })
    if (r.status !== 0)
      throw new LabError(
        `ldns-keygen failed (${r.error?.message ?? r.stderr.trim()}); run: bash e2e/lab/install-packages.sh`,
      )
    return r.stdout.trim()
  }
  for (const f of fs.readdirSync(dir)) if (/^K.*\.(key|private|ds)$/.test(f)) fs.rmSync(path.join(dir, f))
  const ksk = keygen(true)
  const zsk = keygen(false)
  must('ldns-signzone', ['-o', SIGNED_ZONE, zoneFile, path.join(dir, ksk), path.join(dir, zsk)])
  const ds = fs.readFileSync(path.join(dir, `${ksk}.ds`), 'utf8').trim()
  return { signed: `${zoneFile}.signed`, ds }
}

function common(stateDir: string, addr: string, port: number, name: string): string[] {
  return [
    'server:',
    `  interface: ${addr}`,
    `  port: ${port}`,
    '  do-ip6: no',
    '  do-daemonize: no',
    '  use-syslog: no',
    `  logfile: "${path.join(stateDir, `${name}.log`)}"`,
    '  verbosity: 1',
    `  directory: "${stateDir}"`,
    '  chroot: ""',
    '  username: ""',
    `  pidfile: "${path.join(stateDir, `${name}.unbound-pid`)}"`,
    '  access-control: 127.0.0.0/8 allow',
    // .test is one of unbound's built-in empty local zones (RFC 6761); the lab's names live there.
    '  local-zone: "test." nodefault',
    '  do-not-query-localhost: no',
    '  auto-trust-anchor-file: ""',
  ]
}

function authConf(stateDir: string, port: number, signed: string, unsigned: string): string {
  return [
    ...common(stateDir, DNSSEC_ADDR.auth, port, 'auth'),
    'remote-control:',
    '  control-enable: no',
    ...[
      [SIGNED_ZONE, signed],
      [UNSIGNED_ZONE, unsigned],
    ].flatMap(([zone, file]) => [
      'auth-zone:',
      `  name: "${zone}"`,
      `  zonefile: "${file}"`,
      '  for-downstream: yes',
      '  for-upstream: no',
      '  fallback-enabled: no',
    ]),
    '',
  ].join('\n')
}

function resolverConf(stateDir: string, port: number, ds: string): string {
  return [
    ...common(stateDir, DNSSEC_ADDR.resolver, port, 'resolver'),
    `  trust-anchor: "${ds.replaceAll('\t', ' ')}"`,
    // No root anchor: everything but SIGNED_ZONE is insecure, which is what the unsigned zone is for.
    '  val-log-level: 2',
    // Addresses in the zone's order, so tests can name which ones were checked.
    '  rrset-roundrobin: no',
    '  cache-max-ttl: 30',
    'remote-control:',
    '  control-enable: no',
    ...[SIGNED_ZONE, UNSIGNED_ZONE].flatMap((zone) => [
      'stub-zone:',
      `  name: "${zone}"`,
      `  stub-addr: ${DNSSEC_ADDR.auth}@${port}`,
    ]),
    '',
  ].join('\n')
}

async function waitForAnswer(server: string, port: number, name: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  let last = ''
  while (Date.now() < deadline) {
    const q = run('drill', ['-p', String(port), '-D', name, 'SOA', `@${server}`], { timeoutMs: 3000 })
    if (q.status === 0 && /rcode: NOERROR/i.test(q.stdout) && /IN\s+SOA/.test(q.stdout)) return
    last = `${q.stdout}${q.stderr}`.trim().split('\n').slice(-2).join(' | ')
    await sleep(100)
  }
  throw new LabError(`${server}:${port} did not answer for ${name} within ${ms} ms (${last})`)
}

/**
 * Makes keys, signs the zone with the current lab certificates' TLSA data, starts both unbound
 * processes under stateDir and waits until the resolver validates. `port` defaults to 53 (the lab's
 * standard port); tests pass another so they never collide with a lab-wide instance.
 */
export async function startDnssec(
  stateDir: string,
  labCertsDir: string,
  options: { port?: number } = {},
): Promise<DnssecLab> {
  const root = path.resolve(stateDir)
  const port = options.port ?? PORT.dns
  fs.mkdirSync(root, { recursive: true })
  // Leftovers of a crashed run under the same directory would hold the addresses.
  await stopAll([], root)
  const t = tlsaData(labCertsDir, root)
  const zoneFile = path.join(root, `${SIGNED_ZONE}.zone`)
  fs.writeFileSync(zoneFile, dnssecZone(t))
  const unsignedFile = path.join(root, `${UNSIGNED_ZONE}.zone`)
  fs.writeFileSync(unsignedFile, unsignedZone(t))
  const { signed, ds } = signZone(root, zoneFile)
  const authFile = path.join(root, 'auth.conf')
  const resolverFile = path.join(root, 'resolver.conf')
  fs.writeFileSync(authFile, authConf(root, port, signed, unsignedFile))
  fs.writeFileSync(resolverFile, resolverConf(root, port, ds))
  for (const f of [authFile, resolverFile]) must('unbound-checkconf', [f])
  const records: ProcessRecord[] = []
  const stop = async () => {
    await stopAll(records, root)
  }
  try {
    for (const [name, conf] of [
      ['unbound-auth', authFile],
      ['unbound-resolver', resolverFile],
    ] as const)
      records.push(
        startDetached(
          name,
          '/usr/sbin/unbound',
          ['-d', '-c', conf],
          path.join(root, `${name}.pid`),
          path.join(root, `${name}.out`),
        ),
      )
    const exim = writeChainExim(root, labCertsDir)
    records.push(
      startForking(
        'exim-chain',
        '/usr/sbin/exim4',
        chainEximArgs(exim.conf, exim.pidFile),
        exim.pidFile,
        path.join(root, 'exim-chain.out'),
      ),
    )
    await waitForAnswer(DNSSEC_ADDR.auth, port, SIGNED_ZONE, 10_000)
    await waitForAnswer(DNSSEC_ADDR.resolver, port, SIGNED_ZONE, 10_000)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    resolver: `${DNSSEC_ADDR.resolver}:${port}`,
    authoritative: `${DNSSEC_ADDR.auth}:${port}`,
    processes: records,
    stop,
  }
}
