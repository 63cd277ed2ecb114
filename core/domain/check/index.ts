// `domain check` of the administrator's own domain: DKIM key records, DomainKeys policy, SPF, DMARC.
export { type CheckDomainOptions, checkDomain, normalizeDomain, verdictOf } from './check-domain.js'
export type { PrivateKeyToMatch } from './dkim-records.js'
export { COMMON_SELECTORS, selectorProblem } from './selectors.js'
export type * from './types.js'
