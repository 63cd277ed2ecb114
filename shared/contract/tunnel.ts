// The tunnel job's part of the contract: its operations and events (filled in by the tunnel issue).
export const tunnelOperations = {} as const
export const tunnelEvents = {} as const
