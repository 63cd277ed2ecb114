// SPF of the lab's admin test domains (e2e/lab/admin-domains.ts): one test per SPF finding.
import { describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { DOMAIN } from '../../../e2e/lab/topology.js'
import { SPF_MAX_WALK_LOOKUPS } from './limits.js'
import { checkSpf } from './spf.js'
import { ids, labResolver } from './test-support/lab.js'

const { resolver } = labResolver()

describe('SPF (lab)', () => {
  it('passes a correct record and counts its lookups', async () => {
    const good = await checkSpf(ADMIN.good, { resolver })
    expect(good).toMatchObject({ record: 'v=spf1 ip4:127.0.10.11 -all', all: '-all', voidLookups: 0 })
    expect(ids(good.findings)).toEqual(['spf-present'])
    const classic = await checkSpf(ADMIN.classic, { resolver })
    expect(classic.lookups.map((l) => l.term)).toEqual(['a', 'mx'])
    expect(ids(classic.findings)).toEqual(['spf-present'])
  })

  it('counts lookups through a chain of includes past the limit of 10', async () => {
    const spf = await checkSpf(ADMIN.spfOver, { resolver })
    expect(spf.lookups).toHaveLength(12)
    expect(spf.lookups[0]).toEqual({
      term: `include:c1.${ADMIN.spfChain}`,
      domain: `c1.${ADMIN.spfChain}`,
      void: false,
    })
    expect(ids(spf.findings)).toEqual(['spf-too-many-lookups'])
    expect(spf.findings[0]?.title).toContain('12')
  })

  it('stops following a hostile chain of includes at its own cap', async () => {
    const spf = await checkSpf(ADMIN.spfEndless, { resolver })
    expect(spf.lookups).toHaveLength(SPF_MAX_WALK_LOOKUPS)
    expect(ids(spf.findings)).toEqual(['spf-too-many-lookups'])
    expect(spf.findings[0]?.title).toContain(`${SPF_MAX_WALK_LOOKUPS}+`)
    expect(spf.unlistedResult).toBe('permerror')
  })

  it('flags more than two void lookups and an include without a record', async () => {
    const spf = await checkSpf(ADMIN.spfVoid, { resolver })
    expect(spf.voidLookups).toBe(4)
    expect(ids(spf.findings).sort()).toEqual(['spf-include-missing', 'spf-void-lookups'])
  })

  it('finds an include loop', async () => {
    const spf = await checkSpf(ADMIN.spfLoop, { resolver })
    expect(ids(spf.findings)).toEqual(['spf-include-loop'])
    expect(spf.findings[0]?.detail).toContain(`${ADMIN.spfLoop} → loop.${ADMIN.spfLoop} → ${ADMIN.spfLoop}`)
  })

  it('flags a record with neither all nor redirect', async () => {
    const spf = await checkSpf(ADMIN.spfNoAll, { resolver })
    expect(ids(spf.findings)).toEqual(['spf-present', 'spf-no-all'])
    expect(spf.unlistedResult).toBe('neutral')
  })

  it('flags +all, ?all and ptr', async () => {
    expect(ids((await checkSpf(ADMIN.spfPassAll, { resolver })).findings)).toEqual(['spf-pass-all'])
    expect(ids((await checkSpf(ADMIN.spfNeutral, { resolver })).findings)).toEqual([
      'spf-present',
      'spf-ptr',
      'spf-neutral-all',
    ])
  })

  it('flags two SPF records, a malformed one and none', async () => {
    expect(ids((await checkSpf(ADMIN.spfTwo, { resolver })).findings)).toEqual(['spf-multiple'])
    const bad = await checkSpf(ADMIN.spfBad, { resolver })
    expect(ids(bad.findings)).toEqual(['spf-syntax'])
    expect(bad.findings[0]?.detail).toContain('300.1.2.3')
    expect(ids((await checkSpf(ADMIN.weak512, { resolver })).findings)).toEqual(['spf-absent'])
  })

  it('expands macros for an example sender and follows them (RFC 7208 7)', async () => {
    const spf = await checkSpf(ADMIN.spfMacro, { resolver })
    expect(spf.lookups).toEqual([
      { term: `include:%{d}._spf.${DOMAIN}`, domain: `${ADMIN.spfMacro}._spf.${DOMAIN}`, void: false },
      { term: 'exists:%{i}._spf.%{d}', domain: `192.0.2.1._spf.${ADMIN.spfMacro}`, void: true },
    ])
    expect(spf.voidLookups).toBe(1)
    expect(spf.unlistedResult).toBe('fail')
    expect(ids(spf.findings)).toEqual(['spf-present', 'spf-macro-sender'])
    const sender = spf.findings[1]
    expect(sender?.severity).toBe('info')
    expect(sender?.detail).toContain(`postmaster@${ADMIN.spfMacro} from 192.0.2.1`)
    expect(sender?.detail).toContain(`exists:%{i}._spf.%{d} → 192.0.2.1._spf.${ADMIN.spfMacro}`)
    // %{d} alone does not depend on the sender: the include is not listed.
    expect(sender?.detail).not.toContain('include:')
  })

  it('flags %{p} like ptr, and a malformed macro as a permanent error', async () => {
    const ptr = await checkSpf(ADMIN.spfMacroPtr, { resolver })
    expect(ids(ptr.findings)).toEqual(['spf-present', 'spf-macro-ptr', 'spf-macro-sender'])
    expect(ptr.lookups).toEqual([
      { term: `a:%{p}._spf.${DOMAIN}`, domain: `unknown._spf.${DOMAIN}`, void: true },
    ])
    const bad = await checkSpf(ADMIN.spfMacroBad, { resolver })
    expect(ids(bad.findings)).toEqual(['spf-syntax'])
    expect(bad.findings[0]?.detail).toContain('%{x}')
    expect(bad.unlistedResult).toBe('permerror')
  })
})
