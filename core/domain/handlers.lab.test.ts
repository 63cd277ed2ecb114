// domain.check through the engine, as the page calls it: a long run against the lab's DNS and
// mail servers whose progress names the phases and whose report passes the contract's schema (the
// engine checks every event it emits).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { ADMIN } from '../../e2e/lab/admin-domains.js'
import { getLab } from '../../e2e/lab/lab.js'
import type { EventPayload } from '../../shared/contract/index.js'
import { createEngine, type Engine } from '../engine.js'

const lab = getLab()
let dir: string
let engine: Engine
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-domain-check-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
  await engine.call('settings.update', { dnsServer: lab.dns.server, extraCaFile: lab.caPath })
})
afterEach(async () => {
  await engine.dispose()
  rmSync(dir, { recursive: true, force: true })
})

async function run(request: Record<string, unknown>) {
  const phases: string[] = []
  engine.on('domain.check.progress', (event) => phases.push(event.progress.phase))
  const finished = new Promise<EventPayload<'domain.check.finished'>>((resolve) =>
    engine.on('domain.check.finished', resolve),
  )
  const reply = await engine.call('domain.check', request)
  expect(reply.ok).toBe(true)
  const { outcome } = await finished
  if (outcome.status !== 'done') throw new Error(`the check ended ${outcome.status}`)
  return { report: outcome.result, phases }
}

it('checks the classic Exim setup from the settings’ DNS server, records only', async () => {
  const { report, phases } = await run({ domain: ADMIN.classic, skipMx: true })
  expect(phases).toEqual(['records'])
  expect(report.verdict).toBe('bad')
  expect(report.mx).toBeNull()
  expect(report.dkim.selectors.find((s) => s.selector === 'x')?.key).toMatchObject({
    bits: 1024,
    testing: true,
  })
  expect(report.firstSteps.length).toBeGreaterThan(0)
})

it('checks lab.test with its mail server on port 25, MTA-STS and DANE (not validated by dnsmasq)', async () => {
  const { report, phases } = await run({ domain: lab.domain })
  expect(phases).toEqual(['records', 'dane'])
  expect(report.mx?.hosts.map((h) => [h.name, h.endpoint?.security])).toEqual([['mail.lab.test', 'starttls']])
  expect(report.mx?.mtaSts?.facts.policy?.mode).toBe('enforce')
  expect(report.dane?.findings.map((f) => f.id)).toContain('dane-unsigned-none')
})
