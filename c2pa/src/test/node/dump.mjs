#!/usr/bin/env node
// Dumps the C2PA structure of an ISO BMFF file, for comparing writers:
// top-level boxes (offset, size), the C2PA 'uuid' box (purpose, offset
// field), the JUMBF superbox tree (type, label, toggles, content boxes) and
// the CBOR of the claim, the assertions and the COSE_Sign1.
//
//   node dump.mjs FILE.mp4            (text)
//   node dump.mjs --json FILE.mp4     (one JSON object)
import { readFileSync } from 'node:fs';
import { X509Certificate, createHash } from 'node:crypto';
import { decode, toJSONView, Tagged } from './cbor.mjs';

const args = process.argv.slice(2);
const asJson = args[0] === '--json' ? (args.shift(), true) : false;
if (args.length !== 1) { process.stderr.write('usage: node dump.mjs [--json] FILE\n'); process.exit(2); }
const buf = readFileSync(args[0]);
const C2PA_UUID = 'd8fec3d61b0e483c92975828877ec481';

function boxes(b, start, end) {
  const list = [];
  let p = start;
  while (p + 8 <= end) {
    let size = b.readUInt32BE(p);
    const type = b.toString('latin1', p + 4, p + 8);
    let hdr = 8;
    if (size === 1) { size = Number(b.readBigUInt64BE(p + 8)); hdr = 16; } else if (size === 0) size = end - p;
    let uuid = null;
    if (type === 'uuid') { uuid = b.toString('hex', p + hdr, p + hdr + 16); hdr += 16; }
    list.push({ type, offset: p, size, hdr, uuid });
    if (size < 8) break;
    p += size;
  }
  return list;
}

const out = { file: args[0], size: buf.length, top: [], c2pa: null };
const lines = [];
const say = (s) => lines.push(s);
say(`${args[0]}: ${buf.length} bytes`);
say('top-level boxes:');
for (const bx of boxes(buf, 0, buf.length)) {
  out.top.push({ type: bx.type, offset: bx.offset, size: bx.size, ...(bx.uuid ? { uuid: bx.uuid } : {}) });
  say(`  @${String(bx.offset).padStart(7)} ${bx.type}${bx.uuid ? '[' + bx.uuid + ']' : ''} size ${bx.size}`);
  if (bx.type === 'moov' || bx.type === 'moof') {
    for (const c of boxes(buf, bx.offset + bx.hdr, bx.offset + bx.size)) {
      say(`      @${String(c.offset).padStart(7)} ${c.type}${c.uuid ? '[' + c.uuid + ']' : ''} size ${c.size}`);
      if (c.uuid === C2PA_UUID) say('        (C2PA uuid box inside ' + bx.type + ')');
    }
  }
}

const jumbfTypes = { '63327061': 'c2pa (manifest store)', '63326d61': 'c2ma (manifest)', '6332756d': 'c2um (update manifest)',
  '63326173': 'c2as (assertion store)', '6332636c': 'c2cl (claim)', '63326373': 'c2cs (claim signature)',
  '63626f72': 'cbor', '6a736f6e': 'json', '40cb0c32': 'embedded file', '63327664': 'c2vd', '63326462': 'c2db' };

