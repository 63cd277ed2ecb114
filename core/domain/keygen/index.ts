// `dkim keygen`'s public surface: make a key (also for the lab's Exim), describe it, write it.
export { type KeygenAdvice, keygenAdvice } from './advice.js'
export {
  defaultKeyFile,
  describeKeys,
  edFileOf,
  edSelectorOf,
  type KeygenRecord,
  type KeygenRequest,
  type KeygenResult,
  planKeygen,
  runKeygen,
} from './keygen.js'
export {
  type DkimKey,
  isKeygenType,
  KEYGEN_TYPES,
  type KeygenType,
  type KeyType,
  makeDkimKey,
  publicKeyValue,
} from './make-key.js'
export { domainProblem, recordName, selectorProblem, splitTxtStrings, zoneFileRecord } from './record.js'
export { seedFileOf, signerSnippets } from './snippets.js'
export { KeyFileExistsError, KeyFileWriteError, writeKeyFile } from './write-key.js'
