// DKIM verification from this window, one store for the DKIM section, each workflow in its own
// file: one message (message.ts, dkim.verify), a folder (batch.ts, dkim.batch, a long run per
// slice) and an mbox (archive.ts, dkim.archive, one long run whose rows arrive with its
// progress). A folder and an mbox share the batch area (slot.ts); their runs are followed by the
// run tracker (../run-tracker.ts). This file only wires the store's actions to them.
import { create } from 'zustand'
import type { Client, Unsubscribe } from '../../../shared/contract/index.js'
import { isMbox, verifyArchive } from './archive.js'
import { verifyFolder } from './batch.js'
import { MessageVerification } from './message.js'
import { BatchSlot } from './slot.js'
import { type DkimStore, initial } from './state.js'

export { isMbox } from './archive.js'
export { BATCH_UPLOADS_PER_SLICE, planSlices, type Slice } from './batch.js'
export { sortRows } from './sort.js'
export {
  asOfInstant,
  type BatchKind,
  type BatchPhase,
  type BatchStatus,
  fromFile,
  type MessageFile,
  type Sort,
  type SortKey,
  type VerifyOptions,
  type VerifyStatus,
} from './state.js'

export const useDkimStore = create<DkimStore>()((set, get) => ({
  ...initial,
  setOptions: (patch) => set((s) => ({ options: { ...s.options, ...patch } })),
  verifyBytes: (bytes, name) => message.verify(bytes, name),
  verifyText: (text) => get().verifyBytes(new TextEncoder().encode(text), 'pasted message'),
  verifyFiles: (files) => verifyFolder(slot, files),
  verifyMbox: (file) => verifyArchive(slot, file),
  async openFile(file) {
    if (await isMbox(file)) return get().verifyMbox(file)
    return get().verifyBytes(new Uint8Array(await file.arrayBuffer()), file.name)
  },
  cancelBatch: () => slot.cancel(),
  receiveProgress: (event) => slot.folderRuns.receiveProgress(event),
  receiveFinished: (event) => slot.folderRuns.receiveFinished(event),
  receiveArchiveProgress: (event) => slot.archiveRuns.receiveProgress(event),
  receiveArchiveFinished: (event) => slot.archiveRuns.receiveFinished(event),
  setSort: (key) => set((s) => ({ sort: { key, ascending: s.sort.key === key ? !s.sort.ascending : true } })),
  reset() {
    message.forget()
    slot.reset()
    set(initial)
  },
}))

// The workflows read and write the store through its API; the actions above reach them only
// when called, after both exist.
const message = new MessageVerification(useDkimStore)
const slot = new BatchSlot(useDkimStore)

/** Wires the batch and mbox runs' events (connect.ts). */
export function connectDkimEvents(client: Client): Unsubscribe[] {
  return [
    client.on('dkim.batch.progress', (event) => useDkimStore.getState().receiveProgress(event)),
    client.on('dkim.batch.finished', (event) => useDkimStore.getState().receiveFinished(event)),
    client.on('dkim.archive.progress', (event) => useDkimStore.getState().receiveArchiveProgress(event)),
    client.on('dkim.archive.finished', (event) => useDkimStore.getState().receiveArchiveFinished(event)),
  ]
}
