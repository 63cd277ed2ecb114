// Makes the self-signed certificate of a tunnel's TLS local side. Node's crypto makes and signs the
// key but cannot build X.509, so the structure comes from @peculiar/asn1-x509 (ASN.1 schemas only:
// no global polyfill, no crypto of its own) and the signature from node:crypto. RSA 2048: the key
// old printers and scanners can all use. Apart from local-cert.ts because of that library: it is
// loaded only when a certificate must be made, so a plain tunnel does not carry it (7 MB of RSS).
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto'
import net from 'node:net'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_kp_serverAuth,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509'
import { LOCAL_CERT_DAYS, type LocalTlsMaterial } from './local-cert.js'

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11'
const COMMON_NAME = '2.5.4.3'
const ORGANIZATION = '2.5.4.10'

function rdn(type: string, value: string): RelativeDistinguishedName {
  return new RelativeDistinguishedName([
    new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
  ])
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) })
}

/** What the user sees to trust the certificate on the device (never the key). */

/** A fresh key and self-signed server certificate for these names (IP addresses or DNS names). */
export function generateLocalCertificate(
  listenHost: string,
  names: string[],
  now: Date = new Date(),
): LocalTlsMaterial {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo)
  const algorithm = new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null })
  // Positive 64-bit serial: the top bit clear keeps the DER INTEGER non-negative.
  const serial = randomBytes(8)
  serial[0] = (serial[0] ?? 0) & 0x7f
  const name = new Name([
    rdn(ORGANIZATION, 'Mailwarden'),
    rdn(COMMON_NAME, `Mailwarden tunnel ${names[0] ?? ''}`),
  ])
  const notBefore = new Date(now.getTime() - 60 * 60_000) // an hour's slack for a device's clock
  const notAfter = new Date(now.getTime() + LOCAL_CERT_DAYS * 86_400_000)
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: name,
    subject: name,
    validity: new Validity({ notBefore, notAfter }),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment),
      ),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
      extension(
        id_ce_subjectAltName,
        false,
        new SubjectAlternativeName(
          names.map((n) =>
            net.isIP(n) ? new GeneralName({ iPAddress: n }) : new GeneralName({ dNSName: n }),
          ),
        ),
      ),
    ]),
  })
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs))
  const signature = sign('sha256', tbsDer, privateKey)
  const der = AsnConvert.serialize(
    new Certificate({
      tbsCertificate: tbs,
      signatureAlgorithm: algorithm,
      signatureValue: new Uint8Array(signature).buffer,
    }),
  )
  const certPem = new X509Certificate(Buffer.from(der)).toString()
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    listenHost,
    names,
  }
}
