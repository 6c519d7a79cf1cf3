// The recordings page (index.html): a filtered, sorted, paged table of the store's recordings.
//
// The server does the filtering, sorting and paging (GET /api/recordings), so the page stays
// fast with tens of thousands of recordings: it only ever holds one page. The filters live in
// the page's query string too (history.replaceState), so a reload or the Back button from a
// recording returns to the same view. While the server is still verifying recordings in the
// background (top-level `pending` > 0) the page re-polls every POLL_MS.

import { apiGet, el, formatBytes, formatDuration, formatUtc, replaceChildren, showError, stateBadge } from './common.js';

const POLL_MS = 1500;
const DEFAULT_LIMIT = 50;

const form = document.getElementById('filters');
const deviceSelect = document.getElementById('filter-device');
const officerSelect = document.getElementById('filter-officer');
const fromInput = document.getElementById('filter-from');
const toInput = document.getElementById('filter-to');
const sortSelect = document.getElementById('filter-sort');
const limitSelect = document.getElementById('filter-limit');
const sortButton = document.getElementById('sort-start');
const sortArrow = document.getElementById('sort-arrow');
const startHeader = document.getElementById('start-header');
const prevButton = document.getElementById('page-prev');
const nextButton = document.getElementById('page-next');
const totalText = document.getElementById('total');
const pendingText = document.getElementById('pending');
const tbody = document.getElementById('recordings-body');
const emptyText = document.getElementById('empty');

/** The view: filters, sort and page. Mirrors the query string. */
const view = {
  device: '',
  officer: '',
  from: '',
  to: '',
  sort: '-start',
  offset: 0,
  limit: DEFAULT_LIMIT,
};

let pollTimer = null;
let requestSeq = 0; // answers to superseded requests are dropped

function readViewFromLocation() {
  const q = new URLSearchParams(location.search);
  for (const key of ['device', 'officer', 'from', 'to']) view[key] = q.get(key) || '';
  view.sort = q.get('sort') === 'start' ? 'start' : '-start';
  view.offset = Math.max(0, parseInt(q.get('offset') || '0', 10) || 0);
  view.limit = Math.min(500, Math.max(1, parseInt(q.get('limit') || String(DEFAULT_LIMIT), 10) || DEFAULT_LIMIT));
}

/** Query string of the view, without defaults (also what the API is asked). */
function viewQuery() {
  const q = new URLSearchParams();
  for (const key of ['device', 'officer', 'from', 'to']) if (view[key]) q.set(key, view[key]);
  if (view.sort !== '-start') q.set('sort', view.sort);
  if (view.offset) q.set('offset', String(view.offset));
  if (view.limit !== DEFAULT_LIMIT) q.set('limit', String(view.limit));
  return q.toString();
}

function syncControls() {
  fromInput.value = view.from;
  toInput.value = view.to;
  sortSelect.value = view.sort;
  if (![...limitSelect.options].some((o) => o.value === String(view.limit))) {
    limitSelect.append(el('option', { value: view.limit }, String(view.limit)));
  }
  limitSelect.value = String(view.limit);
  const ascending = view.sort === 'start';
  sortArrow.textContent = ascending ? '▲' : '▼';
  startHeader.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  sortButton.title = ascending ? 'Sorted oldest first; select to sort newest first' : 'Sorted newest first; select to sort oldest first';
}

/** Fills a <select> with the choices the server reported, keeping the current value. */
function fillSelect(select, values, current, allText) {
  values = values.filter((v) => v !== ''); // a recording without a device or officer name
  const wanted = ['', ...values];
  if (current && !values.includes(current)) wanted.push(current);
  const have = [...select.options].map((o) => o.value);
  if (have.length === wanted.length && have.every((v, i) => v === wanted[i])) {
    select.value = current;
    return; // unchanged: do not disturb a user who has the list open
  }
  replaceChildren(select, wanted.map((v) => el('option', { value: v }, v === '' ? allText : v)));
  select.value = current;
}

