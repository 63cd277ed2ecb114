import { spawn } from 'node:child_process'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { shown } from '../../dkim/archive/printed.js'
import { inProcessCli } from '../test-support/run-cli.js'
import { progressLine } from './dkim.js'

const root = path.resolve(import.meta.dirname, '..', '..', '..')
const real = path.join(root, 'e2e', 'corpus', 'dkim-real')
const keys = path.join(real, 'keys.txt')
const { cli, dir } = inProcessCli('mw-cli-dkim-', { configSubdir: 'config' })

const AT = ['--at', '2020-01-01T00:00:00Z']

describe('mailwarden dkim verify (one message)', () => {
  it('puts the verdict first, then each signature, and exits 0 when an aligned signature passes', async () => {
    const { code, out, err } = await cli([
      'dkim',
      'verify',
      path.join(real, 'rfc8463-a3.eml'),
      '--keys',
      keys,
      ...AT,
    ])
    expect(err).toBe('')
    expect(code).toBe(0)
    const lines = out.split('\n')
    expect(lines[0]).toMatch(
      /^DKIM verdict: pass: the signature of football\.example\.com verifies and is aligned with From/,
    )
    expect(out).toMatch(
      /Signature 1: pass {2}d=football\.example\.com s=brisbane ed25519-sha256 relaxed\/relaxed/,
    )
    expect(out).toMatch(
      /Signature 2: pass {2}d=football\.example\.com s=test rsa-sha256 relaxed\/relaxed, 1024-bit key/,
    )
    // A key file: nothing may be asked of DNS, so no DMARC tree walk for relaxed alignment.
    expect(lines).toContain('Alignment: organizational domains by the public suffix list (no DNS tree walk)')
  })

  it("prints the issue's JSON shape with --json, and everything the text says", async () => {
    const { code, out } = await cli([
      'dkim',
      'verify',
      path.join(real, 'real-amazon.eml'),
      '--keys',
      keys,
      '--json',
    ])
    expect(code).toBe(0)
    const report = JSON.parse(out)
    // The first version's keys first, so scripts written against them keep working.
    expect(Object.keys(report).slice(0, 5)).toEqual([
      'signatures',
      'findings',
      'from',
      'verdict',
      'alignedPass',
    ])
    expect(report).toMatchObject({
      fromDomain: 'amazon.com',
      dmarcSignature: 0,
      alignmentBasis: 'public-suffix-list',
      verifiedAtSource: 'received',
    })
    // What the receiving server said, and where Mailwarden differs (amazonses.com's key is not given).
    expect(report.receivedResults).toEqual([
      expect.objectContaining({ domain: 'amazon.com', result: 'pass', ours: 'pass', disagrees: false }),
      expect.objectContaining({
        domain: 'amazonses.com',
        result: 'pass',
        ours: 'permerror',
        disagrees: true,
      }),
    ])
    expect(report.verdict).toBe('pass')
    expect(report.signatures).toHaveLength(2)
    expect(Object.keys(report.signatures[0]).slice(0, 11)).toEqual([
      'domain',
      'selector',
      'algorithm',
      'canonicalization',
      'result',
      'reason',
      'keyBits',
      'bodyLength',
      'signedHeaders',
      'aligned',
      'testing',
    ])
    // What the text prints per signature: alignment, DMARC, times, body, key source, failed steps.
    expect(report.signatures[0]).toMatchObject({
      domain: 'amazon.com',
      result: 'pass',
      keyBits: 1024,
      aligned: true,
      alignment: 'strict',
      countsForDmarc: true,
      keySource: 'key file',
      body: { matches: true },
      stepsNotOk: [expect.objectContaining({ name: 'check-key', status: 'warn' })],
    })
    expect(report.signatures[0].signedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(report.signatures[1]).toMatchObject({ domain: 'amazonses.com', result: 'permerror' })
    expect(report.signatures[1].stepsNotOk.map((s: { name: string }) => s.name)).toContain('fetch-key')
    expect(report.findings.map((f: { id: string }) => f.id)).toContain('key-weak')
    for (const f of report.findings) {
      expect(Object.keys(f).slice(0, 4)).toEqual(['id', 'severity', 'title', 'detail'])
      expect(f.advice, f.id).toEqual(expect.any(String))
      expect(f.explain, f.id).toEqual(expect.any(String))
    }
    const text = await cli(['dkim', 'verify', path.join(real, 'real-amazon.eml'), '--keys', keys])
    for (const f of report.findings) expect(text.out).toContain(`what to do: ${f.advice}`)
  })

  it('explains a tampered message and exits 1', async () => {
    const text = await readFile(path.join(real, 'rfc6376-a2.eml'), 'latin1')
    const file = path.join(dir(), 'tampered.eml')
    await writeFile(file, Buffer.from(text.replace('We lost the game', 'We won the game'), 'latin1'))
    const { code, out } = await cli(['dkim', 'verify', file, '--keys', keys, ...AT])
    expect(code).toBe(1)
    expect(out.split('\n')[0]).toMatch(/^DKIM verdict: fail: no signature verifies\./)
    expect(out).toMatch(/Findings:\n(.|\n)*\[bad\]/)
    expect(out).toMatch(/hash does NOT match|body hash/i)
  })

  it('exits 2 with one sentence for unusable input and arguments', async () => {
    const empty = path.join(dir(), 'empty.eml')
    await writeFile(empty, '')
    const cases: Array<[string[], RegExp]> = [
      [['dkim', 'verify', empty, '--keys', keys], /empty/i],
      [
        ['dkim', 'verify', path.join(dir(), 'nope.eml'), '--keys', keys],
        /Cannot read .*nope.eml: no such file or directory/,
      ],
      [['dkim', 'verify', path.join(real, 'rfc6376-a2.eml'), '--at', 'yesterday-ish'], /--at must be a date/],
      [
        ['dkim', 'verify', path.join(real, 'rfc6376-a2.eml'), '--dns', 'my-router'],
        /--dns must be an IP address/,
      ],
      [
        ['dkim', 'verify', path.join(real, 'rfc6376-a2.eml'), '--keys', path.join(dir(), 'missing-keys.txt')],
        /Cannot read the key file/,
      ],
      [['dkim', 'verify'], /needs a message/],
      [['dkim', 'check', 'x.eml'], /Unknown dkim action/],
      [['dkim', 'verify', 'a.eml', '--json', '--json-lines'], /not both/],
      [['dkim', 'verify', 'a.eml', '--bogus'], /--bogus/],
    ]
    for (const [argv, message] of cases) {
      const { code, err, out } = await cli(argv)
      expect([argv.join(' '), code]).toEqual([argv.join(' '), 2])
      expect(err).toMatch(message)
      expect(err.split('\n')).toHaveLength(1)
      expect(out).toBe('')
    }
  })

  it('reads the exact bytes of standard input with - (a real process)', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'core/cli/bin.ts'),
        'dkim',
        'verify',
        '-',
        '--keys',
        keys,
        '--json',
        ...AT,
      ],
      {
        cwd: root,
        env: { ...process.env, MAILWARDEN_CONFIG_DIR: path.join(dir(), 'config-stdin') },
      },
    )
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
    })
    child.stdin.end(await readFile(path.join(real, 'rfc8463-dkimpy-dual.eml')))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(JSON.parse(out).signatures.map((s: { result: string }) => s.result)).toEqual(['pass', 'pass'])
  }, 40_000) // a real process loading the sources through tsx, on a busy machine
})

