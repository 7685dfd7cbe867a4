# shellcheck shell=bash
# Shell functions shared by the benchmarks in bench/ (sourced, not run).
#
# Before sourcing, the caller sets:
#   BENCH_NAME  its name, prefixed to error messages (e.g. run-backup-bench)
#   PG_USER     the OS user that runs PostgreSQL and the tools when the script runs as root
#   ROOT        the repository root;  DIST, DIST_GIVEN  the pg_hardstorage distribution (and
#               whether --pghs-dist named it), for ensure_pghs_dist / pghs_build_info
# It defines IS_ROOT and, when not root, sets PG_USER to the invoking user.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  IS_ROOT=1
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  IS_ROOT=0
  PG_USER=$(id -un)
  as_pg() { "$@"; }
fi
# run_measured runs functions in a child bash: it needs as_pg and PG_USER there too.
export -f as_pg
export PG_USER

# Seconds since the epoch with nanoseconds; WALL is set by run_timed.
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
MIB() { awk -v b="$1" 'BEGIN{printf "%.0f", b/1048576}'; }

# run_timed LOG CMD...: runs CMD with its output appended to LOG, sets WALL, returns CMD's status.
WALL=
run_timed() {
  local logf=$1 t0 t1 rc=0
  shift
  echo "+ $*" >>"$logf"
  t0=$(now)
  "$@" >>"$logf" 2>&1 || rc=$?
  t1=$(now)
  WALL=$(secs "$t0" "$t1")
  return $rc
}

show_log_tail() {
  echo "---- last lines of $1 ----" >&2
  tail -n 25 "$1" >&2 || true
  echo "----" >&2
}

# Creates the working directory /var/tmp/$1.XXXXXX as $RUN, with its log directory $LOGS, both
# owned by $PG_USER when running as root (pg_ctl -l and the tools write there as that user).
make_run_dir() {
  RUN=$(mktemp -d "/var/tmp/$1.XXXXXX")
  chmod 0755 "$RUN"
  LOGS=$RUN/logs
  mkdir -p "$LOGS"
  if [ "$IS_ROOT" -eq 1 ]; then chown "$PG_USER:" "$RUN" "$LOGS"; fi
}

# Creates the source cluster in $SRC: initdb as $PG_USER with password $PASSWORD (log in $LOGS),
# then the settings every benchmark shares, under a comment naming $1; the caller appends its own.
init_source_cluster() {
  echo "$PASSWORD" >"$RUN/pwfile"
  chmod 0644 "$RUN/pwfile"
  as_pg "$PG_BIN/initdb" -D "$SRC" -U "$PG_USER" --auth-local=peer --auth-host=scram-sha-256 \
    --pwfile="$RUN/pwfile" -E UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1 \
    || { show_log_tail "$LOGS/initdb.log"; die "initdb failed"; }
  rm -f "$RUN/pwfile"
  cat >>"$SRC/postgresql.conf" <<EOF

# $1
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
shared_buffers = 256MB
EOF
}

dir_bytes() { du -sb "$1" 2>/dev/null | cut -f1; }

