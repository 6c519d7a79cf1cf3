// The video player of the recording page: feeds the decrypted fragments that the server streams
// into <video> through Media Source Extensions (MSE).
//
// The recording is a sequence of segments; each segment has an initialization segment (ftyp+moov)
// and numbered media fragments (moof+mdat). Every fragment's decode time (tfdt) already is its
// time on the recording's continuous timeline, so no timestampOffset is used. The loader
//   - appends a segment's init before its first fragment, and again whenever it moves to
//     another segment or restarts after a seek;
//   - appends fragments in timeline order, skipping those that are not `verified` (the server
//     will not stream them: they show as gaps);
//   - keeps about AHEAD_S seconds buffered ahead of the playhead, and evicts what lies more than
//     BEHIND_S seconds behind it, so a long recording is never fetched whole;
//   - on `seeking`, abandons its fetch and append in progress and restarts at the fragment that
//     contains the new time;
//   - calls endOfStream() after the last fragment.
// Nothing is fetched until the user plays or seeks: opening the page is not viewing the footage,
// and the server records every viewing in the custody ledger.
// A watchdog steps the playhead over holes in the buffered media (skipped fragments, gaps), which
// the browser would otherwise sit in forever.
//
// Every media request carries ?view=VIEW, a random id made once per page load: the server writes
// one ACCESSED entry to the custody ledger per (recording, view).

const AHEAD_S = 10;
const BEHIND_S = 30;
const WATCHDOG_MS = 250;
const EPSILON = 0.05;
const NEAR_END_S = 0.25;
const BUFFERED_SLACK_S = 0.1; // a fragment's media may end a little before its nominal end

export class MsePlayer {
  /**
   * @param video   the <video> element
   * @param options {recordingId, segments (from the detail), mime, duration, viewId, onStatus(text)}
   */
  constructor(video, { recordingId, segments, mime, duration, viewId, onStatus }) {
    this.video = video;
    this.base = `/api/recordings/${encodeURIComponent(recordingId)}/segments`;
    this.mime = mime;
    this.duration = duration;
    this.viewId = viewId;
    this.onStatus = onStatus || (() => {});
    this.fragments = fragmentList(segments);
    this.mediaSource = null;
    this.sourceBuffer = null;
    this.generation = 0; // incremented on every restart; a loop of an older generation stops
    this.next = 0; // index in this.fragments of the next fragment to append
    this.initFor = null; // the segment whose init was appended last (null: append before the next fragment)
    this.fetchAbort = null;
    this.wake = null; // resolves the loader's wait for playback progress
    this.started = false; // set by the first play or seek: only then is footage fetched
  }

  /** Attaches the MediaSource to the video and starts loading. */
  start() {
    if (!('MediaSource' in window)) throw new Error('this browser has no Media Source Extensions');
    if (!MediaSource.isTypeSupported(this.mime)) throw new Error(`this browser cannot play ${this.mime}`);
    if (!this.fragments.some((f) => f.verified || f.state === 'pending')) throw new Error('no fragment of this recording is verified: nothing can be played');
    this.mediaSource = new MediaSource();
    this.mediaSource.addEventListener('sourceopen', () => this.onSourceOpen(), { once: true });
    this.video.src = URL.createObjectURL(this.mediaSource);
    this.video.addEventListener('seeking', () => this.onSeeking());
    this.video.addEventListener('play', () => {
      if (!this.started) this.seek(this.video.currentTime);
    });
    for (const type of ['timeupdate', 'play', 'seeked']) this.video.addEventListener(type, () => this.wakeUp());
    this.video.addEventListener('error', () => {
      const e = this.video.error;
      this.onStatus(`video error: ${e ? `${e.code} ${e.message || ''}` : 'unknown'}`);
    });
    setInterval(() => this.watchdog(), WATCHDOG_MS);
  }

  onSourceOpen() {
    URL.revokeObjectURL(this.video.src);
    if (this.duration > 0) this.mediaSource.duration = this.duration;
    this.sourceBuffer = this.mediaSource.addSourceBuffer(this.mime);
    if (this.started) this.restart(this.startAt);
  }

  /**
   * Moves playback to time t, starting the loader there if it has not started. (Before the first
   * media arrives the browser does not seek, it only notes the start position, so the loader
   * must be told where to begin.)
   */
  seek(t) {
    if (!this.started) {
      this.started = true;
      this.startAt = t;
      this.video.currentTime = t;
      if (this.sourceBuffer) this.restart(t);
      return;
    }
    this.video.currentTime = t;
  }

