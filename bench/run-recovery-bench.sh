#!/usr/bin/env bash
# Recovery benchmark: a restored PostgreSQL 15 cluster recovering through pg_hardstorage's
# restore_command (as `restore` writes it, with its background fetcher and spool) against the SAME
# restored directory recovering with WAL copied by `cp` from a local archive directory. Run by hand
# (under the heavy lock on shared machines); it asserts nothing about time.
#
#   bench/run-recovery-bench.sh [--runs N] [--segments N] [--scenarios LIST] [--keep] [--pghs-dist DIR]
#
# Two scenarios, each run --runs times per tool from a fresh copy of one restored directory:
#   latest  `restore --to-latest` with the WAL of a backup plus two more segments: seconds from
#           `pg_ctl start` until pg_is_in_recovery() is false (the server accepts writes)
#   pitr    `restore --to-lsn` at the end of --segments segments of real WAL (bulk inserts) after
#           the backup: seconds from `pg_ctl start` until replay has paused at the target
# --scenarios picks some of them (comma-separated; default: latest,pitr).
# Results: a Markdown table on standard output and in bench/results/recovery-<timestamp>.md, and
# JSON in bench/results/recovery-<timestamp>.json (medians, min and max of the runs).
set -euo pipefail

RUNS=3
SEGMENTS=200
SCENARIOS=latest,pitr
KEEP=0
PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=pghs
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$BENCH_DIR/.." && pwd -P)
RESULTS_DIR=$BENCH_DIR/results
DIST=$ROOT/cli/target/pg_hardstorage
DIST_GIVEN=0

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --segments) SEGMENTS=${2:?--segments needs a number}; shift 2 ;;
    --segments=*) SEGMENTS=${1#*=}; shift ;;
    --scenarios) SCENARIOS=${2:?--scenarios needs a list}; shift 2 ;;
    --scenarios=*) SCENARIOS=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    --pghs-dist) DIST=${2:?--pghs-dist needs a directory}; DIST_GIVEN=1; shift 2 ;;
    --pghs-dist=*) DIST=${1#*=}; DIST_GIVEN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-recovery-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in RUNS SEGMENTS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run-recovery-bench: --${v,,} must be a positive integer, not '${!v}'" >&2; exit 2; }
done
[[ ,$SCENARIOS, =~ ^(,(latest|pitr))+,$ ]] \
  || { echo "run-recovery-bench: --scenarios takes latest and/or pitr, comma-separated, not '$SCENARIOS'" >&2; exit 2; }
wants() { [[ ,$SCENARIOS, == *",$1,"* ]]; }

BENCH_NAME=run-recovery-bench
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"
# Warm cache on purpose: a restored cluster starts right after the restore, which ran the same
# JVM and read the same repository. drop_caches then only syncs.
CACHE_DROP=no

need=()
[ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/psql" ] || need+=(postgresql-15)
command -v jq >/dev/null || need+=(jq)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
command -v java >/dev/null || die "java not found: pg_hardstorage needs Java 17+"
ensure_pg_user
ensure_pghs_dist

make_run_dir pghs-recovery-bench
SOCK=$RUN/sock
SRC=$RUN/source
as_pg mkdir -p "$LOGS" "$RUN/archive" "$RUN/restores" "$RUN/jvm"
as_pg mkdir -m 0700 "$SOCK"
STARTED=()
STREAMER_PID=

# Stops the streamer: as root it runs under runuser, which does not pass SIGTERM on to its child.
stop_streamer() {
  [ -n "$STREAMER_PID" ] || return 0
  # shellcheck disable=SC2046 # one pid a word
  kill $(ps -o pid= --ppid "$STREAMER_PID" 2>/dev/null) "$STREAMER_PID" 2>/dev/null
  wait "$STREAMER_PID" 2>/dev/null
  STREAMER_PID=
}

cleanup() {
  local rc=$? d
  set +e
  stop_streamer
  for d in "${STARTED[@]}"; do
    [ -f "$d/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1
  done
  if [ "$KEEP" -eq 1 ]; then
    log "kept working directory $RUN"
  else
    [ $rc -ne 0 ] && cp -a "$LOGS" "$RUN-logs" 2>/dev/null && log "failed (exit $rc): logs kept in $RUN-logs"
    rm -rf "$RUN"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp -a "$DIST" "$RUN/pg_hardstorage"
chmod -R a+rX "$RUN/pg_hardstorage"
PGHS=$RUN/pg_hardstorage/bin/pg_hardstorage
pghs_build_info
# Counts JVM starts of the measured recoveries: put in front of restore_command as PGHS_JAVA.
cat >"$RUN/counting-java" <<EOF
#!/bin/sh
echo "\$*" >>"\${PGHS_BENCH_JVM_LOG:-/dev/null}"
exec "$(command -v java)" "\$@"
EOF
chmod 0755 "$RUN/counting-java"

PORT=$(free_port)
RPORT=$(free_port)
PASSWORD=bench-$RANDOM$RANDOM
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$SOCK")
sql() { as_pg "${PSQL[@]}" -p "$PORT" -d postgres -c "$1"; }
rsql() { as_pg "${PSQL[@]}" -p "$RPORT" -d postgres -c "$1" 2>/dev/null; }
REPO=file://$RUN/repo
CONN="host=127.0.0.1 port=$PORT user=bench password=$PASSWORD dbname=postgres"
pghs() { as_pg env -u PGHS_REPO "$PGHS" "$@" --repo "$REPO"; }
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "working directory $RUN; load average $LOAD_START"

# ---------------------------------------------------------------------------------------------
# Source cluster: every WAL segment goes both to pg_hardstorage (streamer) and to a local
# directory (archive_command cp), so both recoveries replay the same WAL.
# ---------------------------------------------------------------------------------------------
init_source_cluster run-recovery-bench
cat >>"$SRC/postgresql.conf" <<EOF
max_wal_size = 8GB
archive_mode = on
archive_command = 'cp %p $RUN/archive/%f'
EOF
STARTED+=("$SRC")
as_pg "$PG_BIN/pg_ctl" -D "$SRC" -l "$LOGS/source.log" -w -t 120 start >/dev/null \
  || { show_log_tail "$LOGS/source.log"; die "the source cluster did not start"; }
sql "CREATE ROLE bench LOGIN SUPERUSER REPLICATION PASSWORD '$PASSWORD'"
sql "CREATE TABLE markers (id int PRIMARY KEY)"
as_pg "$PGHS" repo init --group-readable "$REPO" >"$LOGS/repo-init.log" 2>&1 || { show_log_tail "$LOGS/repo-init.log"; die "repo init failed"; }
as_pg env -u PGHS_REPO "$PGHS" wal stream db1 --pg-connection "$CONN" --repo "$REPO" --output ndjson \
  >"$LOGS/streamer.log" 2>&1 &
STREAMER_PID=$!

# Waits until WAL up to LSN is both archived by cp and flushed by the streamer.
await_archived() {
  local lsn=$1 seg
  seg=$(sql "SELECT pg_walfile_name('$lsn')")
  for _ in $(seq 1 1200); do
    if [ -f "$RUN/archive/$seg" ] && [ "$(sql "SELECT coalesce(bool_or(flush_lsn >= '$lsn'), false) FROM pg_stat_replication")" = t ]; then
      return 0
    fi
    kill -0 "$STREAMER_PID" 2>/dev/null || { show_log_tail "$LOGS/streamer.log"; die "the streamer stopped"; }
    sleep 0.25
  done
  die "WAL up to $lsn ($seg) was not archived within 5 minutes"
}

# backup: prints the backup id.
backup() {
  pghs backup db1 --pg-connection "$CONN" --output json >"$LOGS/backup-$1.json" 2>"$LOGS/backup-$1.log" \
    || { show_log_tail "$LOGS/backup-$1.log"; die "backup failed"; }
  jq -r .result.backup_id "$LOGS/backup-$1.json"
}

# restore NAME BACKUP TARGET-OPTIONS...: restores into $RUN/restores/NAME (the template).
restore_template() {
  local name=$1 id=$2
  shift 2
  pghs restore db1 "$id" --target "$RUN/restores/$name" "$@" >"$LOGS/restore-$name.log" 2>&1 \
    || { show_log_tail "$LOGS/restore-$name.log"; die "restore $name failed"; }
}

# measure SCENARIO TOOL RUN DONE_SQL: starts a fresh copy of the template with the tool's
# restore_command and prints the seconds until DONE_SQL answers t, and the JVM starts.
measure() {
  local scenario=$1 tool=$2 run=$3 done_sql=$4 dir conf t0 t1 jvmlog state
  dir=$RUN/restores/run-$scenario-$tool-$run
  jvmlog=$RUN/jvm/$scenario-$tool-$run.log
  as_pg cp -a "$RUN/restores/$scenario" "$dir"
  conf=$dir/postgresql.auto.conf
  if [ "$tool" = cp ]; then
    as_pg sed -i "s|^restore_command = '.*'\$|restore_command = 'cp $RUN/archive/%f %p'|" "$conf"
  else
    as_pg sed -i "s|^restore_command = '|restore_command = 'PGHS_JAVA=$RUN/counting-java PGHS_BENCH_JVM_LOG=$jvmlog |" "$conf"
    if [ "$tool" = pg_hardstorage-fsync ]; then
      as_pg sed -i "/^restore_command = /s|'\$| --prefetch-fsync'|" "$conf"
    fi
  fi
  grep -q "^restore_command = '" "$conf" || die "no restore_command in $conf"
  as_pg touch "$jvmlog"
  sync
  STARTED+=("$dir")
  t0=$(now)
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$LOGS/$scenario-$tool-$run.log" \
    -o "-c port=$RPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$SOCK -c archive_mode=off" \
    start >/dev/null
  state=
  for _ in $(seq 1 12000); do
    state=$(rsql "$done_sql" || true)
    [ "$state" = t ] && break
    if [ ! -f "$dir/postmaster.pid" ]; then
      show_log_tail "$LOGS/$scenario-$tool-$run.log"
      die "$scenario/$tool run $run: the server stopped during recovery"
    fi
    sleep 0.05
  done
  t1=$(now)
  [ "$state" = t ] || die "$scenario/$tool run $run did not finish recovery within 10 minutes"
  CHECK=$(rsql "SELECT count(*) FROM markers")
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 120 stop >/dev/null
  as_pg rm -rf "$dir"
  WALL=$(secs "$t0" "$t1")
  JVMS=$(grep -c ' wal fetch ' "$jvmlog" || true)
  FETCHERS=$(grep -c ' wal spool ' "$jvmlog" || true)
}

RESULTS=$RUN/results.ndjson
: >"$RESULTS"
run_scenario() {
  local scenario=$1 done_sql=$2 expect=$3 tools=$4 run tool
  for run in $(seq 1 "$RUNS"); do
    for tool in $tools; do
      drop_caches
      measure "$scenario" "$tool" "$run" "$done_sql"
      [ "$CHECK" = "$expect" ] || die "$scenario/$tool run $run recovered $CHECK markers, expected $expect"
      log "$scenario $tool run $run: $WALL s (restore_command JVMs $JVMS, fetchers $FETCHERS)"
      jq -nc --arg s "$scenario" --arg t "$tool" --argjson r "$run" --argjson w "$WALL" \
        --argjson j "${JVMS:-0}" --argjson f "${FETCHERS:-0}" \
        '{scenario: $s, tool: $t, run: $r, wall_s: $w, jvm_starts: (if $t == "cp" then null else $j end), fetchers: (if $t == "cp" then null else $f end)}' >>"$RESULTS"
    done
  done
}

# ---------------------------------------------------------------------------------------------
# latest: a backup, then two more WAL segments
# ---------------------------------------------------------------------------------------------
# The markers 1-20 are written whether or not the scenario runs, so that pitr expects the same.
log "scenario latest: backup, then two WAL segments"
B1=$(backup latest)
sql "INSERT INTO markers SELECT generate_series(1, 10)"
sql "SELECT pg_switch_wal()" >/dev/null
sql "INSERT INTO markers SELECT generate_series(11, 20)"
L1=$(sql "SELECT pg_current_wal_insert_lsn()")
sql "SELECT pg_switch_wal()" >/dev/null
await_archived "$L1"
if wants latest; then
  restore_template latest "$B1" --to-latest
  run_scenario latest "SELECT NOT pg_is_in_recovery()" 20 "pg_hardstorage cp"
fi

# ---------------------------------------------------------------------------------------------
# pitr: a backup, then SEGMENTS segments of bulk inserts; the target is their end
# ---------------------------------------------------------------------------------------------
REPLAYED=null
if wants pitr; then
  log "scenario pitr: backup, then $SEGMENTS WAL segments of bulk inserts"
  B2=$(backup pitr)
  START_LSN=$(sql "SELECT pg_current_wal_insert_lsn()")
  sql "CREATE TABLE filler (id bigint, pad text)"
  WANT_BYTES=$((SEGMENTS * 16 * 1048576))
  n=0
  while [ "$(sql "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$START_LSN') >= $WANT_BYTES")" != t ]; do
    sql "INSERT INTO filler SELECT g, md5(g::text) || md5((g + 1)::text) || md5(random()::text) FROM generate_series($((n * 100000 + 1)), $(((n + 1) * 100000))) g"
    n=$((n + 1))
  done
  sql "INSERT INTO markers SELECT generate_series(21, 30)"
  TARGET=$(sql "SELECT pg_current_wal_insert_lsn()")
  sql "INSERT INTO markers SELECT generate_series(31, 40)"
  END=$(sql "SELECT pg_current_wal_insert_lsn()")
  sql "SELECT pg_switch_wal()" >/dev/null
  await_archived "$END"
  REPLAYED=$(sql "SELECT round(pg_wal_lsn_diff('$TARGET', '$START_LSN') / 16777216.0)")
  log "generated $REPLAYED segments of WAL; target $TARGET"
  restore_template pitr "$B2" --to-lsn "$TARGET"
  # pg_hardstorage-fsync: the same with --prefetch-fsync, to show what fsyncing the spool costs
  run_scenario pitr "SELECT pg_get_wal_replay_pause_state() = 'paused'" 30 "pg_hardstorage cp pg_hardstorage-fsync"
fi

stop_streamer || true

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
JSON=$RESULTS_DIR/recovery-$STAMP.json
MD=$RESULTS_DIR/recovery-$STAMP.md
jq -s --arg started "$STARTED_AT" --arg commit "$GIT_COMMIT" --argjson dirty "$GIT_DIRTY" \
  --arg built "$DIST_BUILT" --arg load "$LOAD_START" --argjson runs "$RUNS" \
  --argjson segments "$REPLAYED" --arg cpus "$(nproc)" --arg caches "$CACHE_DROP" \
  --arg scenarios "$SCENARIOS" '
  def med: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def stats: {median_s: (map(.wall_s) | med), min_s: (map(.wall_s) | min), max_s: (map(.wall_s) | max),
              runs_s: map(.wall_s), jvm_starts: map(.jvm_starts), fetchers: map(.fetchers)};
  . as $all
  | {started_at: $started, git_commit: $commit, git_dirty: $dirty, dist_built: $built,
     machine: {cpus: ($cpus | tonumber), load_average_at_start: $load, page_cache_dropped: $caches},
     runs: $runs, pitr_segments_replayed: $segments,
     targets: {latest_leave_recovery_s: 3, pitr_ratio_to_cp: 1.3},
     scenarios: ($scenarios | split(",") | unique | map(. as $s | {key: $s, value:
        ({pg_hardstorage: ($all | map(select(.scenario == $s and .tool == "pg_hardstorage")) | stats),
          cp: ($all | map(select(.scenario == $s and .tool == "cp")) | stats),
          pg_hardstorage_fsync: ($all | map(select(.scenario == $s and .tool == "pg_hardstorage-fsync"))
                                 | if length == 0 then null else stats end)}
         | . + {ratio_median: ((.pg_hardstorage.median_s / .cp.median_s) * 100 | round / 100)})}) | from_entries)}' \
  "$RESULTS" >"$JSON"

jq -r '
  "# Recovery benchmark \(.started_at) (commit \(.git_commit)\(if .git_dirty then ", dirty tree" else "" end))",
  "",
  "\(.machine.cpus) CPUs, load \(.machine.load_average_at_start) at start, page cache dropped: \(.machine.page_cache_dropped); \(.runs) runs per tool, medians with [min-max]. PostgreSQL 15.\(if .pitr_segments_replayed then " pitr replays \(.pitr_segments_replayed) segments." else "" end)",
  "",
  "| scenario | pg_hardstorage s | cp s | ratio | target | restore_command JVMs per run |",
  "|---|---|---|---|---|---|",
  (.scenarios | to_entries[] |
    "| \(.key) | \(.value.pg_hardstorage.median_s) [\(.value.pg_hardstorage.min_s)-\(.value.pg_hardstorage.max_s)] | \(.value.cp.median_s) [\(.value.cp.min_s)-\(.value.cp.max_s)] | \(.value.ratio_median) | \(if .key == "latest" then "<= 3 s" else "<= 1.3x cp" end) | \(.value.pg_hardstorage.jvm_starts | map(tostring) | join(", ")) |"),
  "",
  (.scenarios | to_entries[] | select(.value.pg_hardstorage_fsync != null) |
    "With --prefetch-fsync (\(.key)): \(.value.pg_hardstorage_fsync.median_s) s [\(.value.pg_hardstorage_fsync.min_s)-\(.value.pg_hardstorage_fsync.max_s)], \((.value.pg_hardstorage_fsync.median_s / .value.cp.median_s) * 100 | round / 100)x cp; restore_command JVMs per run \(.value.pg_hardstorage_fsync.jvm_starts | map(tostring) | join(", ")).")
' "$JSON" >"$MD"
cat "$MD"
log "results: $JSON, $MD"
