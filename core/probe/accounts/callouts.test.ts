import { describe, expect, it } from 'vitest'
import type { SavedServer } from '../../../shared/contract/accounts.js'
import type { EndpointReport } from '../../../shared/contract/probe.js'
import { EXPIRY_CALLOUT_DAYS, recheckServer, rememberCheck } from './callouts.js'
import { imapQuoted, scrub } from './mechanisms.js'

const saved: SavedServer = {
  protocol: 'imap',
  host: 'imap.example.org',
  port: 993,
  security: 'implicit-tls',
  lastFingerprintSha256: 'AA',
  lastVerdict: 'good',
  lastProblemIds: [],
}

function endpoint(
  daysLeft: number,
  fingerprint = 'AA',
  findings: EndpointReport['findings'] = [],
): EndpointReport {
  return {
    security: 'implicit-tls',
    verdict: findings.some((f) => f.severity === 'bad') ? 'bad' : 'good',
    reason: 'ok',
    findings,
    tls: { certificate: { daysLeft, fingerprintSha256: fingerprint, notAfter: '2027-01-01' } },
  } as unknown as EndpointReport
}

const kinds = (e: EndpointReport, s: SavedServer = saved) => recheckServer(s, e).callouts.map((c) => c.kind)

describe('re-check call-outs', () => {
  it('calls out a certificate expiring within 21 days, not one with 22 left', () => {
    expect(EXPIRY_CALLOUT_DAYS).toBe(21)
    expect(kinds(endpoint(21))).toEqual(['certificate-expiring'])
    expect(kinds(endpoint(22))).toEqual([])
    expect(recheckServer(saved, endpoint(-3)).callouts[0]?.message).toMatch(/expired 3 days ago/)
  })

  it('calls out a changed fingerprint, and none on the first check', () => {
    expect(kinds(endpoint(90, 'BB'))).toEqual(['certificate-changed'])
    expect(kinds(endpoint(90, 'BB'), { ...saved, lastFingerprintSha256: null })).toEqual([])
  })

  it('calls out a newly failing check, and not one that already failed last time', () => {
    const bad = [{ id: 'cert-expired', severity: 'bad' as const, title: 'Expired', detail: '', fix: '' }]
    expect(kinds(endpoint(90, 'AA', bad))).toEqual(['newly-failing'])
    expect(
      kinds(endpoint(90, 'AA', bad), { ...saved, lastVerdict: 'bad', lastProblemIds: ['cert-expired'] }),
    ).toEqual([])
    // Never checked before: nothing is "newly" failing.
    expect(kinds(endpoint(90, 'AA', bad), { ...saved, lastVerdict: null })).toEqual([])
  })

  it('remembers what it saw as the next baseline', () => {
    const bad = [{ id: 'x', severity: 'warn' as const, title: 'X', detail: '', fix: '' }]
    expect(rememberCheck(saved, endpoint(90, 'CC', bad))).toMatchObject({
      lastFingerprintSha256: 'CC',
      lastProblemIds: ['x'],
    })
  })
})

describe('login helpers', () => {
  it('quotes IMAP strings and refuses what a quoted string cannot hold', () => {
    expect(imapQuoted('pa"ss\\word')).toBe('"pa\\"ss\\\\word"')
    expect(imapQuoted('line\r\nbreak')).toBeNull()
    expect(imapQuoted('pässword')).toBeNull()
  })

  it('scrubs the password and its base64 forms from a server reply', () => {
    const c = { username: 'alice', password: 'hunter22' }
    const b64 = Buffer.from('hunter22').toString('base64')
    const plain = Buffer.from('\u0000alice\u0000hunter22').toString('base64')
    expect(scrub(`-ERR bad hunter22 ${b64} ${plain}`, c)).toBe('-ERR bad **** **** ****')
  })
})
