#!/usr/bin/env bash
# Makes the write-path benchmarks' input: a real x264 encode of a 1080p30 body-camera-like
# stream at 8 Mbit/s (High profile, B-frames, closed 1 s GOPs, noisy source), 10 s, as Annex-B,
# plus its AAC-LC audio as ADTS. Written under benchmarks/target/clips/ (not committed: 10 MB);
# the benchmark scripts call this when the clip is missing. Needs ffmpeg with libx264
# (scripts/install-test-tools.sh installs it).
#   benchmarks/make-bench-clip.sh [SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds=${1:-10}
out=target/clips
mkdir -p "$out"
video="$out/bwc-1080p30-8mbit.h264"
audio="$out/bwc-1080p30-8mbit.aac"
if [ -s "$video" ] && [ -s "$audio" ]; then
  exit 0
fi
command -v ffmpeg >/dev/null || { echo "make-bench-clip.sh: needs ffmpeg (scripts/install-test-tools.sh)" >&2; exit 1; }
ff=(ffmpeg -nostdin -hide_banner -loglevel error -y)
"${ff[@]}" -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=${seconds},noise=alls=20:allf=t+u:all_seed=4242" \
  -an -pix_fmt yuv420p -c:v libx264 -preset veryfast -profile:v high \
  -x264-params "keyint=30:min-keyint=30:scenecut=0:bframes=3:b-pyramid=normal:open-gop=0:bitrate=8000:vbv-maxrate=9000:vbv-bufsize=9000" \
  -f h264 "$video.tmp"
"${ff[@]}" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=${seconds}" -ac 2 -c:a aac -b:a 128k \
  -f adts "$audio.tmp"
mv "$video.tmp" "$video"
mv "$audio.tmp" "$audio"
echo "$video: $(stat -c %s "$video") bytes ($(( $(stat -c %s "$video") * 8 / seconds / 1000 )) kbit/s)" >&2
