#!/usr/bin/env bash
# Installs what the tests need beyond a JDK, when it is missing (Debian):
#   ffmpeg and ffprobe                 for the MP4 and codec checks;
#   radosgw, ceph-mon, ceph-osd        a single-node Ceph RADOS Gateway (a real S3 server with
#                                      enforced Object Lock) for plugins/storage-s3, started and
#                                      stopped by scripts/ceph-rgw.sh;
#   golang-go, golang-golang-x-mod-dev Go and golang.org/x/mod (sumdb/note, sumdb/tlog), with which
#                                      the ledger tests check checkpoints, proofs and tiles
#                                      (ledger/src/test/go/tlogcheck);
#   poppler-utils                      pdftotext, for the ledger report tests;
#   softhsm2, opensc                   SoftHSM2 (a PKCS#11 token in files) and OpenSC's pkcs11-tool,
#                                      for the tests of keys held in hardware (pkcs11, cli);
#   nodejs, npm, @contentauth/c2pa-wasm c2pa-rs (the C2PA reference implementation) as WebAssembly,
#                                      with which the c2pa tests check every manifest Custody
#                                      writes (c2pa/src/test/node, pinned by its package-lock.json);
#   chromium, playwright-core          Debian's Chromium, driven by playwright-core (which never
#                                      downloads a browser), with which the cli tests check the web
#                                      viewer of `custody serve` (cli/src/test/node/viewer, pinned
#                                      by its package-lock.json).
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
if [ ! -f /usr/lib/softhsm/libsofthsm2.so ] || ! command -v softhsm2-util >/dev/null || ! command -v pkcs11-tool >/dev/null; then
  packages+=(softhsm2 opensc)
  reasons+=("softhsm2 opensc (a PKCS#11 token for the tests of keys held in hardware)")
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
  reasons+=("nodejs npm (to run the c2pa-rs reference validator)")
fi
if [ ! -x /usr/bin/chromium ]; then
  packages+=(chromium)
  reasons+=("chromium (the browser of the web viewer tests, ~250 MB)")
fi
if [ ${#packages[@]} -gt 0 ]; then
  for r in "${reasons[@]}"; do echo "installing: $r" >&2; done
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
# An npm test harness at the version of PACKAGE its package-lock.json pins (npm ci when it differs).
npm_harness() { # directory (from the repository root), package
  local dir want have
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$1"
  want=$(node -p "require('$dir/package-lock.json').packages['node_modules/$2'].version")
  have=$(node -p "try { require('$dir/node_modules/$2/package.json').version } catch { '' }")
  if [ "$have" != "$want" ]; then
    echo "installing: $2 $want (npm ci in $1)" >&2
    npm ci --prefix "$dir" --prefer-offline --no-audit --no-fund --loglevel=error
  fi
}
npm_harness c2pa/src/test/node @contentauth/c2pa-wasm
npm_harness cli/src/test/node/viewer playwright-core
