#!/usr/bin/env bash
# A single-node Ceph RADOS Gateway (a real S3 server with enforced Object Lock) on 127.0.0.1, for
# tests: one mon, one OSD, one radosgw; no auth, no mgr, no systemd. Needs root and Debian's
# radosgw, ceph-mon and ceph-osd packages (scripts/install-test-tools.sh installs them).
#
#   scripts/ceph-rgw.sh start DIR [memstore|bluestore]   start (or restart) the cluster kept in DIR
#   scripts/ceph-rgw.sh stop DIR                         stop its daemons (by PID file; idempotent)
#   scripts/ceph-rgw.sh status DIR                       exit 0 if S3 answers
#   scripts/ceph-rgw.sh bucket DIR NAME [object-lock]     create a bucket (with Object Lock, as
#                                                         evidence wants), with curl's SigV4
#   scripts/ceph-rgw.sh gc DIR                           reclaim the space of deleted objects now
#
# memstore keeps the OSD's data in RAM (starts in ~1 s, gone when stopped); bluestore keeps it in
# a sparse file in DIR (~5 s, survives a restart: `start DIR` again after `stop DIR` restarts the
# same cluster with its data, whatever store is named).
#
# Environment: CEPH_RGW_PORT (S3 port, default 7480), CEPH_MON_PORT (default 6789),
# CEPH_RGW_ACCESS_KEY / CEPH_RGW_SECRET_KEY (the S3 user's keys, default TESTKEY / TESTSECRET),
# CEPH_START_TIMEOUT (seconds to wait for S3, default 90). Ports are fixed when DIR is first made.
#
# On success it prints the endpoint and writes DIR/s3.env (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_REGION) for `source`. `start` creates no buckets; `bucket` does.
set -euo pipefail

