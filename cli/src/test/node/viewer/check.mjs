#!/usr/bin/env node
// Drives the `custody serve` web viewer in Chromium and prints what its pages show, as one JSON
// object on stdout, for the Java integration test to assert on. Diagnostics go to stderr.
//
//   node check.mjs --url 'http://127.0.0.1:PORT/?token=T' --out DIR --tampered ID --play ID
//
// Output:
//   {"list": [{"id", "state"}...],            every recording in the list, all pages, once no
//                                             recording is still pending verification
//    "tampered": [{"segment", "fragment", "state", "title"}...],
//                                             timeline blocks of --tampered that are not verified
//    "play": {"t0", "t1", "videoWidth", "videoHeight", "marker": {"id", "t"} | null,
//             "seeked", "fragment_s"},        playback of --play: currentTime ~0.5 s after play()
//                                             and ≥ 2 s later, and where a click on the first
//                                             marker of the timeline landed
//    "gps": {"points": N},                    GPS fixes drawn on --play's map
//    "screenshots": [".../recordings.png", ".../recording.png"]}
// Exit status 0 when the facts were gathered, 1 on a harness error (message on stderr).
//
// Uses Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core; Playwright
// never downloads a browser here.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const LOAD_TIMEOUT_MS = 30_000;
const PENDING_TIMEOUT_MS = 60_000;
const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking', // no calls home: the network is closed
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

const log = (...args) => console.error('[check]', ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function usage(message) {
  console.error(`check.mjs: ${message}\nusage: node check.mjs --url URL_WITH_TOKEN --out DIR --tampered ID --play ID`);
  process.exit(1);
}

const { values: opts } = parseArgs({
  options: { url: { type: 'string' }, out: { type: 'string' }, tampered: { type: 'string' }, play: { type: 'string' } },
});
for (const key of ['url', 'out', 'tampered', 'play']) if (!opts[key]) usage(`--${key} is missing`);
const origin = new URL(opts.url).origin;
fs.mkdirSync(opts.out, { recursive: true });

/** Opens a page of the viewer and waits for its `load`. */
async function open(page, url) {
  const response = await page.goto(url, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
  if (!response || !response.ok()) throw new Error(`GET ${url}: ${response ? response.status() : 'no response'}`);
}

/** The list page: waits until nothing is pending, then reads every row of every page. */
async function readList(page) {
  await page.waitForSelector('body[data-loaded="true"]', { timeout: LOAD_TIMEOUT_MS });
  try {
    await page.waitForFunction(
      () => document.body.dataset.pending === '0' && !document.querySelector('tr[data-recording-id][data-state="pending"]'),
      null,
      { timeout: PENDING_TIMEOUT_MS, polling: 250 },
    );
  } catch (e) {
    throw new Error(`recordings still pending verification after ${PENDING_TIMEOUT_MS / 1000} s (${await page.textContent('#pending')})`);
  }
  const shot = path.join(opts.out, 'recordings.png');
  await page.screenshot({ path: shot, fullPage: true });

  const list = [];
  for (let pageNo = 1; ; pageNo++) {
    const rows = await page.$$eval('tr[data-recording-id][data-state]', (trs) => trs.map((tr) => ({ id: tr.dataset.recordingId, state: tr.dataset.state })));
    list.push(...rows);
    if (await page.isDisabled('#page-next')) break;
    if (pageNo > 10_000) throw new Error('the list does not end');
    const before = await page.textContent('#total');
    await page.click('#page-next');
    await page.waitForFunction((b) => document.getElementById('total').textContent !== b, before, { timeout: LOAD_TIMEOUT_MS });
  }
  const total = await page.textContent('#total');
  log(`list: ${list.length} rows (${total})`);
  return { list, shot };
}

async function openRecording(page, id) {
  await open(page, `${origin}/recording.html?id=${encodeURIComponent(id)}`);
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: LOAD_TIMEOUT_MS });
  } catch (e) {
    const error = await page.textContent('#error').catch(() => '');
    throw new Error(`recording ${id}: the page did not get ready${error ? `: ${error.trim()}` : ''}`);
  }
}

async function readTampered(page, id) {
  await openRecording(page, id);
  return page.$$eval('#timeline [data-segment][data-fragment][data-state]', (blocks) =>
    blocks
      .filter((b) => b.dataset.state !== 'verified')
      .map((b) => ({ segment: Number(b.dataset.segment), fragment: Number(b.dataset.fragment), state: b.dataset.state, title: b.getAttribute('title') })),
  );
}

async function readPlay(page, id) {
  await openRecording(page, id);
  const detail = await page.evaluate(async (url) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
    return r.json();
  }, `/api/recordings/${encodeURIComponent(id)}`);
  let fragmentS = 0;
  for (const s of detail.segments || []) for (const f of s.fragments || []) fragmentS = Math.max(fragmentS, f.duration_s);

  await page.evaluate(() => document.getElementById('player').play());
  await sleep(500);
  const t0 = await page.evaluate(() => document.getElementById('player').currentTime);
  const wallStart = Date.now();
  await sleep(2000);
  while (Date.now() - wallStart < 2000) await sleep(50);
  const state = await page.evaluate(() => {
    const v = document.getElementById('player');
    return { t1: v.currentTime, videoWidth: v.videoWidth, videoHeight: v.videoHeight, error: v.error && v.error.message, status: document.getElementById('player-status').textContent };
  });
  if (state.error || state.status) log(`player: ${state.error || ''} ${state.status || ''}`);
  const shot = path.join(opts.out, 'recording.png');
  await page.screenshot({ path: shot, fullPage: true });

  let marker = null;
  let seeked = null;
  const first = await page.$('#timeline [data-marker-id]');
  if (first) {
    marker = { id: await first.getAttribute('data-marker-id'), t: Number(await first.getAttribute('data-t')) };
    await page.evaluate(() => {
      window.__checkSeeked = false;
      document.getElementById('player').addEventListener('seeked', () => (window.__checkSeeked = true), { once: true });
    });
    await first.click();
    await page.waitForFunction(() => window.__checkSeeked === true, null, { timeout: LOAD_TIMEOUT_MS });
    await sleep(500);
    seeked = await page.evaluate(() => document.getElementById('player').currentTime);
  } else {
    log(`recording ${id}: no marker on the timeline`);
  }
  const points = await page.locator('svg#map [data-fix]').count();
  return { play: { t0, t1: state.t1, videoWidth: state.videoWidth, videoHeight: state.videoHeight, marker, seeked, fragment_s: fragmentS }, gps: { points }, shot };
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: LOAD_TIMEOUT_MS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(LOAD_TIMEOUT_MS);
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') log(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      const reason = r.failure() ? r.failure().errorText : '';
      if (reason !== 'net::ERR_ABORTED') log(`request failed: ${r.url()} ${reason}`);
    });

    await open(page, opts.url); // sets the cookie and redirects to the list
    const { list, shot: listShot } = await readList(page);
    const tampered = await readTampered(page, opts.tampered);
    const { play, gps, shot: playShot } = await readPlay(page, opts.play);
    process.stdout.write(`${JSON.stringify({ list, tampered, play, gps, screenshots: [listShot, playShot] })}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`check.mjs: ${e.stack || e.message}`);
  process.exit(1);
});
