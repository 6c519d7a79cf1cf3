// The recording page (recording.html?id=ID): the facts of one recording, its timeline, the video,
// the GPS map, export, and the custody history.
//
// Data: GET /api/recordings/{id} (the detail: segments, fragments, gaps, ledger, ...) and
// GET /api/recordings/{id}/metadata (GPS fixes, markers, mutes; 409 when the server holds no key).
// When both have been loaded and drawn, body[data-ready="true"] is set (the browser tests wait
// for it). The video, the timeline's playhead and the map's position dot all follow
// video.currentTime; a click on the timeline, a marker or a GPS fix seeks the video.

import { apiGet, apiPost, el, formatBytes, formatSeconds, formatUtc, replaceChildren, showError, stateBadge } from './common.js';
import { createMap } from './map.js';
import { MsePlayer } from './player.js';
import { createTimeline } from './timeline.js';

const id = new URLSearchParams(location.search).get('id');
const apiBase = `/api/recordings/${encodeURIComponent(id || '')}`;
/** One id per page load: the server writes one ACCESSED ledger entry per (recording, view). */
const viewId = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

const video = document.getElementById('player');
const playerStatus = document.getElementById('player-status');
const rangeFrom = document.getElementById('range-from');
const rangeTo = document.getElementById('range-to');
const exportRecording = document.getElementById('export-recording');
const exportRange = document.getElementById('export-range');
const exportResult = document.getElementById('export-result');

/** While the server is still verifying the recording, the page asks again this often. */
const PENDING_POLL_MS = 2000;

let detail = null;
let metadata = null; // null when the server could not decrypt the metadata track
let timeline = null;
let map = null;
let exporting = false;
let player = null; // the MsePlayer, when the recording can be played

function setPlayerStatus(text) {
  playerStatus.textContent = text;
}

// ---------------------------------------------------------------- facts