  /**
   * Takes the segments of a fresh detail (fragments verified since the page loaded become
   * playable): when anything changed, the loader restarts at the playhead.
   */
  updateSegments(segments) {
    const fresh = fragmentList(segments);
    const same = fresh.length === this.fragments.length && fresh.every((f, i) => f.verified === this.fragments[i].verified && f.t === this.fragments[i].t);
    if (same) return;
    this.fragments = fresh;
    if (this.started && this.sourceBuffer) this.restart(this.video.currentTime);
  }

  /** Restarts the loader at the fragment containing time t. */
  restart(t) {
    this.generation++;
    if (this.fetchAbort) this.fetchAbort.abort();
    this.fetchAbort = new AbortController();
    const sb = this.sourceBuffer;
    if (sb && sb.updating && this.mediaSource.readyState === 'open') {
      try {
        sb.abort(); // ends the append in progress (fires updateend)
      } catch (e) {
        console.warn('SourceBuffer.abort', e);
      }
    }
    this.next = this.indexAt(t);
    // Fragments already wholly buffered from the new time on need not be fetched again.
    const range = this.bufferedRangeAt(t);
    while (range && this.next < this.fragments.length) {
      const f = this.fragments[this.next];
      if (f.t < range.start - BUFFERED_SLACK_S || f.end > range.end + BUFFERED_SLACK_S) break;
      this.next++;
    }
    this.initFor = null; // after a restart, the segment's init goes first
    this.wakeUp();
    this.run(this.generation).catch((e) => this.onStatus(`playback stopped: ${e.message}`));
  }

  /** Index of the fragment containing t (or the first after it). */
  indexAt(t) {
    let i = 0;
    while (i < this.fragments.length - 1 && this.fragments[i + 1].t <= t + EPSILON / 10) i++;
    return this.fragments.length && this.fragments[i].end <= t ? i + 1 : i;
  }

  onSeeking() {
    if (!this.sourceBuffer) return; // not open yet: onSourceOpen starts at startAt
    this.started = true;
    const t = this.video.currentTime;
    // A seek into a span without playable footage goes on to the next verified fragment.
    const f = this.fragments.find((x) => x.t <= t + EPSILON && t < x.end - EPSILON);
    if (!f || !f.verified) {
      const after = this.fragments.find((x) => x.verified && x.t > t);
      if (after && !this.inBuffered(t)) {
        this.onStatus(`no footage at ${t.toFixed(1)} s; continuing at ${after.t.toFixed(1)} s`);
        this.video.currentTime = after.t; // fires seeking again, which restarts there
        return;
      }
    }
    this.restart(t);
  }

  async run(gen) {
    while (gen === this.generation) {
      if (this.next >= this.fragments.length) {
        await this.finish(gen);
        return;
      }
      const f = this.fragments[this.next];
      if (!f.verified) {
        this.next++;
        continue;
      }
      if (f.t > this.video.currentTime + AHEAD_S && this.bufferedAhead() > 0) {
        await this.waitForProgress();
        continue;
      }
      await this.evict(gen);
      if (gen !== this.generation) return;
      if (this.initFor !== f.segment) {
        const init = await this.load(`${this.base}/${f.segment}/init`, gen);
        if (gen !== this.generation) return;
        if (init == null) {
          this.skipSegment(f.segment);
          continue;
        }
        await this.append(init, gen);
        if (gen !== this.generation) return;
        this.initFor = f.segment;
      }
      const data = await this.load(`${this.base}/${f.segment}/fragments/${f.fragment}`, gen);
      if (gen !== this.generation) return;
      if (data != null) await this.append(data, gen);
      if (gen !== this.generation) return;
      this.next++;
    }
  }

