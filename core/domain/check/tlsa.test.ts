// TLSA association data against values computed with openssl for a fixed certificate
// (P-256, made with `openssl req -x509`), and the parsing of TLSA RDATA and presentation form.
//   openssl x509 -in c.pem -outform DER | openssl dgst -sha256 / -sha512          (selector 0)
//   openssl x509 -in c.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst ...  (1)
import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { associationData, formatTlsa, parseTlsaRdata, parseTlsaText, tlsaMatchesCert } from './tlsa.js'

const PEM = `-----BEGIN CERTIFICATE-----
MIIBlDCCATugAwIBAgIUPjm6QQEV5zT/6HT5hpFbIU7XdlQwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUdGxzYS1maXh0dXJlLmV4YW1wbGUwIBcNMjYxMjA3MTkzMzI4
WhgPMjEyNjExMTMxOTMzMjhaMB8xHTAbBgNVBAMMFHRsc2EtZml4dHVyZS5leGFt
cGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErmCPeAvY7a/ZZYMhtnfUXaBh
RBLbWfSkrxkm7PEhpsBtmm4U4lxpVJ5KI8x6qpLvoYf0zmTGHob1CDxiXN8tYaNT
MFEwHQYDVR0OBBYEFMJf2KZv5MRVRy8/KvOL5TXvOGZxMB8GA1UdIwQYMBaAFMJf
2KZv5MRVRy8/KvOL5TXvOGZxMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
RwAwRAIgbu0O34IUgNxNvvOSB8+5J7y7cXuxVoW6Wn1UgTR77WoCIFyTq6rcSFNq
yr9fGMej83yaIhtGCjx75+xQaMpX4XS3
-----END CERTIFICATE-----`
const DER = new X509Certificate(PEM).raw

const OPENSSL = {
  cert256: '55cdd9cc5ad7a681177dd257cd361d0c10276c2d68c6ab100c0ae2e373e5eca4',
  cert512:
    'f80b9f8740e1e80f7619872a613c7e5dd441fbbed740a6141bdd14ecc30a9792970d9d08dc97667707260eb38a10173dc1eb3972b09e655e6b0bdc9e48b5ffb7',
  spki256: 'b2d2c1474b6f364a9a9927d94cfb6b643d939600ce3bdc1effad6f5682792f17',
  spki512:
    '00016b5e09b9b0b88b9cdadc5a2e95a4732d36ce2185bea1a4fbe15c8126b727b36e27582491246bc362d69a428a298240d04cfdba5a9b69b45f9f23c0a21cd9',
  spkiFull:
    '3059301306072a8648ce3d020106082a8648ce3d03010703420004ae608f780bd8edafd9658321b677d45da0614412db59f4a4af1926ecf121a6c06d9a6e14e25c69549e4a23cc7aaa92efa187f4ce64c61e86f5083c625cdf2d61',
}

describe('associationData', () => {
  it('matches openssl for every selector and matching type', () => {
    expect(associationData(DER, 0, 1).toString('hex')).toBe(OPENSSL.cert256)
    expect(associationData(DER, 0, 2).toString('hex')).toBe(OPENSSL.cert512)
    expect(associationData(DER, 1, 1).toString('hex')).toBe(OPENSSL.spki256)
    expect(associationData(DER, 1, 2).toString('hex')).toBe(OPENSSL.spki512)
    expect(associationData(DER, 1, 0).toString('hex')).toBe(OPENSSL.spkiFull)
    expect(associationData(DER, 0, 0).equals(DER)).toBe(true)
  })

  it('refuses selectors and matching types RFC 6698 does not define', () => {
    expect(() => associationData(DER, 2, 1)).toThrow(/selector 2/)
    expect(() => associationData(DER, 1, 3)).toThrow(/matching type 3/)
  })
})

describe('tlsaMatchesCert', () => {
  it('matches the right digest and not a changed one', () => {
    expect(tlsaMatchesCert(parseTlsaText(`3 1 1 ${OPENSSL.spki256}`), DER)).toBe(true)
    expect(tlsaMatchesCert(parseTlsaText(`2 0 2 ${OPENSSL.cert512}`), DER)).toBe(true)
    const wrong = `${OPENSSL.spki256.slice(0, -1)}0`
    expect(tlsaMatchesCert(parseTlsaText(`3 1 1 ${wrong}`), DER)).toBe(false)
    // The certificate digest under the key selector: same bytes, wrong selector, no match.
    expect(tlsaMatchesCert(parseTlsaText(`3 1 1 ${OPENSSL.cert256}`), DER)).toBe(false)
  })

  it('never matches a record with unknown parameters', () => {
    const odd = parseTlsaRdata(Buffer.concat([Buffer.from([3, 1, 9]), Buffer.from(OPENSSL.spki256, 'hex')]))
    expect(tlsaMatchesCert(odd, DER)).toBe(false)
  })
})

describe('parseTlsaRdata / parseTlsaText', () => {
  it('reads usage, selector, matching type and data', () => {
    const r = parseTlsaRdata(Buffer.concat([Buffer.from([3, 1, 1]), Buffer.from(OPENSSL.spki256, 'hex')]))
    expect(r).toMatchObject({ usage: 3, selector: 1, matchingType: 1 })
    expect(formatTlsa(r)).toBe(`3 1 1 ${OPENSSL.spki256}`)
    expect(
      formatTlsa(parseTlsaText(`3 1 1 ${OPENSSL.spki256.toUpperCase().replace(/(.{8})/g, '$1 ')}`)),
    ).toBe(`3 1 1 ${OPENSSL.spki256}`)
  })

  it('refuses short records, wrong digest lengths and garbage', () => {
    expect(() => parseTlsaRdata(Buffer.from([3, 1, 1]))).toThrow(/too short/)
    expect(() => parseTlsaText('3 1 1 abcd')).toThrow(/2 bytes, not 32/)
    expect(() => parseTlsaText(`3 1 2 ${OPENSSL.spki256}`)).toThrow(/32 bytes, not 64/)
    expect(() => parseTlsaText('3 1 1 xyz')).toThrow(/not a TLSA record/)
    expect(() => parseTlsaText('3 1 1 abc')).toThrow(/odd number/)
    expect(() => parseTlsaText('300 1 1 ab')).toThrow(/one octet/)
    expect(() => parseTlsaRdata(Buffer.alloc(20_000))).toThrow(/too long/)
  })
})
