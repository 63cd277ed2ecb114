// The probe job's part of the contract: its operations and events (filled in by the probe issue).
export const probeOperations = {} as const
export const probeEvents = {} as const