  /** Fetches one media resource; null (after a status message) when the server refuses it. */
  async load(url, gen) {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${url}?view=${encodeURIComponent(this.viewId)}`, { signal: this.fetchAbort.signal });
        if (!response.ok) {
          let text = `${response.status}`;
          try {
            text = (await response.json()).error || text;
          } catch {
            // not JSON
          }
          if (response.status < 500 || attempt >= 2) {
            this.onStatus(`could not load ${url.slice(this.base.length + 1)}: ${text}`);
            return null;
          }
        } else {
          return await response.arrayBuffer();
        }
      } catch (e) {
        if (gen !== this.generation) return null; // aborted by a seek
        if (attempt >= 2) {
          this.onStatus(`could not load ${url.slice(this.base.length + 1)}: ${e.message}`);
          return null;
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
      if (gen !== this.generation) return null;
    }
  }

  skipSegment(segment) {
    while (this.next < this.fragments.length && this.fragments[this.next].segment === segment) this.next++;
  }

  /** Appends to the SourceBuffer and waits for it; frees room and retries once when it is full. */
  async append(data, gen) {
    for (let attempt = 1; ; attempt++) {
      await this.idle();
      if (gen !== this.generation) return;
      try {
        const done = this.updateEnd();
        this.sourceBuffer.appendBuffer(data);
        await done;
        return;
      } catch (e) {
        if (e.name === 'QuotaExceededError' && attempt === 1) {
          await this.remove(0, Math.max(0, this.video.currentTime - 2));
          continue;
        }
        throw e;
      }
    }
  }

  /** Removes what lies more than BEHIND_S seconds behind the playhead. */
  async evict(gen) {
    const b = this.sourceBuffer.buffered;
    const until = this.video.currentTime - BEHIND_S;
    if (b.length && b.start(0) < until - 1 && gen === this.generation) await this.remove(0, until);
  }

  async remove(from, to) {
    if (!(to > from)) return;
    await this.idle();
    const done = this.updateEnd();
    this.sourceBuffer.remove(from, to);
    await done;
  }

  async finish(gen) {
    await this.idle();
    if (gen === this.generation && this.mediaSource.readyState === 'open') {
      try {
        this.mediaSource.endOfStream();
      } catch (e) {
        console.warn('endOfStream', e);
      }
    }
  }

  /** Waits until the SourceBuffer is not updating. */
  async idle() {
    while (this.sourceBuffer.updating) await this.updateEnd();
  }

  updateEnd() {
    return new Promise((resolve, reject) => {
      const sb = this.sourceBuffer;
      const onEnd = () => {
        sb.removeEventListener('updateend', onEnd);
        sb.removeEventListener('error', onError);
        resolve();
      };
      const onError = () => {
        sb.removeEventListener('updateend', onEnd);
        sb.removeEventListener('error', onError);
        reject(new Error('the browser could not decode the media'));
      };
      sb.addEventListener('updateend', onEnd);
      sb.addEventListener('error', onError);
    });
  }

  /** Waits for playback to move on (or a seek, or at most a second). */
  waitForProgress() {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wakeUp() {
    const wake = this.wake;
    this.wake = null;
    if (wake) wake();
  }

  /** Seconds buffered contiguously from the playhead (0 when the playhead is not in buffered media). */
  bufferedAhead() {
    const t = this.video.currentTime;
    const b = this.video.buffered;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= t + EPSILON && t < b.end(i)) return b.end(i) - t;
    return 0;
  }

  /** The buffered range {start, end} that contains t, or null. */
  bufferedRangeAt(t) {
    const b = this.sourceBuffer ? this.sourceBuffer.buffered : this.video.buffered;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= t + EPSILON && t < b.end(i)) return { start: b.start(i), end: b.end(i) };
    return null;
  }

  inBuffered(t) {
    const b = this.video.buffered;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= t && t < b.end(i)) return true;
    return false;
  }

  /**
   * Steps over a hole: when playback stalls outside the buffered media and nothing that could
   * fill the hole is still to come (a skipped fragment, a gap, or a sliver between segments),
   * the playhead moves to the start of the next buffered range.
   */
  watchdog() {
    const v = this.video;
    if (!this.sourceBuffer || v.paused || v.seeking || v.ended || v.readyState >= 3) return;
    const t = v.currentTime;
    // The browser stalls a frame or so before the end of a buffered range: a playhead that is
    // more than NEAR_END_S inside a range is only waiting for the decoder.
    const b = v.buffered;
    let next = null;
    for (let i = 0; i < b.length; i++) {
      if (b.start(i) <= t + EPSILON && t < b.end(i) - NEAR_END_S) return;
      if (b.start(i) > t + EPSILON) {
        next = b.start(i);
        break;
      }
    }
    if (next == null) return; // the loader has not got there yet
    const fillable = this.fragments.some((f) => f.verified && f.end > t + NEAR_END_S && f.t < next - EPSILON);
    if (!fillable || next - t < 0.2) {
      this.onStatus(`no footage ${t.toFixed(1)}–${next.toFixed(1)} s: skipped`);
      v.currentTime = next;
    }
  }
}

/** All fragments of the recording's segments, in timeline order. */
function fragmentList(segments) {
  const fragments = [];
  for (const s of segments || []) {
    for (const f of s.fragments || []) {
      fragments.push({ segment: s.index, fragment: f.index, t: f.t, end: f.t + f.duration_s, state: f.state, verified: f.state === 'verified' });
    }
  }
  return fragments.sort((a, b) => a.t - b.t);
}