CACHE_DROP=unknown
drop_caches() {
  sync
  if [ "$CACHE_DROP" = no ]; then return 0; fi
  if [ "$IS_ROOT" -eq 1 ] && (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
    CACHE_DROP=yes
  else
    [ "$CACHE_DROP" = unknown ] && log "note: cannot drop the page cache (needs root and a writable /proc/sys/vm/drop_caches); runs are warm-cache"
    CACHE_DROP=no
  fi
}

# A free TCP port on 127.0.0.1 (not PORT, which may be chosen but not yet bound).
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    [ "$p" = "${PORT:-}" ] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

APT_UPDATED=0
apt_install() {
  [ "$IS_ROOT" -eq 1 ] || die "missing $* and not root: install it (apt-get install $*) or run as root"
  log "installing $* with apt-get ..."
  if [ "$APT_UPDATED" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >&2 \
    || die "apt-get install $* failed"
}

# As root: creates PG_USER when missing (PostgreSQL refuses to run as root).
ensure_pg_user() {
  if [ "$IS_ROOT" -eq 1 ] && ! id "$PG_USER" >/dev/null 2>&1; then
    log "creating OS user $PG_USER (PostgreSQL refuses to run as root)"
    useradd --system --no-create-home --shell /bin/sh "$PG_USER" || die "useradd $PG_USER failed"
  fi
}

# Builds the pg_hardstorage distribution when it is missing (unless --pghs-dist named it).
ensure_pghs_dist() {
  if [ ! -x "$DIST/bin/pg_hardstorage" ] && [ "$DIST_GIVEN" -eq 1 ]; then
    die "no pg_hardstorage distribution at $DIST (expected $DIST/bin/pg_hardstorage)"
  elif [ ! -x "$DIST/bin/pg_hardstorage" ]; then
    log "pg_hardstorage distribution missing: building (./mvnw -q -DskipTests package) ..."
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package) >&2 || die "build failed: cd $ROOT && ./mvnw -DskipTests package"
    [ -x "$DIST/bin/pg_hardstorage" ] || die "build did not produce $DIST/bin/pg_hardstorage"
  fi
}

# Which pg_hardstorage this is: sets GIT_COMMIT and GIT_DIRTY (the tree's HEAD now) and DIST_BUILT
# (when the distribution was built; it may have been built from another state of the tree).
# Read-only git commands.
pghs_build_info() {
  GIT_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  GIT_DIRTY=$([ -n "$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ] && echo true || echo false)
  DIST_BUILT=$(TZ=UTC find "$DIST/lib" -name 'pg-hardstorage-*.jar' -printf '%TY-%Tm-%TdT%TH:%TM:%.2TSZ\n' 2>/dev/null | sort | tail -1)
}

# run_measured LOG CMD...: like run_timed, and also sets RSS_MB (peak resident set of CMD and of
# every process it waited for, as wait4 reports it through GNU time) and CPU_S (their user +
# system CPU seconds). The server's CPU is not in it: PostgreSQL's backends are not CMD's children.
RSS_MB=
CPU_S=
run_measured() {
  local logf=$1 tf rc=0 line
  shift
  tf=$(mktemp)
  if declare -F "$1" >/dev/null; then
    # GNU time runs programs, not shell functions: a child bash runs the function, which must be
    # exported (export -f) with the variables it reads.
    run_timed "$logf" /usr/bin/time -f '%M %U %S' -o "$tf" bash -c '"$@"' _ "$@" || rc=$?
  else
    run_timed "$logf" /usr/bin/time -f '%M %U %S' -o "$tf" "$@" || rc=$?
  fi
  # On failure GNU time writes "Command exited with non-zero status N" first: the figures are last.
  line=$(tail -n 1 "$tf" 2>/dev/null || true)
  rm -f "$tf"
  if [[ $line =~ ^([0-9]+)\ ([0-9.]+)\ ([0-9.]+)$ ]]; then
    RSS_MB=$(awk -v k="${BASH_REMATCH[1]}" 'BEGIN{printf "%.0f", k/1024}')
    CPU_S=$(awk -v u="${BASH_REMATCH[2]}" -v s="${BASH_REMATCH[3]}" 'BEGIN{printf "%.2f", u+s}')
  else
    RSS_MB=
    CPU_S=
  fi
  return $rc
}

# measured_json [RUN]: the last run_measured figures (and the repetition number) as a JSON object.
measured_json() {
  jq -nc --arg rss "$RSS_MB" --arg cpu "$CPU_S" --arg run "${1:-}" '
    def num: if . == "" then null else tonumber end;
    {peak_rss_mb: ($rss | num), cpu_s: ($cpu | num)} + (if $run == "" then {} else {run: ($run | num)} end)'
}

# median_spread: reads numbers, one a line; prints "MEDIAN MIN MAX N" (nothing for no numbers).
median_spread() {
  sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) exit
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s %s %s %d\n", m, v[1], v[NR], NR }'
}
