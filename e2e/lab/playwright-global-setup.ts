// Playwright globalSetup: same contract as the Vitest one. Returning a function makes it the
// global teardown; it stops the lab only if this setup started it.
import { down, isUp, up } from './lifecycle.js'

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = isUp() ? false : (await up((l) => console.log(`[lab] ${l}`))).started
  return async () => {
    if (started) await down((l) => console.log(`[lab] ${l}`))
  }
}
