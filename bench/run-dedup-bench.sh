#!/usr/bin/env bash
# Dedup benchmark: what pg_hardstorage's second backup stores after 1 % of heap pages change
# (issue #12: every row of every 100th page, after VACUUM FREEZE; spread evenly as OLTP updates
# spread them). Run by hand; it asserts nothing and fails only when a step fails.
#
#   bench/run-dedup-bench.sh [--rows N] [--every N] [--keep] [--pghs-dist DIR]
#
# Prints the database size, what each backup read and stored, and the share of the database the
# second backup stored; writes the run as JSON to bench/results/dedup-<UTC timestamp>.json.
set -euo pipefail

ROWS=3000000
EVERY=100
KEEP=0
PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=pghs
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$BENCH_DIR/.." && pwd -P)
RESULTS_DIR=$BENCH_DIR/results
DIST=$ROOT/cli/target/pg_hardstorage
DIST_GIVEN=0

usage() {
  cat <<EOF
Usage: bench/run-dedup-bench.sh [options]

Loads a table of realistic entropy into a PostgreSQL 15 cluster, freezes it, backs it up with
pg_hardstorage, updates every row of every Nth heap page, backs up again, and prints what the
second backup stored against the database size (MB = MiB = 2^20 bytes).

Options:
  --rows N         rows in the table (default 3000000, about 420 MiB)
  --every N        change every row of every Nth page (default 100: 1 % of pages)
  --keep           keep the working directory (cluster, repository, logs)
  --pghs-dist DIR  pg_hardstorage distribution (default: cli/target/pg_hardstorage, built with
                   ./mvnw -DskipTests package when missing)
  -h, --help       this text
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --rows) ROWS=${2:?--rows needs a number}; shift 2 ;;
    --every) EVERY=${2:?--every needs a number}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --pghs-dist) DIST=${2:?--pghs-dist needs a directory}; DIST_GIVEN=1; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-dedup-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in ROWS EVERY; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run-dedup-bench: --${v,,} must be a positive integer, was '${!v}'" >&2; exit 2; }
done

BENCH_NAME=run-dedup-bench
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"