function walkJumbf(b, start, end, depth, node) {
  for (const bx of boxes(b, start, end)) {
    const ind = '  '.repeat(depth);
    if (bx.type === 'jumb') {
      const d = boxes(b, bx.offset + 8, bx.offset + bx.size)[0];
      const p0 = d.offset + 8;
      const tuuid = b.toString('hex', p0, p0 + 16);
      const toggles = b[p0 + 16];
      let q = p0 + 17, label = null;
      if (toggles & 0x02) { const z = b.indexOf(0, q); label = b.toString('utf8', q, z); q = z + 1; }
      const jn = { box: 'jumb', offset: bx.offset, size: bx.size, jumd: { type: tuuid, type4cc: b.toString('latin1', p0, p0 + 4), toggles, label }, children: [] };
      if (toggles & 0x04) { jn.jumd.id = b.readUInt32BE(q); q += 4; }
      if (toggles & 0x08) { jn.jumd.hash = b.toString('hex', q, q + 32); q += 32; }
      let priv = '';
      if (toggles & 0x10) {
        const pb = boxes(b, q, d.offset + d.size)[0];
        jn.jumd.private = { type: pb.type, size: pb.size, hex: b.toString('hex', pb.offset + 8, pb.offset + pb.size) };
        priv = ` private box '${pb.type}' size ${pb.size} (${pb.size - 8}-byte content, e.g. ${jn.jumd.private.hex})`;
      }
      node.push(jn);
      say(`${ind}jumb @${bx.offset} size ${bx.size}  jumd type=${tuuid.slice(0, 8)}-${tuuid.slice(8, 12)}-${tuuid.slice(12, 16)}-${tuuid.slice(16, 20)}-${tuuid.slice(20)} (${jumbfTypes[tuuid.slice(0, 8)] ?? b.toString('latin1', p0, p0 + 4)}) toggles=0x${toggles.toString(16).padStart(2, '0')} label=${JSON.stringify(label)} jumd size ${d.size}${priv}`);
      walkJumbf(b, d.offset + d.size, bx.offset + bx.size, depth + 1, jn.children);
    } else {
      const content = b.subarray(bx.offset + bx.hdr, bx.offset + bx.size);
      const cn = { box: bx.type, offset: bx.offset, size: bx.size };
      node.push(cn);
      let note = '';
      if (bx.type === 'cbor') {
        try {
          const v = decode(content);
          cn.cbor = v;
          if (v instanceof Map) note = ` CBOR map keys: ${[...v.keys()].map((k) => JSON.stringify(k)).join(', ')}`;
          else if (v instanceof Tagged) note = ` CBOR tag ${v.tag}`;
        } catch (e) { note = ` (CBOR decode error: ${e.message})`; }
      }
      say(`${ind}${bx.type} @${bx.offset} size ${bx.size} content ${content.length}${note}`);
    }
  }
}

function fmtClaim(v) {
  return toJSONView(v, 40);
}

