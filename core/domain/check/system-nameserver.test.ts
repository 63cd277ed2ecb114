import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { daneServer, firstNameserver, RESOLV_CONF_MAX_BYTES, systemNameserver } from './system-nameserver.js'

describe('the resolver DANE asks without --dns', () => {
  it('takes the first usable nameserver line of resolv.conf', () => {
    expect(firstNameserver('# comment\nsearch lab.test\nnameserver 10.0.0.53\nnameserver 1.1.1.1\n')).toBe(
      '10.0.0.53:53',
    )
    expect(firstNameserver('nameserver fe80::1%eth0\n  nameserver ::1\n')).toBe('[::1]:53')
    expect(firstNameserver('nameserver not-an-address\n')).toBeNull()
    expect(firstNameserver('')).toBeNull()
  })

  it('reads a bounded part of the file, and a missing file is no resolver', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-resolv-'))
    try {
      const file = path.join(dir, 'resolv.conf')
      await writeFile(file, `${'#'.repeat(RESOLV_CONF_MAX_BYTES)}\nnameserver 10.0.0.53\n`)
      expect(await systemNameserver(file)).toBeNull()
      await writeFile(file, 'nameserver 127.0.10.55\n')
      expect(await systemNameserver(file)).toBe('127.0.10.55:53')
      expect(await systemNameserver(path.join(dir, 'missing'))).toBeNull()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('gives --dns the form checkDane reports', () => {
    expect(daneServer('127.0.10.55')).toBe('127.0.10.55:53')
    expect(daneServer('127.0.10.55:5353')).toBe('127.0.10.55:5353')
    expect(daneServer('::1')).toBe('[::1]:53')
    expect(daneServer('[::1]:5353')).toBe('[::1]:5353')
    expect(daneServer('[::1]')).toBe('[::1]:53')
  })
})