describe('mailwarden dkim verify (many messages)', () => {
  let tree: string
  beforeAll(async () => {
    tree = path.join(dir(), 'tree')
    const emls = path.join(tree, 'emls')
    await mkdir(emls, { recursive: true })
    for (const f of ['rfc6376-a2.eml', 'rfc8463-a3.eml', 'rfc8463-dkimpy-rsa.eml'])
      await copyFile(path.join(real, f), path.join(emls, f))
    const broken = (await readFile(path.join(real, 'rfc6376-a2.eml'), 'latin1')).replace(
      'We lost the game',
      'We won the game',
    )
    await writeFile(path.join(emls, 'z-tampered.eml'), Buffer.from(broken, 'latin1'))
    const maildir = path.join(tree, 'Maildir')
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true })
    await copyFile(path.join(real, 'rfc8463-dkimpy-dual.eml'), path.join(maildir, 'new', '1700000000.1.host'))
    await copyFile(path.join(real, 'rfc8463-a3.eml'), path.join(maildir, 'cur', '1700000001.2.host:2,S'))
    // An mboxrd with two messages; the second has a body line that starts with "From " (escaped).
    const a = (await readFile(path.join(real, 'rfc8463-dkimpy-rsa.eml'), 'latin1')).replace(/\r\n/g, '\n')
    const b = (await readFile(path.join(real, 'rfc6376-a2.eml'), 'latin1')).replace(/\r\n/g, '\n')
    await writeFile(
      path.join(tree, 'archive.mbox'),
      Buffer.from(
        `From joe@football.example.com Mon Jan  1 10:00:00 2018\n${a}\nFrom jdoe@example.com Fri Jul 11 21:01:54 2003\n${b}\n`,
        'latin1',
      ),
    )
  })

  it('prints one JSON line per message (path, or mbox offset) and a summary last; exit 1 when one fails', async () => {
    const { code, out } = await cli([
      'dkim',
      'verify',
      path.join(tree, 'emls'),
      path.join(tree, 'Maildir'),
      path.join(tree, 'archive.mbox'),
      '--keys',
      keys,
      ...AT,
      '--json-lines',
    ])
    const lines = out.split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(9)
    const rows = lines.slice(0, -1)
    expect(rows.map((r) => [path.relative(tree, r.path), r.offset ?? null, r.verdict])).toEqual([
      ['emls/rfc6376-a2.eml', null, 'pass'],
      ['emls/rfc8463-a3.eml', null, 'pass'],
      ['emls/rfc8463-dkimpy-rsa.eml', null, 'pass'],
      ['emls/z-tampered.eml', null, 'fail'],
      ['Maildir/new/1700000000.1.host', null, 'pass'],
      ['Maildir/cur/1700000001.2.host:2,S', null, 'pass'],
      ['archive.mbox', 0, 'pass'],
      ['archive.mbox', expect.any(Number), 'pass'],
    ])
    expect(lines.at(-1)).toMatchObject({
      summary: { messages: 8, alignedPass: 7, notPassing: 1, unusable: 0 },
    })
    expect(code).toBe(1)
  }, 40_000) // worker threads that compile the sources through tsx (the build ships them compiled)

  it('--shard I/N: the N parts together are exactly one run, each message in one part', async () => {
    const args = [
      'dkim',
      'verify',
      path.join(tree, 'emls'),
      path.join(tree, 'Maildir'),
      path.join(tree, 'archive.mbox'),
      '--keys',
      keys,
      ...AT,
      '--json-lines',
    ]
    const rowsOf = (out: string) =>
      out
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((r) => !('summary' in r))
        .map((r) => JSON.stringify({ ...r, verifiedAt: null }))
    const whole = rowsOf((await cli(args)).out)
    const parts: string[][] = []
    for (const i of [1, 2, 3]) parts.push(rowsOf((await cli([...args, '--shard', `${i}/3`])).out))
    expect(parts.flat().sort()).toEqual([...whole].sort())
    // The mbox's two messages go to different parts: an mbox is split by message, not by file.
    const mboxParts = parts.map((p) => p.filter((r) => r.includes('archive.mbox')).length)
    expect(mboxParts.filter((n) => n > 0).length).toBe(2)
    // A part that holds nothing is not an error of the whole: a summary of 0 messages, exit 0.
    const one = path.join(tree, 'emls', 'rfc6376-a2.eml')
    const halves = [
      await cli(['dkim', 'verify', one, '--keys', keys, ...AT, '--json-lines', '--shard', '1/2']),
    ]
    halves.push(await cli(['dkim', 'verify', one, '--keys', keys, ...AT, '--json-lines', '--shard', '2/2']))
    const counts = halves.map((r) => JSON.parse(r.out.split('\n').at(-1) ?? '{}').summary.messages)
    expect([...counts].sort()).toEqual([0, 1])
    expect(halves[counts.indexOf(0)]?.code).toBe(0)
    for (const bad of ['0/3', '4/3', '1/0', 'x'])
      expect((await cli(['dkim', 'verify', tree, '--keys', keys, '--shard', bad])).code).toBe(2)
  }, 60_000)

  it('gives the same results on worker threads as in one thread', async () => {
    const args = [
      'dkim',
      'verify',
      path.join(tree, 'emls'),
      path.join(tree, 'archive.mbox'),
      '--keys',
      keys,
      ...AT,
      '--json',
    ]
    const threads = await cli([...args, '--workers', '2'])
    const single = await cli([...args, '--workers', '0'])
    const strip = (text: string) => JSON.parse(text).messages
    expect(strip(threads.out)).toEqual(strip(single.out))
    expect(strip(threads.out)).toHaveLength(6)
    expect(threads.code).toBe(1)
  }, 40_000)

  it('prints a line per message and a summary for people; unreadable paths are rows, not crashes', async () => {
    const { code, out } = await cli([
      'dkim',
      'verify',
      path.join(tree, 'emls'),
      path.join(tree, 'missing'),
      '--keys',
      keys,
      ...AT,
      '--workers',
      '0',
    ])
    expect(code).toBe(1)
    expect(out).toMatch(/^pass {6}.*rfc6376-a2\.eml {2}example\.com=pass$/m)
    expect(out).toMatch(/^fail {6}.*z-tampered\.eml/m)
    expect(out).toMatch(/^error {5}.*missing: no such file or directory$/m)
    expect(out).toMatch(/5 messages: 3 pass \(aligned with From\), 1 do not, 1 unusable/)
  })

  it('counts one message as "1 message"', async () => {
    const one = path.join(dir(), 'one')
    await mkdir(one, { recursive: true })
    await copyFile(path.join(real, 'rfc6376-a2.eml'), path.join(one, 'only.eml'))
    const { code, out } = await cli(['dkim', 'verify', one, '--keys', keys, ...AT, '--workers', '0'])
    expect(code).toBe(0)
    expect(out).toMatch(/\n1 message: 1 pass \(aligned with From\)/)
  })

  it('exits 2 when nothing at all could be read', async () => {
    const { code, err } = await cli([
      'dkim',
      'verify',
      path.join(tree, 'missing-1'),
      path.join(tree, 'missing-2'),
      '--keys',
      keys,
    ])
    expect(code).toBe(2)
    expect(err).toMatch(/No message could be verified: no such file or directory/)
  })
})

