// The compiled relaxed-body.wat (693 bytes; see that file for what it does and why it exists) and
// its instance, shared by every relaxed canonicalizer: a call is synchronous and all of its state
// is passed in and returned, so canonicalizers never share anything through it.
// Rebuild after editing the .wat: wat2wasm core/dkim/relaxed-body.wat --output=/dev/stdout | base64 -w0

const WASM_BASE64 =
  'AGFzbQEAAAABCAFgA39/fwF/AwIBAAUDAQAJBhcEfwFBAAt/AUEAC38BQQALfwBBgIASCwcqBQZtZW1vcnkCAAVmbGFncwMABWVtcHR5AwEDcG9zAwIHcmVsYXhlZAAACtIEAc8EAgZ/A3sjAyEDIAJBAXEhBSACQQJxIQYgAkEIcSEHAkAgAkEEcQRAIAAtAABBCkYEQCAAQQFqIQBBACEFIAYEQCADQY0UOwEAIANBAmohA0EAIQYFIAhBAWohCAsFIAZFBEAgBwRAIAVBBHIkAEEAJAEgACQCQQAPC0ECIQYLIAUEQCADQSA6AAAgA0EBaiEDQQAhBQsgA0ENOgAAIANBAWohAwsLA0AgACABTw0BIAZBAEcgBUVxIABBEWogAU1xBEAgAP0ABAAhCSAA/QAEASEKIAlBCf0P/SMgCUEN/Q/9I/1QIAlBIP0P/SMgCkEg/Q/9IyAKQQn9D/0j/VAgCkEN/Q/9I/1Q/U79UCELIAMgCf0LBAAgC/1TRQRAIABBEGohACADQRBqIQMMAgsgC/1kaCEEIAAgBGohACADIARqIQMLIAAtAAAhBCAEQSBGIARBCUZyBEBBASEFIABBAWohAAwBCyAEQQ1GBEAgAEEBaiABRgRAIAUgBnJBBHIkACAIJAEgASQCIAMjA2sPCyAALQABQQpGBEAgAEECaiEAQQAhBSAGBEAgA0GNFDsBACADQQJqIQNBACEGBSAIQQFqIQgLDAILCyAGRQRAIAcEQCAFJAAgCCQBIAAkAkEADwsCQANAIAhFDQEgA0GNFDsBACADQQJqIQMgCEEBayEIDAALC0ECIQYLIAUEQCADQSA6AAAgA0EBaiEDQQAhBQsgAyAEOgAAIANBAWohAyAAQQFqIQAMAAsLIAUgBnIkACAIJAEgASQCIAMjA2sL'

/** Bytes of input per call: the slice sits at 0 and its output at OUTPUT_OFFSET (as in the .wat). */
export const SLICE_BYTES = 256 * 1024
const OUTPUT_OFFSET = 294912

/** Flags in and out of a call (see the .wat). */
export const WSP_PENDING = 1
export const LINE_HAS_CONTENT = 2
export const CR_PENDING = 4
export const EMPTY_LINES_HELD = 8

export interface RelaxedKernel {
  /** The slice to canonicalize is written here (at most SLICE_BYTES). */
  readonly input: Uint8Array
  /** The output of the last call is at [0, returned length). */
  readonly output: Uint8Array
  /** Canonicalizes input[from, length); returns the output length. */
  run(from: number, length: number, flags: number): number
  /** After run(): the flags, the empty lines held at the stop, and where it stopped. */
  flags(): number
  emptyLines(): number
  stoppedAt(): number
}

// Node has WebAssembly at run time, but its types come with lib.dom, which core/ does not load:
// the little of it used here, declared.
interface WasmGlobal {
  readonly value: unknown
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { readonly exports: unknown }
}

interface Exports {
  memory: { readonly buffer: ArrayBuffer }
  relaxed(from: number, length: number, flags: number): number
  flags: WasmGlobal
  empty: WasmGlobal
  pos: WasmGlobal
}

let kernel: RelaxedKernel | null | undefined

/** The kernel, or null where WebAssembly SIMD is not available (the JavaScript loop is used then). */
export function relaxedKernel(): RelaxedKernel | null {
  if (kernel !== undefined) return kernel
  try {
    const module = new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'))
    const exports = new WebAssembly.Instance(module).exports as unknown as Exports
    // The memory never grows, so these views stay valid.
    const input = new Uint8Array(exports.memory.buffer, 0, SLICE_BYTES)
    const output = new Uint8Array(exports.memory.buffer, OUTPUT_OFFSET, SLICE_BYTES + 64)
    kernel = {
      input,
      output,
      run: (from, length, flags) => exports.relaxed(from, length, flags),
      flags: () => exports.flags.value as number,
      emptyLines: () => exports.empty.value as number,
      stoppedAt: () => exports.pos.value as number,
    }
  } catch {
    kernel = null
  }
  return kernel
}
