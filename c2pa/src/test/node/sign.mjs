#!/usr/bin/env node
// Signs an MP4 with c2pa-rs (WebAssembly build) for reference samples.
//
//   node sign.mjs --chain chain.pem --key signer.key [--alg es256|ed25519]
//                 [--format video/mp4] [--title T] IN.mp4 OUT.mp4
//
// c2pa-wasm 0.15.0's WasmSigner has direct_cose_handling() = true and
// certs() = [], so c2pa-rs hands the *claim bytes* to our JS callback and
// embeds whatever it returns as the c2pa.signature box content. This script
// therefore builds the COSE_Sign1 itself, exactly as c2pa-rs's own
// cose::sign_v2 does (no time stamp, no OCSP): tag 18, protected header
// {1: alg, 33: x5chain}, unprotected {"pad": zeros} sized so the whole
// COSE_Sign1 is exactly reserveSize bytes, detached payload (nil), and the
// signature over Sig_structure ["Signature1", protected, h'', claim].
// Everything else (boxes, JUMBF, claim, assertions, BMFF hash) is c2pa-rs's.
import { readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { loadC2pa, BytesBlob, packageVersion } from './c2pa-wasm-node.mjs';
import { encode, Tagged } from './cbor.mjs';

function usage(msg) {
  if (msg) process.stderr.write(`sign.mjs: ${msg}\n`);
  process.stderr.write('usage: node sign.mjs --chain CHAIN.pem --key KEY.pem [--alg es256|ed25519] [--format video/mp4] [--title T] [--manifest-out M.c2pa] IN OUT\n');
  process.exit(2);
}

const opts = { alg: 'es256', format: 'video/mp4', title: null, chain: null, key: null, manifestOut: null };
const pos = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
  if (a === '--chain') opts.chain = val();
  else if (a === '--key') opts.key = val();
  else if (a === '--alg') opts.alg = val().toLowerCase();
  else if (a === '--format') opts.format = val();
  else if (a === '--title') opts.title = val();
  else if (a === '--manifest-out') opts.manifestOut = val();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else pos.push(a);
}
if (!opts.chain || !opts.key || pos.length !== 2) usage();
const [input, output] = pos;

const COSE_ALG = { es256: -7, es384: -35, ed25519: -8 };
if (!(opts.alg in COSE_ALG)) usage(`unsupported --alg ${opts.alg}`);

// PEM chain, leaf first.
const pemText = readFileSync(opts.chain, 'utf8');
const certsDer = [...pemText.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)]
  .map((m) => new Uint8Array(new X509Certificate(m[0]).raw));
if (certsDer.length === 0) usage('no certificate in --chain');
const key = createPrivateKey(readFileSync(opts.key));

function rawSign(tbs) {
  if (opts.alg === 'ed25519') return new Uint8Array(cryptoSign(null, tbs, key));
  const hash = opts.alg === 'es384' ? 'sha384' : 'sha256';
  return new Uint8Array(cryptoSign(hash, tbs, { key, dsaEncoding: 'ieee-p1363' }));
}

// Same sizing rule as c2pa-rs cose_reserve_size(): raw sig + certs + 1024.
const rawSigSize = opts.alg === 'es384' ? 96 : 64;
const reserveSize = rawSigSize + certsDer.reduce((n, c) => n + c.length, 0) + 1024;

function coseSign1(claimBytes) {
  const x5chain = certsDer.length === 1 ? certsDer[0] : certsDer;
  const protectedBstr = encode(new Map([[1, COSE_ALG[opts.alg]], [33, x5chain]]));
  const tbs = encode(['Signature1', protectedBstr, new Uint8Array(0), claimBytes]);
  const signature = rawSign(tbs);
  const build = (unprot) => encode(new Tagged(18, [protectedBstr, unprot, null, signature]));
  const bare = build(new Map()).length;
  // Pad like c2pa-rs pad_cose_sig(): one "pad" bstr, or "pad" + "pad2" when one can't hit the size.
  for (let n = Math.max(0, reserveSize - bare - 12); n <= reserveSize - bare; n++) {
    const out = build(new Map([['pad', new Uint8Array(n)]]));
    if (out.length === reserveSize) return out;
    if (out.length > reserveSize) break;
  }
  for (let n = 0; n <= 12; n++) for (let m = Math.max(0, reserveSize - bare - 30); m <= reserveSize - bare; m++) {
    const out = build(new Map([['pad', new Uint8Array(m)], ['pad2', new Uint8Array(n)]]));
    if (out.length === reserveSize) return out;
  }
  throw new Error('cannot pad COSE_Sign1 to reserveSize');
}

const c2pa = loadC2pa();
const manifest = {
  claim_generator_info: [{ name: 'custody-c2pa-harness', version: '0.1.0' }],
  title: opts.title ?? input.split('/').pop(),
  format: opts.format,
  assertions: [
    {
      label: 'c2pa.actions.v2',
      data: {
        actions: [{
          action: 'c2pa.created',
          digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture',
        }],
      },
    },
  ],
};
const settings = { version: 1, verify: { verify_after_sign: false, ocsp_fetch: false, remote_manifest_fetch: false } };
const builder = c2pa.WasmBuilder.fromJson(JSON.stringify(manifest), JSON.stringify(settings));
const signer = {
  alg: opts.alg,
  reserveSize,
  sign: async (claimBytes) => coseSign1(new Uint8Array(claimBytes)),
};
const source = new BytesBlob(readFileSync(input), opts.format);
let result;
try {
  if (opts.manifestOut) {
    result = await builder.signAndGetManifestBytes(signer, [], opts.format, source);
  } else {
    result = await builder.sign(signer, [], opts.format, source);
  }
} catch (e) {
  process.stderr.write(`sign.mjs: signing failed: ${e?.message ?? e}\n`);
  process.exit(1);
}
if (opts.manifestOut) {
  const asset = result.asset ?? result.signedAsset ?? result[0];
  const mbytes = result.manifest ?? result.manifestBytes ?? result.manifest_bytes ?? result[1];
  if (!asset || !mbytes) { process.stderr.write(`sign.mjs: unexpected result keys ${Object.keys(result)}\n`); process.exit(1); }
  writeFileSync(output, asset);
  writeFileSync(opts.manifestOut, mbytes);
} else {
  writeFileSync(output, result);
}
process.stderr.write(`signed ${input} -> ${output} with c2pa-wasm ${packageVersion()} (${opts.alg}, reserveSize ${reserveSize})\n`);
