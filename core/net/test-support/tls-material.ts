// A throwaway CA and a server certificate it issued for 127.0.0.1 and localhost, made with the
// openssl command line in a temporary directory, for loopback TLS servers in tests (a real
// handshake with a real certificate, never a mock). `remove()` deletes the directory.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface TlsMaterial {
  dir: string
  /** The CA certificate (PEM) and its path. */
  caPem: string
  caPath: string
  /** The server's key and certificate (PEM), for tls.createServer / new TLSSocket. */
  key: string
  cert: string
  remove(): void
}

export function makeTlsMaterial(commonName = 'Mailwarden Test CA'): TlsMaterial {
  const dir = mkdtempSync(path.join(tmpdir(), 'mw-tls-'))
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '800',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  )
  writeFileSync(
    path.join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  )
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '400',
    '-extfile',
    'ext.cnf',
  )
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8')
  return {
    dir,
    caPem: read('ca.pem'),
    caPath: path.join(dir, 'ca.pem'),
    key: read('server.key'),
    cert: read('server.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