const c2pa = out.top.find((t) => t.uuid === C2PA_UUID);
if (c2pa) {
  const p = c2pa.offset + 8 + 16;
  const version = buf[p], flags = buf.readUIntBE(p + 1, 3);
  const z = buf.indexOf(0, p + 4);
  const purpose = buf.toString('latin1', p + 4, z);
  let q = z + 1;
  const info = { offset: c2pa.offset, size: c2pa.size, version, flags, purpose };
  say('');
  say(`C2PA uuid box @${c2pa.offset} size ${c2pa.size}: version ${version} flags ${flags} purpose ${JSON.stringify(purpose)}`);
  if (purpose === 'manifest' || purpose === 'original' || purpose === 'update') {
    info.first_aux_uuid_offset = Number(buf.readBigUInt64BE(q)); q += 8;
    info.jumbf_offset = q; info.jumbf_size = c2pa.offset + c2pa.size - q;
    say(`  first_aux_uuid_offset (u64) = ${info.first_aux_uuid_offset}; JUMBF manifest store starts @${q}, ${info.jumbf_size} bytes`);
    say('  header bytes: ' + buf.toString('hex', c2pa.offset, q));
    const tree = [];
    walkJumbf(buf, q, c2pa.offset + c2pa.size, 1, tree);
    info.jumbf = tree;
  }
  out.c2pa = info;

  // Decode the interesting CBOR.
  const all = [];
  const flat = (ns, path) => { for (const n of ns) { if (n.box === 'jumb') flat(n.children, path.concat(n.jumd.label)); else all.push({ path: path.join('/'), ...n }); } };
  flat(info.jumbf ?? [], []);
  say('');
  for (const n of all) {
    if (!('cbor' in n)) continue;
    if (n.path.endsWith('/c2pa.signature')) {
      const t = n.cbor; const arr = t instanceof Tagged ? t.value : t;
      const prot = decode(arr[0]);
      const unprot = arr[1];
      say(`COSE_Sign1 (${n.path}): tag ${t instanceof Tagged ? t.tag : 'none'}, ${arr.length} items`);
      say(`  protected (bstr ${arr[0].length}, hex ${Buffer.from(arr[0]).toString('hex').slice(0, 24)}…): keys ${[...prot.keys()].join(', ')}; alg ${prot.get(1)}`);
      const x5 = prot.get(33) ?? unprot.get(33) ?? prot.get('x5chain') ?? unprot.get('x5chain');
      const chain = x5 instanceof Uint8Array ? [x5] : (x5 ?? []);
      chain.forEach((c, i) => { const x = new X509Certificate(Buffer.from(c)); say(`  x5chain[${i}] ${c.length} bytes: subject ${x.subject.replace(/\n/g, ', ')}; issuer ${x.issuer.replace(/\n/g, ', ')}; serial ${x.serialNumber}`); });
      say(`  unprotected: ${[...unprot.entries()].map(([k, v]) => `${JSON.stringify(k)}: ${v instanceof Uint8Array ? 'bstr ' + v.length : JSON.stringify(toJSONView(v))}`).join('; ')}`);
      say(`  payload: ${arr[2] === null ? 'nil (detached: the claim box content)' : 'bstr ' + arr[2].length}`);
      say(`  signature: bstr ${arr[3].length}`);
      n.cose = { tag: t instanceof Tagged ? t.tag : null, protected: toJSONView(prot), unprotected_keys: [...unprot.keys()], payload: arr[2] === null ? null : arr[2].length, signature_len: arr[3].length };
    } else {
      say(`${n.path} (cbor content ${n.size - 8} bytes):`);
      say('  ' + JSON.stringify(fmtClaim(n.cbor), null, 1).replace(/\n/g, '\n  '));
    }
  }
}
// Independent recomputation of the two hashes a writer must get right.
if (out.c2pa?.jumbf) {
  const checks = [];
  const store = out.c2pa.jumbf[0];
  const manifests = store?.children?.filter((c) => c.box === 'jumb') ?? [];
  for (const m of manifests) {
    const kids = m.children.filter((c) => c.box === 'jumb');
    const astore = kids.find((c) => c.jumd.label === 'c2pa.assertions');
    const claim = kids.find((c) => c.jumd.label?.startsWith('c2pa.claim'));
    const claimMap = claim?.children.find((c) => c.box === 'cbor')?.cbor;
    if (!(claimMap instanceof Map)) continue;
    for (const key of ['created_assertions', 'gathered_assertions', 'assertions']) {
      for (const ref of claimMap.get(key) ?? []) {
        const label = ref.get('url').split('/').pop();
        const a = astore?.children.find((c) => c.box === 'jumb' && c.jumd.label === label);
        if (!a) { checks.push(`hashed URI ${ref.get('url')}: assertion not found`); continue; }
        const got = createHash('sha256').update(buf.subarray(a.offset + 8, a.offset + a.size)).digest();
        checks.push(`hashed URI ${ref.get('url')}: sha256(superbox minus its 8-byte header) ${Buffer.compare(got, Buffer.from(ref.get('hash'))) === 0 ? 'MATCHES' : 'differs'}`);
      }
    }
    for (const a of astore?.children ?? []) {
      if (a.box !== 'jumb' || !a.jumd.label?.startsWith('c2pa.hash.bmff')) continue;
      const h = a.children.find((c) => c.box === 'cbor')?.cbor;
      if (!(h instanceof Map) || !h.get('hash')) { checks.push(`${a.jumd.label}: no flat hash (merkle?), not recomputed`); continue; }
      const excl = h.get('exclusions') ?? [];
      const excluded = (bx) => excl.some((e) => {
        const xp = e.get('xpath');
        if (xp !== '/' + bx.type) return false;
        for (const d of e.get('data') ?? []) {
          const off = d.get('offset'), val = Buffer.from(d.get('value'));
          if (Buffer.compare(buf.subarray(bx.offset + off, bx.offset + off + val.length), val) !== 0) return false;
        }
        return true;
      });
      const hh = createHash(h.get('alg') ?? 'sha256');
      for (const bx of boxes(buf, 0, buf.length)) {
        if (excluded(bx)) continue;
        const o = Buffer.alloc(8); o.writeBigUInt64BE(BigInt(bx.offset));
        hh.update(o); hh.update(buf.subarray(bx.offset, bx.offset + bx.size));
      }
      const ok = Buffer.compare(hh.digest(), Buffer.from(h.get('hash'))) === 0;
      checks.push(`${a.jumd.label}: hash over [u64 BE box offset || whole box] of each top-level box not excluded, in file order: ${ok ? 'MATCHES' : 'differs'}`);
    }
  }
  out.checks = checks;
  say('');
  say('recomputed:');
  for (const c of checks) say('  ' + c);
}

if (asJson) {
  const strip = (ns) => ns.map((n) => n.box === 'jumb' ? { ...n, children: strip(n.children) } : { ...n, cbor: n.cbor === undefined ? undefined : toJSONView(n.cbor, 40) });
  if (out.c2pa?.jumbf) out.c2pa.jumbf = strip(out.c2pa.jumbf);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} else process.stdout.write(lines.join('\n') + '\n');
