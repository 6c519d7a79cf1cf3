#!/usr/bin/env bash
# Generate the synthetic H.264 / AAC test clips for Custody plus their ffprobe oracles.
#
# Output: testdata/clips/NAME.h264 (raw Annex-B elementary stream) or NAME.aac (ADTS),
#         each with NAME.expected.json written by ffprobe-oracle.py (ffprobe/ffmpeg only).
# Needs:  ffmpeg + ffprobe with libx264 and the native aac encoder (Debian's ffmpeg), python3.
# Idempotent; runnable from any cwd. Encodes are single-threaded with fixed noise seeds so
# re-running should reproduce byte-identical files with the same ffmpeg/x264 build.
#
# Sources are lavfi testsrc2 / mandelbrot, with temporal noise where the clip should spend
# a realistic number of bits (body cameras record noisy, low-light, shaky footage).
#
# Clips and what each exercises:
#   bwc-1080p30-high       1920x1080 30p High, bf=3 + b-pyramid, closed 1 s GOPs (IDR every
#                          30 frames), ~4.5 Mbit/s noisy source: the reference body-cam stream.
#   bwc-1080p30-audio.aac  AAC-LC ADTS 48 kHz stereo, same 3 s duration as bwc-1080p30-high.
#   bwc-720p30-main        1280x720 30p Main (CABAC, no 8x8 transform), B-frames, 1 s GOPs.
#   bwc-720p30-baseline    Baseline (CAVLC, no B-frames), 1 s GOPs.
#   multislice-720p        4 slices per picture (several VCL NALs per access unit), B-frames.
#   aud-sei-720p           Access unit delimiters + NAL HRD (SPS hrd_parameters, buffering
#                          period + pic timing SEI in every access unit).
#   startcode4-720p        every NAL preceded by a 4-byte start code 00 00 00 01.
#   startcode3-720p        every NAL preceded by a 3-byte start code 00 00 01.
#   crop-1918x1078         odd display size -> SPS frame cropping (coded 1920x1088).
#   hfr-720p60             60 fps timing (VUI time_scale), 1 s GOPs of 60 frames.
#   openGOP-720p           open GOPs: only frame 0 is IDR, later random-access points are
#                          non-IDR I frames with recovery point SEI, leading B-frames.
#   intra-refresh-720p     periodic intra refresh: one IDR, then P/B only; random access via
#                          recovery point SEI.
#   interlaced-720p        MBAFF interlaced (frame_mbs_only_flag=0, mb_adaptive=1), tff,
#                          1920x1080i (name kept for the tests). x264 cannot produce PAFF.
#   high422-720p           4:2:2 -> High 4:2:2 (profile_idc 122), cqm=jvt (PPS scaling matrix,
#                          fall-back rule: all lists default).
#   high444-720p           4:4:4 -> High 4:4:4 Predictive (profile_idc 244), custom CQM so the
#                          PPS carries explicit scaling lists (delta_scale coded), 8x8 chroma lists.
#   high10-720p            yuv420p10le -> High 10 (profile_idc 110), bit_depth_*_minus8 = 2.
#   sps-change             byte concatenation of a 720p and a 1080p stream: the SPS changes
#                          mid-stream (both parts start with SPS/PPS/IDR).
# Note: x264 always writes seq_scaling_matrix_present_flag=0; its scaling lists live in the PPS.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLIPS="$HERE/clips"
ORACLE="$HERE/ffprobe-oracle.py"
MAX_BYTES=5500000   # budget for these clips + oracles (make-clips-openh264.sh has its own)

for tool in ffmpeg ffprobe python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

mkdir -p "$CLIPS"
# no stale clips (make-clips-openh264.sh's openh264-* clips are its own)
find "$CLIPS" -maxdepth 1 -type f \( -name '*.h264' -o -name '*.aac' -o -name '*.expected.json' \) \
  ! -name 'openh264-*' -delete
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y -filter_threads 1)
# Common x264 settings: single thread (determinism), x264's default SEI (version/options).
X264_BASE="threads=1"

# src WxH FPS SECONDS [NOISE] -> lavfi source spec (testsrc2, optional seeded temporal noise)
src() {
  local size=$1 fps=$2 dur=$3 noise=${4:-0}
  local s="testsrc2=size=${size}:rate=${fps}:duration=${dur}"
  if [ "$noise" != 0 ]; then
    s+=",noise=alls=${noise}:allf=t+u:all_seed=4242"
  fi
  printf '%s' "$s"
}

