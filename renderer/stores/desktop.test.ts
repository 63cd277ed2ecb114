import { afterEach, describe, expect, it } from 'vitest'
import { receiveOpenedMessage } from './desktop.js'
import { useDkimStore } from './dkim/index.js'
import { useNavigationStore } from './navigation.js'

afterEach(() => {
  useNavigationStore.getState().reset()
  useDkimStore.getState().reset()
})

describe('a message opened by the OS', () => {
  it('brings the DKIM section forward and shows why a file could not be opened', () => {
    receiveOpenedMessage({
      name: 'huge.eml',
      error: 'huge.eml is 90.0 MB; Mailwarden opens messages up to 64 MB.',
    })
    expect(useNavigationStore.getState().section).toBe('dkim')
    expect(useDkimStore.getState()).toMatchObject({
      status: 'failed',
      name: 'huge.eml',
      error: 'huge.eml is 90.0 MB; Mailwarden opens messages up to 64 MB.',
    })
  })
})