usage() { echo "usage: $0 start DIR [memstore|bluestore] | stop DIR | status DIR | bucket DIR NAME [object-lock] | gc DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
D=$(mkdir -p "$2" && cd "$2" && pwd)
C=(-c "$D/ceph.conf")

log() { echo "ceph-rgw: $*" >&2; }

# The PID in FILE if that process is still a Ceph daemon of this DIR (guards against PID reuse).
live_pid() {
  local f=$1 pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$D/ceph.conf"* ]] || return 1
  echo "$pid"
}

stop_daemons() {
  local names=("$@") pids=() f pid
  for n in "${names[@]}"; do
    f="$D/run/$n.pid"
    if pid=$(live_pid "$f"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for _ in $(seq 1 100); do # up to 10 s, then SIGKILL
    local alive=()
    for pid in "${pids[@]}"; do [ -d "/proc/$pid" ] && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do
    while [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do sleep 0.05; done
  done
  for n in "${names[@]}"; do rm -f "$D/run/$n.pid"; done
}

# The gateway, then the OSD, then the monitor: a stopping OSD tells the monitor it goes down, which
# only works while the monitor still runs.
stop_in_order() {
  stop_daemons client.rgw.a
  stop_daemons osd.0
  stop_daemons mon.a
}

# Whether an OSD of this DIR runs (its PID file may be gone or not yet written).
osd_running() {
  local f cmdline
  for f in /proc/[0-9]*/cmdline; do
    cmdline=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
    [[ $cmdline == ceph-osd*"$D/ceph.conf"* ]] && return 0
  done
  return 1
}

port() { sed -n "s/^# $1 = //p" "$D/ceph.conf"; }

s3_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$(port rgw-port)/"; }

# Whether the OSD process now running has booted into the cluster. Its own admin socket says so:
# the monitor's map is no proof, since after a restart it still shows the previous OSD process up
# until a new one boots (and a new one may exit at once, see start_osd).
osd_up() { # (not a pipe into grep -q: with pipefail, ceph's SIGPIPE would fail it)
  local status
  status=$(timeout 5 ceph --admin-daemon "$D/run/osd.0.asok" status 2>/dev/null) || return 1
  grep -q '"state": "active"' <<<"$status"
}

# Starts the OSD until it is up: about one boot in five it exits with 'wrong fsid' (a race with a
# fresh monitor), and a second start works.
start_osd() {
  for try in 1 2 3 4 5 6; do
    ceph-osd "${C[@]}" -i 0 2>>"$D/log/osd-start.err" || true
    local until=$(( $(date +%s) + 10 )) gone=0 # a healthy boot takes 1-3 s
    while [ "$(date +%s)" -lt "$until" ]; do
      osd_up && return 0
      if osd_running; then gone=0; else gone=$((gone + 1)); fi
      [ "$gone" -ge 3 ] && break # it exited (the race): start it again at once
      sleep 0.2
    done
    log "osd.0 not up (try $try), starting it again"
    stop_daemons osd.0
    sleep 0.5
  done
  log "osd.0 did not come up; see $D/log/osd.0.log"
  return 1
}

write_conf() {
  local store=$1 fsid=$2 mon_port=$3 rgw_port=$4
  cat >"$D/ceph.conf" <<CONF
# rgw-port = $rgw_port
# mon-port = $mon_port
# objectstore = $store
[global]
fsid = $fsid
mon host = [v1:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = $D/run
pid file = $D/run/\$name.pid
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
[mon.a]
mon data = $D/mon/a
paxos propose interval = 0.05
[osd.0]
osd data = $D/osd/0
osd objectstore = $store
memstore device bytes = 4294967296
bluestore block size = 21474836480
bluestore block create = true
osd memory target = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $D/rgw
# deleted objects' tails may be reclaimed at once (by "ceph-rgw.sh gc DIR"): tests and benchmarks that
# write and delete gigabytes would otherwise fill the OSD for the default two hours
rgw gc obj min wait = 0
CONF
}

start() {
  local store=${1:-memstore} started
  case $store in memstore|bluestore) ;; *) usage ;; esac
  for b in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph curl; do
    command -v $b >/dev/null || { log "$b is not installed: run scripts/install-test-tools.sh (needs root)"; exit 1; }
  done
  [ "$(id -u)" -eq 0 ] || log "warning: not root; the Ceph daemons may fail to start"
  # The daemons outlive this script: they must not inherit its caller's open files (a held flock
  # would stay locked for as long as the gateway runs). Bash reads this script on fd 255.
  local fd
  for fd in $(ls /proc/$$/fd); do
    if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
  done
  started=$(date +%s%N)
  mkdir -p "$D/mon/a" "$D/osd/0" "$D/run" "$D/log" "$D/rgw"
  if s3_answers 2>/dev/null && live_pid "$D/run/client.rgw.a.pid" >/dev/null; then
    log "already running"
  elif [ -f "$D/ceph.conf" ] && [ -f "$D/osd/0/fsid" ]; then
    # A cluster made earlier in DIR: restart it with its data (bluestore keeps it).
    stop_in_order
    store=$(sed -n 's/^# objectstore = //p' "$D/ceph.conf")
    log "restarting the $store cluster in $D"
    ceph-mon "${C[@]}" -i a
    start_osd
    radosgw "${C[@]}" -n client.rgw.a
  else
    local fsid osd_uuid
    fsid=$(cat /proc/sys/kernel/random/uuid)
    write_conf "$store" "$fsid" "${CEPH_MON_PORT:-6789}" "${CEPH_RGW_PORT:-7480}"
    monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$(port mon-port)]" "$D/monmap" >/dev/null
    ceph-mon "${C[@]}" -i a --mkfs --monmap "$D/monmap"
    ceph-mon "${C[@]}" -i a # each daemon forks to the background and writes its PID file
    osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    for _ in $(seq 1 40); do
      ceph "${C[@]}" --connect-timeout 5 osd new "$osd_uuid" 0 >/dev/null 2>&1 && break
      sleep 0.25
    done
    ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>>"$D/log/osd-mkfs.err"
    start_osd
    radosgw "${C[@]}" -n client.rgw.a
  fi
  local deadline=$(( $(date +%s) + ${CEPH_START_TIMEOUT:-90} ))
  until s3_answers; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "S3 did not answer on 127.0.0.1:$(port rgw-port); log tail:"
      tail -n 20 "$D/log/client.rgw.a.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  local ak=${CEPH_RGW_ACCESS_KEY:-TESTKEY} sk=${CEPH_RGW_SECRET_KEY:-TESTSECRET}
  if [ ! -f "$D/s3.env" ]; then
    radosgw-admin "${C[@]}" user create --uid=test --display-name=test \
      --access-key="$ak" --secret="$sk" >/dev/null 2>>"$D/log/radosgw-admin.err"
    cat >"$D/s3.env" <<ENV
AWS_ENDPOINT_URL_S3=http://127.0.0.1:$(port rgw-port)
AWS_ACCESS_KEY_ID=$ak
AWS_SECRET_ACCESS_KEY=$sk
AWS_REGION=us-east-1
ENV
  fi
  local ms=$(( ($(date +%s%N) - started) / 1000000 ))
  local secs="$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  echo "S3 ready: http://127.0.0.1:$(port rgw-port) ($(sed -n 's/^# objectstore = //p' "$D/ceph.conf"), ${secs}s; credentials in $D/s3.env; pids: $(cat "$D"/run/*.pid | xargs))"
}

case $cmd in
  start) start "${3:-memstore}" ;;
  stop) [ -d "$D/run" ] && stop_in_order; echo "stopped: $D" ;;
  status) [ -f "$D/ceph.conf" ] && s3_answers ;;
  gc) radosgw-admin "${C[@]}" gc process --include-all 2>>"$D/log/radosgw-admin.err" ;;
  bucket)
    [ $# -ge 3 ] && [ -f "$D/s3.env" ] || usage
    # shellcheck disable=SC1091
    . "$D/s3.env"
    lock=()
    [ "${4:-}" = object-lock ] && lock=(-H "x-amz-bucket-object-lock-enabled: true")
    # RGW wants the payload hash signed: that of the empty body
    code=$(curl -s -o "$D/log/bucket.out" -w '%{http_code}' -X PUT "${lock[@]}" \
      -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
      --aws-sigv4 "aws:amz:$AWS_REGION:s3" -u "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
      "$AWS_ENDPOINT_URL_S3/$3")
    [ "$code" = 200 ] || { echo "bucket $3: HTTP $code: $(cat "$D/log/bucket.out")" >&2; exit 1; }
    echo "bucket $3 created${4:+ ($4)}" ;;
  *) usage ;;
esac