# enc OUT LAVFI_SRC PIX_FMT PROFILE X264_PARAMS [extra ffmpeg args...]
enc() {
  local out=$1 lavfi=$2 pix=$3 profile=$4 params=$5
  shift 5
  "${FF[@]}" -f lavfi -i "$lavfi" -an -pix_fmt "$pix" \
    -c:v libx264 -threads 1 -profile:v "$profile" -x264-params "${X264_BASE}:${params}" \
    "$@" -f h264 "$out"
}

GOP30="keyint=30:min-keyint=30:scenecut=0"

echo "encoding clips into $CLIPS ..."

# --- body-camera reference streams -------------------------------------------------
enc "$CLIPS/bwc-1080p30-high.h264" "$(src 1920x1080 30 3 14)" yuv420p high \
  "${GOP30}:bframes=3:b-pyramid=normal:open-gop=0:bitrate=4500:vbv-maxrate=6000:vbv-bufsize=6000"

enc "$CLIPS/bwc-720p30-main.h264" "$(src 1280x720 30 4 10)" yuv420p main \
  "${GOP30}:bframes=3:bitrate=2000:vbv-maxrate=2500:vbv-bufsize=2500"

enc "$CLIPS/bwc-720p30-baseline.h264" "$(src 1280x720 30 4 4)" yuv420p baseline \
  "${GOP30}:bframes=0:bitrate=500:vbv-maxrate=650:vbv-bufsize=650"

# --- bitstream-structure variants --------------------------------------------------
enc "$CLIPS/multislice-720p.h264" "$(src 1280x720 30 2 4)" yuv420p high \
  "${GOP30}:bframes=3:slices=4:bitrate=600:vbv-maxrate=800:vbv-bufsize=800"

enc "$CLIPS/aud-sei-720p.h264" "$(src 1280x720 30 2 4)" yuv420p high \
  "${GOP30}:bframes=3:aud=1:nal-hrd=vbr:bitrate=600:vbv-maxrate=800:vbv-bufsize=1600"

# start-code variants: one x264 encode, NALs re-joined with uniform start codes
enc "$TMP/startcode-base.h264" "$(src 1280x720 30 2 4)" yuv420p high \
  "${GOP30}:bframes=3:bitrate=600:vbv-maxrate=800:vbv-bufsize=800"

rewrite_startcodes() { # IN OUT STARTCODE_LEN(3|4)
  python3 - "$@" <<'PY'
import sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
# split on 00 00 01; emulation prevention guarantees it never occurs inside a NAL
parts = data.split(b"\x00\x00\x01")
if parts[0].strip(b"\x00"):
    sys.exit("stream does not start with a start code")
# a NAL never ends in 0x00 (rbsp trailing bits / cabac_zero_word 0x000003), so trailing
# zeros are start-code leading zeros or trailing_zero_8bits and can be dropped
nals = [p.rstrip(b"\x00") for p in parts[1:]]
if any(not x for x in nals):
    sys.exit("empty NAL unit")
sc = b"\x00" * (n - 2) + b"\x00\x01"
open(dst, "wb").write(b"".join(sc + x for x in nals))
print("%s: %d NAL units with %d-byte start codes" % (dst.rsplit("/", 1)[-1], len(nals), n))
PY
}
rewrite_startcodes "$TMP/startcode-base.h264" "$CLIPS/startcode4-720p.h264" 4
rewrite_startcodes "$TMP/startcode-base.h264" "$CLIPS/startcode3-720p.h264" 3

count_frames() {
  ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames \
    -of default=nw=1:nk=1 "$1"
}
base_frames=$(count_frames "$TMP/startcode-base.h264")
for f in startcode4-720p startcode3-720p; do
  n=$(count_frames "$CLIPS/$f.h264")
  if [ "$n" != "$base_frames" ]; then
    echo "$f: decoded $n frames, original stream decodes $base_frames" >&2; exit 1
  fi
  # also require an error-free decode
  if [ -n "$(ffmpeg -nostdin -v error -i "$CLIPS/$f.h264" -f null - 2>&1)" ]; then
    echo "$f: decode errors" >&2; exit 1
  fi
done

