// Injected by the build (esbuild define); under tests the package.json version is read instead.
import { readFileSync } from 'node:fs'

declare const __MAILWARDEN_VERSION__: string | undefined

function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

export const APP_NAME = 'Mailwarden'
export const APP_VERSION: string =
  typeof __MAILWARDEN_VERSION__ === 'string' ? __MAILWARDEN_VERSION__ : readPackageVersion()
