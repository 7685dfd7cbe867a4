#!/usr/bin/env bash
# WAL ingest benchmark: pg_hardstorage's streamer (`wal stream`) against pg_receivewal, on the SAME
# PostgreSQL 15 server under the same unthrottled pgbench load. Run by hand; it asserts nothing
# about speed.
#
#   bench/run-wal-bench.sh [--seconds N] [--scale N] [--runs LIST] [--backlog-mb N] [--keep] ...
#
# See bench/README.md ("WAL ingest") for what is measured and how to read the numbers.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
SCALE=20
LOAD_SECONDS=60
CLIENTS=4
THREADS=2
RUNS=baseline,together,pghs,receivewal,receivewal-sync
BACKLOG_MB=512
CATCHUP_TIMEOUT=30
SAMPLE_INTERVAL=0.5
FLUSH_INTERVAL=1
KEEP=0
ENCRYPT=0
WAL_LEVEL=
BACKLOG_REPEAT=1
JFR_DIR=
PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=pghs
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$BENCH_DIR/.." && pwd -P)
RESULTS_DIR=$BENCH_DIR/results
DIST=$ROOT/cli/target/pg_hardstorage
DIST_GIVEN=0

usage() {
  cat <<EOF
Usage: bench/run-wal-bench.sh [options]

Streams the WAL of one PostgreSQL 15 server under unthrottled pgbench with pg_hardstorage
(wal stream) and pg_receivewal (default mode and --synchronous), and prints the WAL rate, each
receiver's lag behind the server (bytes and seconds), its catch-up time after the load, its CPU time
and stored bytes, and the ratios (MB = MiB = 2^20 bytes).

Options:
  --seconds N          length of each pgbench run (default 60; 10-15 for a quick check)
  --scale N            pgbench scale (default 20, about 300 MB)
  --clients N          pgbench clients (-c, default 4)
  --threads N          pgbench threads (-j, default 2)
  --runs LIST          comma-separated runs, in this order (default: all):
                         baseline         pgbench with no receiver (the load's own WAL rate and tps)
                         together         all three receivers at once, each with its own slot
                         pghs             pg_hardstorage alone
                         receivewal       pg_receivewal (default mode) alone
                         receivewal-sync  pg_receivewal --synchronous alone
  --backlog-mb N       raw ingest speed: bulk INSERTs write N MiB of WAL while no receiver runs (the
                       slots hold it), then each receiver drains it alone (default 512; 0 = skip)
  --catchup-timeout N  how long to wait after pgbench for the receivers to catch up (default 30 s)
  --sample-interval S  sampling period during the load (default 0.5 s; 0.1 s while catching up)
  --flush-interval S   pg_hardstorage --flush-interval (default 1 s, its own default)
  --backlog-repeat N   drain the backlog N times with each receiver (default 1): N slots per
                       receiver retain the same WAL; rows show the median and the spread
  --encrypt            pg_hardstorage's repositories are encrypted (aes-256-gcm; a test passphrase
                       in PGHS_PASSPHRASE): the issue's target is compression and encryption on
  --wal-compression-level N
                       pg_hardstorage's repositories store WAL at zstd level N (repo init
                       --wal-compression-level; default: the release's default)
  --jfr DIR            record a Java Flight Recording (settings=profile) of every pg_hardstorage
                       streamer into DIR (<run>-pghs.jfr)
  --keep               keep the working directory (server, receivers' directories, samples)
  --pghs-dist DIR      pg_hardstorage distribution to measure (default: cli/target/pg_hardstorage,
                       built with ./mvnw -DskipTests package when missing)
  -h, --help           this text

Results: a table on standard output and JSON in bench/results/wal-<timestamp>.json.
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --seconds) LOAD_SECONDS=${2:?--seconds needs a number}; shift 2 ;;
    --seconds=*) LOAD_SECONDS=${1#*=}; shift ;;
    --scale) SCALE=${2:?--scale needs a number}; shift 2 ;;
    --scale=*) SCALE=${1#*=}; shift ;;
    --clients) CLIENTS=${2:?--clients needs a number}; shift 2 ;;
    --clients=*) CLIENTS=${1#*=}; shift ;;
    --threads) THREADS=${2:?--threads needs a number}; shift 2 ;;
    --threads=*) THREADS=${1#*=}; shift ;;
    --runs) RUNS=${2:?--runs needs a list}; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --backlog-mb) BACKLOG_MB=${2:?--backlog-mb needs a number}; shift 2 ;;
    --backlog-mb=*) BACKLOG_MB=${1#*=}; shift ;;
    --catchup-timeout) CATCHUP_TIMEOUT=${2:?--catchup-timeout needs a number}; shift 2 ;;
    --catchup-timeout=*) CATCHUP_TIMEOUT=${1#*=}; shift ;;
    --sample-interval) SAMPLE_INTERVAL=${2:?--sample-interval needs a number}; shift 2 ;;
    --sample-interval=*) SAMPLE_INTERVAL=${1#*=}; shift ;;
    --flush-interval) FLUSH_INTERVAL=${2:?--flush-interval needs a number}; shift 2 ;;
    --flush-interval=*) FLUSH_INTERVAL=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    --encrypt) ENCRYPT=1; shift ;;
    --wal-compression-level) WAL_LEVEL=${2:?--wal-compression-level needs a number}; shift 2 ;;
    --wal-compression-level=*) WAL_LEVEL=${1#*=}; shift ;;
    --backlog-repeat) BACKLOG_REPEAT=${2:?--backlog-repeat needs a number}; shift 2 ;;
    --backlog-repeat=*) BACKLOG_REPEAT=${1#*=}; shift ;;
    --jfr) JFR_DIR=${2:?--jfr needs a directory}; shift 2 ;;
    --jfr=*) JFR_DIR=${1#*=}; shift ;;
    --pghs-dist) DIST=${2:?--pghs-dist needs a directory}; DIST_GIVEN=1; shift 2 ;;
    --pghs-dist=*) DIST=${1#*=}; DIST_GIVEN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-wal-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in LOAD_SECONDS SCALE CLIENTS THREADS CATCHUP_TIMEOUT BACKLOG_REPEAT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run-wal-bench: ${v} must be a positive integer" >&2; exit 2; }
done
[ -z "$WAL_LEVEL" ] || [[ $WAL_LEVEL =~ ^-?[0-9]+$ ]] || { echo "run-wal-bench: --wal-compression-level must be an integer" >&2; exit 2; }
[[ $BACKLOG_MB =~ ^[0-9]+$ ]] || { echo "run-wal-bench: --backlog-mb must be an integer >= 0" >&2; exit 2; }
if [ -n "$JFR_DIR" ]; then
  mkdir -p "$JFR_DIR" || { echo "run-wal-bench: --jfr: cannot create $JFR_DIR" >&2; exit 2; }
  JFR_DIR=$(cd "$JFR_DIR" && pwd -P)
fi
if [ "$ENCRYPT" -eq 1 ]; then
  # A throw-away passphrase for throw-away repositories; every pg_hardstorage command reads it.
  export PGHS_PASSPHRASE="bench-passphrase-$RANDOM$RANDOM"
fi
for v in SAMPLE_INTERVAL FLUSH_INTERVAL; do
  if ! [[ ${!v} =~ ^[0-9]*\.?[0-9]+$ ]] || ! awk -v x="${!v}" 'BEGIN{exit !(x >= 0.05)}'; then
    echo "run-wal-bench: ${v} must be a number of seconds >= 0.05" >&2; exit 2
  fi
done
IFS=, read -ra RUN_LIST <<<"$RUNS"
for r in "${RUN_LIST[@]}"; do
  case $r in baseline|together|pghs|receivewal|receivewal-sync) ;;
    *) echo "run-wal-bench: unknown run '$r' in --runs (see --help)" >&2; exit 2 ;; esac
done

# ---------------------------------------------------------------------------------------------
# Helpers: bench/lib.sh (log, die, as_pg, now, secs, MIB, dir_bytes, free_port, apt_install,
# ensure_pg_user, ensure_pghs_dist, pghs_build_info)
# ---------------------------------------------------------------------------------------------
BENCH_NAME="run-wal-bench"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"

