#!/usr/bin/env bash
# Self-check of the harness against the committed reference samples:
# the c2pa-rs-signed files must validate Trusted with no failure, and three
# tampered variants must fail with the codes c2pa-rs reports for them.
# Needs node_modules (npm ci). Usage: check-reference.sh [REFERENCE_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ref=${1:-$here/../resources/reference}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
state_and_failures() {  # prints "STATE codes,..." for validate.mjs output on stdin
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);console.log(o.validation_state+" "+o.failures.join(","))})'
}
expect() {  # NAME EXPECTED_STATE EXPECTED_FAILURE_CODES -- validate.mjs args
  local name=$1 want_state=$2 want_codes=$3; shift 4
  local got; got=$(node "$here/validate.mjs" "$@" | state_and_failures) || true
  if [[ "$got" == "$want_state $want_codes" ]]; then echo "ok   $name: $got"; pass=$((pass+1));
  else echo "FAIL $name: got '$got', want '$want_state $want_codes'"; fail=$((fail+1)); fi
}
patch() {  # IN OUT WHAT: copy IN to OUT with one byte flipped (WHAT = mdat | signature)
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    const [inp, out, what] = process.argv.slice(1);
    const b = Buffer.from(readFileSync(inp));
    const top = []; for (let p = 0; p < b.length;) { const s = b.readUInt32BE(p); top.push([p, s, b.toString("latin1", p + 4, p + 8)]); p += s; }
    let at;
    if (what === "mdat") { const [p, s] = top.find((t) => t[2] === "mdat"); at = p + Math.floor(s / 2); }
    else { // last byte of the COSE signature = last byte of the c2pa.signature cbor box = end of the C2PA uuid box
      const [p, s] = top.find((t) => t[2] === "uuid" && b.toString("hex", t[0] + 8, t[0] + 24) === "d8fec3d61b0e483c92975828877ec481");
      at = p + s - 1; }
    b[at] ^= 0x01; writeFileSync(out, b);' "$1" "$2" "$3"
}
for kind in plain fragmented; do
  f=$ref/c2pa-rs-signed-$kind.mp4
  expect "$kind good" Trusted "" -- --anchors "$ref/test-ca.pem" "$f"
  patch "$f" "$tmp/$kind-mdat.mp4" mdat
  expect "$kind mdat byte flipped" Invalid "assertion.bmffHash.mismatch" -- --anchors "$ref/test-ca.pem" "$tmp/$kind-mdat.mp4"
  patch "$f" "$tmp/$kind-sig.mp4" signature
  expect "$kind COSE signature byte flipped" Invalid "claimSignature.mismatch" -- --anchors "$ref/test-ca.pem" "$tmp/$kind-sig.mp4"
  expect "$kind wrong trust anchor" Valid "signingCredential.untrusted" -- --anchors "$ref/wrong-ca.pem" "$f"
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
