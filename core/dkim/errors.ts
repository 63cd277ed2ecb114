// Input the verifier cannot work with at all (as opposed to a message whose signatures fail).
/** empty: no bytes; too-large: over maxBytes or a header block over MAX_HEADER_BYTES; aborted: the signal fired. */
export type DkimInputProblem = 'empty' | 'too-large' | 'aborted'

export class DkimInputError extends Error {
  readonly problem: DkimInputProblem
  constructor(problem: DkimInputProblem, message: string) {
    super(message)
    this.name = 'DkimInputError'
    this.problem = problem
  }
}
