// Which listen hosts cannot share one port: the check a new tunnel's local port gets at creation.
import { describe, expect, it } from 'vitest'
import { hostsOverlap } from './manager.js'

describe('hostsOverlap', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', true],
    ['localhost', '127.0.0.1', true],
    ['0.0.0.0', '127.0.0.1', true],
    ['192.168.1.20', '0.0.0.0', true],
    ['::', '127.0.0.1', true],
    ['::1', '::', true],
    ['0.0.0.0', '::1', false],
    ['127.0.0.1', '192.168.1.20', false],
    ['127.0.0.1', '::1', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected)
    expect(hostsOverlap(b, a)).toBe(expected)
  })
})
