// Nothing in the DKIM section scrolls sideways at 800×600 with real results: a message signed with
// a very long selector and domain (its report, its canonical data opened), and an mbox of such
// messages in the batch table. The page does not scroll sideways, no element runs past its card,
// and nothing inside a card scrolls sideways either (a box that scrolls, such as the canonical
// header block, may scroll down, never across).
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { expect, REPO_ROOT, test } from '../fixtures/webhost'
import { DkimPage } from './pages/dkim'
import { MailwardenPage } from './pages/mailwarden'

const SHOTS = process.env.MAILWARDEN_SHOTS_DIR
const CORPUS = path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real')
const DOMAIN =
  'newslettersofthedepartmentofcommunicationswithaverylonglabel.mailinfrastructuresubdomainoftheorganisation.example'
const SELECTOR = 'selectorrotatedindecembertwentytwentysixforthenewsletterx.secondlabeloftheselector'

/** A message signed here (relaxed/relaxed, rsa-sha256, node:crypto) with the long d= and s=. */
function signedMessage(): { bytes: Buffer; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const body = 'Hello,\r\n\r\nThe layout must hold with long names.\r\n'
  const headers: [string, string][] = [
    ['From', `Newsletter <news-and-announcements-for-every-subscriber@${DOMAIN}>`],
    ['To', 'reader@example.org'],
    ['Subject', 'Long names'],
    ['Date', 'Tue, 01 Dec 2026 10:00:00 +0000'],
  ]
  const bh = createHash('sha256').update(body, 'latin1').digest('base64')
  const tags = `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${DOMAIN}; s=${SELECTOR}; h=from:to:subject:date; bh=${bh}; b=`
  const canonical = headers.map(([name, value]) => `${name.toLowerCase()}:${value}\r\n`).join('')
  const b = sign('sha256', Buffer.from(`${canonical}dkim-signature:${tags}`, 'latin1'), privateKey)
  const p = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64')
  const head = [`DKIM-Signature: ${tags}${b.toString('base64')}`, ...headers.map(([n, v]) => `${n}: ${v}`)]
  return {
    bytes: Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1'),
    record: `${SELECTOR}._domainkey.${DOMAIN} v=DKIM1; k=rsa; p=${p}`,
  }
}

/** What runs past the page or past its card: selectors of the offenders, with their overflow. */
async function overflows(page: Page): Promise<{ page: number; elements: string[] }> {
  return page.evaluate(() => {
    // Runs in the page; e2e/ is typed without the DOM, so name the few browser parts used.
    type Box = { left: number; right: number }
    type El = {
      tagName: string
      className: unknown
      parentElement: El | null
      getBoundingClientRect(): Box
      querySelectorAll(selector: string): Iterable<El>
      closest(selector: string): El | null
      textContent: string | null
    }
    const doc = (
      globalThis as unknown as {
        document: {
          scrollingElement: { scrollWidth: number; clientWidth: number }
          querySelector(s: string): El
        }
      }
    ).document
    const style = (globalThis as unknown as { getComputedStyle(el: El): { overflowX: string } })
      .getComputedStyle
    const scrolling = doc.scrollingElement
    const main = doc.querySelector('main')
    const out: string[] = []
    for (const el of main.querySelectorAll('.card *')) {
      const card = el.closest('.card') as El
      const across = el as unknown as { scrollWidth: number; clientWidth: number }
      if (style(el).overflowX !== 'visible' && across.scrollWidth > across.clientWidth + 1)
        out.push(
          `${el.tagName.toLowerCase()}.${String(el.className)} scrolls across by ${across.scrollWidth - across.clientWidth}px`,
        )
      // Inside a box that clips or scrolls its content, only the box itself must fit.
      let clipped = false
      for (let up = el.parentElement; up && up !== card; up = up.parentElement)
        if (style(up).overflowX !== 'visible') clipped = true
      if (clipped) continue
      const box = el.getBoundingClientRect()
      const frame = card.getBoundingClientRect()
      const past = Math.max(box.right - frame.right, frame.left - box.left)
      if (past > 0.5)
        out.push(
          `${el.tagName.toLowerCase()}.${String(el.className)} by ${Math.round(past)}px: ${(el.textContent ?? '').slice(0, 60)}`,
        )
    }
    return { page: scrolling.scrollWidth - scrolling.clientWidth, elements: out }
  })
}

test.use({ viewport: { width: 800, height: 600 } })

test('at 800×600 the DKIM report and the mbox table of long names fit their cards', async ({
  page,
  webhost,
}) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-dkim-layout-'))
  try {
    const signed = signedMessage()
    const app = new MailwardenPage(page)
    await app.open(webhost.url)
    await app.goTo('DKIM')
    const dkim = new DkimPage(page)
    await dkim.openOptions()
    await dkim.keyRecords.fill(
      `${(await readFile(path.join(CORPUS, 'keys.txt'), 'utf8')).trim()}\n${signed.record}\n`,
    )
    await dkim.paste.fill(signed.bytes.toString('latin1'))
    await dkim.verifyPasted.click()
    await expect(dkim.verdictHeading).toContainText('pass')
    await expect(dkim.signatureHeading(1)).toContainText(DOMAIN.slice(0, 20))
    await dkim.signature(1).getByText('Show canonicalized data').click()
    await expect(dkim.signature(1).getByText('They match')).toBeVisible()
    if (SHOTS) {
      await mkdir(SHOTS, { recursive: true })
      await dkim.signature(1).screenshot({ path: path.join(SHOTS, 'dkim-long-names-800.png') })
    }
    expect(await overflows(page)).toEqual({ page: 0, elements: [] })

    // The full values are on screen, wrapped, not cut.
    const selector = dkim.signature(1).getByText(SELECTOR, { exact: false }).first()
    await expect(selector).toBeAttached()

    // An mbox of such messages and a real one: the table fits its card.
    const separator = `From news-and-announcements-for-every-subscriber@${DOMAIN} Tue Dec  1 10:00:00 2026`
    const cnn = await readFile(path.join(CORPUS, 'real-cnn.eml'))
    // A row with the widest verdict word: no key for its selector (permerror).
    const noKey = Buffer.from(cnn.toString('latin1').replace(' s=v2;', ' s=gone;'), 'latin1')
    const mbox = Buffer.concat(
      [signed.bytes, cnn, noKey, signed.bytes].map((m) =>
        Buffer.concat([Buffer.from(`${separator}\n`), m, Buffer.from('\n\n')]),
      ),
    )
    const file = path.join(dir, `an-export-with-a-long-file-name-from-the-mail-client-${'x'.repeat(40)}.mbox`)
    await writeFile(file, mbox)
    await page.getByLabel('An mbox file').setInputFiles(file)
    await expect(dkim.folder.getByRole('status')).toHaveText(/^Done: 4 messages verified/)
    if (SHOTS) await dkim.folder.screenshot({ path: path.join(SHOTS, 'dkim-mbox-table-800.png') })
    expect(await overflows(page)).toEqual({ page: 0, elements: [] })

    // And at 1280×800, where the table has room.
    await page.setViewportSize({ width: 1280, height: 800 })
    expect(await overflows(page)).toEqual({ page: 0, elements: [] })
    if (SHOTS) {
      await dkim.folder.screenshot({ path: path.join(SHOTS, 'dkim-mbox-table-1280.png') })
      await dkim.signature(1).screenshot({ path: path.join(SHOTS, 'dkim-long-names-1280.png') })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
