#!/usr/bin/env node
// Validates a file's C2PA manifest store with c2pa-rs (WebAssembly build,
// @contentauth/c2pa-wasm), offline, in plain Node.
//
//   node validate.mjs [--anchors CA.pem] [--tsa-anchors TSA-CA.pem] [--format video/mp4] FILE
//   node validate.mjs [--anchors CA.pem] [--format video/mp4] --init INIT.mp4 --fragment FRAG.m4s
//
// Prints ONE JSON object on stdout:
//   { validation_state, failures: [codes], successes: [codes], informational: [codes],
//     statuses: {failure|success|informational: [{code, url, explanation}]},
//     active_manifest: {label, signer, claim_generator, claim_generator_info,
//                       claim_version, title, assertions: {label: data}},
//     c2pa_wasm, settings_trust, raw: <reader.json() parsed> }
// Exit: 0 the store was read (whatever its validation_state); 1 no manifest
// found (stdout still has a JSON object with "error"); 2 usage error;
// 3 the reader failed for another reason (JSON object with "error").
import { readFileSync } from 'node:fs';
import { loadC2pa, BytesBlob, packageVersion } from './c2pa-wasm-node.mjs';

function usage(msg) {
  if (msg) process.stderr.write(`validate.mjs: ${msg}\n`);
  process.stderr.write('usage: node validate.mjs [--anchors CA.pem] [--tsa-anchors TSA-CA.pem] [--format MIME] FILE\n'
    + '       node validate.mjs [--anchors CA.pem] [--format MIME] --init INIT.mp4 --fragment FRAG.m4s\n');
  process.exit(2);
}

const opts = { anchors: null, tsaAnchors: null, format: 'video/mp4', init: null, fragment: null };
const pos = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
  if (a === '--anchors') opts.anchors = val();
  else if (a === '--tsa-anchors') opts.tsaAnchors = val();
  else if (a === '--format') opts.format = val();
  else if (a === '--init') opts.init = val();
  else if (a === '--fragment') opts.fragment = val();
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else pos.push(a);
}
const fragmentMode = opts.init !== null || opts.fragment !== null;
if (fragmentMode && (!opts.init || !opts.fragment || pos.length)) usage('--init and --fragment go together, without FILE');
if (!fragmentMode && pos.length !== 1) usage('exactly one FILE');

function read(path, what) {
  try { return readFileSync(path); } catch (e) { usage(`cannot read ${what} ${path}: ${e.code ?? e.message}`); }
}

// c2pa-rs 0.92 settings (the Context settings JSON). trust.anchors is the
// list shape introduced in c2pa-rs 0.91 (trust.trust_anchors is the
// deprecated single string); verify.* keeps it offline.
const settings = {
  version: 1,
  verify: { verify_trust: true, ocsp_fetch: false, remote_manifest_fetch: false },
};
if (opts.anchors) {
  const pem = read(opts.anchors, 'anchors').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) usage(`${opts.anchors} holds no PEM certificate`);
  settings.trust = { anchors: [{ trust_anchors: pem, trust_kind: 'manifest' }] };
}
// Time-stamping authorities are trusted by a list of their own (trust_kind 'tsa'); without one,
// c2pa-rs checks a time-stamp's token but reports its authority timeStamp.untrusted.
if (opts.tsaAnchors) {
  const pem = read(opts.tsaAnchors, 'TSA anchors').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) usage(`${opts.tsaAnchors} holds no PEM certificate`);
  settings.trust = settings.trust ?? { anchors: [] };
  settings.trust.anchors.push({ trust_anchors: pem, trust_kind: 'tsa' });
}

const c2pa = loadC2pa();
const out = { file: fragmentMode ? { init: opts.init, fragment: opts.fragment } : pos[0], format: opts.format, c2pa_wasm: packageVersion() };

let reader;
try {
  if (fragmentMode) {
    reader = await c2pa.WasmReader.fromBlobFragment(opts.format,
      new BytesBlob(read(opts.init, 'init segment')), new BytesBlob(read(opts.fragment, 'fragment')),
      JSON.stringify(settings));
  } else {
    reader = await c2pa.WasmReader.fromBytes(opts.format, read(pos[0], 'file'), JSON.stringify(settings));
  }
} catch (e) {
  const msg = typeof e === 'string' ? e : (e?.message ?? String(e));
  out.error = msg;
  const noManifest = /JumbfNotFound|ProvenanceMissing|JumbfBoxNotFound/.test(msg);
  out.validation_state = null;
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exit(noManifest ? 1 : 3);
}

const raw = JSON.parse(reader.json());
const results = raw.validation_results ?? {};
const statuses = { failure: [], success: [], informational: [] };
const collect = (block) => {
  if (!block) return;
  for (const k of Object.keys(statuses)) for (const s of block[k] ?? []) statuses[k].push(s);
};
collect(results.activeManifest);
for (const d of results.ingredientDeltas ?? []) collect(d.validationDeltas);
// Older/legacy flat list (present when validation_results is not).
if (!raw.validation_results && Array.isArray(raw.validation_status)) statuses.failure.push(...raw.validation_status);

const label = reader.activeLabel() ?? raw.active_manifest ?? null;
const m = label ? raw.manifests?.[label] : null;
let active = null;
if (m) {
  const assertions = {};
  for (const a of m.assertions ?? []) {
    let k = a.label;
    for (let n = 2; k in assertions; n++) k = `${a.label}#${n}`;
    assertions[k] = a.data;
  }
  active = {
    label,
    signer: m.signature_info ?? null,
    claim_generator: m.claim_generator ?? null,
    claim_generator_info: m.claim_generator_info ?? null,
    claim_version: m.claim_version ?? null,
    title: m.title ?? null,
    instance_id: m.instance_id ?? null,
    ingredients: m.ingredients ?? [],
    assertions,
  };
}

Object.assign(out, {
  validation_state: raw.validation_state ?? null,
  failures: statuses.failure.map((s) => s.code),
  successes: statuses.success.map((s) => s.code),
  informational: statuses.informational.map((s) => s.code),
  statuses,
  active_manifest: active,
  settings_trust: opts.anchors ? { anchors: opts.anchors, trust_kind: 'manifest' } : null,
  raw,
});
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(0);