enc "$CLIPS/crop-1918x1078.h264" "$(src 1918x1078 30 2 4)" yuv420p high \
  "${GOP30}:bframes=3:bitrate=600:vbv-maxrate=750:vbv-bufsize=750"

enc "$CLIPS/hfr-720p60.h264" "$(src 1280x720 60 2 4)" yuv420p high \
  "keyint=60:min-keyint=60:scenecut=0:bframes=3:bitrate=500:vbv-maxrate=650:vbv-bufsize=650"

enc "$CLIPS/openGOP-720p.h264" "$(src 1280x720 30 4 3)" yuv420p high \
  "${GOP30}:bframes=3:open-gop=1:bitrate=300:vbv-maxrate=400:vbv-bufsize=400"

enc "$CLIPS/intra-refresh-720p.h264" "$(src 1280x720 30 4 3)" yuv420p high \
  "keyint=30:intra-refresh=1:bitrate=300:vbv-maxrate=400:vbv-bufsize=400"

enc "$CLIPS/interlaced-720p.h264" "$(src 1920x1080 30 2 4)" yuv420p high \
  "${GOP30}:bframes=3:interlaced=1:tff=1:bitrate=700:vbv-maxrate=850:vbv-bufsize=850" \
  -flags +ildct+ilme

# --- chroma format / bit depth / scaling lists -------------------------------------
enc "$CLIPS/high422-720p.h264" "$(src 1280x720 30 1 3)" yuv422p high422 \
  "${GOP30}:bframes=3:cqm=jvt:bitrate=900:vbv-maxrate=1100:vbv-bufsize=1100"

# custom (non-default) matrices -> explicit scaling lists with delta_scale in the PPS
CQM4="10,14,18,22,14,18,22,26,18,22,26,30,22,26,30,34"
CQM8=""
for y in 0 1 2 3 4 5 6 7; do for x in 0 1 2 3 4 5 6 7; do
  CQM8+="${CQM8:+,}$((12 + 3 * (x + y)))"
done; done
enc "$CLIPS/high444-720p.h264" "mandelbrot=size=1280x720:rate=30,trim=duration=1" yuv444p high444 \
  "${GOP30}:bframes=3:cqm4i=${CQM4}:cqm4p=${CQM4}:cqm8i=${CQM8}:cqm8p=${CQM8}:bitrate=900:vbv-maxrate=1100:vbv-bufsize=1100"

enc "$CLIPS/high10-720p.h264" "$(src 1280x720 30 1 3)" yuv420p10le high10 \
  "${GOP30}:bframes=3:bitrate=900:vbv-maxrate=1100:vbv-bufsize=1100"

# --- SPS change mid-stream ---------------------------------------------------------
enc "$TMP/sps-a.h264" "$(src 1280x720 30 2 3)" yuv420p high \
  "${GOP30}:bframes=3:bitrate=400:vbv-maxrate=500:vbv-bufsize=500"
enc "$TMP/sps-b.h264" "mandelbrot=size=1920x1080:rate=30,trim=duration=2" yuv420p high \
  "${GOP30}:bframes=3:bitrate=600:vbv-maxrate=750:vbv-bufsize=750"
cat "$TMP/sps-a.h264" "$TMP/sps-b.h264" > "$CLIPS/sps-change.h264"

# --- audio -------------------------------------------------------------------------
"${FF[@]}" -f lavfi \
  -i "aevalsrc=0.25*sin(2*PI*440*t)+0.05*sin(2*PI*3000*t)|0.25*sin(2*PI*1000*t):s=48000:d=3" \
  -c:a aac -profile:a aac_low -b:a 96k -ar 48000 -ac 2 -f adts "$CLIPS/bwc-1080p30-audio.aac"

# --- oracles -----------------------------------------------------------------------
find "$CLIPS" -maxdepth 1 \( -name '*.h264' -o -name '*.aac' \) ! -name 'openh264-*' -exec python3 "$ORACLE" {} +

total=$(find "$CLIPS" -maxdepth 1 -type f ! -name 'openh264-*' -exec cat {} + | wc -c)
echo "total size of $CLIPS: $total bytes"
if [ "$total" -gt "$MAX_BYTES" ]; then
  echo "size budget exceeded: $total > $MAX_BYTES bytes" >&2
  exit 1
fi
ls -l "$CLIPS"
