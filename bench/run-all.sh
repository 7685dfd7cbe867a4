#!/usr/bin/env bash
# Every benchmark of issue #12 in one command: backup/restore (run-backup-bench.sh) at each scale,
# WAL ingest (run-wal-bench.sh), and, when they exist, recovery (run-recovery-bench.sh) and dedup
# (run-dedup-bench.sh). Writes one Markdown summary and one JSON into bench/results/. Run by hand;
# it asserts nothing about time.
#
#   bench/run-all.sh [--scales LIST] [--with-500] [--repeat N] [--quick] [--pghs-dist DIR] ...
#
# See bench/README.md ("Everything at once") for what is measured and how to read it.
set -euo pipefail
if [ -z "${PGHS_BENCH_LOCKED:-}" ] && command -v flock >/dev/null && [[ " $* " != *" -h "* && " $* " != *" --help "* ]]; then
  echo "run-all: waiting for /tmp/pghs-heavy.lock ..." >&2
  PGHS_BENCH_LOCKED=1 exec flock /tmp/pghs-heavy.lock "$0" "$@"
fi

SCALES=10,100
WITH_500=0
REPEAT=3
QUICK=0
WAL_SECONDS=30
BACKLOG_MB=512
SKIP=
JFR_ARGS=()
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$BENCH_DIR/.." && pwd -P)
RESULTS_DIR=$BENCH_DIR/results
DIST=$ROOT/cli/target/pg_hardstorage
DIST_GIVEN=0

