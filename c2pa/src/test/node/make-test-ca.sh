#!/usr/bin/env bash
# Makes a throwaway test PKI for C2PA signing: a root CA and an end-entity
# signing certificate it issued, in the profile c2pa-rs (0.92) accepts:
#  - leaf is NOT self-signed (c2pa-rs refuses "issuer and subject cannot be the same")
#  - leaf keyUsage = critical,digitalSignature (no keyCertSign on a non-CA)
#  - leaf extendedKeyUsage from c2pa-rs's default list (here: documentSigning
#    1.3.6.1.5.5.7.3.36 plus emailProtection); anyExtendedKeyUsage is refused
#  - X.509 v3, no issuer/subject unique ids
# Usage: make-test-ca.sh OUTDIR [es256|ed25519] [DAYS]
# Writes: ca.key ca.pem signer.key signer.pem chain.pem (leaf first, then CA)
set -euo pipefail
out=${1:?usage: make-test-ca.sh OUTDIR [es256|ed25519] [DAYS]}
alg=${2:-es256}
days=${3:-3650}
mkdir -p "$out"
cd "$out"
case "$alg" in
  es256)   keygen=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256); md=(-sha256) ;;
  ed25519) keygen=(-algorithm ED25519); md=() ;;
  *) echo "unknown alg $alg" >&2; exit 2 ;;
esac
cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = 1.3.6.1.5.5.7.3.36,emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
CNF
openssl genpkey "${keygen[@]}" -out ca.key 2>/dev/null
openssl req -new -x509 "${md[@]}" -key ca.key -days "$days" -out ca.pem \
  -subj "/C=US/O=Custody Test/OU=FOR TESTING ONLY/CN=Custody Test Root CA" \
  -config /dev/null -extensions ca -extfile ext.cnf 2>/dev/null \
 || openssl req -new -x509 "${md[@]}" -key ca.key -days "$days" -out ca.pem \
  -subj "/C=US/O=Custody Test/OU=FOR TESTING ONLY/CN=Custody Test Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl genpkey "${keygen[@]}" -out signer.key 2>/dev/null
openssl req -new "${md[@]}" -key signer.key -out signer.csr \
  -subj "/C=US/O=Custody Test/OU=FOR TESTING ONLY/CN=Custody Test Signer"
openssl x509 -req "${md[@]}" -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days "$days" -extfile ext.cnf -extensions leaf -out signer.pem 2>/dev/null
cat signer.pem ca.pem > chain.pem
rm -f signer.csr ca.srl ext.cnf
openssl verify -CAfile ca.pem signer.pem >/dev/null
echo "$out: ca.pem signer.pem signer.key chain.pem ($alg, $days days)"