describe('terminal output', () => {
  it('escapes control and bidi characters from the message', () => {
    expect(shown('a\u001b[31mred\u202eevil\r\n')).toBe(
      'a\\u{1b}[31mred\\u{202e}evil\\u{d}\\n'.replace('\\n', '\n'),
    )
  })

  it('draws progress only on a TTY, and only after a second', () => {
    const written: string[] = []
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream
    const pipe = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream
    progressLine(tty, Date.now()).update(10)
    progressLine(pipe, Date.now() - 5000).update(10)
    expect(written).toEqual([])
    const late = progressLine(tty, Date.now() - 2000)
    late.update(1000)
    expect(written[0]).toMatch(/^\r\[#*\.*\] 1000 messages, \d+\/s $/)
    late.clear()
    expect(written[1]).toBe('\r\u001b[K')
  })
})

describe('mailwarden dkim verify: a forged first line is one message, never an mbox (dist/cli.mjs)', () => {
  const cliFile = path.join(root, 'dist', 'cli.mjs')
  async function run(args: string[], stdin?: Buffer) {
    const child = spawn(process.execPath, [cliFile, 'dkim', 'verify', ...args, '--keys', keys, ...AT], {
      cwd: root,
      env: { ...process.env, MAILWARDEN_CONFIG_DIR: path.join(dir(), 'config-forged') },
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
    })
    child.stdin.end(stdin ?? Buffer.alloc(0))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    return { code, out }
  }
  let signed: Buffer
  beforeAll(async () => {
    signed = await readFile(path.join(real, 'rfc6376-a2.eml'))
  })

  for (const [label, first] of [
    ['"From : x"', 'From : ceo@bank.example'],
    ['"From x"', 'From ceo@bank.example'],
  ] as const) {
    it(`reads a file whose first line is ${label} as one message: bad finding, not aligned, exit 1`, async () => {
      const file = path.join(dir(), `forged-${label.length}`) // no .eml: the first line decides
      await writeFile(file, Buffer.concat([Buffer.from(`${first}\r\n`), signed]))
      const { code, out } = await run([file, '--json'])
      expect(code).toBe(1)
      const report = JSON.parse(out)
      expect(report.messages).toBeUndefined()
      expect(report.verdict).toBe('pass')
      expect(report.alignedPass).toBe(false)
      expect(report.findings).toContainEqual(
        expect.objectContaining({ id: 'first-line-not-header', severity: 'bad' }),
      )
      const human = await run([file])
      expect(human.out.split('\n')[0]).toMatch(/names its author more than once/)
      expect(human.out).toMatch(/\[bad\] The first line is not a valid header field/)
    }, 40_000)
  }

  it('verifies many messages on the threads asked for (the bundle finds its worker)', async () => {
    const many = path.join(dir(), 'many-dist')
    await mkdir(many, { recursive: true })
    for (const f of ['rfc6376-a2.eml', 'rfc8463-a3.eml', 'rfc8463-dkimpy-rsa.eml'])
      await copyFile(path.join(real, f), path.join(many, f))
    for (const workers of ['2', '1', '0']) {
      const { code, out } = await run([many, '--json-lines', '--workers', workers])
      expect(JSON.parse(out.trim().split('\n').at(-1) ?? '{}').summary).toMatchObject({
        messages: 3,
        alignedPass: 3,
        threads: Number(workers),
      })
      expect(code).toBe(0)
    }
  })

  it('reads standard input and any .eml as one message, even after a real From_ line', async () => {
    const withSeparator = Buffer.concat([
      Buffer.from('From jdoe@example.com Fri Jul 11 21:01:54 2003\n'),
      signed,
    ])
    const stdin = await run(['-', '--json'], withSeparator)
    expect(stdin.code).toBe(1)
    expect(JSON.parse(stdin.out).findings.map((f: { id: string }) => f.id)).toContain('first-line-not-header')
    const eml = path.join(dir(), 'saved.eml')
    await writeFile(eml, withSeparator)
    expect(JSON.parse((await run([eml, '--json'])).out).alignedPass).toBe(false)
    // The same bytes under another name are an mbox of one message, which passes.
    const mbox = path.join(dir(), 'saved-mbox')
    await writeFile(mbox, withSeparator)
    const asMbox = await run([mbox, '--json'])
    expect(asMbox.code).toBe(0)
    expect(JSON.parse(asMbox.out).messages).toHaveLength(1)
  }, 60_000)
})