function renderFacts(d) {
  const name = [d.device, formatUtc(d.start)].filter(Boolean).join(' · ');
  document.title = `Custody — recording ${name}`;
  replaceChildren(document.getElementById('heading'), `Recording ${name}`);
  const trigger = d.trigger || {};
  const triggerText =
    [trigger.source || 'unknown', trigger.detail ? `(${trigger.detail})` : null, trigger.t != null ? `at ${formatSeconds(trigger.t)}` : null].filter(Boolean).join(' ') +
    (d.pre_event_s ? `, after ${formatSeconds(d.pre_event_s)} of pre-event footage` : '');
  const state = [stateBadge(d.state)];
  if (d.problem) state.push(' ', el('span', { class: 'problem-text' }, d.problem));
  if (d.state === 'recovered' || d.lost_bytes) state.push(' ', el('span', { class: 'lost' }, `${formatBytes(d.lost_bytes || 0)} lost to the crash`));
  const facts = [
    ['Recording id', el('code', {}, d.id)],
    ['Device', d.device || '—'],
    ['Officer', d.officer || '—'],
    ['Start', el('time', { datetime: d.start }, formatUtc(d.start, { millis: true }))],
    ['End', el('time', { datetime: d.end }, formatUtc(d.end, { millis: true }))],
    ['Duration', formatSeconds(d.duration_s)],
    ['Segments', String((d.segments || []).length)],
    ['Trigger', triggerText],
    ['State', state],
  ];
  if (d.previous_recording_id) {
    facts.push(['Continues', el('a', { href: `/recording.html?id=${encodeURIComponent(d.previous_recording_id)}` }, d.previous_recording_id)]);
  }
  replaceChildren(document.getElementById('facts'), facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

// ---------------------------------------------------------------- custody history

function renderLedger(ledger) {
  const table = document.getElementById('custody-history');
  const status = document.getElementById('ledger-status');
  const tbody = table.tBodies[0];
  if (ledger == null) {
    table.hidden = true;
    status.textContent = 'no ledger configured';
    return;
  }
  table.hidden = false;
  status.textContent = ledger.length ? '' : 'the ledger has no entries for this recording';
  replaceChildren(
    tbody,
    ledger.map((entry) =>
      el(
        'tr',
        { dataset: { ledgerIndex: entry.index } },
        el('td', { class: 'num' }, String(entry.index)),
        el('td', { class: 'nowrap' }, el('time', { datetime: entry.time }, formatUtc(entry.time, { millis: true }))),
        el('td', {}, entry.type),
        el('td', {}, entry.actor || '—'),
        el('td', {}, detailList({ ...(entry.segment != null ? { segment: entry.segment } : {}), ...(entry.reason ? { reason: entry.reason } : {}), ...entry.detail })),
      ),
    ),
  );
}

/** A ledger entry's detail object (with its segment and reason, when it has them) as "key: value" lines. */
function detailList(detailObject) {
  if (detailObject == null || typeof detailObject !== 'object') return detailObject == null ? '' : String(detailObject);
  const entries = Object.entries(detailObject);
  if (!entries.length) return '';
  return el(
    'ul',
    { class: 'detail' },
    entries.map(([k, v]) => el('li', {}, el('span', { class: 'detail-key' }, `${k}: `), typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))),
  );
}

/** Re-reads the ledger (it is part of the detail) so new ACCESSED and EXPORTED entries show. */
async function refreshLedger() {
  try {
    const fresh = await apiGet(apiBase);
    renderLedger(fresh.ledger);
  } catch (e) {
    console.warn('could not refresh the ledger', e);
  }
}

// ---------------------------------------------------------------- range selection and export

function selectedRange() {
  const from = parseFloat(rangeFrom.value);
  const to = parseFloat(rangeTo.value);
  return Number.isFinite(from) && Number.isFinite(to) && to > from && from >= 0 ? { from, to } : null;
}

function onRangeChanged() {
  const range = selectedRange();
  if (timeline) timeline.setSelection(range && range.from, range && range.to);
  exportRange.disabled = exporting || !(detail && detail.exports) || range == null;
}

function setRange(from, to) {
  rangeFrom.value = from == null ? '' : String(from);
  rangeTo.value = to == null ? '' : String(to);
  onRangeChanged();
}

async function runExport(range) {
  exporting = true;
  exportRecording.disabled = true;
  exportRange.disabled = true;
  const what = range ? `the range ${formatSeconds(range.from)} – ${formatSeconds(range.to)}` : 'the whole recording';
  replaceChildren(exportResult, el('p', {}, `Exporting ${what}…`));
  try {
    const result = await apiPost(`${apiBase}/export`, range ? { from: range.from, to: range.to } : { from: null, to: null });
    const files = result.files || [];
    replaceChildren(
      exportResult,
      el('p', {}, `Exported ${what}: ${files.length} file${files.length === 1 ? '' : 's'}${result.ledger_index != null ? `, recorded as ledger entry ${result.ledger_index}` : ''}.`),
      el(
        'table',
        { class: 'files' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'File'), el('th', { scope: 'col' }, 'Size'), el('th', { scope: 'col' }, 'SHA-256'))),
        el(
          'tbody',
          {},
          files.map((f) => el('tr', { dataset: { path: f.path } }, el('td', {}, el('code', {}, f.path)), el('td', { class: 'num' }, formatBytes(f.bytes)), el('td', {}, el('code', { class: 'hash' }, f.sha256)))),
        ),
      ),
    );
  } catch (e) {
    replaceChildren(exportResult, el('p', { class: 'error-text', role: 'alert' }, `Export failed: ${e.message}`));
  } finally {
    exporting = false;
    exportRecording.disabled = !detail.exports;
    onRangeChanged();
    refreshLedger();
  }
}

// ---------------------------------------------------------------- playback

function seek(t) {
  if (!Number.isFinite(t)) return;
  if (!player) {
    // no player: still move the playhead and the map
    followTime(t);
    return;
  }
  player.seek(Math.max(0, t));
}

let shownTime = -1;
function followTime(t) {
  if (t === shownTime) return;
  shownTime = t;
  if (timeline) timeline.setTime(t);
  if (map) map.setTime(t);
}

