// `domain check` of the administrator's own domain: DKIM key records, DomainKeys policy, SPF, DMARC.
export {
  type CheckDomainOptions,
  checkDomain,
  type MailPhaseOptions,
  normalizeDomain,
  verdictOf,
} from './check-domain.js'
export type { DaneHostResult, DaneReport } from './dane.js'
export type { PrivateKeyToMatch } from './dkim-records.js'
export type { MxCheck, MxHostCheck } from './mx.js'
export { COMMON_SELECTORS, selectorProblem } from './selectors.js'
export type * from './types.js'