usage() {
  cat <<EOF
Usage: bench/run-all.sh [options]

Runs every benchmark of issue #12 and writes bench/results/all-<timestamp>.md and .json:
  - run-backup-bench.sh --entropy --encrypt --repeat N at each scale (full backups with zstd and
    with zstd + aes-256-gcm against pg_basebackup and pgBackRest, restores, second backups);
  - run-wal-bench.sh --encrypt --backlog-repeat N (WAL lag under unthrottled pgbench, backlog drain
    against pg_receivewal);
  - run-recovery-bench.sh and run-dedup-bench.sh at each scale, when they exist in bench/.
Medians of N runs with their spread; ratios to pg_basebackup, pgBackRest and pg_receivewal; peak RSS.

Options:
  --scales LIST      comma-separated pgbench scales (default 10,100)
  --with-500         add scale 500 (about 7.5 GB: disk for 4 copies, and about 20 min per run)
  --repeat N         runs per measurement (default 3; medians need at least 3)
  --quick            --repeat 1, scale 10 only, 15 s WAL load, 256 MiB backlog: a smoke test of
                     the tooling, not a measurement
  --wal-seconds N    pgbench run length in the WAL benchmark (default 30)
  --backlog-mb N     WAL backlog to drain (default 512)
  --skip LIST        comma-separated benchmarks to leave out: backup, wal, recovery, dedup
  --jfr DIR          Java Flight Recordings of pg_hardstorage's backups and streamer into DIR
                     (read them with bench/jfr-summary.sh)
  --pghs-dist DIR    pg_hardstorage distribution to measure (default: cli/target/pg_hardstorage)
  -h, --help         this text

The whole run holds the lock /tmp/pghs-heavy.lock (when flock is available), so that engineers
sharing the machine do not start PostgreSQL or measure each other meanwhile; a caller that already
holds it sets PGHS_BENCH_LOCKED=1. Expect about 15 min at scale 10 and 40 min at scale 100 with
--repeat 3.
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --scales) SCALES=${2:?--scales needs a list}; shift 2 ;;
    --scales=*) SCALES=${1#*=}; shift ;;
    --with-500) WITH_500=1; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --quick) QUICK=1; shift ;;
    --wal-seconds) WAL_SECONDS=${2:?--wal-seconds needs a number}; shift 2 ;;
    --wal-seconds=*) WAL_SECONDS=${1#*=}; shift ;;
    --backlog-mb) BACKLOG_MB=${2:?--backlog-mb needs a number}; shift 2 ;;
    --backlog-mb=*) BACKLOG_MB=${1#*=}; shift ;;
    --skip) SKIP=${2:?--skip needs a list}; shift 2 ;;
    --skip=*) SKIP=${1#*=}; shift ;;
    --jfr) JFR_ARGS=(--jfr "${2:?--jfr needs a directory}"); shift 2 ;;
    --jfr=*) JFR_ARGS=(--jfr "${1#*=}"); shift ;;
    --pghs-dist) DIST=${2:?--pghs-dist needs a directory}; DIST_GIVEN=1; shift 2 ;;
    --pghs-dist=*) DIST=${1#*=}; DIST_GIVEN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-all: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$QUICK" -eq 1 ]; then
  REPEAT=1 SCALES=10 WAL_SECONDS=15 BACKLOG_MB=256
fi
[ "$WITH_500" -eq 0 ] || SCALES="$SCALES,500"
for v in REPEAT WAL_SECONDS BACKLOG_MB; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run-all: ${v} must be a positive integer" >&2; exit 2; }
done
for s in ${SCALES//,/ }; do
  [[ $s =~ ^[1-9][0-9]*$ ]] || { echo "run-all: --scales: '$s' is not a positive integer" >&2; exit 2; }
done
for s in ${SKIP//,/ }; do
  case $s in backup|wal|recovery|dedup) ;; *) echo "run-all: --skip: unknown benchmark '$s' (backup, wal, recovery, dedup)" >&2; exit 2 ;; esac
done
skipped() { [[ ",$SKIP," == *",$1,"* ]]; }

BENCH_NAME=run-all
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"
command -v jq >/dev/null || apt_install jq
command -v jq >/dev/null || die "jq not found"
ensure_pghs_dist
# Every benchmark measures the same frozen copy, even if the tree is rebuilt meanwhile.
FROZEN=$(mktemp -d /var/tmp/pghs-all.XXXXXX)
trap 'rm -rf "$FROZEN"' EXIT
cp -a "$DIST" "$FROZEN/pg_hardstorage"
chmod -R a+rX "$FROZEN"
DIST_ARGS=(--pghs-dist "$FROZEN/pg_hardstorage")
pghs_build_info

mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
RUNS=$(mktemp)            # one JSON line per benchmark run: {bench, scale, status, json, log}
LOGDIR=$RESULTS_DIR/all-$STAMP-logs
mkdir -p "$LOGDIR"

# run_bench NAME SCALE SCRIPT ARGS...: runs one benchmark, finds the JSON it wrote (the newest new
# file in bench/results), records the outcome. A failing benchmark is recorded and the others go on.
run_bench() {
  local name=$1 scale=$2 script=$3 before after json rc=0 logf
  shift 3
  logf=$LOGDIR/$name-${scale:-all}.log
  before=$(mktemp)
  ls -1 "$RESULTS_DIR"/*.json 2>/dev/null | sort >"$before" || true
  log "$name${scale:+ (scale $scale)}: $script $*  (log: $logf)"
  "$BENCH_DIR/$script" "$@" >"$logf" 2>&1 || rc=$?
  after=$(ls -1 "$RESULTS_DIR"/*.json 2>/dev/null | sort | comm -13 "$before" - | grep -v "/all-" | tail -n 1 || true)
  rm -f "$before"
  json=${after:-}
  if [ $rc -ne 0 ]; then log "$name${scale:+ (scale $scale)}: exit $rc (see $logf)"; fi
  jq -nc --arg b "$name" --arg s "$scale" --argjson rc "$rc" --arg j "$json" --arg l "$logf" \
    '{bench: $b, scale: (if $s == "" then null else ($s | tonumber) end), exit_code: $rc,
      json: (if $j == "" then null else $j end), log: $l}' >>"$RUNS"
}

# has_option SCRIPT OPTION: whether SCRIPT's --help mentions OPTION (the recovery and dedup
# benchmarks are written by others; only options they offer are passed).
has_option() { "$BENCH_DIR/$1" --help 2>/dev/null | grep -q -- "$2"; }
optional_args() { # SCRIPT SCALE: the common options SCRIPT accepts
  local a=()
  has_option "$1" --scale && a+=(--scale "$2")
  has_option "$1" --repeat && a+=(--repeat "$REPEAT")
  has_option "$1" --pghs-dist && a+=("${DIST_ARGS[@]}")
  echo "${a[@]}"
}

# One-core speed of each per-byte stage on this machine and JVM (bench/StageSpeeds.java).
STAGES=$LOGDIR/stage-speeds.txt
log "stage speeds (one core, 512 MiB per stage) ..."
java -cp "$FROZEN/pg_hardstorage/lib/*" "$BENCH_DIR/StageSpeeds.java" 512 >"$STAGES" 2>&1 \
  || log "StageSpeeds failed (see $STAGES)"

for scale in ${SCALES//,/ }; do
  if ! skipped backup; then
    run_bench backup "$scale" run-backup-bench.sh --scale "$scale" --entropy --encrypt \
      --repeat "$REPEAT" "${DIST_ARGS[@]}" "${JFR_ARGS[@]}"
  fi
  for extra in recovery dedup; do
    script=run-$extra-bench.sh
    if ! skipped "$extra" && [ -x "$BENCH_DIR/$script" ]; then
      # shellcheck disable=SC2046 # the option list is meant to split into words
      run_bench "$extra" "$scale" "$script" $(optional_args "$script" "$scale")
    elif ! skipped "$extra"; then
      jq -nc --arg b "$extra" --argjson s "$scale" '{bench: $b, scale: $s, exit_code: null, json: null, log: null, note: "not present in bench/"}' >>"$RUNS"
    fi
  done
done
if ! skipped wal; then
  run_bench wal "" run-wal-bench.sh --encrypt --backlog-repeat "$REPEAT" --seconds "$WAL_SECONDS" \
    --backlog-mb "$BACKLOG_MB" "${DIST_ARGS[@]}" "${JFR_ARGS[@]}"
fi

# ---------------------------------------------------------------------------------------------
# Summary: JSON of everything, and a Markdown page with the targets of issue #12
# ---------------------------------------------------------------------------------------------
OUT_JSON=$RESULTS_DIR/all-$STAMP.json
OUT_MD=$RESULTS_DIR/all-$STAMP.md
jq -s --arg started "$STARTED_AT" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg load_start "$LOAD_START" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg commit "$GIT_COMMIT" --argjson dirty "$GIT_DIRTY" --arg built "${DIST_BUILT:-unknown}" \
  --argjson repeat "$REPEAT" --arg scales "$SCALES" '
  {schema: "pg_hardstorage.bench.all.v1", started_at: $started, finished_at: $finished,
   load_average_start: $load_start, load_average_end: $load_end,
   pg_hardstorage: {git_commit_at_start: $commit, git_dirty_at_start: $dirty, built_at: $built},
   parameters: {repeat: $repeat, scales: ($scales | split(",") | map(tonumber))},
   runs: .}' "$RUNS" >"$OUT_JSON.tmp"
# Inline every benchmark's own JSON so that the summary stands alone.
jq -c '.runs[] | .json // empty' "$OUT_JSON.tmp" | while read -r f; do
  f=${f//\"/}
  [ -f "$f" ] && jq -c --arg f "$f" '{($f): .}' "$f"
done | jq -s 'add // {}' >"$OUT_JSON.inline"
jq --slurpfile inline "$OUT_JSON.inline" '.runs |= map(. + {result: (if .json == null then null else $inline[0][.json] end)})' \
  "$OUT_JSON.tmp" >"$OUT_JSON"
rm -f "$OUT_JSON.tmp" "$OUT_JSON.inline" "$RUNS"

jq -r --arg md_json "$(basename "$OUT_JSON")" --rawfile stages "$STAGES" '
  def f2: if . == null then "–" else (. * 100 | round / 100 | tostring) end;
  def f1: if . == null then "–" else (. * 10 | round / 10 | tostring) end;
  def row($r; $tool; $mode): $r.result.results // [] | map(select(.tool == $tool and .mode == $mode)) | first // null;
  def spread: if . == null or .runs == null or .runs < 2 then "" else " (\(.wall_min_s)–\(.wall_max_s))" end;
  def verdict(ok): if ok == null then "–" elif ok then "met" else "**missed**" end;
  (.runs | map(select(.bench == "backup" and .result != null))) as $backups
  | (.runs | map(select(.bench == "wal" and .result != null)) | first // null) as $wal
  | "# pg_hardstorage benchmarks, issue #12",
    "",
    "\(.started_at) → \(.finished_at); load average \(.load_average_start) → \(.load_average_end);",
    "pg_hardstorage \(.pg_hardstorage.git_commit_at_start)\(if .pg_hardstorage.git_dirty_at_start then " (uncommitted changes)" else "" end), built \(.pg_hardstorage.built_at);",
    "medians of \(.parameters.repeat) run(s), spread (min–max) in brackets. JSON: `\($md_json)`.",
    "",
    "## One core, per stage (bench/StageSpeeds.java)",
    "",
    "```",
    ($stages | rtrimstr("\n")),
    "```",
    "",
    "## Full backups",
    "",
    "| scale | cluster MiB | pg_basebackup -Ft -X none s | pgBackRest full s | pg_hardstorage zstd s | × bb tar | × pgBR | pg_hardstorage zstd+aes s | × bb tar | × pgBR | peak RSS MiB (zstd / +aes) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ($backups[] | .result as $res | row(.; "pg_basebackup"; "full, tar -X none") as $bb
      | row(.; "pgBackRest"; "full") as $br | row(.; "pg_hardstorage"; "full") as $h
      | row(.; "pg_hardstorage"; "full, encrypted") as $he
      | "| \(.scale) | \($res.data.cluster_bytes / 1048576 | round) | \($bb.wall_s | f2)\($bb | spread) | \($br.wall_s | f2)\($br | spread) | \($h.wall_s | f2)\($h | spread) | \($h.time_ratio_vs_pg_basebackup_tar | f2) | \($h.time_ratio_vs_pgbackrest_full | f2) | \($he.wall_s | f2)\($he | spread) | \($he.time_ratio_vs_pg_basebackup_tar | f2) | \($he.time_ratio_vs_pgbackrest_full | f2) | \($h.peak_rss_mb // "–") / \($he.peak_rss_mb // "–") |"),
    "",
    "## Restores and second backups",
    "",
    "| scale | tool | mode | wall s | × pg_basebackup | stored MiB | start s | check |",
    "|---:|---|---|---:|---:|---:|---:|---|",
    ($backups[] | .scale as $s | .result.results[] | select(.kind != "backup")
      | "| \($s) | \(.tool) | \(.mode) | \(.wall_s | f2) | \(.time_ratio_vs_pg_basebackup | f2) | \(if .stored_bytes == null then "–" else (.stored_bytes / 1048576 | f1) end) | \(.restored_start_s | f2) | \(.data_check // "") |"),
    "",
    "## WAL ingest",
    "",
    (if $wal == null then "not run" else
      ($wal.result as $w
       | ($w.runs | map(select(.run == "pghs")) | first // null) as $alone
       | ($alone.receivers // [] | map(select(.name == "pghs")) | first // null) as $p
       | ($w.backlog | map(select(.name == "pghs")) | first // null) as $bp
       | ($w.backlog | map(select(.name == "rw")) | first // null) as $br
       | "| measure | pg_hardstorage | pg_receivewal | ratio | target |",
         "|---|---:|---:|---:|---|",
         "| lag s under unthrottled pgbench, avg / p95 / p99 / max | \($p.lag_s_avg | f2) / \($p.lag_s_p95 | f2) / \($p.lag_s_p99 | f2) / \($p.lag_s_max | f2) | | | p99 ≤ 1 s: \(verdict(if $p.lag_s_p99 == null then null else $p.lag_s_p99 <= 1 end)) |",
         "| backlog drain MB/s after the first durable byte (\($w.parameters.backlog_repeat // 1) runs) | \($bp.mb_per_s_after_first_durable | f1)\(if ($bp.runs // 1) > 1 then " (\($bp.mb_per_s_after_first_durable_min)–\($bp.mb_per_s_after_first_durable_max))" else "" end) | \($br.mb_per_s_after_first_durable | f1)\(if ($br.runs // 1) > 1 then " (\($br.mb_per_s_after_first_durable_min)–\($br.mb_per_s_after_first_durable_max))" else "" end) | \(if $bp == null or $br == null or $br.mb_per_s_after_first_durable == null then "–" else ($bp.mb_per_s_after_first_durable / $br.mb_per_s_after_first_durable | f2) end) | ≥ 0.6: \(verdict(if $bp == null or $br == null or $br.mb_per_s_after_first_durable == null or $bp.mb_per_s_after_first_durable == null then null else $bp.mb_per_s_after_first_durable / $br.mb_per_s_after_first_durable >= 0.6 end)) |",
         "| backlog drain MB/s over its second half (warm JVM; the verdict stays on the row above) | \($bp.mb_per_s_second_half | f1) | \($br.mb_per_s_second_half | f1) | \(if $bp.mb_per_s_second_half == null or $br.mb_per_s_second_half == null then "–" else ($bp.mb_per_s_second_half / $br.mb_per_s_second_half | f2) end) | |",
         "| longest s without durable progress while draining | \($bp.max_s_without_durable_progress | f2) | | | ≤ 1 s (+ one store): \(verdict(if $bp.max_s_without_durable_progress == null then null else $bp.max_s_without_durable_progress <= 1.5 end)) |",
         "| peak RSS MiB while draining | \($bp.peak_rss_mb // "–") | \($br.peak_rss_mb // "–") | | |",
         "",
         "Repository encrypted: \($w.parameters.pghs_repository_encrypted // false); WAL of the backlog compresses \($w.parameters.backlog_wal_zstd3_ratio // "–")× with zstd -3.")
     end),
    "",
    "## Targets",
    "",
    "| target | scale | measured | verdict |",
    "|---|---:|---:|---|",
    ($backups[] | row(.; "pg_hardstorage"; "full") as $h | row(.; "pg_hardstorage"; "full, encrypted") as $he
      | "| full backup, zstd ≤ 1.1 × pg_basebackup -Ft -X none | \(.scale) | \($h.time_ratio_vs_pg_basebackup_tar | f2) | \(verdict(if $h.time_ratio_vs_pg_basebackup_tar == null then null else $h.time_ratio_vs_pg_basebackup_tar <= 1.1 end)) |",
        "| full backup, zstd + aes ≤ 1.1 × pg_basebackup -Ft -X none | \(.scale) | \($he.time_ratio_vs_pg_basebackup_tar | f2) | \(verdict(if $he.time_ratio_vs_pg_basebackup_tar == null then null else $he.time_ratio_vs_pg_basebackup_tar <= 1.1 end)) |",
        "| full backup, zstd faster than pgBackRest full (zst, process-max 2) | \(.scale) | \($h.time_ratio_vs_pgbackrest_full | f2) | \(verdict(if $h.time_ratio_vs_pgbackrest_full == null then null else $h.time_ratio_vs_pgbackrest_full < 1 end)) |",
        "| full backup, zstd + aes faster than pgBackRest full | \(.scale) | \($he.time_ratio_vs_pgbackrest_full | f2) | \(verdict(if $he.time_ratio_vs_pgbackrest_full == null then null else $he.time_ratio_vs_pgbackrest_full < 1 end)) |"),
    "",
    "## Other benchmarks",
    "",
    (.runs[] | select(.bench == "recovery" or .bench == "dedup")
      | "- \(.bench) (scale \(.scale)): " + (if .note != null then .note elif .exit_code != 0 then "failed, exit \(.exit_code), log `\(.log)`" else "JSON `\(.json // "none")`" end)
        + (if .result != null and (.result.results | type) == "array" then
             "\n\n  | tool | mode | wall s | notes |\n  |---|---|---:|---|\n"
             + (.result.results | map("  | \(.tool // "") | \(.mode // .name // "") | \(.wall_s // .seconds // "–") | \(.note // "") |") | join("\n"))
           else "" end)),
    "",
    "Runs that failed: " + ((.runs | map(select(.exit_code != null and .exit_code != 0) | "\(.bench) scale \(.scale // "-") (exit \(.exit_code), `\(.log)`)")) | if length == 0 then "none" else join(", ") end)
' "$OUT_JSON" >"$OUT_MD"

cat "$OUT_MD"
echo
log "summary: $OUT_MD; JSON: $OUT_JSON; logs: $LOGDIR"
if jq -e '[.runs[] | select(.exit_code != null and .exit_code != 0)] | length > 0' "$OUT_JSON" >/dev/null; then
  exit 1
fi
