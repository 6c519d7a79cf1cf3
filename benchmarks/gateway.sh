# Sourced by the benchmark scripts that need an S3 server.
#   gateway DIR BUCKET RGW_PORT MON_PORT: uses the Ceph gateway already running in DIR
#     (scripts/ceph-rgw.sh status), or starts one there (memstore, on the given ports unless
#     CEPH_RGW_PORT, CEPH_MON_PORT say otherwise); exports its credentials and endpoint
#     (DIR/s3.env) and makes BUCKET.
#   stop_gateway DIR: stops it if gateway started it (call it from the script's EXIT trap).
gateway() {
  local dir=$1 bucket=$2
  if ! scripts/ceph-rgw.sh status "$dir" 2>/dev/null; then
    rm -rf "$dir" # memstore: nothing to keep
    CEPH_RGW_PORT=${CEPH_RGW_PORT:-$3} CEPH_MON_PORT=${CEPH_MON_PORT:-$4} scripts/ceph-rgw.sh start "$dir" memstore >&2
    started_gateway=1
  fi
  set -a
  # shellcheck disable=SC1091
  . "$dir/s3.env"
  set +a
  scripts/ceph-rgw.sh bucket "$dir" "$bucket" >/dev/null 2>&1 || true
}

stop_gateway() {
  if [ "${started_gateway:-0}" = 1 ]; then scripts/ceph-rgw.sh stop "$1" >&2 || true; fi
}
