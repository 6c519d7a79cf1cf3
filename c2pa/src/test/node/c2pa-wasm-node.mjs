// Loads @contentauth/c2pa-wasm in plain Node (no browser, no network):
//  - instantiates the .wasm from node_modules synchronously (initSync), never fetch();
//  - supplies a FileReaderSync for the Blob-based entry points (WasmBuilder.sign,
//    WasmReader.fromBlob/fromBlobFragment read Blobs synchronously through
//    FileReaderSync, a worker-only browser API). BytesBlob keeps its bytes so
//    that slice() + readAsArrayBuffer() can be served synchronously.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as c2pa from '@contentauth/c2pa-wasm';

const require = createRequire(import.meta.url);

export class BytesBlob extends Blob {
  constructor(bytes, type = '') {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    super([u8], { type });
    this.bytes = u8;
  }
  slice(start = 0, end = this.bytes.length, type = '') {
    const n = this.bytes.length;
    const s = start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
    const e = end < 0 ? Math.max(n + end, 0) : Math.min(end, n);
    return new BytesBlob(this.bytes.subarray(s, Math.max(s, e)), type);
  }
}

class NodeFileReaderSync {
  readAsArrayBuffer(blob) {
    if (!(blob instanceof BytesBlob)) throw new TypeError('NodeFileReaderSync reads BytesBlob only');
    const b = blob.bytes;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
}

let ready = false;
export function loadC2pa() {
  if (!ready) {
    if (typeof globalThis.FileReaderSync === 'undefined') globalThis.FileReaderSync = NodeFileReaderSync;
    const wasmPath = require.resolve('@contentauth/c2pa-wasm/c2pa.wasm');
    c2pa.initSync({ module: readFileSync(wasmPath) });
    ready = true;
  }
  return c2pa;
}

export function packageVersion() {
  return JSON.parse(readFileSync(require.resolve('@contentauth/c2pa-wasm/package.json'), 'utf8')).version;
}
