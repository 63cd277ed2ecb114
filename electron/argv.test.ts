import { describe, expect, it } from 'vitest'
import { messagePathsFromArgv, startsHidden } from './argv.js'

describe('messagePathsFromArgv', () => {
  it('takes .eml paths after the app (packaged) and resolves them against the launch directory', () => {
    const argv = ['/opt/Mailwarden/mailwarden', '--no-sandbox', 'inbox/Hello.EML', '/tmp/a.eml', 'notes.txt']
    expect(messagePathsFromArgv(argv, { cwd: '/home/ann', isPackaged: true })).toEqual([
      '/home/ann/inbox/Hello.EML',
      '/tmp/a.eml',
    ])
  })

  it('skips the main script in development', () => {
    const argv = ['/x/electron', '/repo/dist/electron/main.mjs', 'm.eml']
    expect(messagePathsFromArgv(argv, { cwd: '/w', isPackaged: false })).toEqual(['/w/m.eml'])
  })

  it('accepts file:// URLs (Linux %U) and never other schemes', () => {
    const argv = ['app', 'file:///home/ann/My%20Mail.eml', 'https://evil.example/x.eml', 'mailto:a@b.eml']
    expect(messagePathsFromArgv(argv, { cwd: '/', isPackaged: true })).toEqual(['/home/ann/My Mail.eml'])
  })

  it('ignores switches, repeats and a second-instance argv full of Chromium flags', () => {
    const argv = ['app', '--enable-features=X', '--hidden', 'a.eml', './a.eml', '--', '-x.eml']
    expect(messagePathsFromArgv(argv, { cwd: '/d', isPackaged: true })).toEqual(['/d/a.eml'])
  })

  it('knows when it was started at login', () => {
    expect(startsHidden(['app', '--hidden'])).toBe(true)
    expect(startsHidden(['app', 'x.eml'])).toBe(false)
  })
})
