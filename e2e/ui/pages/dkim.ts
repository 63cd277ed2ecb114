// The DKIM section as a user sees it, by role and label only.
import { expect, type Locator, type Page } from '@playwright/test'

export class DkimPage {
  constructor(readonly page: Page) {}

  get main(): Locator {
    return this.page.getByRole('main')
  }

  // Input

  get dropZone(): Locator {
    return this.page.getByRole('group', { name: 'Drop a .eml file here, or choose one' })
  }

  get messageFile(): Locator {
    return this.page.getByLabel('Message file', { exact: true })
  }

  get paste(): Locator {
    return this.page.getByLabel('Or paste the message source')
  }

  get verifyPasted(): Locator {
    return this.page.getByRole('button', { name: 'Verify pasted message' })
  }

  get options(): Locator {
    return this.page.getByText('Options: as of a date, keys instead of DNS')
  }

  get asOf(): Locator {
    return this.page.getByLabel('Verify as of')
  }

  get keyRecords(): Locator {
    return this.page.getByLabel('Key records')
  }

  async openOptions(): Promise<void> {
    if (!(await this.asOf.isVisible())) await this.options.click()
    await expect(this.asOf).toBeVisible()
  }

  /** Drops files on the drop zone the way a file manager does: a DataTransfer with Files in it. */
  async drop(files: { name: string; bytes: Buffer }[]): Promise<void> {
    await this.dropOn(this.dropZone, files)
  }

  /** The same drop, on any part of the window. */
  async dropOn(target: Locator, files: { name: string; bytes: Buffer }[]): Promise<void> {
    const list = files.map(({ name, bytes }) => ({ name, base64: bytes.toString('base64') }))
    const dataTransfer = await this.page.evaluateHandle((items) => {
      // Runs in the page; e2e/ is typed without the DOM, so name the few browser parts used.
      const page = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } }
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown
        atob(text: string): string
      }
      const transfer = new page.DataTransfer()
      for (const { name, base64 } of items) {
        const bytes = Uint8Array.from(page.atob(base64), (c) => c.charCodeAt(0))
        transfer.items.add(new page.File([bytes], name, { type: 'message/rfc822' }))
      }
      return transfer
    }, list)
    await target.dispatchEvent('dragover', { dataTransfer })
    await target.dispatchEvent('drop', { dataTransfer })
  }

  // Report

  get verdictHeading(): Locator {
    return this.page.getByRole('heading', { name: /^Verdict for / })
  }

  get error(): Locator {
    return this.main.getByRole('alert')
  }

  signature(n: number): Locator {
    return this.page.getByRole('article').filter({
      has: this.page.getByRole('heading', { name: new RegExp(`Signature ${n} of \\d+`) }),
    })
  }

  /** The heading of signature n: its result word first, then its domain and selector. */
  signatureHeading(n: number): Locator {
    return this.signature(n).getByRole('heading', { level: 3 })
  }

  findings(label: string): Locator {
    return this.page.getByRole('list', { name: label })
  }

  get received(): Locator {
    return this.page.getByRole('region', { name: 'What the receiving server said' })
  }

  get headers(): Locator {
    return this.page.getByRole('region', { name: 'Header fields, top first' })
  }

  // Folder

  get folderPicker(): Locator {
    return this.page.getByLabel('Folder of messages')
  }

  get severalFiles(): Locator {
    return this.page.getByLabel('Several message files')
  }

  get folder(): Locator {
    return this.page.getByRole('region', { name: 'Verify a folder' })
  }

  get cancel(): Locator {
    return this.folder.getByRole('button', { name: 'Cancel' })
  }

  get table(): Locator {
    return this.folder.getByRole('table')
  }

  sortButton(column: 'Name' | 'Verdict' | 'From' | 'Signing domain'): Locator {
    return this.table.getByRole('button', { name: column, exact: true })
  }

  columnHeader(column: 'Name' | 'Verdict' | 'From' | 'Signing domain'): Locator {
    return this.table.getByRole('columnheader', { name: column })
  }

  /** The Name column, top to bottom. */
  async names(): Promise<string[]> {
    return this.table.locator('tbody tr th').allInnerTexts()
  }

  /** The Verdict column, top to bottom. */
  async verdicts(): Promise<string[]> {
    const cells = await this.table.locator('tbody tr td:nth-of-type(1)').allInnerTexts()
    return cells.map((text) => text.replace(/^\W+\s*/, '').trim())
  }
}