need=()
[ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/psql" ] || need+=(postgresql-15)
command -v jq >/dev/null || need+=(jq)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
command -v java >/dev/null || die "java not found: pg_hardstorage needs Java 17+"
ensure_pg_user
ensure_pghs_dist

make_run_dir pghs-dedup-bench
SOCK=$RUN/sock
SRC=$RUN/source
REPO=$RUN/repo
as_pg mkdir -m 0700 "$SOCK"

cleanup() {
  local rc=$?
  set +e
  if [ -f "$SRC/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$SRC" -m fast -t 60 stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$SRC" -m immediate stop >/dev/null 2>&1
  fi
  if [ "$KEEP" -eq 1 ]; then
    log "kept working directory $RUN"
  else
    [ $rc -ne 0 ] && cp -a "$LOGS" "$RUN-logs" && log "failed (exit $rc): logs kept in $RUN-logs"
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

PORT=$(free_port)
PASSWORD=bench-$RANDOM$RANDOM
sql() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$SOCK" -p "$PORT" -d "$1" -c "$2"; }

log "initdb and start PostgreSQL 15 on 127.0.0.1:$PORT in $RUN"
init_source_cluster run-dedup-bench
cat >>"$SRC/postgresql.conf" <<EOF
max_wal_size = 4GB
EOF
as_pg "$PG_BIN/pg_ctl" -D "$SRC" -l "$LOGS/source.log" -w -t 120 start >/dev/null \
  || { show_log_tail "$LOGS/source.log"; die "the cluster did not start"; }
sql postgres "CREATE ROLE bench LOGIN SUPERUSER REPLICATION PASSWORD '$PASSWORD'"
sql postgres "CREATE DATABASE bench"

# Hex digests and random numbers: the entropy of real rows, not pgbench's blank padding. PostgreSQL:
# right after a bulk load the first scan sets hint bits on every page, so freeze before backing up.
log "loading $ROWS rows, then VACUUM (FREEZE) ..."
sql bench "CREATE TABLE t AS SELECT g AS id, md5(random()::text) || md5(g::text) AS a,
    (random() * 1e12)::bigint AS b, md5(random()::text) AS c FROM generate_series(1, $ROWS) g"
sql bench "VACUUM (FREEZE, ANALYZE) t"
sql postgres "CHECKPOINT"
PAGES=$(sql bench "SELECT relpages FROM pg_class WHERE relname = 't'")

export PGPASSWORD=$PASSWORD
CONN="host=127.0.0.1 port=$PORT user=bench dbname=postgres"
as_pg "$PGHS" repo init -o json "file://$REPO" >"$LOGS/init.json" 2>"$LOGS/init.log" \
  || { show_log_tail "$LOGS/init.log"; die "repo init failed"; }
WALL=
backup() {
  local t0
  t0=$(now)
  as_pg "$PGHS" backup -o json bench --pg-connection "$CONN" --repo "file://$REPO" \
    >"$LOGS/$1.json" 2>"$LOGS/$1.log" || { show_log_tail "$LOGS/$1.log"; die "backup $1 failed"; }
  WALL=$(secs "$t0" "$(now)")
}

log "first backup ..."
backup first
FIRST_WALL=$WALL
log "changing every row of every ${EVERY}th page ..."
CHANGED_ROWS=$(sql bench "WITH u AS (UPDATE t SET b = b + 1
    WHERE ((ctid::text::point)[0])::bigint % $EVERY = 0 RETURNING 1) SELECT count(*) FROM u")
sql postgres "CHECKPOINT"
DB_BYTES=$(sql bench "SELECT pg_database_size('bench')")
CLUSTER_BYTES=$(sql postgres "SELECT sum(pg_database_size(oid)) FROM pg_database")
log "second backup ..."
backup second
SECOND_WALL=$WALL

mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/dedup-$(date -u +%Y%m%dT%H%M%SZ).json
jq -n --slurpfile first "$LOGS/first.json" --slurpfile second "$LOGS/second.json" \
  --argjson rows "$ROWS" --argjson every "$EVERY" --argjson pages "$PAGES" \
  --argjson changed "$CHANGED_ROWS" --argjson db "$DB_BYTES" --argjson cluster "$CLUSTER_BYTES" \
  --arg fw "$FIRST_WALL" --arg sw "$SECOND_WALL" --arg commit "$GIT_COMMIT" --argjson dirty "$GIT_DIRTY" \
  --arg built "${DIST_BUILT:-unknown}" --arg host "$(hostname)" --argjson cpus "$(nproc)" '
  def r: .[0].result;
  {schema: "pg_hardstorage.bench.dedup.v1",
   machine: {host: $host, cpus: $cpus},
   versions: {git_commit_at_start: $commit, git_dirty_at_start: $dirty, pg_hardstorage_built_at: $built},
   parameters: {rows: $rows, changed_every_nth_page: $every, postgres: 15},
   data: {table_pages: $pages, rows_changed: $changed, database_bytes: $db, cluster_bytes: $cluster},
   first: (($first | r) + {wall_s: ($fw | tonumber)}),
   second: (($second | r) + {wall_s: ($sw | tonumber)}),
   second_new_share_of_database: (($second | r).bytes_new / $db * 10000 | round / 10000),
   content_defined_estimate: ((1 - pow(1 - 1 / $every; 32)) * 10000 | round / 10000)}' >"$RUN/result.json"
# Only a complete result reaches bench/results.
cp "$RUN/result.json" "$OUT"

echo
echo "pg_hardstorage dedup benchmark, $(hostname), $(nproc) cores; PostgreSQL 15; table t: $ROWS rows, $PAGES pages"
echo "changed: every row of every ${EVERY}th page ($CHANGED_ROWS rows); database $(MIB "$DB_BYTES") MiB, cluster $(MIB "$CLUSTER_BYTES") MiB"
jq -r '
  ["backup", "wall s", "read MiB", "new MiB", "stored MiB (sealed)", "new / database"],
  (["first", "second"][] as $k | .[$k] as $b
   | [$k, ($b.wall_s | tostring), ($b.bytes_read / 1048576 | . * 10 | round / 10 | tostring),
      ($b.bytes_new / 1048576 | . * 10 | round / 10 | tostring),
      ($b.bytes_stored / 1048576 | . * 10 | round / 10 | tostring),
      (if $k == "second" then "\(.second_new_share_of_database * 10000 | round / 100) %" else "-" end)])
  | @tsv' "$OUT" | column -t -s $'\t'
echo "256 KiB content-defined chunks alone would store about $(jq -r '.content_defined_estimate * 1000 | round / 10' "$OUT") % (1 - (1 - p)^32)."
echo "JSON: $OUT"
