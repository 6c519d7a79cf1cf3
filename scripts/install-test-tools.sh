#!/usr/bin/env bash
# Installs what the tests need beyond a JDK, when it is missing (Debian):
#   ffmpeg and ffprobe                 for the MP4 and codec checks;
#   radosgw, ceph-mon, ceph-osd        a single-node Ceph RADOS Gateway (a real S3 server with
#                                      enforced Object Lock) for plugins/storage-s3, started and
#                                      stopped by scripts/ceph-rgw.sh;
#   golang-go, golang-golang-x-mod-dev Go and golang.org/x/mod (sumdb/note, sumdb/tlog), with which
#                                      the ledger tests check checkpoints, proofs and tiles
#                                      (ledger/src/test/go/tlogcheck);
#   poppler-utils                      pdftotext, for the ledger report tests.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

packages=()
reasons=()
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  packages+=(ffmpeg)
  reasons+=("ffmpeg (for the MP4 and codec checks)")
fi
if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
  packages+=(radosgw ceph-mon ceph-osd)
  reasons+=("radosgw ceph-mon ceph-osd (the S3 server of the storage-s3 tests, ~75 MB)")
fi
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]; then
  packages+=(golang-go golang-golang-x-mod-dev)
  reasons+=("golang-go golang-golang-x-mod-dev (the Go cross-check of the ledger, ~330 MB)")
fi
if ! command -v pdftotext >/dev/null; then
  packages+=(poppler-utils)
  reasons+=("poppler-utils (pdftotext, for the ledger report tests)")
fi
if [ ${#packages[@]} -gt 0 ]; then
  for r in "${reasons[@]}"; do echo "installing: $r" >&2; done
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
