package io.custody.mp4;

/** The kinds of track a Custody segment holds, at most one of each, with their track IDs. */
public enum TrackKind {
  /** H.264 video, {@code vide} handler, always present, track ID 1. */
  VIDEO,
  /** AAC audio, {@code soun} handler, optional, track ID 2 when present. */
  AUDIO,
  /** JSON timed metadata, {@code meta} handler, optional, the next free track ID. */
  METADATA,
}
