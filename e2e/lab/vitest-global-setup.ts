// Vitest globalSetup (lab project): bring the mail lab up once per run, and down afterwards
// only if this run started it (an orchestrator or a developer may have brought it up already).
import { down, isUp, up } from './lifecycle.js'

export default async function setup(): Promise<() => Promise<void>> {
  const started = isUp() ? false : (await up((l) => console.log(`[lab] ${l}`))).started
  return async () => {
    if (started) await down((l) => console.log(`[lab] ${l}`))
  }
}
