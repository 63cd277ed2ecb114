// The DKIM verifier's public surface: key sources and verifyMessage. Everything else in this
// folder is internal (docs/dkim.md explains how it works).
export type { DkimFinding, DkimReport, DkimSignatureReport } from '../../shared/contract/dkim.js'
export type { DkimResult } from '../../shared/contract/mail.js'
export {
  cachedKeySource,
  dnsKeySource,
  isLearning,
  KEY_STORE_FILE,
  type KeyLookup,
  type KeyObservation,
  type KeySource,
  keyFileSource,
  keyStore,
  type LearningKeySource,
  parseKeyFile,
  type StoredKey,
} from './key-sources.js'
export { DkimInputError, type VerifyOptions, verifyMessage } from './verify.js'
