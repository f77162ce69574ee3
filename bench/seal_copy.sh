#!/usr/bin/env bash
# Issue 18's seal and verify figures, both sides in one run: `gongkai seal` of 128 × 4 MiB
# random files (512 MiB) against `cp -r` + `sync` of the same folder, and `gongkai verify`
# of its archive against bagit-python's `--validate --processes 2` of a bag of the same
# files (made with --sha256, the one hash gongkai keeps). Each pair runs RUNS times (default
# 5), one side right after the other so both meet the same load; it prints every run, the
# medians of wall and CPU (user + sys) time, and the ratios. Not run in CI.
#
# Usage: bash bench/seal_copy.sh [RUNS]
#   GONGKAI  the binary (default: the release build of $CARGO_TARGET_DIR or target/)
#   PYTHON   a Python with bagit (default python3; pip install bagit)
#   BENCH_DIR  where the files go (default a new folder in /tmp; it is removed at the end)
#   BEFORE   another gongkai binary (e.g. an older build) whose seal and verify are timed
#            in the same runs, next to cp -r + sync and bagit too
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
[ "$RUNS" -ge 3 ] || { echo "at least 3 runs" >&2; exit 2; }
PYTHON=${PYTHON:-python3}
if [ -z "${GONGKAI:-}" ]; then
  cargo build --release --quiet
  GONGKAI=${CARGO_TARGET_DIR:-target}/release/gongkai
fi
"$PYTHON" -c 'import bagit' || { echo "$PYTHON has no bagit: pip install bagit" >&2; exit 2; }
W=$(mktemp -d "${BENCH_DIR:-/tmp}/gongkai-seal-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir "$W/col"
for i in $(seq 1 128); do
  head -c $((4 << 20)) /dev/urandom > "$W/col/$(printf '%04d' "$i").bin"
done
cp -r "$W/col" "$W/bag"
"$PYTHON" -m bagit --quiet --sha256 --processes 2 "$W/bag"
# Every side reads from the page cache.
cat "$W"/col/* "$W"/bag/data/* > /dev/null
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD); $(nproc) cores;$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# 128 files, $(du -sb "$W/col" | cut -f1) bytes; $GONGKAI"

# timed NAME COMMAND…: appends "NAME wall cpu" to $W/times (CPU: user + sys of the
# command and its children).
timed() {
  local name=$1 t
  shift
  t=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  echo "$name $t" | awk '{ printf "%s %.3f %.3f\n", $1, $2, $3 + $4 }' >> "$W/times"
}
seal() { "$GONGKAI" seal --year 2020 "$W/col" -o "$W/archive.zip"; }
seal_before() { "$BEFORE" seal --year 2020 "$W/col" -o "$W/archive.zip"; }
copy_sync() { cp -r "$W/col" "$W/copy" && sync; }
verify() { "$GONGKAI" verify "$W/archive.zip"; }
verify_before() { "$BEFORE" verify "$W/archive.zip"; }
validate() { "$PYTHON" -m bagit --quiet --validate --processes 2 "$W/bag"; }
# Nothing of the run before is left to write back during the next.
settle() { rm -rf "$W/archive.zip" "$W/copy"; sync; }

: > "$W/times"
for r in $(seq 1 "$RUNS"); do
  settle; timed seal seal
  settle; timed copy copy_sync
  if [ -n "${BEFORE:-}" ]; then settle; timed before seal_before; fi
done
settle
seal > /dev/null 2>&1
sync
for r in $(seq 1 "$RUNS"); do
  timed verify verify
  timed bagit validate
  if [ -n "${BEFORE:-}" ]; then timed vbefore verify_before; fi
done

awk -v runs="$RUNS" '
  { n[$1]++; wall[$1, n[$1]] = $2; cpu[$1, n[$1]] = $3 }
  function median(a, k,   i, j, t, v) {
    for (i = 1; i <= runs; i++) v[i] = a[k, i]
    for (i = 1; i <= runs; i++) for (j = i + 1; j <= runs; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return runs % 2 ? v[(runs + 1) / 2] : (v[runs / 2] + v[runs / 2 + 1]) / 2
  }
  function pair(a, b, what,   i, worst_w, worst_c, rw, rc) {
    printf "\n%-8s %-26s %-26s %s\n", "run", a " wall / CPU (s)", b " wall / CPU (s)", what
    worst_w = 0; worst_c = 0
    for (i = 1; i <= runs; i++) {
      rw = wall[a, i] / wall[b, i]; rc = cpu[a, i] / cpu[b, i]
      if (rw > worst_w) worst_w = rw
      if (rc > worst_c) worst_c = rc
      printf "%-8d %7.3f / %-16.3f %7.3f / %-16.3f %.2fx wall, %.2fx CPU\n", i, wall[a, i], cpu[a, i], wall[b, i], cpu[b, i], rw, rc
    }
    printf "%-8s %7.3f / %-16.3f %7.3f / %-16.3f %.2fx wall, %.2fx CPU\n", "median", median(wall, a), median(cpu, a), median(wall, b), median(cpu, b), median(wall, a) / median(wall, b), median(cpu, a) / median(cpu, b)
    printf "%-8s %51s %.2fx wall, %.2fx CPU\n", "worst", "", worst_w, worst_c
  }
  END {
    pair("seal", "copy", "seal / (cp -r + sync)")
    if (n["before"]) pair("before", "copy", "BEFORE seal / (cp -r + sync)")
    pair("verify", "bagit", "verify / bagit --validate")
    if (n["vbefore"]) pair("vbefore", "bagit", "BEFORE verify / bagit --validate")
    printf "\nbagit --validate / verify (medians): %.2fx wall, %.2fx CPU\n", median(wall, "bagit") / median(wall, "verify"), median(cpu, "bagit") / median(cpu, "verify")
    if (n["vbefore"]) printf "bagit --validate / BEFORE verify (medians): %.2fx wall, %.2fx CPU\n", median(wall, "bagit") / median(wall, "vbefore"), median(cpu, "bagit") / median(cpu, "vbefore")
  }' "$W/times"
