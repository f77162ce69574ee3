#!/usr/bin/env bash
# Seal and verify throughput on ~500 MB, next to sha256sum and bagit-python on the same
# files. Not run in CI. Usage: bash bench/archive.sh [MiB] (default 512)
#
# The collection: 4 MiB binary files (like PDFs; extract refuses them at once, so this
# measures archiving, not extraction) plus 200 copies of real text reports (extracted).
# Files are read once first, so every tool reads from the page cache.
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-512}
cargo build --release --quiet
G=$PWD/target/release/gongkai
W=$(mktemp -d /tmp/gongkai-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/col/pdf" "$W/col/text"
for i in $(seq 1 $((MIB / 4))); do
  head -c $((4 << 20)) /dev/urandom > "$W/col/pdf/$(printf '%04d' "$i").pdf"
done
n=0
for f in golden/*/input.*; do
  for k in $(seq 1 13); do
    n=$((n + 1))
    [ $n -le 200 ] || break 2
    { cat "$f"; printf '\n%s\n' "$k"; } > "$W/col/text/$n.txt"
  done
done
cat "$W"/col/*/* > /dev/null
sync
BYTES=$(du -sb "$W/col" | cut -f1)
FILES=$(find "$W/col" -type f | wc -l)
echo "collection: $FILES files, $BYTES bytes; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# measure NAME COMMAND…: wall seconds, wall MB/s, and MB per CPU-second (user + sys), which
# is what one core sustains whatever else the machine is doing.
measure() {
  local name=$1 t
  shift
  t=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk -v n="$name" -v t="$t" -v b="$BYTES" 'BEGIN {
    split(t, a, " "); cpu = a[2] + a[3];
    printf "%-46s %6.2f s wall %6.0f MB/s   %6.2f s CPU %6.0f MB/CPU-s\n", n, a[1], b / a[1] / 1e6, cpu, b / cpu / 1e6 }'
}
hash_all() { (cd "$W/col" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
hash_two() { (cd "$W/col" && find . -type f -print0 | xargs -0 -P2 -n 16 sha256sum); }

measure "sha256sum (one process)" hash_all
measure "sha256sum (two processes)" hash_two
copy_sync() { cat "$W"/col/pdf/* > "$W/copy"; sync "$W/copy"; rm "$W/copy"; }
measure "baseline: cat binary files > one file; sync" copy_sync
measure "gongkai seal, binary files only" "$G" seal --year 2020 "$W/col/pdf" -o "$W/pdf.zip"
measure "gongkai seal, binary files only (again)" "$G" seal --force --year 2020 "$W/col/pdf" -o "$W/pdf.zip"
measure "gongkai seal, all (with 200 extractions)" "$G" seal --year 2020 "$W/col" -o "$W/archive.zip"
measure "gongkai verify" "$G" verify "$W/archive.zip"
measure "gongkai verify (again)" "$G" verify "$W/archive.zip"

if python3 -c 'import bagit' 2>/dev/null; then
  cp -r "$W/col" "$W/bag"
  cat "$W"/bag/*/* > /dev/null
  measure "bagit-python make bag (sha256, 2 processes)" python3 -m bagit --quiet --sha256 --processes 2 "$W/bag"
  measure "bagit-python --validate (2 processes)" python3 -m bagit --quiet --validate --processes 2 "$W/bag"
  measure "bagit-python --validate (1 process)" python3 -m bagit --quiet --validate "$W/bag"
else
  echo "bagit-python not installed (pip install bagit): skipped"
fi
ls -l "$W/archive.zip" | awk '{print "archive bytes: " $5}'
