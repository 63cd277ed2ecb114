import { describe, expect, it } from 'vitest'
import { checkDnsServer, checkTimeout } from './validate.js'

describe('checkDnsServer', () => {
  it.each([
    '',
    '  ',
    '9.9.9.9',
    '127.0.0.53:53',
    '[::1]:53',
    '[2620:fe::fe]',
    '[::]',
    '[2001:db8:0:0:0:0:0:1]:5353',
    '[::ffff:192.0.2.53]',
  ])('accepts %j', (value) => {
    expect(checkDnsServer(value)).toBeNull()
  })

  it.each([
    ['dns.example.org', /Host names are not accepted/],
    ['300.1.1.1', /0 to 255/],
    ['9.9.9.9:70000', /1 to 65535/],
    ['[::1]:0', /1 to 65535/],
    // Shaped like IPv6 but not an address: the engine's resolver would throw on them (issue 13).
    ['[:::]', /IP address/],
    ['[1.2.3.4]', /IP address/],
    ['[1:2:3:4:5:6:7:8:9]', /IP address/],
    ['[1::2::3]', /IP address/],
    ['[12345::1]', /IP address/],
  ])('refuses %j with a sentence', (value, message) => {
    expect(checkDnsServer(value)).toMatch(message)
  })
})

describe('checkTimeout', () => {
  it('accepts whole seconds from 1 to 120 only', () => {
    expect(checkTimeout('1')).toBeNull()
    expect(checkTimeout('120')).toBeNull()
    for (const bad of ['', '0', '121', '2.5', 'ten']) expect(checkTimeout(bad)).toMatch(/whole number/)
  })
})
