// Types of mailauth-peer.mjs for the benchmark that imports it.
export interface PeerResult {
  messages: number
  passed: number
  /** The first few messages that did not pass, in mailauth's words. */
  failures: string[]
}
export function verifyAll(target: string, keyFileText: string): Promise<PeerResult>
/** A mailauth resolver answering TXT queries from the key file's `NAME TXT-VALUE` lines. */
export function keyResolver(keyFileText: string): (name: string, rrtype: string) => Promise<string[][]>