function recordingRow(r) {
  // The start time is the link: every recording has one (device and officer may be empty).
  const link = el('a', { href: `/recording.html?id=${encodeURIComponent(r.id)}`, title: `recording ${r.id}` }, el('time', { datetime: r.start }, formatUtc(r.start)));
  const problem = [];
  if (r.problem) problem.push(el('span', { class: 'problem-text' }, r.problem));
  if (r.state === 'recovered' || r.lost_bytes) {
    problem.push(el('span', { class: 'lost' }, `${formatBytes(r.lost_bytes || 0)} lost to the crash`));
  }
  return el(
    'tr',
    { dataset: { recordingId: r.id, state: r.state } },
    el('td', { class: 'nowrap' }, link),
    el('td', {}, r.device || '—'),
    el('td', {}, r.officer || '—'),
    el('td', { class: 'num' }, formatDuration(r.duration_s)),
    el('td', { class: 'num' }, String(r.segments ?? '—')),
    el('td', {}, r.trigger || '—'),
    el('td', {}, stateBadge(r.state)),
    el('td', { class: 'problem' }, problem),
  );
}

async function load() {
  clearTimeout(pollTimer);
  const seq = ++requestSeq;
  let page;
  try {
    page = await apiGet(`/api/recordings?${viewQuery()}`);
  } catch (e) {
    if (seq !== requestSeq) return;
    showError(`Could not load the recordings: ${e.message}`);
    totalText.textContent = 'error';
    pollTimer = setTimeout(load, POLL_MS * 4);
    return;
  }
  if (seq !== requestSeq) return;
  document.getElementById('error').hidden = true;
  document.getElementById('error').replaceChildren();

  fillSelect(deviceSelect, page.devices || [], view.device, 'all devices');
  fillSelect(officerSelect, page.officers || [], view.officer, 'all officers');

  const rows = page.recordings || [];
  replaceChildren(tbody, rows.map(recordingRow));
  emptyText.hidden = rows.length > 0;

  const first = rows.length ? page.offset + 1 : 0;
  const last = page.offset + rows.length;
  totalText.textContent = `${first}–${last} of ${page.total}`;
  prevButton.disabled = page.offset <= 0;
  nextButton.disabled = last >= page.total;

  // While the server verifies in the background, say so and ask again shortly.
  const pending = page.pending || 0;
  document.body.dataset.pending = String(pending);
  pendingText.hidden = pending === 0;
  pendingText.textContent = pending ? `verifying ${pending} recording${pending === 1 ? '' : 's'}…` : '';
  if (pending > 0) pollTimer = setTimeout(load, POLL_MS);
  document.body.dataset.loaded = 'true';
}

/** Applies a change of the view: updates the query string and loads. */
function update(changes, { resetOffset = true } = {}) {
  Object.assign(view, changes);
  if (resetOffset) view.offset = 0;
  const q = viewQuery();
  history.replaceState(null, '', q ? `?${q}` : location.pathname);
  syncControls();
  load();
}

deviceSelect.addEventListener('change', () => update({ device: deviceSelect.value }));
officerSelect.addEventListener('change', () => update({ officer: officerSelect.value }));
/** A date filter is applied once it is empty or a whole YYYY-MM-DD date (the input's pattern). */
function onDateChange(input, key) {
  const value = input.value.trim();
  if (value !== '' && !(input.checkValidity() && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
    input.setCustomValidity('Write the date as YYYY-MM-DD, e.g. 2026-12-05');
    input.reportValidity();
    return;
  }
  input.setCustomValidity('');
  if (value !== view[key]) update({ [key]: value });
}
fromInput.addEventListener('change', () => onDateChange(fromInput, 'from'));
toInput.addEventListener('change', () => onDateChange(toInput, 'to'));
fromInput.addEventListener('input', () => fromInput.setCustomValidity(''));
toInput.addEventListener('input', () => toInput.setCustomValidity(''));
sortSelect.addEventListener('change', () => update({ sort: sortSelect.value }));
limitSelect.addEventListener('change', () => update({ limit: parseInt(limitSelect.value, 10) }));
sortButton.addEventListener('click', () => update({ sort: view.sort === 'start' ? '-start' : 'start' }));
form.addEventListener('reset', (e) => {
  e.preventDefault();
  update({ device: '', officer: '', from: '', to: '' });
});
form.addEventListener('submit', (e) => e.preventDefault());
prevButton.addEventListener('click', () => update({ offset: Math.max(0, view.offset - view.limit) }, { resetOffset: false }));
nextButton.addEventListener('click', () => update({ offset: view.offset + view.limit }, { resetOffset: false }));

readViewFromLocation();
syncControls();
load();