# as_pg_exec CMD...: like as_pg, but replaces the calling (sub)shell with CMD instead of running
# it as a child, so that `as_pg_exec CMD &` leaves the receiver itself in $! (its CPU time is read
# from /proc/$!/stat). setpriv keeps the environment (PGPASSWORD); HOME points into the run.
if [ "$IS_ROOT" -eq 1 ]; then
  as_pg_exec() { exec setpriv --reuid="$PG_USER" --regid="$PG_GID" --init-groups -- env HOME="$RUN" "$@"; }
  as_pg_quick() { setpriv --reuid="$PG_USER" --regid="$PG_GID" --init-groups -- "$@"; }
else
  as_pg_exec() { exec "$@"; }
  as_pg_quick() { "$@"; }
fi

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------
need=()
for b in postgres initdb pg_ctl psql pgbench pg_receivewal; do
  [ -x "$PG_BIN/$b" ] || { need+=(postgresql-15); break; }
done
command -v jq >/dev/null || need+=(jq)
command -v zstd >/dev/null || need+=(zstd)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
for b in postgres initdb pg_ctl psql pgbench pg_receivewal; do
  [ -x "$PG_BIN/$b" ] || die "$PG_BIN/$b not found (apt-get install postgresql-15)"
done
command -v java >/dev/null || die "java not found: pg_hardstorage needs Java 17+"
if [ "$IS_ROOT" -eq 1 ]; then command -v setpriv >/dev/null || die "setpriv not found (apt-get install util-linux)"; fi
ensure_pg_user
ensure_pghs_dist
PG_GID=$(id -g "$PG_USER")
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------------------------------------
# Working directory, clean-up
# ---------------------------------------------------------------------------------------------
make_run_dir pghs-walbench
SOCK=$RUN/sock
SRC=$RUN/source
as_pg mkdir -m 0700 "$SOCK"
as_pg mkdir -m 0755 "$RUN/receivers"
BG_PIDS=()        # receivers this script started (stopped by the EXIT trap if still running)
SAMPLER_PID=
SERVER_STARTED=0
INTERRUPTED=

