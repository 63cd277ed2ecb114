#!/usr/bin/env node
// The package's `mailwarden` command: runs the built CLI, or says how to build it.
const fs = require('node:fs')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

const entry = path.join(__dirname, '..', 'dist', 'cli.mjs')
if (!fs.existsSync(entry)) {
  process.stderr.write(
    'Mailwarden is not built yet: run `npm run build` (or `npm start`) in its folder first.\n',
  )
  process.exit(3)
}
import(pathToFileURL(entry).href)
