import { defineConfig } from 'vitest/config'

// Two projects: `unit` (pure logic, plus real local parts: files, sockets, the keychain) and
// `lab` (integration against the real mail servers of e2e/lab, brought up once per run).
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,core,electron,renderer,scripts}/**/*.test.{ts,tsx}', 'e2e/architecture.test.ts'],
          exclude: ['**/*.lab.test.ts', '**/node_modules/**'],
          environment: 'node',
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['e2e/**/*.lab.test.ts', 'core/**/*.lab.test.ts'],
          globalSetup: ['e2e/lab/vitest-global-setup.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // The lab servers are shared state; one file at a time keeps their logs readable.
          fileParallelism: false,
        },
      },
    ],
  },
})
