#!/usr/bin/env bash
# Backup and restore benchmark: pg_hardstorage against pg_basebackup and pgBackRest, on the SAME
# PostgreSQL 15 cluster and data. Run by hand; it asserts nothing about time.
#
#   bench/run-backup-bench.sh [--scale N] [--entropy] [--entropy-mb N] [--write-seconds N] [--keep]
#                             [--pgbackrest-block] [--encrypt] [--repeat N] [--full-only]
#                             [--tools LIST] [--jfr DIR] [--pghs-dist DIR] [--restore-repeat N]
#                             [--pghs-baseline DIR] [--no-second]
#
# See bench/README.md for what is measured and how to read the numbers.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
SCALE=100
ENTROPY=0
ENTROPY_MB=
WRITE_SECONDS=30
KEEP=0
PGBR_BLOCK=0
ENCRYPT=0
REPEAT=1
FULL_ONLY=0
DATA_LEVEL=
RESTORE_REPEAT=1
NO_SECOND=0
BASELINE=
TOOLS=pg_basebackup,pgbackrest,pg_hardstorage
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
Usage: bench/run-backup-bench.sh [options]

Backs up and restores one PostgreSQL 15 cluster with pg_basebackup, pgBackRest and pg_hardstorage,
and prints wall times, MB/s, stored bytes and ratios (MB = MiB = 2^20 bytes).

Options:
  --scale N          pgbench scale (default 100, about 1.5 GB; use 5-10 for a quick check)
  --entropy          also load a table with realistic entropy (random bytes, hashes), since
                     pgbench data compresses about 20x and flatters every tool
  --entropy-mb N     size of that table in MiB (default: 5 x scale)
  --write-seconds N  pgbench write phase before the second (incremental) backups (default 30)
  --keep             keep the working directory (clusters, repositories) for inspection
  --pgbackrest-block also back up (full + incr) into a second pgBackRest repository with file
                     bundling and block incremental (repo-bundle, repo-block; BETA in 2.45)
  --encrypt          also back pg_hardstorage up into an encrypted (aes-256-gcm) repository
  --repeat N         take every full backup N times (default 1); rows show the median wall time
                     and the spread (min-max); the JSON keeps every run
  --full-only        only the full backups: no restores, no write phase, no second backups
  --compression-level N
                     pg_hardstorage's repositories store data at zstd level N (repo init
                     --compression-level; default: the release's default)
  --restore-repeat N restore every full backup N times (default 1), interleaved tool by tool;
                     rows show the median wall time and the spread (min-max)
  --no-second        no write phase and no second backups (the restores only)
  --pghs-baseline DIR
                     a second pg_hardstorage distribution (e.g. a build of main) that also
                     restores the same repository, as row "restore, baseline": before/after
                     side by side on the same data
  --tools LIST       comma-separated subset of pg_basebackup,pgbackrest,pg_hardstorage (default:
                     all); ratios need pg_basebackup and pgbackrest
  --jfr DIR          record a Java Flight Recording (settings=profile) of every pg_hardstorage
                     backup and restore into DIR (backup-sSCALE-N.jfr, backup-enc-sSCALE-N.jfr,
                     restore-sSCALE-N.jfr, restore-baseline-sSCALE-N.jfr)
  --pghs-dist DIR    pg_hardstorage distribution to measure (default: cli/target/pg_hardstorage,
                     built with ./mvnw -DskipTests package when missing)
  -h, --help         this text

Results: a table on standard output and JSON in bench/results/<timestamp>.json.
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --scale) SCALE=${2:?--scale needs a number}; shift 2 ;;
    --scale=*) SCALE=${1#*=}; shift ;;
    --entropy) ENTROPY=1; shift ;;
    --entropy-mb) ENTROPY=1; ENTROPY_MB=${2:?--entropy-mb needs a number}; shift 2 ;;
    --entropy-mb=*) ENTROPY=1; ENTROPY_MB=${1#*=}; shift ;;
    --write-seconds) WRITE_SECONDS=${2:?--write-seconds needs a number}; shift 2 ;;
    --write-seconds=*) WRITE_SECONDS=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    --pgbackrest-block) PGBR_BLOCK=1; shift ;;
    --encrypt) ENCRYPT=1; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --full-only) FULL_ONLY=1; shift ;;
    --compression-level) DATA_LEVEL=${2:?--compression-level needs a number}; shift 2 ;;
    --compression-level=*) DATA_LEVEL=${1#*=}; shift ;;
    --restore-repeat) RESTORE_REPEAT=${2:?--restore-repeat needs a number}; shift 2 ;;
    --restore-repeat=*) RESTORE_REPEAT=${1#*=}; shift ;;
    --no-second) NO_SECOND=1; shift ;;
    --pghs-baseline) BASELINE=${2:?--pghs-baseline needs a directory}; shift 2 ;;
    --pghs-baseline=*) BASELINE=${1#*=}; shift ;;
    --tools) TOOLS=${2:?--tools needs a list}; shift 2 ;;
    --tools=*) TOOLS=${1#*=}; shift ;;
    --jfr) JFR_DIR=${2:?--jfr needs a directory}; shift 2 ;;
    --jfr=*) JFR_DIR=${1#*=}; shift ;;
    --pghs-dist) DIST=${2:?--pghs-dist needs a directory}; DIST_GIVEN=1; shift 2 ;;
    --pghs-dist=*) DIST=${1#*=}; DIST_GIVEN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-backup-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in SCALE WRITE_SECONDS REPEAT RESTORE_REPEAT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { o=${v,,}; echo "run-backup-bench: --${o//_/-} must be a positive integer" >&2; exit 2; }
done
[ -z "$DATA_LEVEL" ] || [[ $DATA_LEVEL =~ ^-?[0-9]+$ ]] || { echo "run-backup-bench: --compression-level must be an integer" >&2; exit 2; }
if [ -n "$BASELINE" ]; then
  [ -x "$BASELINE/bin/pg_hardstorage" ] || { echo "run-backup-bench: --pghs-baseline: no $BASELINE/bin/pg_hardstorage" >&2; exit 2; }
  BASELINE=$(cd "$BASELINE" && pwd -P)
fi
[ -n "$ENTROPY_MB" ] || ENTROPY_MB=$((SCALE * 5))
[[ $ENTROPY_MB =~ ^[1-9][0-9]*$ ]] || { echo "run-backup-bench: --entropy-mb must be a positive integer" >&2; exit 2; }
for t in ${TOOLS//,/ }; do
  case $t in
    pg_basebackup|pgbackrest|pg_hardstorage) ;;
    *) echo "run-backup-bench: --tools: unknown tool '$t' (pg_basebackup, pgbackrest, pg_hardstorage)" >&2; exit 2 ;;
  esac
done
want() { [[ ",$TOOLS," == *",$1,"* ]]; }
if [ -n "$JFR_DIR" ]; then
  mkdir -p "$JFR_DIR" || { echo "run-backup-bench: --jfr: cannot create $JFR_DIR" >&2; exit 2; }
  JFR_DIR=$(cd "$JFR_DIR" && pwd -P)
fi

