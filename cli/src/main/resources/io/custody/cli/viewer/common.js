// Helpers shared by the pages of the `custody serve` viewer.
//
// The viewer is plain ES2020 modules, loaded with <script type="module"> from /viewer/.
// It must run under a strict Content-Security-Policy (script-src 'self', style-src 'self'),
// so nothing here writes inline scripts, inline event handlers or style attributes into HTML;
// styles are set through element.style from script, which the policy allows.
//
// Authentication is a cookie that the server set on the first request (`/?token=...`);
// fetch() sends it by default for same-origin requests, so the token never appears in a URL here.

/** Error thrown by the api* helpers: the message is the server's {"error": "..."} text. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function readJson(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (e.g. a proxy's HTML error page): fall through with body null
  }
  if (!response.ok) {
    const text = body && typeof body.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, text);
  }
  return body;
}

/** GET a JSON resource of the API. */
export async function apiGet(path, { signal } = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  return readJson(response);
}

/** POST a JSON body to the API and return its JSON answer. */
export async function apiPost(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return readJson(response);
}

/**
 * Formats an ISO-8601 instant as "2026-12-05 15:20:50 UTC": always UTC, never the
 * browser's locale or time zone. Returns "—" for null and the input itself when unparsable.
 */
export function formatUtc(iso, { millis = false } = {}) {
  if (iso == null || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const text = date.toISOString(); // 2026-12-05T15:20:50.232Z, always UTC
  return `${text.slice(0, 10)} ${text.slice(11, millis ? 23 : 19)} UTC`;
}

/** Formats seconds as "1:02:03.4" / "2:03.4" / "3.4 s"-like text: h:mm:ss(.t). */
export function formatDuration(seconds, { decimals = 1 } = {}) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '-' : '';
  let s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let sec = s.toFixed(decimals);
  if (s < 10) sec = '0' + sec;
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${sec}` : `${sign}${m}:${sec}`;
}

/** Seconds on the media timeline as "12.3 s". */
export function formatSeconds(seconds) {
  return seconds == null || !Number.isFinite(seconds) ? '—' : `${(Math.round(seconds * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '')} s`;
}

/** Byte counts as "1 234 567 bytes" (grouping without the locale). */
export function formatBytes(bytes) {
  if (bytes == null) return '—';
  return `${String(bytes).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')} bytes`;
}

/**
 * Creates an HTML element: el('a', {href: 'x', class: 'y', dataset: {id: '1'}}, 'text', child...).
 * Attribute values null/undefined/false are skipped; children may be strings, nodes or arrays.
 */
export function el(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Like el(), for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** An SVG <title> child: the hover text of an SVG element (SVG has no title attribute). */
export function svgTitle(text) {
  return svg('title', {}, text);
}

/** Human words for each state the server reports (for recordings, segments and fragments). */
const STATE_TEXT = {
  complete: 'complete',
  verified: 'verified',
  recovered: 'recovered',
  failed: 'FAILED',
  unfinished: 'unfinished',
  pending: 'verifying…',
  lost: 'lost',
};

/**
 * A state badge: a coloured box (class state-STATE in viewer.css) that also carries the state
 * as text, so colour is never the only signal.
 */
export function stateBadge(state) {
  return el('span', { class: `badge state-${state}`, dataset: { state } }, STATE_TEXT[state] || state);
}

/** Replaces all children of a node. */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false));
}

/** Shows an error message in the page's #error banner (role=alert) and on the console. */
export function showError(message) {
  console.error(message);
  const banner = document.getElementById('error');
  if (!banner) return;
  banner.hidden = false;
  banner.append(el('p', {}, String(message)));
}
