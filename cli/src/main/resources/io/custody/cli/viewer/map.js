// The map of the recording page: the GPS track drawn as SVG, with no tiles and no network.
//
// Projection: equirectangular around the track's mean latitude. A fix at (lat, lon) is placed at
//   x = (lon - lonMin) · cos(meanLat),  y = latMax - lat      (in degrees, north up)
// then scaled uniformly so the track's bounding box fits the drawing with margins; the cos(lat)
// factor keeps east–west and north–south distances at the same scale. Over the few kilometres a
// body-worn camera moves, the error of this projection is far below GPS accuracy.
//
// Drawn: the polyline, one circle per fix ([data-fix], click = seek to its time), start and end
// marks, a scale bar with its length in metres, and #map-position, the position at the video's
// current time (interpolated between the fixes around it).

import { formatSeconds, formatUtc, svg, svgTitle } from './common.js';

const WIDTH = 640;
const HEIGHT = 420;
const MARGIN = 36;
const METRES_PER_DEGREE = 111_320; // along a meridian, and along the equator
const MIN_SPAN_M = 50; // a track that hardly moves is drawn over at least this span

/**
 * Draws `fixes` into the <svg id="map"> and returns { setTime(t) }, or null when there are no
 * fixes (the caller then says so).
 */
export function createMap(svgRoot, fixes, { onSeek }) {
  const points = (fixes || []).filter((f) => Number.isFinite(f.lat) && Number.isFinite(f.lon)).sort((a, b) => a.t - b.t);
  svgRoot.replaceChildren();
  svgRoot.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  if (points.length === 0) return null;

  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const latMin = Math.min(...lats);
  const latMax = Math.max(...lats);
  const lonMin = Math.min(...lons);
  const lonMax = Math.max(...lons);
  const cosLat = Math.cos((((latMin + latMax) / 2) * Math.PI) / 180);

  // Projected extent in degrees of latitude (the same unit on both axes after the cos correction).
  const minSpanDeg = MIN_SPAN_M / METRES_PER_DEGREE;
  const spanX = Math.max((lonMax - lonMin) * cosLat, minSpanDeg);
  const spanY = Math.max(latMax - latMin, minSpanDeg);
  const scale = Math.min((WIDTH - 2 * MARGIN) / spanX, (HEIGHT - 2 * MARGIN) / spanY); // px per degree
  // Centre the track in the drawing.
  const offX = (WIDTH - ((lonMax - lonMin) * cosLat) * scale) / 2;
  const offY = (HEIGHT - (latMax - latMin) * scale) / 2;
  const project = (lat, lon) => [offX + (lon - lonMin) * cosLat * scale, offY + (latMax - lat) * scale];

  svgRoot.append(svg('rect', { class: 'map-background', x: 0, y: 0, width: WIDTH, height: HEIGHT }));

  // Track.
  const xy = points.map((p) => project(p.lat, p.lon));
  svgRoot.append(svg('polyline', { class: 'map-track', points: xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ') }));

  // Start and end marks (drawn under the fixes so every fix stays clickable).
  const [sx, sy] = xy[0];
  const [ex, ey] = xy[xy.length - 1];
  svgRoot.append(
    svg('rect', { class: 'map-start', x: sx - 8, y: sy - 8, width: 16, height: 16 }, svgTitle('start of the track')),
    svg('text', { class: 'map-label', x: sx + 10, y: sy - 10 }, 'start'),
    svg('polygon', { class: 'map-end', points: `${ex},${ey - 10} ${ex + 9},${ey + 7} ${ex - 9},${ey + 7}` }, svgTitle('end of the track')),
    svg('text', { class: 'map-label', x: ex + 10, y: ey + 16 }, 'end'),
  );

  // One circle per fix.
  points.forEach((p, i) => {
    const [x, y] = xy[i];
    const lines = [
      `GPS fix ${i + 1} of ${points.length} at ${formatSeconds(p.t)}`,
      p.time ? formatUtc(p.time, { millis: true }) : null,
      `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`,
      p.accuracy != null ? `accuracy ±${p.accuracy} m` : null,
      p.speed != null ? `speed ${p.speed} m/s` : null,
      p.heading != null ? `heading ${p.heading}°` : null,
    ].filter(Boolean);
    const dot = svg('circle', { class: 'map-fix', cx: x.toFixed(1), cy: y.toFixed(1), r: 4, tabindex: 0, role: 'button', 'aria-label': `seek to ${lines[0]}`, dataset: { fix: i, t: p.t } }, svgTitle(lines.join('\n')));
    dot.addEventListener('click', () => onSeek(p.t));
    dot.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSeek(p.t);
      }
    });
    svgRoot.append(dot);
  });

  // Scale bar: a round length of about a quarter of the drawing's width.
  const metresPerPx = METRES_PER_DEGREE / scale;
  const barM = niceLength((WIDTH / 4) * metresPerPx);
  const barPx = barM / metresPerPx;
  const bx = 12;
  const by = HEIGHT - 14;
  const widthM = (lonMax - lonMin) * cosLat * METRES_PER_DEGREE;
  const heightM = (latMax - latMin) * METRES_PER_DEGREE;
  svgRoot.append(
    svg('path', { class: 'map-scale', d: `M${bx},${by - 5} V${by} H${bx + barPx} V${by - 5}` }),
    svg('text', { class: 'map-label', x: bx, y: by - 8 }, formatMetres(barM)),
    svg('text', { class: 'map-label map-extent', x: WIDTH - 12, y: HEIGHT - 8, 'text-anchor': 'end' }, `track spans ${formatMetres(widthM)} E–W × ${formatMetres(heightM)} N–S`),
    svg('text', { class: 'map-label', x: WIDTH - 12, y: 18, 'text-anchor': 'end' }, 'N ↑'),
  );

  // Current position.
  const position = svg('circle', { class: 'map-position', id: 'map-position', r: 8, cx: sx, cy: sy }, svgTitle('position at the current video time'));
  svgRoot.append(position);

  return {
    setTime(t) {
      const [x, y] = interpolate(points, xy, t);
      position.setAttribute('cx', x.toFixed(1));
      position.setAttribute('cy', y.toFixed(1));
    },
  };
}

/** The projected position at time t: before the first fix, the first; after the last, the last. */
function interpolate(points, xy, t) {
  if (!(t > points[0].t)) return xy[0];
  for (let i = 1; i < points.length; i++) {
    if (points[i].t >= t) {
      const span = points[i].t - points[i - 1].t;
      const k = span > 0 ? (t - points[i - 1].t) / span : 1;
      return [xy[i - 1][0] + k * (xy[i][0] - xy[i - 1][0]), xy[i - 1][1] + k * (xy[i][1] - xy[i - 1][1])];
    }
  }
  return xy[xy.length - 1];
}

/** 1, 2 or 5 times a power of ten, at most `m`. */
function niceLength(m) {
  const p = 10 ** Math.floor(Math.log10(m));
  return [5, 2, 1].map((k) => k * p).find((v) => v <= m) || p;
}

function formatMetres(m) {
  return m >= 1000 ? `${(m / 1000).toFixed(m >= 10000 ? 0 : 1)} km` : `${Math.round(m)} m`;
}
