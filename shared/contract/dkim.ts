// The dkim job's part of the contract: its operations and events (filled in by the dkim issue).
export const dkimOperations = {} as const
export const dkimEvents = {} as const