function startFollowing() {
  const tick = () => {
    followTime(video.currentTime);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function startPlayer(d) {
  if (!d.playable || !d.mime) {
    video.hidden = true;
    setPlayerStatus('This recording cannot be played here: the server holds no key to decrypt it.');
    return;
  }
  try {
    player = new MsePlayer(video, { recordingId: d.id, segments: d.segments, mime: d.mime, duration: d.duration_s, viewId, onStatus: setPlayerStatus });
    player.start();
  } catch (e) {
    player = null;
    setPlayerStatus(`This recording cannot be played: ${e.message}`);
    return;
  }
  setPlayerStatus('Play, or select a time on the timeline or the map, to load the footage (the server records each viewing in the custody ledger).');
  // The server writes ACCESSED when the footage is first fetched: show the entry once it shows.
  video.addEventListener(
    'loadeddata',
    () => {
      setPlayerStatus('');
      setTimeout(refreshLedger, 300);
    },
    { once: true },
  );
}

// ---------------------------------------------------------------- start

async function main() {
  if (!id) {
    showError('No recording id given: open this page from the list of recordings.');
    return;
  }
  let metadataError = null;
  const [detailResult, metadataResult] = await Promise.allSettled([apiGet(apiBase), apiGet(`${apiBase}/metadata`)]);
  if (detailResult.status === 'rejected') {
    showError(`Could not load recording ${id}: ${detailResult.reason.message}`);
    return;
  }
  detail = detailResult.value;
  if (metadataResult.status === 'fulfilled') metadata = metadataResult.value;
  else metadataError = metadataResult.reason.message;

  renderFacts(detail);
  renderLedger(detail.ledger);

  drawTimeline();

  const mapSvg = document.getElementById('map');
  const mapStatus = document.getElementById('map-status');
  if (metadata) {
    map = createMap(mapSvg, metadata.gps, { onSeek: seek });
    if (!map) {
      mapSvg.setAttribute('hidden', ''); // an SVG element has no .hidden property
      mapStatus.textContent = 'no GPS fixes in this recording';
    } else {
      mapStatus.textContent = `${metadata.gps.length} GPS fix${metadata.gps.length === 1 ? '' : 'es'}; the large dot is the position at the video's current time.`;
    }
  } else {
    mapSvg.setAttribute('hidden', '');
    mapStatus.textContent = `The GPS track, markers and mutes are not available: ${metadataError}`;
  }

  exportRecording.disabled = !detail.exports;
  if (!detail.exports) replaceChildren(exportResult, el('p', {}, 'Export is not available: the server holds no key for this recording.'));
  onRangeChanged();

  startPlayer(detail);
  startFollowing();
  document.body.dataset.ready = 'true';
  pollWhilePending();
}

/** (Re)draws the timeline from `detail` and `metadata`, keeping the selection and the playhead. */
function drawTimeline() {
  timeline = createTimeline(document.getElementById('timeline'), detail, metadata, {
    onSeek: seek,
    onSelect: (from, to) => setRange(from, to),
  });
  rangeFrom.max = rangeTo.max = String(timeline.duration);
  onRangeChanged();
  shownTime = -1; // redraw the playhead
}

/** While the recording is pending verification, re-reads it and shows what has been verified. */
function pollWhilePending() {
  if (detail.state !== 'pending') return;
  setTimeout(async () => {
    try {
      const fresh = await apiGet(apiBase);
      detail = fresh;
      renderFacts(detail);
      renderLedger(detail.ledger);
      drawTimeline();
      if (player) player.updateSegments(detail.segments);
    } catch (e) {
      console.warn('could not re-read the recording', e);
    }
    pollWhilePending();
  }, PENDING_POLL_MS);
}

rangeFrom.addEventListener('input', onRangeChanged);
rangeTo.addEventListener('input', onRangeChanged);
document.getElementById('range-clear').addEventListener('click', () => setRange(null, null));
exportRecording.addEventListener('click', () => runExport(null));
exportRange.addEventListener('click', () => {
  const range = selectedRange();
  if (range) runExport(range);
});

main().catch((e) => showError(`The page failed: ${e.message}`));
