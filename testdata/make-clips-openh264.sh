#!/usr/bin/env bash
# Generate the test clips of a second encoder family, Cisco's OpenH264 (through GStreamer's
# openh264enc), plus their ffprobe oracles: what body-camera hardware encoders write and x264
# does not, at small sizes.
#
# Output: testdata/clips/openh264-*.h264 (raw Annex-B), each with NAME.expected.json written by
#         ffprobe-oracle.py exactly as for make-clips.sh's clips.
# Needs:  Debian's gstreamer1.0-tools, gstreamer1.0-plugins-base, gstreamer1.0-plugins-bad
#         (openh264enc) and libopenh264-7; ffmpeg + ffprobe and python3 for the oracles.
#         Checked with GStreamer 1.22.0 and OpenH264 2.3.1 (Debian 12).
# Idempotent; runnable from any cwd. Sources are videotestsrc patterns (deterministic), the
# encoder runs on one thread, so a re-run with the same builds reproduces byte-identical files.
#
# Every clip is Constrained Baseline (OpenH264 writes no B-frames and no CABAC), has a VUI
# without timing_info (so the frame rate is not in the stream: ffprobe assumes 25 fps), writes
# SPS and PPS again before every IDR, and uses POC type 0 and frame cropping where the height is
# not a multiple of 16:
#   openh264-360p30-4slices   640x360 at 30 fps, 4 slices per picture, IDR every 30 frames
#                             (cropped from 640x368), 60 frames.
#   openh264-240p15-longgop   320x240 at 15 fps, one IDR and then 149 P pictures (10 s without a
#                             keyframe, scene-change detection off), 150 frames.
#   openh264-480p25-8slices   848x480 at 25 fps, 8 slices per picture, IDR every 50, 100 frames.
#   openh264-720p60           1280x720 at 60 fps, 2 slices per picture, IDR every 60, 120
#                             frames.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLIPS="$HERE/clips"
ORACLE="$HERE/ffprobe-oracle.py"
MAX_BYTES=1500000   # budget for these clips + their oracles

for tool in gst-launch-1.0 gst-inspect-1.0 ffmpeg ffprobe python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
gst-inspect-1.0 openh264enc >/dev/null || { echo "missing GStreamer's openh264enc (gstreamer1.0-plugins-bad)" >&2; exit 1; }

mkdir -p "$CLIPS"
rm -f "$CLIPS"/openh264-*.h264 "$CLIPS"/openh264-*.expected.json   # no stale clips

# enc OUT WIDTH HEIGHT FPS FRAMES PATTERN [openh264enc properties...]
enc() {
  local out=$1 w=$2 h=$3 fps=$4 frames=$5 pattern=$6
  shift 6
  gst-launch-1.0 -q videotestsrc num-buffers="$frames" pattern="$pattern" horizontal-speed=3 \
    ! "video/x-raw,format=I420,width=$w,height=$h,framerate=$fps/1" \
    ! openh264enc multi-thread=1 usage-type=camera complexity=high rate-control=bitrate "$@" \
    ! video/x-h264,stream-format=byte-stream,alignment=au,profile=constrained-baseline \
    ! filesink location="$out"
  # (OpenH264 prints one "cmInitParaError" as the stream ends; every frame is there, as checked here)
  local n
  n=$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of default=nw=1:nk=1 "$out")
  if [ "$n" != "$frames" ]; then
    echo "$(basename "$out"): $n frames decoded, $frames encoded" >&2; exit 1
  fi
  echo "$(basename "$out"): $frames frames, $(stat -c %s "$out") bytes"
}

echo "encoding OpenH264 clips into $CLIPS ..."
enc "$CLIPS/openh264-360p30-4slices.h264" 640 360 30 60 ball \
  slice-mode=n-slices num-slices=4 gop-size=30 bitrate=600000
enc "$CLIPS/openh264-240p15-longgop.h264" 320 240 15 150 smpte \
  slice-mode=n-slices num-slices=1 gop-size=1000 scene-change-detection=false bitrate=120000
enc "$CLIPS/openh264-480p25-8slices.h264" 848 480 25 100 pinwheel \
  slice-mode=n-slices num-slices=8 gop-size=50 bitrate=400000
enc "$CLIPS/openh264-720p60.h264" 1280 720 60 120 ball \
  slice-mode=n-slices num-slices=2 gop-size=60 bitrate=1500000

# every clip must decode without an error
for f in "$CLIPS"/openh264-*.h264; do
  if [ -n "$(ffmpeg -nostdin -v error -i "$f" -f null - 2>&1)" ]; then
    echo "$f: decode errors" >&2; exit 1
  fi
done

python3 "$ORACLE" "$CLIPS"/openh264-*.h264

total=$(cat "$CLIPS"/openh264-* | wc -c)
echo "total size of the OpenH264 clips and oracles: $total bytes"
if [ "$total" -gt "$MAX_BYTES" ]; then
  echo "size budget exceeded: $total > $MAX_BYTES bytes" >&2
  exit 1
fi
