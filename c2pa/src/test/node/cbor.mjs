// Minimal CBOR (RFC 8949) encoder/decoder for the harness: enough for C2PA
// claims, assertions and COSE_Sign1. Not a general-purpose library.
// decode() returns maps as JS Map (keys may be ints or strings), byte strings
// as Uint8Array, tags as {tag, value}, and simple values as JS values.

export class Tagged {
  constructor(tag, value) { this.tag = tag; this.value = value; }
}

export function decode(bytes, { all = true } = {}) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  let p = 0;
  function arg(ai) {
    if (ai < 24) return ai;
    if (ai === 24) return u8[p++];
    if (ai === 25) { const v = dv.getUint16(p); p += 2; return v; }
    if (ai === 26) { const v = dv.getUint32(p); p += 4; return v; }
    if (ai === 27) { const v = dv.getBigUint64(p); p += 8; return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; }
    if (ai === 31) return -1; // indefinite
    throw new Error(`bad additional info ${ai} at ${p}`);
  }
  function item() {
    const ib = u8[p++];
    if (ib === undefined) throw new Error('truncated CBOR');
    const mt = ib >> 5, ai = ib & 31;
    switch (mt) {
      case 0: return arg(ai);
      case 1: { const n = arg(ai); return typeof n === 'bigint' ? -1n - n : -1 - n; }
      case 2: case 3: {
        const n = arg(ai);
        let b;
        if (n === -1) {
          const parts = [];
          while (u8[p] !== 0xff) parts.push(item());
          p++;
          b = mt === 2 ? Buffer.concat(parts) : parts.join('');
          return b;
        }
        b = u8.subarray(p, p + n); p += n;
        if (b.length !== n) throw new Error('truncated string');
        return mt === 2 ? new Uint8Array(b) : new TextDecoder('utf-8', { fatal: true }).decode(b);
      }
      case 4: {
        const n = arg(ai), a = [];
        if (n === -1) { while (u8[p] !== 0xff) a.push(item()); p++; } else for (let i = 0; i < n; i++) a.push(item());
        return a;
      }
      case 5: {
        const n = arg(ai), m = new Map();
        if (n === -1) { while (u8[p] !== 0xff) { const k = item(); m.set(k, item()); } p++; }
        else for (let i = 0; i < n; i++) { const k = item(); m.set(k, item()); }
        return m;
      }
      case 6: { const t = arg(ai); return new Tagged(t, item()); }
      case 7:
        if (ai === 20) return false;
        if (ai === 21) return true;
        if (ai === 22) return null;
        if (ai === 23) return undefined;
        if (ai === 25) { const v = dv.getFloat16 ? dv.getFloat16(p) : half(dv.getUint16(p)); p += 2; return v; }
        if (ai === 26) { const v = dv.getFloat32(p); p += 4; return v; }
        if (ai === 27) { const v = dv.getFloat64(p); p += 8; return v; }
        if (ai < 24) return { simple: ai };
        throw new Error(`unsupported simple ${ai}`);
    }
  }
  const v = item();
  if (all && p !== u8.length) throw new Error(`trailing bytes after CBOR item: ${u8.length - p}`);
  return all ? v : { value: v, length: p };
}

function half(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

// Encoder. Map or plain object -> CBOR map in insertion order (the caller
// chooses the order; c2pa-rs/coset write COSE headers in insertion order).
export function encode(v) {
  const out = [];
  const head = (mt, n) => {
    if (typeof n === 'bigint') n = Number(n);
    if (n < 24) out.push((mt << 5) | n);
    else if (n < 0x100) out.push((mt << 5) | 24, n);
    else if (n < 0x10000) out.push((mt << 5) | 25, n >> 8, n & 0xff);
    else if (n < 0x100000000) out.push((mt << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    else { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); out.push((mt << 5) | 27, ...b); }
  };
  const enc = (x) => {
    if (x === null) out.push(0xf6);
    else if (x === undefined) out.push(0xf7);
    else if (x === true) out.push(0xf5);
    else if (x === false) out.push(0xf4);
    else if (typeof x === 'number' && Number.isInteger(x)) { if (x >= 0) head(0, x); else head(1, -1 - x); }
    else if (typeof x === 'number') { const b = Buffer.alloc(8); b.writeDoubleBE(x); out.push(0xfb, ...b); }
    else if (typeof x === 'string') { const b = Buffer.from(x, 'utf8'); head(3, b.length); for (const c of b) out.push(c); }
    else if (x instanceof Uint8Array) { head(2, x.length); for (const c of x) out.push(c); }
    else if (Array.isArray(x)) { head(4, x.length); x.forEach(enc); }
    else if (x instanceof Tagged) { head(6, x.tag); enc(x.value); }
    else if (x instanceof Map) { head(5, x.size); for (const [k, val] of x) { enc(k); enc(val); } }
    else if (typeof x === 'object') { const e = Object.entries(x); head(5, e.length); for (const [k, val] of e) { enc(k); enc(val); } }
    else throw new Error(`cannot encode ${typeof x}`);
  };
  enc(v);
  return Uint8Array.from(out);
}

// JSON-friendly view of a decoded value: bytes -> {"bytes": len, "hex": first 32 bytes...}
export function toJSONView(v, maxHex = 32) {
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.subarray(0, maxHex)).toString('hex');
    return { bstr: v.length, hex: v.length > maxHex ? hex + '…' : hex };
  }
  if (v instanceof Tagged) return { tag: v.tag, value: toJSONView(v.value, maxHex) };
  if (Array.isArray(v)) return v.map((x) => toJSONView(x, maxHex));
  if (v instanceof Map) { const o = {}; for (const [k, x] of v) o[String(k)] = toJSONView(x, maxHex); return o; }
  if (typeof v === 'bigint') return v.toString();
  return v;
}
