#!/usr/bin/env bash
# Where the time of a pg_hardstorage run goes, from a Java Flight Recording (the benchmarks' --jfr):
# CPU per thread, and per thread the methods its samples were in (Java and native frames: zstd-jni
# runs in native code, which only jdk.NativeMethodSample sees), GC pauses and lock contention.
#
#   bench/jfr-summary.sh FILE.jfr [TOP]
#
# Needs jq and a JDK's jfr (the JDK 21+ one has `jfr view`, used when present).
set -euo pipefail
f=${1:?usage: bench/jfr-summary.sh FILE.jfr [TOP]}
top=${2:-12}
JFR=jfr
for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr "${JAVA_HOME:-/nonexistent}/bin/jfr"; do
  if [ -x "$j" ]; then JFR=$j; break; fi
done

echo "== $f"
"$JFR" summary "$f" | sed -n '1,12p'

if "$JFR" view --width 160 thread-cpu-load "$f" >/dev/null 2>&1; then
  echo
  "$JFR" view --width 160 thread-cpu-load "$f" | head -n 30
  echo
  "$JFR" view --width 160 cpu-load "$f" | tail -n 8 || true
  echo
  "$JFR" view --width 160 gc-pauses "$f" || true
  echo
  "$JFR" view --width 160 contention-by-thread "$f" | head -n 20 || true
fi

# Samples per thread, split by the method at the top of the stack, Java and native samples together.
echo
echo "Execution + native samples per thread (top frames; % of that thread's samples):"
"$JFR" print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$f" \
  | jq -r --argjson top "$top" '
    [.recording.events[]
     | {thread: (.values.sampledThread.javaName // .values.sampledThread.osName // "?"
                 | sub("^pghs-(?<k>[a-z]+)-[0-9]{8}T.*$"; "pghs-\(.k)-*") | sub("-[0-9]+$"; "-N")),
        kind: (if .type == "jdk.NativeMethodSample" then "native" else "java" end),
        frame: ((.values.stackTrace.frames // [])[0] | if . == null then "?" else "\(.method.type.name).\(.method.name)" end)}]
    | group_by(.thread) | map({thread: .[0].thread, n: length, frames: (group_by(.frame + " (" + .kind + ")") | map({f: (.[0].frame + " (" + .[0].kind + ")"), n: length}) | sort_by(-.n))})
    | sort_by(-.n)[]
    | "\n\(.thread): \(.n) samples", (.n as $t | .frames[:$top][] | "  \(.n * 1000 / $t | round / 10)%\t\(.f)")'