cleanup() {
  local rc=$? p
  set +e
  trap - ERR
  if [ -n "$INTERRUPTED" ]; then [ "$INTERRUPTED" = INT ] && rc=130 || rc=143; log "interrupted by SIG$INTERRUPTED: stopping what this run started"; fi
  [ -z "$SAMPLER_PID" ] || kill "$SAMPLER_PID" 2>/dev/null
  for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${BG_PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  if [ "$SERVER_STARTED" -eq 1 ] && [ -f "$SRC/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$SRC" -m fast -t 60 stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$SRC" -m immediate stop >/dev/null 2>&1
  fi
  if [ -n "$JFR_DIR" ] && [ -d "$RUN/jfr" ]; then
    cp "$RUN"/jfr/*.jfr "$JFR_DIR"/ 2>/dev/null && log "flight recordings in $JFR_DIR"
  fi
  if [ "$KEEP" -eq 1 ]; then
    log "kept working directory $RUN"
  else
    if [ $rc -ne 0 ] && [ -d "$LOGS" ]; then
      cp -a "$LOGS" "$RUN-logs" && log "failed (exit $rc): logs kept in $RUN-logs"
    fi
    rm -rf "$RUN"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'log "unexpected failure at line $LINENO: $BASH_COMMAND"' ERR
trap 'INTERRUPTED=INT; exit 130' INT
trap 'INTERRUPTED=TERM; exit 143' TERM

# pg_hardstorage runs from a copy, so a rebuild of the tree during the run changes nothing.
cp -a "$DIST" "$RUN/pg_hardstorage"
chmod -R a+rX "$RUN/pg_hardstorage"
PGHS=$RUN/pg_hardstorage/bin/pg_hardstorage
pghs_build_info

PORT=$(free_port)
PASSWORD=bench-$RANDOM$RANDOM
export PGPASSWORD=$PASSWORD   # for pg_receivewal and pg_hardstorage over TCP; keeps it out of ps
CONNINFO="host=127.0.0.1 port=$PORT user=bench dbname=postgres"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$SOCK" -p "$PORT")
sql() { as_pg_quick "${PSQL[@]}" -d "$1" -c "$2"; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
log "working directory $RUN; server on 127.0.0.1:$PORT; load average $LOAD_START"

# ---------------------------------------------------------------------------------------------
# Server and data
# ---------------------------------------------------------------------------------------------
log "initdb (PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'))"
init_source_cluster run-wal-bench
cat >>"$SRC/postgresql.conf" <<EOF
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
synchronous_commit = on
fsync = on
# Each run starts with a CHECKPOINT; no checkpoint should fall inside a run by WAL volume or time.
max_wal_size = 8GB
checkpoint_timeout = 30min
archive_mode = off
log_checkpoints = on
log_replication_commands = on
EOF
SERVER_STARTED=1
as_pg "$PG_BIN/pg_ctl" -D "$SRC" -l "$LOGS/server.log" -w -t 120 start >/dev/null \
  || { show_log_tail "$LOGS/server.log"; die "the server did not start"; }

sql postgres "CREATE ROLE bench LOGIN SUPERUSER REPLICATION PASSWORD '$PASSWORD'"
sql postgres "CREATE DATABASE bench"
log "pgbench -i -s $SCALE ..."
t0=$(now)
as_pg "$PG_BIN/pgbench" -i -q -s "$SCALE" -h "$SOCK" -p "$PORT" bench >"$LOGS/pgbench-init.log" 2>&1 \
  || { show_log_tail "$LOGS/pgbench-init.log"; die "pgbench -i failed"; }
sql postgres "CHECKPOINT"
DB_BYTES=$(sql postgres "SELECT pg_database_size('bench')")
SEG_SIZE=$(sql postgres "SELECT setting::bigint * CASE unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB' THEN 1048576 ELSE 1 END FROM pg_settings WHERE name = 'wal_segment_size'")
log "pgbench -i done in $(secs "$t0" "$(now)") s: database $(MIB "$DB_BYTES") MiB; WAL segments of $(MIB "$SEG_SIZE") MiB"
log "pg_hardstorage repository: file://; pg_hardstorage wal stream --flush-interval $FLUSH_INTERVAL --status-interval 0.5"

# ---------------------------------------------------------------------------------------------
# Receivers. Short names: pghs, rw (pg_receivewal), rws (pg_receivewal --synchronous).
# ---------------------------------------------------------------------------------------------
label() { case $1 in pghs) echo "pg_hardstorage" ;; rw) echo "pg_receivewal" ;; rws) echo "pg_receivewal --synchronous" ;; esac; }
config_of() {
  case $1 in
    pghs) echo "pg_hardstorage wal stream bench --pg-connection '$CONNINFO' --repo file://DIR --slot SLOT --flush-interval $FLUSH_INTERVAL --status-interval 0.5 -o ndjson; repository: repo init ${WAL_LEVEL:+--wal-compression-level $WAL_LEVEL }(WAL zstd level ${WAL_LEVEL:-the release default})" ;;
    rw) echo "pg_receivewal -D DIR --slot SLOT -d '$CONNINFO' --no-loop" ;;
    rws) echo "pg_receivewal -D DIR --slot SLOT -d '$CONNINFO' --no-loop --synchronous" ;;
  esac
}

# start_receiver NAME SLOT DIR TAG: starts it in the background; sets RCV_PID[NAME].
declare -A RCV_PID RCV_DIR RCV_SLOT RCV_T0
start_receiver() {
  local name=$1 slot=$2 dir=$3 tag=$4
  RCV_SLOT[$name]=$slot
  RCV_DIR[$name]=$dir
  case $name in
    pghs)
      local enc=(--encryption none) jfr=
      [ "$ENCRYPT" -eq 0 ] || enc=(--encryption aes-256-gcm)
      [ -z "$WAL_LEVEL" ] || enc+=(--wal-compression-level "$WAL_LEVEL")
      as_pg "$PGHS" repo init -o json "${enc[@]}" "file://$dir" >"$LOGS/$tag-pghs-init.json" 2>"$LOGS/$tag-pghs-init.log" \
        || { cat "$LOGS/$tag-pghs-init.json" >>"$LOGS/$tag-pghs-init.log"; show_log_tail "$LOGS/$tag-pghs-init.log"; die "pg_hardstorage repo init failed"; }
      if [ -n "$JFR_DIR" ]; then
        as_pg mkdir -p "$RUN/jfr"
        jfr="-XX:StartFlightRecording=filename=$RUN/jfr/$tag-pghs.jfr,settings=profile,dumponexit=true -Xlog:jfr+startup=error"
      fi
      RCV_T0[$name]=$(now)
      PGHS_JAVA_OPTS="${PGHS_JAVA_OPTS:-} $jfr" as_pg_exec "$PGHS" wal stream bench --pg-connection "$CONNINFO" --repo "file://$dir" --slot "$slot" \
        --flush-interval "$FLUSH_INTERVAL" --status-interval 0.5 -o ndjson \
        >"$LOGS/$tag-pghs.ndjson" 2>"$LOGS/$tag-pghs.log" &
      ;;
    rw|rws)
      as_pg mkdir -m 0700 "$dir"
      local sync=()
      [ "$name" = rws ] && sync=(--synchronous)
      RCV_T0[$name]=$(now)
      as_pg_exec "$PG_BIN/pg_receivewal" -D "$dir" --slot "$slot" -d "$CONNINFO" --no-loop "${sync[@]}" \
        >"$LOGS/$tag-$name.log" 2>&1 &
      ;;
  esac
  RCV_PID[$name]=$!
  BG_PIDS+=("$!")
  echo "$name $!" >>"$RUN/pids"
}

# stop_receiver NAME: SIGTERM (pg_hardstorage) or SIGINT (pg_receivewal), waits up to 60 s.
# Sets STOP_RC (its exit status), STOP_S (seconds it took to exit) and STOP_RSS_MB (its peak
# resident set, VmHWM, read just before the signal; null if it had exited). Not in a subshell.
stop_receiver() {
  local name=$1 pid=${RCV_PID[$1]} t0 rc=0 sig=TERM p keep=() hwm
  [ "$name" = pghs ] || sig=INT
  hwm=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)
  STOP_RSS_MB=${hwm:-null}
  t0=$(now)
  kill -"$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$(label "$name") did not stop within 60 s of SIG$sig: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  STOP_RC=$rc
  STOP_S=$(secs "$t0" "$(now)")
  for p in "${BG_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  BG_PIDS=("${keep[@]}")
}

# CPU time (clock ticks, user + system) of a process into CT; empty when it is gone. No subshell:
# the sampler calls it several times a tick.
cpu_ticks() {
  local stat f
  CT=
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
  read -ra f <<<"${stat##*) }"
  CT=$((f[11] + f[12]))
}

# End LSN (as a number) of the newest complete segment file in a pg_receivewal directory, into
# SEG_END: such a file has been fsynced and renamed from .partial, so it is durable. 0 when none.
newest_complete_end() {
  local files=("$1"/????????????????????????) n hi lo
  n=${files[-1]##*/}
  SEG_END=0
  [[ $n =~ ^[0-9A-F]{24}$ ]] || return 0
  hi=$((16#${n:8:8})); lo=$((16#${n:16:8}))
  SEG_END=$((hi * 4294967296 + (lo + 1) * SEG_SIZE))
}

# The sampler: one JSON line per tick with the server's clock and LSN, every slot's positions and
# walsender CPU, pg_receivewal's newest complete segment, and each receiver's CPU time. It keeps one
# psql session open (a coprocess) so that a tick costs a query, not a connection.
SAMPLE_SQL="SELECT json_build_object('t', extract(epoch FROM clock_timestamp()),
  'server', pg_current_wal_lsn() - '0/0'::pg_lsn,
  'slots', coalesce((SELECT json_object_agg(s.slot_name, json_build_object(
      'active', s.active, 'walsender', s.active_pid, 'restart', s.restart_lsn - '0/0'::pg_lsn,
      'sent', r.sent_lsn - '0/0'::pg_lsn, 'write', r.write_lsn - '0/0'::pg_lsn,
      'flush', r.flush_lsn - '0/0'::pg_lsn,
      'write_lag', extract(epoch FROM r.write_lag), 'flush_lag', extract(epoch FROM r.flush_lag)))
    FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid), '{}'::json))"
SENDERS_SQL="SELECT coalesce(string_agg(slot_name || ':' || active_pid, ' '), '') FROM pg_replication_slots WHERE active"
SAMPLE_US=$(awk -v s="$SAMPLE_INTERVAL" 'BEGIN{printf "%d", s * 1000000}')
sampler() { # OUT: runs until killed (or the script is gone); 0.1 s ticks while $RUN/fast exists
  local out=$1 t0 db rest mark dirs cpu s name pid interval left parent=$$ qin qout
  set +e
  trap '[ -z "${PQ_PID:-}" ] || kill "$PQ_PID" 2>/dev/null; exit 0' TERM
  while kill -0 "$parent" 2>/dev/null && [ ! -e "$RUN/stop-sampler" ]; do
    t0=${EPOCHREALTIME/./}
    if [ -z "${PQ_PID:-}" ] || ! kill -0 "$PQ_PID" 2>/dev/null; then
      coproc PQ { as_pg_quick "${PSQL[@]}" -d postgres 2>/dev/null; }
      qin=${PQ[1]} qout=${PQ[0]}
    fi
    db='' rest='' mark=''
    if printf '%s;\n%s;\n\\echo __end__\n' "$SAMPLE_SQL" "$SENDERS_SQL" 1>&"$qin" 2>/dev/null \
        && read -r -t 5 db <&"$qout" && read -r -t 5 rest <&"$qout" && read -r -t 5 mark <&"$qout" \
        && [ "$mark" = __end__ ] && [ "${db:0:1}" = "{" ]; then
      dirs='' cpu=''
      for name in rw rws; do
        if [ -n "${RCV_DIR[$name]:-}" ] && [ -d "${RCV_DIR[$name]}" ]; then
          newest_complete_end "${RCV_DIR[$name]}"
          dirs+="${dirs:+,}\"$name\":$SEG_END"
        fi
      done
      for name in pghs rw rws; do
        pid=${RCV_PID[$name]:-}
        [ -n "$pid" ] || continue
        cpu_ticks "$pid"
        [ -z "$CT" ] || cpu+="${cpu:+,}\"$name\":$CT"
      done
      for s in $rest; do
        cpu_ticks "${s#*:}"
        [ -z "$CT" ] || cpu+="${cpu:+,}\"ws:${s%%:*}\":$CT"
      done
      printf '{"db":%s,"dirs":{%s},"cpu":{%s}}\n' "$db" "$dirs" "$cpu" >>"$out"
    else
      # out of step or gone: start a new session next tick
      kill "$PQ_PID" 2>/dev/null; wait "$PQ_PID" 2>/dev/null; PQ_PID=
    fi
    interval=$SAMPLE_US
    [ -e "$RUN/fast" ] && interval=100000
    left=$(( interval - (${EPOCHREALTIME/./} - t0) ))
    [ "$left" -ge 10000 ] || left=10000
    sleep "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"
  done
  [ -z "${PQ_PID:-}" ] || kill "$PQ_PID" 2>/dev/null
}
start_sampler() { rm -f "$RUN/fast" "$RUN/stop-sampler"; : >"$1"; sampler "$1" & SAMPLER_PID=$!; }
# Asked to stop by a file, not a signal: a TERM that lands while bash parses a $(...) can make its
# trap fail to parse ("unexpected EOF while looking for matching `)'"), and a sampler left running
# kept a run waiting for ever. A sampler still there after 10 s is killed.
stop_sampler() {
  [ -n "$SAMPLER_PID" ] || return 0
  touch "$RUN/stop-sampler"
  local _
  for _ in $(seq 1 100); do kill -0 "$SAMPLER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SAMPLER_PID" 2>/dev/null; then
    pkill -KILL -P "$SAMPLER_PID" 2>/dev/null || true
    kill -KILL "$SAMPLER_PID" 2>/dev/null || true
  fi
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
}

# The durable position of a receiver in the newest sample (what the catch-up wait looks at).
durable_now() { # SAMPLES NAME SLOT
  tail -n 1 "$1" | jq -r --arg n "$2" --arg s "$3" '
    ((.db.slots[$s].flush // .db.slots[$s].restart // 0) as $f
     | if $n == "rw" then ([$f, (.dirs.rw // 0)] | max) else $f end)'
}
server_point() { sql postgres "SELECT extract(epoch FROM clock_timestamp()) || ' ' || (pg_current_wal_lsn() - '0/0'::pg_lsn)"; }

wait_streaming() { # NAMES...: each receiver's slot active, else fail with its log
  local n ok
  for _ in $(seq 1 900); do
    ok=1
    for n in "$@"; do
      kill -0 "${RCV_PID[$n]}" 2>/dev/null || { show_log_tail "$LOGS/$CUR_TAG-$n.log"; die "$(label "$n") exited before streaming"; }
      [ "$(sql postgres "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${RCV_SLOT[$n]}' AND active")" = 1 ] || ok=0
    done
    [ "$ok" -eq 1 ] && return 0
    sleep 0.1
  done
  die "receivers $* not streaming after 90 s"
}

create_slot() { sql postgres "SELECT pg_create_physical_replication_slot('$1', true)" >/dev/null; }
drop_slot() { sql postgres "SELECT pg_drop_replication_slot('$1') FROM pg_replication_slots WHERE slot_name = '$1'" >/dev/null; }

RESULTS=$RUN/results.ndjson
: >"$RESULTS"
WARNINGS=()

# The analysis of one run (jq): samples (slurped) + $ev (events) + $rcv (receivers) -> one object.
# durable(name): pg_hardstorage and pg_receivewal --synchronous report as flushed what they made
# durable right after doing it, so pg_stat_replication.flush_lsn is their durable position;
# pg_receivewal in its default mode reports only every 10 s (--status-interval), so its durable
# position is also read from its directory (the newest fsynced, renamed segment).
# shellcheck disable=SC2016  # jq program
ANALYSIS='
def durable($n; $slot): (.db.slots[$slot].flush // .db.slots[$slot].restart // null) as $f
  | if $n == "rw" then ([$f // 0, (.dirs.rw // 0)] | max) else $f end;
def pct($p): if length == 0 then null else sort | .[((length * $p) | ceil) - 1] end;
def avg: if length == 0 then null else add / length end;
def r($d): if . == null then null else (. * pow(10; $d) | round) / pow(10; $d) end;
def mib: if . == null then null else . / 1048576 end;
(map({t: .db.t, server: .db.server, s: .})) as $S
| ($S | length) as $N
# the time at which the server had generated WAL up to $lsn (interpolated between samples)
# when the server began to write WAL beyond $lsn: after the last sample (before $i) at which its
# LSN was <= $lsn, interpolated towards the next one; null if that is before the first sample
| def reached($lsn; $i):
    (first(range($i; -1; -1) as $j | select($S[$j].server <= $lsn) | $j) // null) as $lo
    | if $lo == null or $lo + 1 >= $N then null
      else $S[$lo] as $a | $S[$lo + 1] as $b
        | $a.t + ($lsn - $a.server) / ($b.server - $a.server) * ($b.t - $a.t) end;
  ($ev.load_start_t) as $t0 | ($ev.load_end_t) as $t1
| [range(0; $N) | select($S[.].t >= $t0 and $S[.].t <= $t1)] as $W
| ($ev.load_end_lsn - $ev.load_start_lsn) as $wal
| {wal_bytes: $wal, load_seconds: (($t1 - $t0) | r(2)),
   wal_mb_per_s: ($wal / 1048576 / ($t1 - $t0) | r(2)), samples_in_load: ($W | length),
   receivers: [ $rcv[] as $x | $x.name as $n | $x.slot as $slot
    | [ $W[] as $i | $S[$i] as $p | ($p.s | durable($n; $slot)) as $d
        | select($d != null)
        | {t: $p.t, lag: ([$p.server - $d, 0] | max),
           lag_s: (if $d >= $p.server then 0 else (reached($d; $i)) as $rt | if $rt == null then null else $p.t - $rt end end),
           flush_lag: $p.s.db.slots[$slot].flush_lag, d: $d,
           cpu: $p.s.cpu[$n], ws: $p.s.cpu["ws:" + $slot]} ] as $L
    | [ range(0; $N) | select($S[.].t > $t1) | $S[.] as $p | ($p.s | durable($n; $slot)) as $d
        | select($d != null and $d >= $ev.load_end_lsn) | $p.t - $t1 ] as $C
    | ($S | map(select(.s.cpu[$n] != null)) | last) as $last
    | ($S | map(select(.s.cpu["ws:" + $slot] != null)) | last) as $lastws
    | ($S | last) as $fin
    | {name: $n, tool: $x.label, slot: $slot,
       lag_bytes_avg: ($L | map(.lag) | avg | r(0)), lag_bytes_p95: ($L | map(.lag) | pct(0.95)),
       lag_bytes_max: ($L | map(.lag) | max),
       lag_s_avg: ($L | map(.lag_s | select(. != null)) | avg | r(3)),
       lag_s_p95: ($L | map(.lag_s | select(. != null)) | pct(0.95) | r(3)),
       lag_s_p99: ($L | map(.lag_s | select(. != null)) | pct(0.99) | r(3)),
       lag_s_max: ($L | map(.lag_s | select(. != null)) | max | r(3)),
       server_flush_lag_s_avg: ($L | map(.flush_lag | select(. != null)) | avg | r(3)),
       server_flush_lag_s_max: ($L | map(.flush_lag | select(. != null)) | max | r(3)),
       durable_mb_per_s_in_load: (if ($L | length) < 2 then null else (($L | last.d) - ($L | first.d)) / 1048576 / (($L | last.t) - ($L | first.t)) | r(2) end),
       catchup_s: ($C | first // null | r(2)),
       catchup_timeout_s: $ev.catchup_timeout,
       unflushed_bytes_at_end: (($fin.s | durable($n; $slot)) as $d | if $d == null then null else [$fin.server - $d, 0] | max end),
       cpu_s_in_load: (if ($L | length) < 2 or ($L | first.cpu) == null then null else ((($L | last.cpu) - ($L | first.cpu)) / $ev.clk_tck) | r(2) end),
       cpu_s_load_to_stop: (if ($L | length) == 0 or ($L | first.cpu) == null or $last == null then null else (($last.s.cpu[$n] - ($L | first.cpu)) / $ev.clk_tck) | r(2) end),
       cpu_s_total_before_stop: (if $last == null then null else $last.s.cpu[$n] / $ev.clk_tck | r(2) end),
       walsender_cpu_s_load_to_stop: (if ($L | length) == 0 or ($L | first.ws) == null or $lastws == null then null else (($lastws.s.cpu["ws:" + $slot] - ($L | first.ws)) / $ev.clk_tck) | r(2) end)}
    | . + {cpu_s_per_gib_wal: (if .cpu_s_load_to_stop == null or $wal == 0 then null else .cpu_s_load_to_stop / ($wal / 1073741824) | r(2) end)}
   ]}'

# run_load NAME RECEIVER...: one measured run.
run_load() {
  local run=$1 tag n tps lat start_pt end_pt samples ev rcv out extra zr
  shift
  tag=run-$run
  CUR_TAG=$tag
  samples=$LOGS/$tag.samples.ndjson
  log "run '$run': receivers: ${*:-none}"
  sql postgres "CHECKPOINT"
  RCV_PID=() RCV_DIR=() RCV_SLOT=() RCV_T0=()
  for n in "$@"; do create_slot "bench_${run//-/_}_$n"; done
  for n in "$@"; do start_receiver "$n" "bench_${run//-/_}_$n" "$RUN/receivers/$tag-$n" "$tag"; done
  start_sampler "$samples"   # after the receivers: it reads their pids and directories
  [ $# -eq 0 ] || wait_streaming "$@"
  sleep 2
  start_pt=$(server_point)
  as_pg "$PG_BIN/pgbench" -n -c "$CLIENTS" -j "$THREADS" -T "$LOAD_SECONDS" -h "$SOCK" -p "$PORT" bench \
    >"$LOGS/$tag-pgbench.log" 2>&1 || { show_log_tail "$LOGS/$tag-pgbench.log"; die "pgbench failed in run '$run'"; }
  end_pt=$(server_point)
  touch "$RUN/fast"
  tps=$(awk '/^tps = / {printf "%.1f", $3; exit}' "$LOGS/$tag-pgbench.log")
  lat=$(awk '/^latency average = / {print $4; exit}' "$LOGS/$tag-pgbench.log")
  log "run '$run': pgbench $tps tps; $(MIB $(( ${end_pt#* } - ${start_pt#* } ))) MiB of WAL in $(secs "${start_pt% *}" "${end_pt% *}") s; waiting for the receivers to catch up ..."
  # Wait until every receiver that flushes continuously holds the load's last LSN (pg_receivewal
  # in its default mode does not: it keeps the partial segment unflushed until the segment ends).
  local deadline waiting d
  deadline=$(( $(date +%s) + CATCHUP_TIMEOUT ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    waiting=0
    for n in "$@"; do
      [ "$n" = rw ] && continue
      d=$(durable_now "$samples" "$n" "${RCV_SLOT[$n]}")
      [ -n "$d" ] && [ "$d" != null ] && [ "$d" -ge "${end_pt#* }" ] || waiting=1
    done
    [ "$waiting" -eq 0 ] && break
    sleep 0.2
  done
  sleep 1   # a few more samples: the state at the end
  rcv='[]'
  for n in "$@"; do
    stop_receiver "$n"
    rcv=$(jq -c --arg n "$n" --arg l "$(label "$n")" --arg slot "${RCV_SLOT[$n]}" --arg cfg "$(config_of "$n")" \
      --argjson rc "$STOP_RC" --argjson stop "$STOP_S" --argjson stored "$(dir_bytes "${RCV_DIR[$n]}")" \
      '. + [{name: $n, label: $l, slot: $slot, config: $cfg, exit_code: $rc, stop_s: $stop, stored_bytes: $stored}]' <<<"$rcv")
    # a JVM stopped by SIGTERM exits 143 after its shutdown hooks (the streamer's flush) have run
    [ "$STOP_RC" = 0 ] || { [ "$n" = pghs ] && [ "$STOP_RC" = 143 ]; } \
      || WARNINGS+=("run $run: $(label "$n") exited with status $STOP_RC when stopped")
  done
  stop_sampler
  ev=$(jq -nc --argjson a "${start_pt% *}" --argjson al "${start_pt#* }" --argjson b "${end_pt% *}" --argjson bl "${end_pt#* }" \
    --argjson ct "$CATCHUP_TIMEOUT" --argjson tck "$CLK_TCK" \
    '{load_start_t: $a, load_start_lsn: $al, load_end_t: $b, load_end_lsn: $bl, catchup_timeout: $ct, clk_tck: $tck}')
  out=$(jq -s -c --argjson ev "$ev" --argjson rcv "$(jq -c 'map({name: .name, label: .label, slot: .slot})' <<<"$rcv")" "$ANALYSIS" "$samples") \
    || die "analysis of run '$run' failed (samples in $samples)"
  extra='{}'
  if [ -n "${RCV_PID[pghs]:-}" ]; then extra=$(pghs_extra "$tag" "$ev"); fi
  zr=null
  for n in rw rws; do [ -z "${RCV_DIR[$n]:-}" ] || { zr=$(wal_zstd_ratio "${RCV_DIR[$n]}"); break; }; done
  # merge what was measured outside the samples (exit codes, stored bytes, the configuration)
  jq -c --arg run "$run" --argjson rcv "$rcv" --arg tps "$tps" --arg lat "$lat" --argjson extra "$extra" \
    --argjson wal_b "$(( ${end_pt#* } - ${start_pt#* } ))" --argjson zr "$zr" --arg pgbench "pgbench -n -c $CLIENTS -j $THREADS -T $LOAD_SECONDS" '
    {run: $run, pgbench: {command: $pgbench, tps: ($tps | tonumber? // null), latency_ms: ($lat | tonumber? // null)}} + .
    | .wal_zstd3_ratio = $zr
    | .receivers |= map(. as $r | ($rcv[] | select(.name == $r.name)) + $r
        | . + {stored_bytes_per_wal_byte: (if .stored_bytes == null then null else .stored_bytes / $wal_b end)})
    | .pg_hardstorage = $extra' <<<"$out" >>"$RESULTS" \
    || die "could not record run '$run'"
  if [ -n "${RCV_PID[pghs]:-}" ]; then
    for n in rws rw; do
      if [ -n "${RCV_DIR[$n]:-}" ]; then compare_wal "$tag" "${RCV_DIR[pghs]}" "${RCV_DIR[$n]}" "$n"; break; fi
    done
  fi
  for n in "$@"; do drop_slot "${RCV_SLOT[$n]}"; [ "$KEEP" -eq 1 ] || rm -rf "${RCV_DIR[$n]}"; done
}

# What pg_hardstorage said about itself (ndjson progress events during the load; errors; warnings
# on stderr; its final result).
pghs_extra() { # TAG EVENTS_JSON
  local nd=$LOGS/$1-pghs.ndjson errlog=$LOGS/$1-pghs.log warn
  warn=$(grep -ciE 'warn|error|exception' "$errlog" || true)
  jq -s -c --argjson ev "$2" --argjson warn "$warn" --arg firstwarn "$(grep -iE -m1 'warn|error|exception' "$errlog" || true)" '
    def avg: if length == 0 then null else add / length end;
    def r($d): if . == null then null else (. * pow(10; $d) | round) / pow(10; $d) end;
    def epoch: sub("\\.[0-9]+Z$"; "Z") as $s | ($s | fromdateiso8601) + ((capture("\\.(?<f>[0-9]+)Z$").f // "0") | ("0." + .) | tonumber);
    (map(select(.event == "progress") | .progress + {t: (.generated_at | epoch)})) as $P
    | ($P | map(select(.t >= $ev.load_start_t and .t <= $ev.load_end_t))) as $L
    | {progress_events: ($P | length),
       states_seen: ($P | map(.state) | unique),
       self_lag_bytes_avg_in_load: ($L | map(.lag_bytes) | avg | r(0)),
       self_lag_bytes_max_in_load: ($L | map(.lag_bytes) | max),
       self_lag_seconds_avg_in_load: ($L | map(.lag_seconds) | avg | r(3)),
       self_lag_seconds_max_in_load: ($L | map(.lag_seconds) | max),
       error_events: map(select(.event == "error") | .error),
       final_result: (map(select(.event == "result") | .result) | last // null),
       stderr_warning_lines: $warn,
       stderr_first_warning: (if $firstwarn == "" then null else $firstwarn end)}' "$nd" 2>/dev/null \
    || echo '{"error":"could not read the ndjson output"}'
}

# Byte-compare segments that pg_hardstorage and pg_receivewal both stored (first and last complete
# ones; pg_hardstorage wal fetch decompresses them), and audit pg_hardstorage's archive.
COMPARE=$RUN/compare.ndjson
: >"$COMPARE"
compare_wal() { # TAG PGHS_REPO_DIR RECEIVEWAL_DIR RECEIVEWAL_NAME
  local tag=$1 repo=$2 dir=$3 other=$4 segs s ok=0 bad=0 audit
  mapfile -t segs < <(find "$dir" -maxdepth 1 -name '????????????????????????' -printf '%f\n' | { grep -E '^[0-9A-F]{24}$' || true; } | sort | sed -n '1p;$p' | sort -u)
  for s in "${segs[@]}"; do
    if as_pg "$PGHS" wal fetch bench "$s" "$RUN/receivers/fetched-$s" --repo "file://$repo" >>"$LOGS/$tag-compare.log" 2>&1 \
        && cmp -s "$RUN/receivers/fetched-$s" "$dir/$s"; then ok=$((ok + 1))
    else bad=$((bad + 1)); WARNINGS+=("$tag: segment $s differs between pg_hardstorage (wal fetch) and $(label "$other"), or could not be fetched: see $tag-compare.log"); fi
    rm -f "$RUN/receivers/fetched-$s"
  done
  audit=$(as_pg "$PGHS" wal audit bench --repo "file://$repo" -o json 2>>"$LOGS/$tag-compare.log" | jq -c '.result // .error' 2>/dev/null || echo null)
  [ "$(jq -r 'if type == "object" and (.gaps | type) == "array" then (.gaps | length == 0) else false end' <<<"$audit")" = true ] \
    || WARNINGS+=("$tag: pg_hardstorage wal audit reports gaps or failed: $audit")
  jq -nc --arg tag "$tag" --arg other "$(label "$other")" --argjson ok "$ok" --argjson bad "$bad" --argjson audit "$audit" \
    --argjson segs "$(printf '%s\n' "${segs[@]}" | jq -R 'select(. != "")' | jq -sc .)" \
    '{run: $tag, compared_with: $other, segments: $segs, identical: $ok, different_or_missing: $bad, pghs_wal_audit: $audit,
      pghs_wal_audit_no_gaps: (if ($audit | type) == "object" and ($audit.gaps | type) == "array" then ($audit.gaps | length == 0) else false end)}' >>"$COMPARE"
  log "$tag: ${#segs[@]} segment(s) compared with $(label "$other"): $ok identical, $bad different/missing"
}

# How compressible the WAL is: zstd -3 over the first complete segment in a pg_receivewal
# directory ("null" when there is none).
wal_zstd_ratio() { # DIR
  local f
  f=$(find "$1" -maxdepth 1 -name '????????????????????????' -printf '%p\n' 2>/dev/null | sort | head -1)
  [ -n "$f" ] || { echo null; return 0; }
  awk -v r="$(stat -c %s "$f")" -v p="$(zstd -3 -q -c "$f" | wc -c)" 'BEGIN{printf "%.2f", r/p}'
}

# ---------------------------------------------------------------------------------------------
# The runs under load
# ---------------------------------------------------------------------------------------------
for r in "${RUN_LIST[@]}"; do
  case $r in
    baseline) run_load baseline ;;
    together) run_load together pghs rw rws ;;
    pghs) run_load pghs pghs ;;
    receivewal) run_load receivewal rw ;;
    receivewal-sync) run_load receivewal-sync rws ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# Backlog: raw ingest speed of each receiver alone, from WAL the slots retained
# ---------------------------------------------------------------------------------------------
BACKLOG=$RUN/backlog.ndjson
: >"$BACKLOG"
BACKLOG_ZSTD=null
if [ "$BACKLOG_MB" -gt 0 ]; then
  # pgbench on this kind of machine writes only a few MB/s of WAL (commit fsyncs): the backlog is
  # written by bulk INSERTs of order-like rows instead (heap-insert records; its zstd ratio is
  # reported), in statements of about 25 MiB of WAL each.
  log "backlog: writing $BACKLOG_MB MiB of WAL with bulk INSERTs while no receiver runs ..."
  sql bench "CREATE TABLE wal_backlog (id bigint, created_at timestamptz, amount numeric(12,2), ref text)"
  sql postgres "CHECKPOINT"
  # One slot per receiver and repetition, all created before the backlog: each retains the same WAL.
  for IT in $(seq 1 "$BACKLOG_REPEAT"); do for n in pghs rw rws; do create_slot "bench_backlog_${n}_$IT"; done; done
  B0=$(sql postgres "SELECT min(restart_lsn - '0/0'::pg_lsn) FROM pg_replication_slots WHERE slot_name LIKE 'bench_backlog_%'")
  B0=$(( B0 / SEG_SIZE * SEG_SIZE ))   # receivers start at the first byte of that segment
  t0=$(now)
  while :; do
    CUR=$(sql postgres "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
    [ $(( CUR - B0 )) -lt $(( BACKLOG_MB * 1048576 + SEG_SIZE )) ] || break
    sql bench "INSERT INTO wal_backlog SELECT g, now() - random() * interval '30 days', round((random() * 5000)::numeric, 2),
        md5(random()::text) || md5(g::text) FROM generate_series(1, 180000) g" >/dev/null
  done
  log "backlog written in $(secs "$t0" "$(now)") s"
  TARGET=$(( CUR / SEG_SIZE * SEG_SIZE ))   # end of the last complete segment
  log "backlog: $(MIB $(( TARGET - B0 ))) MiB in complete segments; draining it with each receiver alone, $BACKLOG_REPEAT time(s) ..."
  for IT in $(seq 1 "$BACKLOG_REPEAT"); do
  for n in pghs rw rws; do
    RCV_PID=() RCV_DIR=() RCV_SLOT=() RCV_T0=()
    samples=$LOGS/backlog-$n-$IT.samples.ndjson
    CUR_TAG=backlog
    # Only the last repetition's directories stay for the comparison below.
    rm -rf "$RUN/receivers/backlog-$n"
    start_receiver "$n" "bench_backlog_${n}_$IT" "$RUN/receivers/backlog-$n" "backlog-$IT"
    start_sampler "$samples"
    touch "$RUN/fast"
    T_REACH=
    for _ in $(seq 1 6000); do
      kill -0 "${RCV_PID[$n]}" 2>/dev/null || break
      d=$( [ -s "$samples" ] && durable_now "$samples" "$n" "bench_backlog_${n}_$IT" || echo 0)
      if [ -n "$d" ] && [ "$d" != null ] && [ "$d" -ge "$TARGET" ]; then T_REACH=$(now); break; fi
      sleep 0.1
    done
    sleep 0.3
    stop_receiver "$n"
    stop_sampler
    [ -n "$T_REACH" ] || WARNINGS+=("backlog: $(label "$n") did not store the backlog within 600 s (or exited)")
    jq -s -c --arg n "$n" --arg l "$(label "$n")" --arg slot "bench_backlog_${n}_$IT" --argjson t0 "${RCV_T0[$n]}" \
      --argjson b0 "$B0" --argjson target "$TARGET" --argjson rc "$STOP_RC" --argjson tck "$CLK_TCK" \
      --argjson rss "$STOP_RSS_MB" --argjson run "$IT" \
      --argjson stored "$(dir_bytes "$RUN/receivers/backlog-$n")" '
      def durable: (.db.slots[$slot].flush // .db.slots[$slot].restart // 0) as $f
        | if $n == "rw" then ([$f, (.dirs.rw // 0)] | max) else $f end;
      def r($d): if . == null then null else (. * pow(10; $d) | round) / pow(10; $d) end;
      (map(select(.db.slots[$slot] != null) | {t: .db.t, d: durable, cpu: .cpu[$n], ws: (.cpu["ws:" + $slot])})) as $S
      | (first($S[] | select(.d > $S[0].d)) // null) as $first
      | (first($S[] | select(.d >= $target)) // null) as $done
      | (first($S[] | select(.d >= ($b0 + ($target - $b0) / 2))) // null) as $half
      | ($S | map(select(.cpu != null)) | last) as $lastcpu
      | ($S | map(select(.ws != null))) as $W
      | {name: $n, tool: $l, run: $run, backlog_bytes: ($target - $b0), exit_code: $rc, stored_bytes: $stored, peak_rss_mb: $rss,
         seconds_from_start: (if $done == null then null else ($done.t - $t0) | r(2) end),
         mb_per_s_from_start: (if $done == null then null else ($target - $b0) / 1048576 / ($done.t - $t0) | r(1) end),
         first_durable_after_s: (if $first == null then null else ($first.t - $t0) | r(2) end),
         mb_per_s_after_first_durable: (if $done == null or $first == null or $done.t <= $first.t then null
           else ($target - $first.d) / 1048576 / ($done.t - $first.t) | r(1) end),
         # The second half of the backlog alone: the pace once the JVM has compiled the hot code
         # and derived the repository key, as a streamer that has run for a while drains.
         mb_per_s_second_half: (if $done == null or $half == null or $done.t <= $half.t then null
           else ($target - $half.d) / 1048576 / ($done.t - $half.t) | r(1) end),
         cpu_s: (if $lastcpu == null then null else $lastcpu.cpu / $tck | r(2) end),
         cpu_s_after_first_durable: (if $lastcpu == null or $first == null or $first.cpu == null then null else ($lastcpu.cpu - $first.cpu) / $tck | r(2) end),
         bytes_after_first_durable: (if $first == null then null else $target - $first.d end),
         walsender_cpu_s: (if ($W | length) < 2 then null else (($W | last.ws) - ($W | first.ws)) / $tck | r(2) end),
         # The longest the durable position stood still while the backlog drained (sampled every
         # 0.1 s): what a flush deferred while catching up would show.
         max_s_without_durable_progress: (if $first == null or $done == null then null else
           [$S[] | select(.t >= $first.t and .t <= $done.t)]
           | reduce .[] as $x ({last: null, at: null, gap: 0};
               if .last == null or $x.d > .last then {last: $x.d, at: $x.t, gap: ([.gap, (if .at == null then 0 else $x.t - .at end)] | max)}
               else . end)
           | .gap | r(2) end)}
      | . + {cpu_s_per_gib_wal: (if .cpu_s == null then null else .cpu_s / (.backlog_bytes / 1073741824) | r(2) end),
             cpu_s_per_gib_wal_after_first_durable: (if .cpu_s_after_first_durable == null or (.bytes_after_first_durable // 0) <= 0 then null
               else .cpu_s_after_first_durable / (.bytes_after_first_durable / 1073741824) | r(2) end)}' \
      "$samples" >>"$BACKLOG" || die "analysis of the backlog run of $n failed"
    log "backlog: $(label "$n"): $(tail -n1 "$BACKLOG" | jq -r '"\(.seconds_from_start) s from start, \(.mb_per_s_from_start) MB/s (\(.mb_per_s_after_first_durable) MB/s after the first durable byte, \(.mb_per_s_second_half) MB/s over the second half), CPU \(.cpu_s) s"')"
    drop_slot "bench_backlog_${n}_$IT"
  done
  done
  BACKLOG_ZSTD=$(wal_zstd_ratio "$RUN/receivers/backlog-rw")
  compare_wal backlog "$RUN/receivers/backlog-pghs" "$RUN/receivers/backlog-rw" rw
  [ "$KEEP" -eq 1 ] || rm -rf "$RUN/receivers/backlog-pghs" "$RUN/receivers/backlog-rw" "$RUN/receivers/backlog-rws"
fi

# pg_hardstorage's stderr: anything that looks like a problem, from every run
PGHS_PROBLEMS=$(cat "$LOGS"/*-pghs.log 2>/dev/null | grep -iE 'warn|error|exception' | sort | uniq -c | sort -rn | head -20 || true)
[ -z "$PGHS_PROBLEMS" ] || WARNINGS+=("pg_hardstorage wrote warnings/errors on stderr: see the JSON (pghs_stderr_problems)")

as_pg "$PG_BIN/pg_ctl" -D "$SRC" -m fast -t 120 stop >/dev/null 2>&1 || true
SERVER_STARTED=0

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/wal-$STAMP.json
jq -n \
  --slurpfile runs "$RESULTS" --slurpfile backlog "$BACKLOG" --slurpfile compare "$COMPARE" \
  --arg started "$STARTED_AT" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg host "$(hostname)" --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
  --argjson cpus "$(nproc)" --arg mem "$(free -g | awk '/^Mem:/ {print $2 " GiB"}')" \
  --arg kernel "$(uname -r)" --arg load_start "$LOAD_START" --arg load_end "$LOAD_END" \
  --arg pg "$("$PG_BIN/postgres" --version | awk '{print $3}')" \
  --arg pghs "$("$PGHS" version -o json | jq -r .result.version)" --arg commit "$GIT_COMMIT" --arg built "${DIST_BUILT:-unknown}" \
  --argjson dirty "$GIT_DIRTY" --arg java "$("$PGHS" version -o json | jq -r .result.java_version)" \
  --argjson scale "$SCALE" --argjson secs "$LOAD_SECONDS" --argjson c "$CLIENTS" --argjson j "$THREADS" \
  --argjson backlog_mb "$BACKLOG_MB" --argjson backlog_zstd "$BACKLOG_ZSTD" --argjson ct "$CATCHUP_TIMEOUT" --argjson si "$SAMPLE_INTERVAL" \
  --argjson flush "$FLUSH_INTERVAL" --argjson db "$DB_BYTES" --argjson seg "$SEG_SIZE" \
  --arg cfg_pghs "$(config_of pghs)" --arg cfg_rw "$(config_of rw)" --arg cfg_rws "$(config_of rws)" \
  --arg problems "$PGHS_PROBLEMS" --argjson warnings "$(printf '%s\n' "${WARNINGS[@]}" | jq -R 'select(. != "")' | jq -sc .)" \
  --argjson encrypt "$ENCRYPT" --argjson backlog_repeat "$BACKLOG_REPEAT" --arg wal_level "$WAL_LEVEL" '
  def ratio(a; b): if a == null or b == null or b == 0 then null else (a / b * 100 | round / 100) end;
  def median: map(select(. != null)) | sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  # One backlog row per receiver: medians over the repetitions, the spread of the drain rate, every run.
  ($backlog | group_by(.name) | map(. as $g
    | ($g | sort_by(.mb_per_s_after_first_durable // 0) | .[(length - 1) / 2 | floor])
    + {runs: ($g | length),
       seconds_from_start: ($g | map(.seconds_from_start) | median),
       mb_per_s_from_start: ($g | map(.mb_per_s_from_start) | median),
       first_durable_after_s: ($g | map(.first_durable_after_s) | median),
       mb_per_s_after_first_durable: ($g | map(.mb_per_s_after_first_durable) | median),
       mb_per_s_after_first_durable_min: ($g | map(.mb_per_s_after_first_durable // empty) | min),
       mb_per_s_after_first_durable_max: ($g | map(.mb_per_s_after_first_durable // empty) | max),
       mb_per_s_second_half: ($g | map(.mb_per_s_second_half) | median),
       cpu_s: ($g | map(.cpu_s) | median), cpu_s_per_gib_wal: ($g | map(.cpu_s_per_gib_wal) | median),
       max_s_without_durable_progress: ($g | map(.max_s_without_durable_progress // empty) | max),
       peak_rss_mb: ($g | map(.peak_rss_mb // empty) | max),
       every_run: (if ($g | length) > 1 then $g else null end)})
    | sort_by({pghs: 0, rw: 1, rws: 2}[.name])) as $backlog
  |
  def rcv($run; $n): ($runs | map(select(.run == $run)) | first // null) as $r | if $r == null then null else ($r.receivers | map(select(.name == $n)) | first // null) end;
  def ratios($run; $other):
    rcv($run; "pghs") as $a | rcv($run; $other) as $b
    | if $a == null or $b == null then null else
      {lag_bytes_avg: ratio($a.lag_bytes_avg; $b.lag_bytes_avg), lag_bytes_p95: ratio($a.lag_bytes_p95; $b.lag_bytes_p95),
       lag_s_avg: ratio($a.lag_s_avg; $b.lag_s_avg), lag_s_p95: ratio($a.lag_s_p95; $b.lag_s_p95),
       catchup_s: ratio($a.catchup_s; $b.catchup_s), cpu_s: ratio($a.cpu_s_load_to_stop; $b.cpu_s_load_to_stop),
       walsender_cpu_s: ratio($a.walsender_cpu_s_load_to_stop; $b.walsender_cpu_s_load_to_stop),
       stored_bytes: ratio($a.stored_bytes; $b.stored_bytes)} end;
  def bl($n): $backlog | map(select(.name == $n)) | first // null;
  def blratios($other): bl("pghs") as $a | bl($other) as $b
    | if $a == null or $b == null then null else
      {seconds_from_start: ratio($a.seconds_from_start; $b.seconds_from_start),
       mb_per_s_after_first_durable: ratio($a.mb_per_s_after_first_durable; $b.mb_per_s_after_first_durable),
       mb_per_s_second_half: ratio($a.mb_per_s_second_half; $b.mb_per_s_second_half),
       cpu_s: ratio($a.cpu_s; $b.cpu_s), stored_bytes: ratio($a.stored_bytes; $b.stored_bytes)} end;
  {schema: "pg_hardstorage.bench.wal.v1", started_at: $started, finished_at: $finished,
   machine: {host: $host, cpu: $cpu, cpus: $cpus, memory: $mem, kernel: $kernel,
             load_average_start: $load_start, load_average_end: $load_end},
   versions: {postgres: $pg, pg_hardstorage: $pghs, java: $java,
              git_commit_at_start: $commit, git_dirty_at_start: $dirty, pg_hardstorage_built_at: $built},
   parameters: {pgbench_scale: $scale, database_bytes: $db, load: "pgbench -n -c \($c) -j \($j) -T \($secs) (unthrottled, TPC-B-like)",
                backlog_mb: $backlog_mb, backlog_wal_zstd3_ratio: $backlog_zstd, backlog_repeat: $backlog_repeat,
                pghs_repository_encrypted: ($encrypt == 1),
                pghs_wal_compression_level: (if $wal_level == "" then "release default" else ($wal_level | tonumber) end),
                backlog_source: "INSERT INTO wal_backlog SELECT id, timestamp, amount, md5 hex x2 FROM generate_series(1, 180000), repeated",
                pghs_flush_interval_s: $flush, catchup_timeout_s: $ct, sample_interval_s: $si, wal_segment_bytes: $seg,
                server: "PostgreSQL 15 on 127.0.0.1: wal_level=replica, synchronous_commit=on, fsync=on, shared_buffers=256MB, max_wal_size=8GB, checkpoint_timeout=30min, a CHECKPOINT before each run",
                receivers: {pghs: $cfg_pghs, rw: $cfg_rw, rws: $cfg_rws},
                units: "MB = MiB = 2^20 bytes; lag_s = how long ago the server had generated the WAL up to the receiver'"'"'s durable position"},
   runs: $runs, backlog: $backlog, wal_comparison: $compare,
   ratios_pghs_to: {
     receivewal_sync: {together: ratios("together"; "rws"), alone: (if rcv("pghs"; "pghs") == null or rcv("receivewal-sync"; "rws") == null then null else
        {lag_bytes_avg: ratio(rcv("pghs"; "pghs").lag_bytes_avg; rcv("receivewal-sync"; "rws").lag_bytes_avg),
         lag_s_avg: ratio(rcv("pghs"; "pghs").lag_s_avg; rcv("receivewal-sync"; "rws").lag_s_avg),
         catchup_s: ratio(rcv("pghs"; "pghs").catchup_s; rcv("receivewal-sync"; "rws").catchup_s),
         cpu_s_per_gib_wal: ratio(rcv("pghs"; "pghs").cpu_s_per_gib_wal; rcv("receivewal-sync"; "rws").cpu_s_per_gib_wal),
         stored_bytes_per_wal_byte: ratio(rcv("pghs"; "pghs").stored_bytes_per_wal_byte; rcv("receivewal-sync"; "rws").stored_bytes_per_wal_byte)} end),
       backlog: blratios("rws")},
     receivewal: {together: ratios("together"; "rw"), alone: (if rcv("pghs"; "pghs") == null or rcv("receivewal"; "rw") == null then null else
        {lag_bytes_avg: ratio(rcv("pghs"; "pghs").lag_bytes_avg; rcv("receivewal"; "rw").lag_bytes_avg),
         lag_s_avg: ratio(rcv("pghs"; "pghs").lag_s_avg; rcv("receivewal"; "rw").lag_s_avg),
         cpu_s_per_gib_wal: ratio(rcv("pghs"; "pghs").cpu_s_per_gib_wal; rcv("receivewal"; "rw").cpu_s_per_gib_wal),
         stored_bytes_per_wal_byte: ratio(rcv("pghs"; "pghs").stored_bytes_per_wal_byte; rcv("receivewal"; "rw").stored_bytes_per_wal_byte)} end),
       backlog: blratios("rw")}},
   pghs_stderr_problems: ($problems | split("\n") | map(select(. != ""))),
   warnings: $warnings}' >"$OUT"

{
  echo
  echo "pg_hardstorage WAL ingest benchmark  $(jq -r .started_at "$OUT")  $(hostname), $(nproc) cores, load $LOAD_START -> $LOAD_END"
  echo "PostgreSQL $(jq -r .versions.postgres "$OUT"), pgbench scale $SCALE ($(MIB "$DB_BYTES") MiB), load: pgbench -n -c $CLIENTS -j $THREADS -T $LOAD_SECONDS (unthrottled), synchronous_commit=on, fsync=on"
  echo "pg_hardstorage $(jq -r .versions.pg_hardstorage "$OUT") (--flush-interval $FLUSH_INTERVAL, repository file://, zstd$([ "$ENCRYPT" -eq 0 ] || echo ", aes-256-gcm")); pg_receivewal default (fsync at segment end) and --synchronous (fsync per message)"
  echo
  jq -r '
    def v: if . == null then "-" else tostring end;
    def m: if . == null then "-" else (. / 1048576 * 10 | round / 10 | tostring) end;
    ["run", "receiver", "tps", "WAL MB/s", "lag MB avg", "p95", "max", "lag s avg", "p95", "p99", "max", "srv flush_lag s", "catch-up s", "unflushed MB at end", "CPU s", "CPU s/GiB", "walsender CPU s", "stored MB"],
    (.runs[] | . as $r
      | if (.receivers | length) == 0 then [$r.run, "(none)", ($r.pgbench.tps | v), ($r.wal_mb_per_s | v), "", "", "", "", "", "", "", "", "", "", "", "", "", ""]
        else (.receivers[] | [$r.run, .tool, ($r.pgbench.tps | v), ($r.wal_mb_per_s | v),
          (.lag_bytes_avg | m), (.lag_bytes_p95 | m), (.lag_bytes_max | m),
          (.lag_s_avg | v), (.lag_s_p95 | v), (.lag_s_p99 | v), (.lag_s_max | v), (.server_flush_lag_s_avg | v),
          (if .catchup_s == null then "not in \(.catchup_timeout_s) s" else (.catchup_s | v) end),
          (.unflushed_bytes_at_end | m), (.cpu_s_load_to_stop | v), (.cpu_s_per_gib_wal | v),
          (.walsender_cpu_s_load_to_stop | v), (.stored_bytes | m)]) end)
    | @tsv' "$OUT" | column -t -s $'\t'
  if [ -s "$BACKLOG" ]; then
    echo
    echo "Backlog drained by each receiver alone ($(jq -r '.backlog[0].backlog_bytes / 1048576 | round' "$OUT") MiB retained by its slot; time from process start; medians of $BACKLOG_REPEAT run(s)):"
    jq -r '
      def v: if . == null then "-" else tostring end;
      ["receiver", "runs", "s from start", "MB/s from start", "first durable after s", "MB/s after it", "spread", "MB/s 2nd half", "longest s without durable progress", "CPU s", "CPU s/GiB", "walsender CPU s", "RSS MB", "stored MB"],
      (.backlog[] | [.tool, (.runs | v), (.seconds_from_start | v), (.mb_per_s_from_start | v), (.first_durable_after_s | v),
        (.mb_per_s_after_first_durable | v),
        (if .runs > 1 then "\(.mb_per_s_after_first_durable_min)-\(.mb_per_s_after_first_durable_max)" else "-" end),
        (.mb_per_s_second_half | v),
        (.max_s_without_durable_progress | v),
        (.cpu_s | v), (.cpu_s_per_gib_wal | v), (.walsender_cpu_s | v), (.peak_rss_mb | v),
        (.stored_bytes / 1048576 * 10 | round / 10 | v)])
      | @tsv' "$OUT" | column -t -s $'\t'
  fi
  echo
  echo "Ratios pg_hardstorage / pg_receivewal --synchronous:"
  jq -r '.ratios_pghs_to.receivewal_sync | to_entries[] | select(.value != null) | "  \(.key): " + (.value | to_entries | map("\(.key) \(.value // "-")") | join(", "))' "$OUT"
  echo "Ratios pg_hardstorage / pg_receivewal (default mode):"
  jq -r '.ratios_pghs_to.receivewal | to_entries[] | select(.value != null) | "  \(.key): " + (.value | to_entries | map("\(.key) \(.value // "-")") | join(", "))' "$OUT"
  if [ -s "$COMPARE" ]; then
    echo
    jq -r '.wal_comparison[] | "WAL check (\(.run)): \(.identical) of \(.segments | length) segment(s) byte-identical to \(.compared_with); pg_hardstorage wal audit: \(if .pghs_wal_audit_no_gaps then "no gaps" else "GAPS or failed" end)"' "$OUT"
  fi
  echo
  echo "lag = server's pg_current_wal_lsn() - the receiver's durable position, sampled every $SAMPLE_INTERVAL s during the load;"
  echo "lag s = how long ago the server had written that position; catch-up = after pgbench ends, until durable >= its last LSN."
  jq -r '.warnings[] | "WARNING: " + .' "$OUT"
  echo "JSON: $OUT"
}
