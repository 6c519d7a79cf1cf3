#!/usr/bin/env node
// Issue 20's load figure: N viewers playing one recording at once from one `custody serve`, each
// fetching as the page's player does (init, then fragment after fragment, at most AHEAD seconds
// ahead of its playback clock, which starts once the first fragment is in). A viewer stalls when a
// fragment arrives after the moment its footage is due on screen; the figure is the worst lateness
// over all viewers (goal: none past 1 s) and the server's memory (VmHWM, VmRSS of --pid).
//   node benchmarks/viewer-load.mjs --url 'http://127.0.0.1:PORT/?token=T' --recording ID --viewers 20 [--pid PID]
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: {
  url: { type: 'string' }, recording: { type: 'string' }, viewers: { type: 'string', default: '20' },
  pid: { type: 'string' }, ahead: { type: 'string', default: '10' } } });
const u = new URL(a.url);
const token = u.searchParams.get('token');
const base = u.origin;
const headers = { Authorization: `Bearer ${token}` };
const get = async (path) => {
  const r = await fetch(base + path, { headers });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r;
};
const detail = await (await get(`/api/recordings/${a.recording}`)).json();
const plan = detail.segments.flatMap(s => s.fragments.filter(f => f.state === 'verified')
  .map(f => ({ s: s.index, f: f.index, t: f.t })));
const ahead = Number(a.ahead);
const mem = () => {
  if (!a.pid) return {};
  const st = fs.readFileSync(`/proc/${a.pid}/status`, 'utf8');
  const kb = (k) => Number((st.match(new RegExp(`${k}:\\s+(\\d+)`)) || [0, 0])[1]);
  return { hwm_mb: kb('VmHWM') / 1024, rss_mb: kb('VmRSS') / 1024 };
};

async function viewer(n) {
  const view = `load-${n}-${Date.now()}`;
  let bytes = 0;
  let clock0 = null; // wall time when playback began (media time 0)
  let worst = 0;
  let segment = -1;
  for (const p of plan) {
    if (p.s !== segment) {
      bytes += (await (await get(`/api/recordings/${a.recording}/segments/${p.s}/init?view=${view}`)).arrayBuffer()).byteLength;
      segment = p.s;
    }
    if (clock0 !== null) { // keep at most `ahead` seconds buffered
      const wait = clock0 + (p.t - ahead) * 1000 - performance.now();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
    }
    bytes += (await (await get(`/api/recordings/${a.recording}/segments/${p.s}/fragments/${p.f}`)).arrayBuffer()).byteLength;
    const now = performance.now();
    if (clock0 === null) clock0 = now;
    worst = Math.max(worst, (now - (clock0 + p.t * 1000)) / 1000);
  }
  return { worst, bytes };
}

const t0 = performance.now();
let peak = mem();
const sampler = setInterval(() => { const m = mem(); if ((m.rss_mb || 0) > (peak.rss_mb || 0)) peak = m; }, 250);
const results = await Promise.all(Array.from({ length: Number(a.viewers) }, (_, i) => viewer(i)));
clearInterval(sampler);
const secs = (performance.now() - t0) / 1000;
const worst = Math.max(...results.map(r => r.worst));
const mb = results.reduce((s, r) => s + r.bytes, 0) / 1e6;
console.log(JSON.stringify({ viewers: Number(a.viewers), media_s: detail.duration_s, wall_s: +secs.toFixed(1),
  worst_late_s: +worst.toFixed(3), stalls_over_1s: results.filter(r => r.worst > 1).length,
  served_mb: +mb.toFixed(1), mb_per_s: +(mb / secs).toFixed(1), server_peak_rss_mb: peak.rss_mb, server_hwm_mb: mem().hwm_mb }));
