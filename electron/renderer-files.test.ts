import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentTypeFor, isStrictlyInside, resolveRendererFile } from './renderer-files.js'

const ROOT = path.resolve('/srv/mailwarden/dist/renderer')

describe('resolveRendererFile', () => {
  it.each([
    ['app://mailwarden/', 'index.html'],
    ['app://mailwarden/index.html', 'index.html'],
    ['app://mailwarden/assets/app-1a2b.js?v=1#x', 'assets/app-1a2b.js'],
    ['app://mailwarden/assets/a%20b.css', 'assets/a b.css'],
  ])('serves %s from the renderer build', (url, file) => {
    expect(resolveRendererFile(ROOT, url)).toBe(path.join(ROOT, file))
  })

  it.each([
    'app://mailwarden/../package.json',
    'app://mailwarden/%2e%2e/package.json',
    'app://mailwarden/assets/%2e%2e/%2e%2e/package.json',
    'app://mailwarden/..%2fpackage.json',
    'app://mailwarden/..%2f..%2f..%2fetc%2fpasswd',
    'app://mailwarden/..%5c..%5cwindows%5cwin.ini',
    'app://mailwarden/%2fetc%2fpasswd',
    'app://mailwarden/index.html%00.png',
    'app://mailwarden/%E0%A4%A',
    'app://evil/index.html',
    'app://mailwarden.evil.com/index.html',
    'file:///srv/mailwarden/dist/renderer/index.html',
    'https://mailwarden/index.html',
  ])('never leaves the renderer build for %s', (url) => {
    // URL parsing already folds plain and %2e dot segments into the root; what is left is refused.
    const resolved = resolveRendererFile(ROOT, url)
    expect(resolved === null || resolved.startsWith(`${ROOT}${path.sep}`)).toBe(true)
  })

  it('refuses traversal outright rather than clamping it into the root', () => {
    expect(resolveRendererFile(ROOT, 'app://mailwarden/..%2f..%2fetc%2fpasswd')).toBeNull()
    expect(resolveRendererFile(ROOT, 'app://mailwarden/index.html%00.png')).toBeNull()
    expect(resolveRendererFile(ROOT, 'app://mailwarden/%E0%A4%A')).toBeNull()
    expect(resolveRendererFile(ROOT, 'app://evil/index.html')).toBeNull()
  })

  it('refuses Windows-style traversal with the win32 path rules', () => {
    const root = 'C:\\Program Files\\Mailwarden\\resources\\dist\\renderer'
    expect(resolveRendererFile(root, 'app://mailwarden/..%5c..%5cwin.ini', path.win32)).toBeNull()
    const drive = resolveRendererFile(root, 'app://mailwarden/C:%5cWindows%5cwin.ini', path.win32)
    expect(drive === null || drive.startsWith(`${root}\\`)).toBe(true)
    expect(resolveRendererFile(root, 'app://mailwarden/assets/a.js', path.win32)).toBe(
      `${root}\\assets\\a.js`,
    )
  })
})

describe('isStrictlyInside', () => {
  it('treats a sibling whose name starts with the root as outside', () => {
    expect(isStrictlyInside('/a/renderer', '/a/renderer-evil/x')).toBe(false)
    expect(isStrictlyInside('/a/renderer', '/a/renderer')).toBe(false)
    expect(isStrictlyInside('/a/renderer', '/a/renderer/..foo')).toBe(true)
  })
})

describe('contentTypeFor', () => {
  it('names the types the renderer build uses and never guesses the rest', () => {
    expect(contentTypeFor('index.html')).toMatch(/^text\/html/)
    expect(contentTypeFor('a.JS')).toMatch(/^text\/javascript/)
    expect(contentTypeFor('a.css')).toMatch(/^text\/css/)
    expect(contentTypeFor('a.exe')).toBe('application/octet-stream')
  })
})
