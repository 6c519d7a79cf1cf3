// The timeline of the recording page: the recording drawn to scale over its duration.
//
// It is built from positioned <div>s (left/width in percent of the duration), so it scales with
// the page without distorting text. From top to bottom:
//   segments   one box per segment, labelled, marking the segment boundaries;
//   fragments  one block per fragment, coloured by state (data-state), gaps hatched;
//   events     the pre-event span, marker flags, the trigger line (which spans every track);
//   audio      the mute spans;
//   axis       time ticks.
// Overlays: the playhead (#playhead) and the selected range. The overlays ignore the pointer,
// so a click on the timeline reaches the block beneath.
//
// A click seeks (onSeek(t)); a click on a marker seeks to the marker's time; a drag (with or
// without Shift) selects a range for the excerpt export (onSelect(from, to)).

import { el, formatSeconds, formatUtc } from './common.js';

const DRAG_THRESHOLD_PX = 4;

/** A tick step giving roughly 6–12 ticks over `duration` seconds. */
function tickStep(duration) {
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  return steps.find((s) => duration / s <= 12) || 14400;
}

function tickLabel(t) {
  if (t < 60) return `${t} s`;
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  if (m < 60) return `${m}:${String(s).padStart(2, '0')}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

const FRAGMENT_STATE_TEXT = {
  verified: 'verified',
  failed: 'FAILED verification',
  lost: 'lost (after a crash, not recoverable)',
  pending: 'not yet verified',
};

/**
 * Draws the timeline into `container` (#timeline) and returns its controller:
 * { setTime(t), setSelection(from, to), duration }.
 */
export function createTimeline(container, detail, metadata, { onSeek, onSelect }) {
  const segments = detail.segments || [];
  const gaps = detail.gaps || [];
  // The scale: the recording's duration, stretched if a fragment or gap reaches further.
  let duration = detail.duration_s || 0;
  for (const s of segments) {
    duration = Math.max(duration, s.t + (s.duration_s || 0));
    for (const f of s.fragments || []) duration = Math.max(duration, f.t + (f.duration_s || 0));
  }
  for (const g of gaps) duration = Math.max(duration, g.t + g.duration_s);
  if (!(duration > 0)) duration = 1;

  const pct = (t) => `${(Math.min(Math.max(t, 0), duration) / duration) * 100}%`;
  /** Positions an element over [t0, t1) of the timeline. */
  const place = (node, t0, t1) => {
    node.style.left = pct(t0);
    if (t1 != null) node.style.width = `${((Math.min(t1, duration) - Math.max(t0, 0)) / duration) * 100}%`;
    return node;
  };

  container.replaceChildren();
  container.classList.add('timeline');

  // --- segments ---
  const segmentTrack = el('div', { class: 'tl-track tl-segments' });
  for (const s of segments) {
    const range = `${formatSeconds(s.t)} – ${formatSeconds(s.t + s.duration_s)}`;
    const lines = [`segment ${s.index}`, range, `state: ${s.state}`];
    if (s.problem) lines.push(`problem: ${s.problem}`);
    if (s.lost_bytes) lines.push(`lost: ${s.lost_bytes} bytes`);
    segmentTrack.append(
      place(el('div', { class: `tl-segment seg-state-${s.state}`, dataset: { segmentIndex: s.index }, title: lines.join('\n') }, el('span', { class: 'tl-label' }, `segment ${s.index}`)), s.t, s.t + s.duration_s),
    );
  }

  // --- fragments and gaps ---
  const fragmentTrack = el('div', { class: 'tl-track tl-fragments' });
  for (const s of segments) {
    for (const f of s.fragments || []) {
      const lines = [
        `segment ${s.index}, fragment ${f.index}`,
        `${formatSeconds(f.t)} – ${formatSeconds(f.t + f.duration_s)}`,
        `state: ${FRAGMENT_STATE_TEXT[f.state] || f.state}`,
      ];
      if (f.wall_clock) lines.push(`recorded ${formatUtc(f.wall_clock, { millis: true })}`);
      if (f.problem) lines.push(`problem: ${f.problem}`);
      fragmentTrack.append(
        place(el('div', { class: `tl-fragment frag-${f.state}`, dataset: { segment: s.index, fragment: f.index, state: f.state, t: f.t }, title: lines.join('\n') }), f.t, f.t + f.duration_s),
      );
    }
  }
  for (const g of gaps) {
    const title = `gap: no footage ${formatSeconds(g.t)} – ${formatSeconds(g.t + g.duration_s)}${g.reason ? `\n${g.reason}` : ''}`;
    fragmentTrack.append(place(el('div', { class: 'tl-gap', dataset: { gap: g.t }, title }), g.t, g.t + g.duration_s));
  }

  // --- events: pre-event span and markers ---
  const eventTrack = el('div', { class: 'tl-track tl-events' });
  const pre = detail.pre_event_s;
  if (pre > 0) {
    eventTrack.append(
      place(el('div', { class: 'tl-pre-event', dataset: { preEvent: pre }, title: `pre-event footage: 0 – ${formatSeconds(pre)} (recorded before the trigger)` }, el('span', { class: 'tl-label' }, 'pre-event')), 0, pre),
    );
  }
  for (const m of (metadata && metadata.markers) || []) {
    const name = m.label || m.id;
    const title = `marker ${m.label ? `“${m.label}” ` : ''}(${m.id}) at ${formatSeconds(m.t)}${m.time ? `, ${formatUtc(m.time, { millis: true })}` : ''}`;
    const flag = el(
      'button',
      { type: 'button', class: 'tl-marker', dataset: { markerId: m.id, t: m.t }, title, 'aria-label': `seek to ${title}` },
      el('span', { class: 'tl-flag', 'aria-hidden': 'true' }, '⚑'),
      el('span', { class: 'tl-marker-label' }, name),
    );
    eventTrack.append(place(flag, m.t));
  }

  // --- audio: mute spans ---
  const muteTrack = el('div', { class: 'tl-track tl-mutes' });
  for (const m of (metadata && metadata.mutes) || []) {
    const end = m.end_t == null ? duration : m.end_t;
    const title = `audio muted ${formatSeconds(m.t)} – ${m.end_t == null ? 'end of recording' : formatSeconds(m.end_t)}`;
    muteTrack.append(place(el('div', { class: 'tl-mute', dataset: { mute: m.t }, title }, el('span', { class: 'tl-label' }, 'muted')), m.t, end));
  }

  // --- axis ---
  const axis = el('div', { class: 'tl-axis', 'aria-hidden': 'true' });
  const step = tickStep(duration);
  for (let t = 0; t <= duration + 1e-9; t += step) {
    axis.append(place(el('span', { class: 'tl-tick' }, tickLabel(Math.round(t * 10) / 10)), t));
  }

  // --- overlays: trigger line, selection, playhead ---
  const overlays = [];
  const trigger = detail.trigger;
  if (trigger && trigger.t != null) {
    const title = `trigger: ${trigger.source || 'unknown'}${trigger.detail ? ` (${trigger.detail})` : ''} at ${formatSeconds(trigger.t)}`;
    overlays.push(place(el('div', { class: 'tl-trigger', dataset: { trigger: trigger.source || '' }, title }, el('span', { class: 'tl-label' }, `trigger: ${trigger.source || '?'}`)), trigger.t));
  }
  const selection = el('div', { class: 'tl-selection', id: 'timeline-selection', hidden: true });
  const playhead = el('div', { class: 'tl-playhead', id: 'playhead', 'aria-hidden': 'true' });
  overlays.push(selection, playhead);

  container.append(segmentTrack, fragmentTrack, eventTrack, muteTrack, axis, ...overlays);

  // --- pointer: click seeks, drag selects ---
  const timeAt = (clientX) => {
    const r = container.getBoundingClientRect();
    return Math.min(Math.max((clientX - r.left) / r.width, 0), 1) * duration;
  };
  let drag = null; // {x0, t0, moved}
  container.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || e.target.closest('.tl-marker')) return;
    drag = { x0: e.clientX, t0: timeAt(e.clientX), moved: false };
    container.setPointerCapture(e.pointerId);
  });
  container.addEventListener('pointermove', (e) => {
    if (!drag) return;
    if (!drag.moved && Math.abs(e.clientX - drag.x0) < DRAG_THRESHOLD_PX) return;
    drag.moved = true;
    const t = timeAt(e.clientX);
    controller.setSelection(Math.min(drag.t0, t), Math.max(drag.t0, t));
  });
  container.addEventListener('pointerup', (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.moved) {
      const t = timeAt(e.clientX);
      onSelect(round3(Math.min(d.t0, t)), round3(Math.max(d.t0, t)));
    } else {
      onSeek(timeAt(e.clientX));
    }
  });
  container.addEventListener('pointercancel', () => (drag = null));
  container.addEventListener('click', (e) => {
    const marker = e.target.closest('.tl-marker');
    if (marker) onSeek(parseFloat(marker.dataset.t));
  });

  const controller = {
    duration,
    setTime(t) {
      playhead.style.left = pct(t || 0);
    },
    setSelection(from, to) {
      if (from == null || to == null || !(to > from)) {
        selection.hidden = true;
        return;
      }
      selection.hidden = false;
      place(selection, from, to);
      selection.title = `selected ${formatSeconds(from)} – ${formatSeconds(to)}`;
    },
  };
  controller.setTime(0);
  return controller;
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}
