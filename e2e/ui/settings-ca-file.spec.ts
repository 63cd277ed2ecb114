// The extra CA file is checked when it is set (issue 13): a path that does not exist, or a file
// that holds no certificate, is refused by the engine with its sentence next to the field, the
// page does not say "Saved", and nothing is saved. A real PEM file is saved.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { makeTlsMaterial } from '../../core/net/test-support/tls-material'
import { expect, test } from '../fixtures/webhost'
import { MailwardenPage } from './pages/mailwarden'

const material = makeTlsMaterial()
test.afterAll(() => material.remove())

async function savedSettings(configDir: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(path.join(configDir, 'settings.json'), 'utf8'))
  } catch {
    return null
  }
}

test('a CA file that does not exist, or is not a certificate, is refused next to the field', async ({
  page,
  webhost,
}) => {
  const app = new MailwardenPage(page)
  await app.open(webhost.url)
  await app.goTo('Settings')
  const caFile = page.getByLabel('Extra trusted CA file')
  const missing = path.join(material.dir, 'company-ca.pem')

  // Straight from the field to Save: refused, with the engine's reason by the field.
  await caFile.fill(missing)
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('alert')).toHaveText(
    'Nothing was saved: correct the field marked above.',
  )
  await expect(app.networkGroup.getByRole('status')).not.toHaveText('Saved')
  await expect(caFile).toHaveAttribute('aria-invalid', 'true')
  await expect(caFile).toHaveAccessibleDescription(/cannot be read: it does not exist/)
  expect(await savedSettings(webhost.configDir)).toBeNull()

  // A file that is not a certificate: said as soon as the field is left.
  const notes = path.join(material.dir, 'notes.txt')
  await writeFile(notes, 'not a certificate\n')
  await caFile.fill(notes)
  await page.keyboard.press('Tab')
  await expect(caFile).toHaveAccessibleDescription(/holds no usable PEM certificate/)
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('alert')).toHaveText(
    'Nothing was saved: correct the field marked above.',
  )
  expect(await savedSettings(webhost.configDir)).toBeNull()

  // Editing clears the old verdict; a real CA file is saved.
  await caFile.fill(material.caPath)
  await expect(caFile).not.toHaveAttribute('aria-invalid', 'true')
  await app.saveNetwork.click()
  await expect(app.networkGroup.getByRole('status')).toHaveText('Saved')
  expect((await savedSettings(webhost.configDir))?.extraCaFile).toBe(material.caPath)
})