# ---------------------------------------------------------------------------------------------
# Helpers (log, die, as_pg, now, secs, MIB, run_timed, show_log_tail, dir_bytes, drop_caches,
# free_port, apt_install, ensure_pg_user, ensure_pghs_dist, pghs_build_info): bench/lib.sh
# ---------------------------------------------------------------------------------------------
BENCH_NAME=run-backup-bench
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------
need=()
[ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/pg_basebackup" ] && [ -x "$PG_BIN/pgbench" ] \
  && [ -x "$PG_BIN/psql" ] || need+=(postgresql-15)
[ -e /usr/share/postgresql/15/extension/pgcrypto.control ] || need+=(postgresql-contrib)
command -v pgbackrest >/dev/null || need+=(pgbackrest)
command -v zstd >/dev/null || need+=(zstd)
command -v jq >/dev/null || need+=(jq)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
[ -x "$PG_BIN/postgres" ] || die "PostgreSQL 15 server binaries not found in $PG_BIN (apt-get install postgresql-15)"
command -v pgbackrest >/dev/null || die "pgbackrest not found (apt-get install pgbackrest)"
command -v java >/dev/null || die "java not found: pg_hardstorage needs Java 17+"

ensure_pg_user
ensure_pghs_dist

# ---------------------------------------------------------------------------------------------
# Working directory, clean-up
# ---------------------------------------------------------------------------------------------
make_run_dir pghs-bench
SOCK=$RUN/sock
SRC=$RUN/source
as_pg mkdir -m 0700 "$SOCK" "$RUN/backups" "$RUN/restores"
as_pg mkdir -p "$RUN/pgbackrest/repo" "$RUN/pgbackrest/repo2" "$RUN/pgbackrest/log" "$RUN/pgbackrest/lock" "$RUN/pgbackrest/spool"
STARTED=()        # data directories of clusters this script started
FAILURES=0
INTERRUPTED=

cleanup() {
  local rc=$?
  set +e
  trap - ERR
  if [ -n "$INTERRUPTED" ]; then [ "$INTERRUPTED" = INT ] && rc=130 || rc=143; log "interrupted by SIG$INTERRUPTED: stopping what this run started"; fi
  local d
  for d in "${STARTED[@]}"; do
    if [ -f "$d/postmaster.pid" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$d" -m fast -t 60 stop >/dev/null 2>&1 \
        || as_pg "$PG_BIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1
    fi
  done
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

# pg_hardstorage runs from a copy, so a rebuild of the tree during the run changes nothing and the
# unprivileged user (and the restored cluster's restore_command) can reach it.
cp -a "$DIST" "$RUN/pg_hardstorage"
chmod -R a+rX "$RUN/pg_hardstorage"
PGHS=$RUN/pg_hardstorage/bin/pg_hardstorage
PGHS_BASE=
if [ -n "$BASELINE" ]; then
  cp -a "$BASELINE" "$RUN/pg_hardstorage-baseline"
  chmod -R a+rX "$RUN/pg_hardstorage-baseline"
  PGHS_BASE=$RUN/pg_hardstorage-baseline/bin/pg_hardstorage
fi
pghs_build_info
PGHS_HAS_RESTORE=0
if "$PGHS" --help 2>/dev/null | grep -qE '^[[:space:]]+restore[[:space:]]'; then PGHS_HAS_RESTORE=1; fi

PORT=$(free_port)
RPORT=$(free_port)
PASSWORD=bench-$RANDOM$RANDOM
PSQL_SRC=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$SOCK" -p "$PORT")
sql() { as_pg "${PSQL_SRC[@]}" -d "$1" -c "$2"; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
log "working directory $RUN; source on 127.0.0.1:$PORT; load average $LOAD_START"

# ---------------------------------------------------------------------------------------------
# Source cluster and data
# ---------------------------------------------------------------------------------------------
PGBR_CONF=$RUN/pgbackrest/pgbackrest.conf
PGBR=(pgbackrest "--config=$PGBR_CONF" --stanza=bench)
REPO2_CONF=
if [ "$PGBR_BLOCK" -eq 1 ]; then
  # A second repository: archive-push writes every WAL segment to both.
  REPO2_CONF="repo2-path=$RUN/pgbackrest/repo2
repo2-retention-full=10
repo2-bundle=y
repo2-block=y
beta=y"
fi
cat >"$RUN/pgbackrest.conf.tmp" <<EOF
[global]
repo1-path=$RUN/pgbackrest/repo
repo1-retention-full=10
$REPO2_CONF
compress-type=zst
process-max=2
start-fast=y
log-path=$RUN/pgbackrest/log
lock-path=$RUN/pgbackrest/lock
spool-path=$RUN/pgbackrest/spool
log-level-console=warn
log-level-file=info

[bench]
pg1-path=$SRC
pg1-port=$PORT
pg1-socket-path=$SOCK
EOF
install -m 0644 "$RUN/pgbackrest.conf.tmp" "$PGBR_CONF"
rm -f "$RUN/pgbackrest.conf.tmp"

log "initdb (PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'))"
init_source_cluster run-backup-bench
cat >>"$SRC/postgresql.conf" <<EOF
max_wal_size = 4GB
wal_level = replica
max_wal_senders = 10
archive_mode = on
# Switched to pgBackRest's archive-push once the data is loaded (no tool needs WAL from before
# its own backup; archiving the bulk load would only slow the set-up down).
archive_command = '/bin/true'
log_checkpoints = on
EOF
STARTED+=("$SRC")
as_pg "$PG_BIN/pg_ctl" -D "$SRC" -l "$LOGS/source.log" -w -t 120 start >/dev/null \
  || { show_log_tail "$LOGS/source.log"; die "the source cluster did not start"; }

sql postgres "CREATE ROLE bench LOGIN SUPERUSER REPLICATION PASSWORD '$PASSWORD'"
sql postgres "CREATE DATABASE bench"
log "pgbench -i -s $SCALE ..."
t0=$(now)
as_pg "$PG_BIN/pgbench" -i -q -s "$SCALE" -h "$SOCK" -p "$PORT" bench >"$LOGS/pgbench-init.log" 2>&1 \
  || { show_log_tail "$LOGS/pgbench-init.log"; die "pgbench -i failed"; }
log "pgbench -i done in $(secs "$t0" "$(now)") s"

ENTROPY_ROWS=0
if [ "$ENTROPY" -eq 1 ]; then
  # About 256 bytes a row with its index: an order-like table whose columns have the entropy of
  # real data: random bytes (incompressible), hex hashes (4 bits a character), timestamps and
  # amounts, and a low-cardinality status.
  ENTROPY_ROWS=$((ENTROPY_MB * 1048576 / 256))
  log "loading entropy_orders: $ENTROPY_ROWS rows (~$ENTROPY_MB MiB) ..."
  t0=$(now)
  sql bench "CREATE EXTENSION IF NOT EXISTS pgcrypto"
  sql bench "CREATE TABLE entropy_orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL,
      customer_id int NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL,
      ref text NOT NULL, payload bytea NOT NULL)"
  sql bench "INSERT INTO entropy_orders SELECT g, now() - random() * interval '730 days',
      (random() * 2000000)::int, round((random() * 5000)::numeric, 2),
      (ARRAY['new','paid','shipped','delivered','returned','cancelled'])[1 + (random() * 5)::int],
      md5(random()::text || g), gen_random_bytes(128)
      FROM generate_series(1, $ENTROPY_ROWS) g"
  sql bench "VACUUM ANALYZE entropy_orders"
  log "entropy_orders loaded in $(secs "$t0" "$(now)") s"
fi
sql postgres "CHECKPOINT"

# Now archive for real: pgBackRest's backups wait for their WAL in its archive.
sql postgres "ALTER SYSTEM SET archive_command = 'pgbackrest --config=$PGBR_CONF --stanza=bench archive-push %p'"
sql postgres "SELECT pg_reload_conf()" >/dev/null
as_pg "${PGBR[@]}" stanza-create >"$LOGS/pgbackrest-stanza.log" 2>&1 \
  || { show_log_tail "$LOGS/pgbackrest-stanza.log"; die "pgbackrest stanza-create failed"; }
as_pg "${PGBR[@]}" check >>"$LOGS/pgbackrest-stanza.log" 2>&1 \
  || { show_log_tail "$LOGS/pgbackrest-stanza.log"; die "pgbackrest check failed: archive_command does not reach the repository"; }

DB_BYTES=$(sql postgres "SELECT sum(pg_database_size(oid)) FROM pg_database")
PGBENCH_BYTES=$(sql bench "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'pgbench_%' AND c.relkind = 'r'")
ENTROPY_BYTES=0
[ "$ENTROPY" -eq 1 ] && ENTROPY_BYTES=$(sql bench "SELECT pg_total_relation_size('entropy_orders')")

# How compressible is the data? zstd -3 over the first 1 GiB segment of the biggest tables.
zstd_ratio() {
  local f raw packed
  f=$SRC/$(sql bench "SELECT pg_relation_filepath('$1')")
  raw=$(stat -c %s "$f")
  packed=$(zstd -3 -q -c "$f" | wc -c)
  awk -v r="$raw" -v p="$packed" 'BEGIN{printf "%.1f", r/p}'
}
ACCOUNTS_ZSTD=$(zstd_ratio pgbench_accounts)
ENTROPY_ZSTD=null
[ "$ENTROPY" -eq 1 ] && ENTROPY_ZSTD=$(zstd_ratio entropy_orders)

# A cheap fingerprint of the data, compared on every restored cluster (there are no writes between
# the full backups and the restores).
FP_SQL="SELECT (SELECT count(*) || ':' || sum(abalance) || ':' || sum(hashtext(filler)) FROM pgbench_accounts)"
[ "$ENTROPY" -eq 1 ] && FP_SQL="$FP_SQL || '/' || (SELECT count(*) || ':' || sum(hashtext(ref)) || ':' || sum(hashtext(payload::text)) FROM entropy_orders)"
FINGERPRINT=$(sql bench "$FP_SQL")
log "cluster size $(MIB "$DB_BYTES") MiB (pgbench tables $(MIB "$PGBENCH_BYTES") MiB, zstd -3 ${ACCOUNTS_ZSTD}x; entropy table $(MIB "$ENTROPY_BYTES") MiB, zstd -3 ${ENTROPY_ZSTD}x)"

# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
RESULTS=$RUN/results.ndjson
: >"$RESULTS"
# record TOOL MODE KIND CONFIG STATUS WALL STORED_BYTES START_S DATA_CHECK EXTRA_JSON NOTE
record() {
  local extra=${10:-}
  [ -n "$extra" ] || extra='{}'
  jq -nc --arg tool "$1" --arg mode "$2" --arg kind "$3" --arg config "$4" --arg status "$5" \
    --arg wall "$6" --arg stored "$7" --arg start "$8" --arg check "$9" --argjson extra "$extra" \
    --arg note "${11:-}" --argjson db "$DB_BYTES" '
    def num: if . == "" then null else tonumber end;
    {tool: $tool, mode: $mode, kind: $kind, config: $config, status: $status,
     wall_s: ($wall | num),
     mb_per_s: (if ($wall | num) != null and ($wall | num) > 0 then ($db / 1048576 / ($wall | num) * 10 | round / 10) else null end),
     stored_bytes: ($stored | num),
     restored_start_s: ($start | num), data_check: (if $check == "" then null else $check end),
     note: (if $note == "" then null else $note end), extra: $extra}' >>"$RESULTS"
}
fail_note() { FAILURES=$((FAILURES + 1)); show_log_tail "$1"; }

# Starts a restored data directory on RPORT, times start-up until it accepts writes (recovery done),
# compares the fingerprint, stops it. Prints "START_S CHECK".
check_restored() {
  local dir=$1 name=$2 t0 t1 fp state
  chmod 0700 "$dir"
  t0=$(now)
  # archive_mode=off: a promoted copy must not push its new timeline into pgBackRest's archive.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$LOGS/restored-$name.log" -w -t 600 \
      -o "-c port=$RPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$SOCK -c archive_mode=off" \
      start >/dev/null 2>&1; then
    show_log_tail "$LOGS/restored-$name.log"
    echo "- start-failed"  # "-": no start time
    return 0
  fi
  state=t
  for _ in $(seq 1 1200); do
    state=$(as_pg "$PG_BIN/psql" -X -At -h "$SOCK" -p "$RPORT" -d postgres -c "SELECT pg_is_in_recovery()" 2>/dev/null || echo t)
    [ "$state" = f ] && break
    sleep 0.5
  done
  t1=$(now)
  if [ "$state" != f ]; then
    echo "- still-in-recovery"
  else
    fp=$(as_pg "$PG_BIN/psql" -X -At -h "$SOCK" -p "$RPORT" -d bench -c "$FP_SQL" 2>&1 || true)
    if [ "$fp" = "$FINGERPRINT" ]; then echo "$(secs "$t0" "$t1") ok"; else echo "$(secs "$t0" "$t1") MISMATCH"; fi
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -t 120 stop >/dev/null 2>&1 || true
}
# WAL segments the restored cluster fetched with restore_command during that start.
archive_fetches() {
  local n
  n=$(grep -c 'restored log file' "$LOGS/restored-$1.log" 2>/dev/null) || true
  echo "${n:-0}"
}

# ---------------------------------------------------------------------------------------------
# Configurations
# ---------------------------------------------------------------------------------------------
CONN_TCP=(-h 127.0.0.1 -p "$PORT" -U bench)
CFG_BB_PLAIN="pg_basebackup -Fp -X stream -c fast (fsync on), over loopback TCP"
CFG_BB_TAR="pg_basebackup -Ft -X none -c fast (fsync on), over loopback TCP: the issue's reference"
CFG_BB_ZSTD="pg_basebackup -Ft -X stream -c fast --compress=server-zstd (level 3 on the server), over loopback TCP"
CFG_PGBR="pgBackRest $(pgbackrest version | awk '{print $2}'): compress-type=zst (level 3), process-max=2, start-fast=y, repo on local disk, archive_command=archive-push (archive-check on)"
CFG_PGBR_BLOCK="pgBackRest: as above, second repository with repo-bundle=y, repo-block=y (block incremental, BETA in 2.45, beta=y)"
CFG_PGHS="pg_hardstorage $("$PGHS" version -o json | jq -r .result.version): backup over the replication protocol from 127.0.0.1, file:// repository (FastCDC + zstd${DATA_LEVEL:+ level $DATA_LEVEL}, dedup), checkpoint fast, unencrypted"
CFG_PGHS_ENC="${CFG_PGHS/unencrypted/encrypted (aes-256-gcm, passphrase in PGHS_PASSPHRASE)}"
CFG_RS_BB_PLAIN="cp -a of the backup directory + initdb --sync-only (fsync)"
CFG_RS_BB_ZSTD="zstd -dc base.tar.zst | tar -x, tar -x pg_wal.tar + initdb --sync-only (fsync)"
CFG_RS_PGBR="pgbackrest restore --set=FULL --pg1-path=TARGET (process-max=2; recovery target: end of archive, restore_command = pgbackrest archive-get)"
CFG_RS_PGHS="pg_hardstorage restore bench latest --target TARGET (fsync, --parallel default = CPUs; recovery to the backup's consistency point, restore_command = pg_hardstorage wal fetch)"

export PGPASSWORD=$PASSWORD   # passed through runuser; keeps the password out of ps

# ---------------------------------------------------------------------------------------------
# Full backups, --repeat times each (the rows report the median and the spread)
# ---------------------------------------------------------------------------------------------
BB_PLAIN=$RUN/backups/bb-plain
BB_TAR=$RUN/backups/bb-tar
BB_ZSTD=$RUN/backups/bb-zstd
PGHS_REPO=$RUN/pghs-repo
PGHS_REPO_ENC=$RUN/pghs-repo-enc
PGHS_CONN="host=127.0.0.1 port=$PORT user=bench dbname=postgres"
# A fixed test passphrase (the benchmark's repository is thrown away): the JVM derives the key
# with Argon2id once per process, which is part of the measured time.
PGHS_BENCH_PASSPHRASE="bench-passphrase-$RANDOM$RANDOM"
if [ -n "$JFR_DIR" ]; then
  as_pg mkdir -p "$RUN/jfr"
fi
# pghs_backup JSON_OUT REPO [JFR_TAG] [PASSPHRASE]
pghs_backup() {
  local opts=${PGHS_JAVA_OPTS:-}
  if [ -n "$JFR_DIR" ] && [ -n "${3:-}" ]; then
    opts="$opts -XX:StartFlightRecording=filename=$RUN/jfr/$3.jfr,settings=profile,dumponexit=true -Xlog:jfr+startup=error"
  fi
  PGHS_JAVA_OPTS=$opts PGHS_PASSPHRASE=${4:-} \
    as_pg "$PGHS" backup -o json bench --pg-connection "$PGHS_CONN" --repo "file://$2" >"$1"
}
# pghs_init REPO [PASSPHRASE]: a fresh repository (encrypted when a passphrase is given).
pghs_init() {
  local level=()
  rm -rf "$1"
  [ -z "$DATA_LEVEL" ] || level=(--compression-level "$DATA_LEVEL")
  if [ -n "${2:-}" ]; then
    PGHS_PASSPHRASE=$2 as_pg "$PGHS" repo init -o json "${level[@]}" --encryption aes-256-gcm "file://$1"
  else
    as_pg "$PGHS" repo init -o json "${level[@]}" "file://$1"
  fi >"$LOGS/pghs-init.json" 2>"$LOGS/pghs-init.log"
}
# run_measured runs these in a child bash (see lib.sh).
export -f pghs_backup
export RUN PGHS PGHS_CONN JFR_DIR
pghs_extra() { jq -c --argjson m "$1" '.result | {backup_id, bytes_read, bytes_new, bytes_stored, dedup_ratio, wal_segments, duration_seconds} + $m' "$2"; }

# Bytes of one pgBackRest backup set: its directory plus the archived WAL from its start to its
# stop segment (what restoring it needs). Arguments: LABEL REPO_NUMBER.
pgbr_info() { as_pg "${PGBR[@]}" --output=json info; }
pgbr_repo_dir() { if [ "$1" = 1 ]; then echo "$RUN/pgbackrest/repo"; else echo "$RUN/pgbackrest/repo$1"; fi; }
pgbr_set_bytes() {
  local label=$1 dir info start stop set_bytes wal_bytes
  dir=$(pgbr_repo_dir "$2")
  info=$(pgbr_info)
  start=$(jq -r --arg l "$label" '.[0].backup[] | select(.label == $l) | .archive.start' <<<"$info")
  stop=$(jq -r --arg l "$label" '.[0].backup[] | select(.label == $l) | .archive.stop' <<<"$info")
  set_bytes=$(dir_bytes "$dir/backup/bench/$label")
  wal_bytes=$(find "$dir/archive/bench" -type f -name '[0-9A-F]*-*' -printf '%f %s\n' \
    | awk -v a="$start" -v b="$stop" '{s = substr($1, 1, 24)} s >= a && s <= b {t += $2} END {print t + 0}')
  echo "$((set_bytes + wal_bytes)) $wal_bytes"
}
pgbr_last_label() { pgbr_info | jq -r --argjson r "$1" '[.[0].backup[] | select(.database["repo-key"] == $r)][-1].label'; }

# bb_full MODE DIR CONFIG LOG_NAME PG_BASEBACKUP_OPTIONS...: one pg_basebackup full backup (run ITER).
bb_full() {
  local mode=$1 dir=$2 cfg=$3 name=$4
  shift 4
  log "full backup: pg_basebackup $mode$RUN_TAG ..."
  rm -rf "$dir"
  drop_caches
  if run_measured "$LOGS/$name.log" as_pg "$PG_BIN/pg_basebackup" "${CONN_TCP[@]}" -D "$dir" "$@"; then
    record pg_basebackup "$mode" backup "$cfg" ok "$WALL" "$(dir_bytes "$dir")" "" "" "$(measured_json "$ITER")"
  else
    fail_note "$LOGS/$name.log"; record pg_basebackup "$mode" backup "$cfg" failed "" "" "" "" "{\"run\":$ITER}" "see log"
  fi
}

# pgbr_full REPO MODE CONFIG LOG_NAME TITLE: one pgBackRest full backup into repository REPO (run
# ITER); sets PGBR_LABEL and succeeds when it worked.
PGBR_LABEL=
pgbr_full() {
  local repo=$1 mode=$2 cfg=$3 name=$4 b w
  log "full backup: $5$RUN_TAG ..."
  drop_caches
  if run_measured "$LOGS/$name.log" as_pg "${PGBR[@]}" --repo="$repo" --type=full backup; then
    PGBR_LABEL=$(pgbr_last_label "$repo")
    read -r b w < <(pgbr_set_bytes "$PGBR_LABEL" "$repo")
    record pgBackRest "$mode" backup "$cfg" ok "$WALL" "$b" "" "" \
      "$(measured_json "$ITER" | jq -c --arg l "$PGBR_LABEL" --argjson w "$w" '. + {label: $l, wal_bytes: $w}')"
  else
    fail_note "$LOGS/$name.log"; record pgBackRest "$mode" backup "$cfg" failed "" "" "" "" "{\"run\":$ITER}" "see log"
    return 1
  fi
}

PGBR_FULL=
PGBR_BLOCK_FULL=
PGHS_FULL_OK=0
for ITER in $(seq 1 "$REPEAT"); do
  RUN_TAG=$([ "$REPEAT" -gt 1 ] && echo " (run $ITER of $REPEAT)" || true)

  if want pg_basebackup; then
    bb_full "full, plain" "$BB_PLAIN" "$CFG_BB_PLAIN" bb-plain -Fp -X stream -c fast
    bb_full "full, tar -X none" "$BB_TAR" "$CFG_BB_TAR" bb-tar -Ft -X none -c fast
    [ "$KEEP" -eq 1 ] || rm -rf "$BB_TAR"
    bb_full "full, server-zstd" "$BB_ZSTD" "$CFG_BB_ZSTD" bb-zstd -Ft -X stream -c fast --compress=server-zstd
  fi

  if want pgbackrest; then
    if pgbr_full 1 "full" "$CFG_PGBR" pgbr-full "pgBackRest"; then PGBR_FULL=$PGBR_LABEL; fi
    if [ "$PGBR_BLOCK" -eq 1 ]; then
      if pgbr_full 2 "full, bundle+block repo" "$CFG_PGBR_BLOCK" pgbr-block-full "pgBackRest, bundle + block incremental repository"; then
        PGBR_BLOCK_FULL=$PGBR_LABEL
      fi
    fi
  fi

  if want pg_hardstorage; then
    # A fresh repository each run: the second run would otherwise find every chunk stored.
    log "full backup: pg_hardstorage$RUN_TAG ..."
    if pghs_init "$PGHS_REPO"; then
      drop_caches
      if run_measured "$LOGS/pghs-full.log" pghs_backup "$RUN/pghs-full.json" "$PGHS_REPO" "backup-s$SCALE-$ITER"; then
        PGHS_FULL_OK=1
        PGHS_BYTES_FULL=$(dir_bytes "$PGHS_REPO")
        record pg_hardstorage "full" backup "$CFG_PGHS" ok "$WALL" "$PGHS_BYTES_FULL" "" "" \
          "$(pghs_extra "$(measured_json "$ITER")" "$RUN/pghs-full.json")"
      else
        PGHS_FULL_OK=0
        cat "$RUN/pghs-full.json" >>"$LOGS/pghs-full.log" 2>/dev/null || true
        fail_note "$LOGS/pghs-full.log"; record pg_hardstorage "full" backup "$CFG_PGHS" failed "" "" "" "" "{\"run\":$ITER}" "see log"
      fi
    else
      cat "$LOGS/pghs-init.json" >>"$LOGS/pghs-init.log"
      fail_note "$LOGS/pghs-init.log"; record pg_hardstorage "full" backup "$CFG_PGHS" failed "" "" "" "" "{\"run\":$ITER}" "repo init failed"
    fi

    if [ "$ENCRYPT" -eq 1 ]; then
      log "full backup: pg_hardstorage, encrypted repository$RUN_TAG ..."
      if pghs_init "$PGHS_REPO_ENC" "$PGHS_BENCH_PASSPHRASE"; then
        drop_caches
        if run_measured "$LOGS/pghs-full-enc.log" pghs_backup "$RUN/pghs-full-enc.json" "$PGHS_REPO_ENC" "backup-enc-s$SCALE-$ITER" "$PGHS_BENCH_PASSPHRASE"; then
          record pg_hardstorage "full, encrypted" backup "$CFG_PGHS_ENC" ok "$WALL" "$(dir_bytes "$PGHS_REPO_ENC")" "" "" \
            "$(pghs_extra "$(measured_json "$ITER")" "$RUN/pghs-full-enc.json")"
        else
          cat "$RUN/pghs-full-enc.json" >>"$LOGS/pghs-full-enc.log" 2>/dev/null || true
          fail_note "$LOGS/pghs-full-enc.log"; record pg_hardstorage "full, encrypted" backup "$CFG_PGHS_ENC" failed "" "" "" "" "{\"run\":$ITER}" "see log"
        fi
      else
        cat "$LOGS/pghs-init.json" >>"$LOGS/pghs-init.log"
        fail_note "$LOGS/pghs-init.log"; record pg_hardstorage "full, encrypted" backup "$CFG_PGHS_ENC" failed "" "" "" "" "{\"run\":$ITER}" "repo init failed"
      fi
      [ "$KEEP" -eq 1 ] || rm -rf "$PGHS_REPO_ENC"
    fi
  fi
done
WRITE_WAL_BYTES=null
TPS=
if [ "$FULL_ONLY" -eq 0 ]; then
# ---------------------------------------------------------------------------------------------
# Restores of the full backups (same data: nothing has been written since)
# ---------------------------------------------------------------------------------------------
restore_result() { # TOOL MODE CONFIG TARGET NAME [EXTRA_JSON] (WALL set, restore succeeded)
  local r s wall=$WALL extra=${6:-}
  [ -n "$extra" ] || extra='{}'
  STARTED+=("$4")  # here, not in the command substitution below: the EXIT trap must see it
  r=$(check_restored "$4" "$5")
  s=${r%% *}
  [ "$s" != - ] || s=
  [ "${r#* }" = ok ] || FAILURES=$((FAILURES + 1))
  extra=$(jq -c --argjson n "$(archive_fetches "$5")" --argjson run "$RITER" \
    '. + {wal_files_from_archive_at_start: $n, run: $run}' <<<"$extra")
  record "$1" "$2" restore "$3" ok "$wall" "" "$s" "${r#* }" "$extra"
  [ "$KEEP" -eq 1 ] || rm -rf "$4"
}
# restore_measured JSON_EXTRA: peak RSS and CPU of the last run_measured, merged into JSON_EXTRA.
restore_measured() { jq -c --argjson m "$(measured_json)" '. + $m' <<<"$1"; }

# pghs_restore JSON_OUT TARGET PGHS_BIN [JFR_TAG]: one pg_hardstorage restore of the full backup.
pghs_restore() {
  local opts=${PGHS_JAVA_OPTS:-}
  if [ -n "$JFR_DIR" ] && [ -n "${4:-}" ]; then
    opts="$opts -XX:StartFlightRecording=filename=$RUN/jfr/$4.jfr,settings=profile,dumponexit=true -Xlog:jfr+startup=error"
  fi
  PGHS_JAVA_OPTS=$opts as_pg "$3" restore -o json bench latest --repo "file://$PGHS_REPO" --target "$2" >"$1"
}
export -f pghs_restore
export PGHS_REPO

# pghs_restore_row MODE BIN NAME JFR_TAG: restores with BIN and records the row MODE.
pghs_restore_row() {
  local mode=$1 bin=$2 name=$3 T=$RUN/restores/$3
  log "restore: pg_hardstorage, $mode$RUN_TAG ..."
  drop_caches
  if run_measured "$LOGS/restore-$name.log" pghs_restore "$RUN/$name.json" "$T" "$bin" "$4"; then
    restore_result pg_hardstorage "$mode" "$CFG_RS_PGHS" "$T" "$name" \
      "$(restore_measured "$(jq -c '.result | del(.recovery)' "$RUN/$name.json" 2>/dev/null || echo '{}')")"
  else
    cat "$RUN/$name.json" >>"$LOGS/restore-$name.log" 2>/dev/null || true
    fail_note "$LOGS/restore-$name.log"; record pg_hardstorage "$mode" restore "$CFG_RS_PGHS" failed "" "" "" "" "{\"run\":$RITER}" "see log"
  fi
}

# The restores, --restore-repeat times, interleaved tool by tool so that a change of the machine's
# load during the run affects every tool alike.
for RITER in $(seq 1 "$RESTORE_REPEAT"); do
RUN_TAG=$([ "$RESTORE_REPEAT" -gt 1 ] && echo " (run $RITER of $RESTORE_REPEAT)" || true)
SFX=$([ "$RESTORE_REPEAT" -gt 1 ] && echo "-$RITER" || true)

if [ -d "$BB_PLAIN" ]; then
  log "restore: pg_basebackup plain$RUN_TAG ..."
  T=$RUN/restores/bb-plain$SFX
  drop_caches
  # shellcheck disable=SC2016  # $1.. expand in the inner bash
  if run_timed "$LOGS/restore-bb-plain$SFX.log" as_pg bash -c 'cp -a "$1" "$2" && "$3/initdb" --sync-only -D "$2"' _ "$BB_PLAIN" "$T" "$PG_BIN"; then
    restore_result pg_basebackup "restore, plain" "$CFG_RS_BB_PLAIN" "$T" "bb-plain$SFX"
  else
    fail_note "$LOGS/restore-bb-plain$SFX.log"; record pg_basebackup "restore, plain" restore "$CFG_RS_BB_PLAIN" failed "" "" "" "" "{\"run\":$RITER}" "see log"
  fi
fi

if [ -f "$BB_ZSTD/base.tar.zst" ]; then
  log "restore: pg_basebackup server-zstd$RUN_TAG ..."
  T=$RUN/restores/bb-zstd$SFX
  drop_caches
  # shellcheck disable=SC2016
  if run_timed "$LOGS/restore-bb-zstd$SFX.log" as_pg bash -c 'set -eo pipefail; mkdir -m 0700 "$2"
      zstd -dc "$1/base.tar.zst" | tar -xf - -C "$2"
      if [ -f "$1/pg_wal.tar.zst" ]; then zstd -dc "$1/pg_wal.tar.zst" | tar -xf - -C "$2/pg_wal"
      else tar -xf "$1/pg_wal.tar" -C "$2/pg_wal"; fi
      "$3/initdb" --sync-only -D "$2"' _ "$BB_ZSTD" "$T" "$PG_BIN"; then
    restore_result pg_basebackup "restore, server-zstd" "$CFG_RS_BB_ZSTD" "$T" "bb-zstd$SFX"
  else
    fail_note "$LOGS/restore-bb-zstd$SFX.log"; record pg_basebackup "restore, server-zstd" restore "$CFG_RS_BB_ZSTD" failed "" "" "" "" "{\"run\":$RITER}" "see log"
  fi
fi

if [ -n "$PGBR_FULL" ]; then
  log "restore: pgBackRest$RUN_TAG ..."
  T=$RUN/restores/pgbr$SFX
  as_pg mkdir -m 0700 "$T"
  drop_caches
  if run_measured "$LOGS/restore-pgbr$SFX.log" as_pg "${PGBR[@]}" --repo=1 "--pg1-path=$T" "--set=$PGBR_FULL" restore; then
    restore_result pgBackRest "restore" "$CFG_RS_PGBR" "$T" "pgbr$SFX" "$(restore_measured '{}')"
  else
    fail_note "$LOGS/restore-pgbr$SFX.log"; record pgBackRest "restore" restore "$CFG_RS_PGBR" failed "" "" "" "" "{\"run\":$RITER}" "see log"
  fi
fi

if [ "$PGHS_FULL_OK" -eq 1 ]; then
  if [ "$PGHS_HAS_RESTORE" -eq 1 ]; then
    if [ -n "$PGHS_BASE" ]; then
      pghs_restore_row "restore, baseline" "$PGHS_BASE" "pghs-baseline$SFX" "${JFR_DIR:+restore-baseline-s$SCALE-$RITER}"
    fi
    pghs_restore_row "restore" "$PGHS" "pghs$SFX" "${JFR_DIR:+restore-s$SCALE-$RITER}"
  else
    log "restore: pg_hardstorage has no restore command in this build: not available"
    record pg_hardstorage "restore" restore "$CFG_RS_PGHS" not_available "" "" "" "" '{}' "restore: not available (no 'restore' in pg_hardstorage --help)"
  fi
fi
done  # RESTORE_REPEAT

if [ "$NO_SECOND" -eq 0 ]; then
# ---------------------------------------------------------------------------------------------
# Writes, then the second (incremental-like) backups
# ---------------------------------------------------------------------------------------------
log "write phase: pgbench -T $WRITE_SECONDS -c 2 -j 2 ..."
LSN0=$(sql postgres "SELECT pg_current_wal_lsn()")
as_pg "$PG_BIN/pgbench" -n -T "$WRITE_SECONDS" -c 2 -j 2 -h "$SOCK" -p "$PORT" bench >"$LOGS/pgbench-run.log" 2>&1 \
  || { show_log_tail "$LOGS/pgbench-run.log"; die "pgbench write phase failed"; }
TPS=$(awk '/^tps = / {printf "%.0f", $3; exit}' "$LOGS/pgbench-run.log")
if [ "$ENTROPY" -eq 1 ]; then
  # The random-data table changes too, where orders change: the newest 1% of rows get a new
  # status and payload, and 1% are added. (A spread-out 1%, such as id % 100 = 7, would touch
  # every page of the table.)
  sql bench "UPDATE entropy_orders SET payload = gen_random_bytes(128), status = 'shipped'
      WHERE id > $ENTROPY_ROWS - $ENTROPY_ROWS / 100"
  sql bench "INSERT INTO entropy_orders SELECT g, now(), (random() * 2000000)::int, round((random() * 5000)::numeric, 2),
      'new', md5(random()::text || g), gen_random_bytes(128)
      FROM generate_series($ENTROPY_ROWS + 1, $ENTROPY_ROWS + $ENTROPY_ROWS / 100) g"
fi
WRITE_WAL_BYTES=$(sql postgres "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$LSN0')")
log "write phase: $TPS tps, $(MIB "$WRITE_WAL_BYTES") MiB of WAL"

if [ -n "$PGBR_FULL" ]; then
  log "second backup: pgBackRest incr ..."
  drop_caches
  if run_timed "$LOGS/pgbr-incr.log" as_pg "${PGBR[@]}" --repo=1 --type=incr backup; then
    L=$(pgbr_last_label 1)
    read -r b w < <(pgbr_set_bytes "$L" 1)
    record pgBackRest "incr after writes" incremental "$CFG_PGBR, --type=incr" ok "$WALL" "$b" "" "" "{\"label\":\"$L\",\"wal_bytes\":$w}" "stored = new backup set + its WAL"
  else
    fail_note "$LOGS/pgbr-incr.log"; record pgBackRest "incr after writes" incremental "$CFG_PGBR" failed "" "" "" "" '{}' "see log"
  fi
fi

if [ -n "$PGBR_BLOCK_FULL" ]; then
  log "second backup: pgBackRest incr, bundle + block incremental repository ..."
  drop_caches
  if run_timed "$LOGS/pgbr-block-incr.log" as_pg "${PGBR[@]}" --repo=2 --type=incr backup; then
    L=$(pgbr_last_label 2)
    read -r b w < <(pgbr_set_bytes "$L" 2)
    record pgBackRest "incr after writes, bundle+block repo" incremental "$CFG_PGBR_BLOCK, --type=incr" ok "$WALL" "$b" "" "" "{\"label\":\"$L\",\"wal_bytes\":$w}" "stored = new backup set + its WAL"
  else
    fail_note "$LOGS/pgbr-block-incr.log"; record pgBackRest "incr after writes, bundle+block repo" incremental "$CFG_PGBR_BLOCK" failed "" "" "" "" '{}' "see log"
  fi
fi

if [ "$PGHS_FULL_OK" -eq 1 ]; then
  log "second backup: pg_hardstorage ..."
  drop_caches
  if run_measured "$LOGS/pghs-second.log" pghs_backup "$RUN/pghs-second.json" "$PGHS_REPO"; then
    NEW=$(( $(dir_bytes "$PGHS_REPO") - PGHS_BYTES_FULL ))
    record pg_hardstorage "second full after writes (dedup)" incremental "$CFG_PGHS" ok "$WALL" "$NEW" "" "" \
      "$(pghs_extra "$(measured_json)" "$RUN/pghs-second.json")" \
      "stored = growth of the repository"
  else
    cat "$RUN/pghs-second.json" >>"$LOGS/pghs-second.log" 2>/dev/null || true
    fail_note "$LOGS/pghs-second.log"; record pg_hardstorage "second full after writes (dedup)" incremental "$CFG_PGHS" failed "" "" "" "" '{}' "see log"
  fi
fi

fi  # NO_SECOND
fi  # FULL_ONLY
as_pg "$PG_BIN/pg_ctl" -D "$SRC" -m fast -t 120 stop >/dev/null 2>&1 || true

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/$STAMP.json
jq -s \
  --arg started "$STARTED_AT" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg host "$(hostname)" --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
  --argjson cpus "$(nproc)" --arg mem "$(free -g | awk '/^Mem:/ {print $2 " GiB"}')" \
  --arg kernel "$(uname -r)" --arg load_start "$LOAD_START" --arg load_end "$LOAD_END" \
  --arg pg "$("$PG_BIN/postgres" --version | awk '{print $3}')" \
  --arg pgbr "$(pgbackrest version | awk '{print $2}')" \
  --arg pghs "$("$PGHS" version -o json | jq -r .result.version)" --arg commit "$GIT_COMMIT" --arg built "${DIST_BUILT:-unknown}" \
  --argjson dirty "$GIT_DIRTY" --arg java "$("$PGHS" version -o json | jq -r .result.java_version)" \
  --argjson scale "$SCALE" --argjson entropy "$ENTROPY" --argjson entropy_mb "$ENTROPY_MB" \
  --argjson write_s "$WRITE_SECONDS" --argjson db "$DB_BYTES" --argjson pgb "$PGBENCH_BYTES" \
  --argjson ent "$ENTROPY_BYTES" --argjson ent_rows "$ENTROPY_ROWS" --argjson wal "$WRITE_WAL_BYTES" \
  --arg tps "${TPS:-}" --arg acc_z "$ACCOUNTS_ZSTD" --argjson ent_z "$ENTROPY_ZSTD" \
  --arg cache "$CACHE_DROP" --argjson restore_avail "$PGHS_HAS_RESTORE" \
  --argjson repeat "$REPEAT" --argjson encrypt "$ENCRYPT" --arg tools "$TOOLS" --argjson full_only "$FULL_ONLY" --arg data_level "$DATA_LEVEL" \
  --argjson restore_repeat "$RESTORE_REPEAT" --argjson no_second "$NO_SECOND" --arg baseline "$BASELINE" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r2: if . == null then null else (. * 100 | round / 100) end;
  def ratio(a; b): if a == null or b == null or b == 0 then null else (a / b * 10000 | round / 10000) end;
  # One row per tool and mode: the median run (by wall time) stands for the row; wall time is the
  # median of the successful runs, with their min and max; every run stays in .every_run.
  def aggregate: . as $g | ($g | map(select(.status == "ok"))) as $ok
    | (if ($ok | length) > 0 then ($ok | sort_by(.wall_s) | .[(length - 1) / 2 | floor]) else $g[0] end)
    + {runs: ($g | length), runs_ok: ($ok | length),
       wall_s: ($ok | map(.wall_s) | median | r2),
       wall_min_s: ($ok | map(.wall_s) | min), wall_max_s: ($ok | map(.wall_s) | max),
       peak_rss_mb: ($ok | map(.extra.peak_rss_mb // empty) | max),
       cpu_s: ($ok | map(.extra.cpu_s // empty) | median | r2),
       every_run: (if ($g | length) > 1 then $g else null end)}
    | .mb_per_s = (if .wall_s != null and .wall_s > 0 then ($db / 1048576 / .wall_s * 10 | round / 10) else null end)
    | .note = ([.note, (if .runs_ok < .runs then "\(.runs - .runs_ok) of \(.runs) runs failed" else null end)]
               | map(select(. != null)) | if length == 0 then null else join("; ") end);
  (to_entries | map(.value + {idx: .key}) | group_by([.tool, .mode, .kind]) | sort_by(.[0].idx)
   | map(map(del(.idx)) | aggregate)) as $rows
  | ($rows | map(select(.tool == "pg_basebackup" and .mode == "full, plain" and .status == "ok")) | first) as $bb
  | ($rows | map(select(.tool == "pg_basebackup" and .mode == "full, tar -X none" and .status == "ok")) | first) as $bbt
  | ($rows | map(select(.tool == "pgBackRest" and .mode == "full" and .status == "ok")) | first) as $br
  | ($rows | map(select(.tool == "pg_basebackup" and .mode == "restore, plain" and .status == "ok")) | first) as $rb
  | ($rows | map(select(.tool == "pgBackRest" and .mode == "restore" and .status == "ok")) | first) as $brr
  | {schema: "pg_hardstorage.bench.backup.v2", started_at: $started, finished_at: $finished,
   machine: {host: $host, cpu: $cpu, cpus: $cpus, memory: $mem, kernel: $kernel,
             load_average_start: $load_start, load_average_end: $load_end},
   versions: {postgres: $pg, pgbackrest: $pgbr, pg_hardstorage: $pghs, java: $java,
              git_commit_at_start: $commit, git_dirty_at_start: $dirty, pg_hardstorage_built_at: $built, pg_hardstorage_restore_available: ($restore_avail == 1)},
   parameters: {pgbench_scale: $scale, entropy: ($entropy == 1), entropy_mb: (if $entropy == 1 then $entropy_mb else null end),
                write_phase: ("pgbench -n -T \($write_s) -c 2 -j 2" + (if $entropy == 1 then " + newest 1% of entropy_orders rewritten, 1% added" else "" end)),
                page_cache_dropped_before_each_step: ($cache == "yes"), units: "MB = MiB = 2^20 bytes",
                repeat: $repeat, encrypt: ($encrypt == 1), tools: ($tools | split(",")), full_only: ($full_only == 1),
                pghs_compression_level: (if $data_level == "" then "release default" else ($data_level | tonumber) end),
                restore_repeat: $restore_repeat, no_second: ($no_second == 1),
                pghs_baseline: (if $baseline == "" then null else $baseline end)},
   data: {cluster_bytes: $db, pgbench_table_bytes: $pgb, entropy_table_bytes: $ent, entropy_rows: $ent_rows,
          zstd3_ratio_pgbench_accounts: ($acc_z | tonumber), zstd3_ratio_entropy_orders: $ent_z,
          write_phase_wal_bytes: $wal, write_phase_tps: (if $tps == "" then null else ($tps | tonumber) end)},
   results: ($rows | map(. + {
     time_ratio_vs_pg_basebackup: (if .kind == "restore" then ratio(.wall_s; $rb.wall_s) else ratio(.wall_s; $bb.wall_s) end),
     time_ratio_vs_pg_basebackup_tar: (if .kind == "backup" then ratio(.wall_s; $bbt.wall_s) else null end),
     time_ratio_vs_pgbackrest_full: (if .kind == "backup" then ratio(.wall_s; $br.wall_s) else null end),
     time_ratio_vs_pgbackrest_restore: (if .kind == "restore" then ratio(.wall_s; $brr.wall_s) else null end),
     stored_ratio_vs_pg_basebackup: ratio(.stored_bytes; $bb.stored_bytes)}))}' "$RESULTS" >"$OUT"

{
  echo
  echo "pg_hardstorage backup benchmark  $(jq -r .started_at "$OUT")  $(hostname), $(nproc) cores, load $LOAD_START -> $LOAD_END"
  echo "PostgreSQL $(jq -r .versions.postgres "$OUT"), pgbench scale $SCALE$([ "$ENTROPY" -eq 1 ] && echo " + entropy_orders $(MIB "$ENTROPY_BYTES") MiB"): cluster $(MIB "$DB_BYTES") MiB (MB = MiB);" \
    "zstd -3 ratio: pgbench_accounts ${ACCOUNTS_ZSTD}x$([ "$ENTROPY" -eq 1 ] && echo ", entropy_orders ${ENTROPY_ZSTD}x")"
  if [ "$FULL_ONLY" -eq 1 ]; then
    echo "page cache dropped before each step: $CACHE_DROP; full backups only (--full-only); runs per full backup: $REPEAT"
  else
    echo "page cache dropped before each step: $CACHE_DROP; write phase: pgbench -T $WRITE_SECONDS -c 2 ($TPS tps), $(MIB "$WRITE_WAL_BYTES") MiB WAL; runs per full backup: $REPEAT"
  fi
  echo
  echo "Configurations:"
  echo "  pg_basebackup plain : $CFG_BB_PLAIN"
  echo "  pg_basebackup tar   : $CFG_BB_TAR"
  echo "  pg_basebackup zstd  : $CFG_BB_ZSTD"
  echo "  pgBackRest          : $CFG_PGBR"
  [ "$PGBR_BLOCK" -eq 0 ] || echo "  pgBackRest block    : $CFG_PGBR_BLOCK"
  echo "  pg_hardstorage      : $CFG_PGHS"
  [ -z "$BASELINE" ] || echo "  pghs baseline       : the restore of the same repository by the distribution in $BASELINE"
  [ "$ENCRYPT" -eq 0 ] || echo "  pg_hardstorage enc. : $CFG_PGHS_ENC"
  echo "  restores            : plain: $CFG_RS_BB_PLAIN; zstd: $CFG_RS_BB_ZSTD;"
  echo "                        pgBackRest: $CFG_RS_PGBR; pg_hardstorage: $CFG_RS_PGHS"
  echo "  restored clusters are started (port $RPORT, archive_mode=off) and timed to the end of recovery; data compared by fingerprint"
  echo
  jq -r '
    def v: if . == null then "-" else tostring end;
    ["tool", "mode", "wall s", "spread s", "MB/s", "stored MB", "time x bb", "x bb tar", "x pgBR", "stored x bb", "RSS MB", "CPU s", "start s", "check/notes"],
    (.results[] | [.tool, .mode,
       (if .status == "ok" then (.wall_s | v) else .status end),
       (if .runs > 1 and .wall_min_s != null then "\(.wall_min_s)-\(.wall_max_s)" else "-" end),
       (.mb_per_s | v), (if .stored_bytes == null then "-" else (.stored_bytes / 1048576 | tostring) end),
       (.time_ratio_vs_pg_basebackup | v), (.time_ratio_vs_pg_basebackup_tar | v),
       (.time_ratio_vs_pgbackrest_full // .time_ratio_vs_pgbackrest_restore | v),
       (.stored_ratio_vs_pg_basebackup | v), (.peak_rss_mb | v), (.cpu_s | v),
       (.restored_start_s | v),
       ([.data_check, .note, (if .extra.dedup_ratio != null then "dedup \(.extra.dedup_ratio * 1000 | round / 10)%" else null end),
         (if (.extra.wal_files_from_archive_at_start // 0) > 0 then "\(.extra.wal_files_from_archive_at_start) WAL files fetched by restore_command at start" else null end)]
          | map(select(. != null)) | join("; "))])
    | @tsv' "$OUT" \
    | awk -F'\t' -v OFS='\t' '
        function fmt(x, d) { return (x ~ /^-?[0-9.e+-]+$/ && x != "-") ? sprintf("%." d "f", x) : x }
        NR > 1 { $3 = fmt($3, 2); $5 = fmt($5, 1); $6 = fmt($6, ($6 + 0 >= 100) ? 0 : 1)
                 $7 = fmt($7, 2); $8 = fmt($8, 2); $9 = fmt($9, 2); $10 = fmt($10, 3); $13 = fmt($13, 2) }
        { print }' \
    | column -t -s $'\t'
  echo
  echo "x bb = ratio to pg_basebackup plain (backup rows: its full backup; restore rows: its restore);"
  echo "x bb tar = to pg_basebackup -Ft -X none; x pgBR = to pgBackRest full (restore rows: to its restore)."
  echo "wall s = median of the runs,"
  echo "spread = their min-max; RSS = peak resident set of the client process tree; CPU = its user+system s."
  echo "JSON: $OUT"
}

[ "$FAILURES" -eq 0 ] || { log "$FAILURES step(s) failed or restored data did not match: see above"; exit 1; }
