#!/usr/bin/env bash
# An archive of a province's year, shrunk to fit this machine: 200,000 files (default) of
# 2 GiB in all (default; a real year is 10 GB or more — pass e.g. `200000 10240` for
# that, and have twice its size free on disk). Seals, verifies, lists and proves it, and runs
# bagit-python's make and validate (sha256, 2 processes) on the same files; prints wall
# and CPU time and peak RSS of each (`/usr/bin/time`'s maximum resident set size, the
# figure `-v` prints). Not run in CI.
#
#   bash bench/archive_large.sh [FILES] [MiB]
#
# The files are random bytes (1 KiB to twice the mean), each starting with a NUL byte so
# extract refuses it at once: this measures the archive, not extraction. Everything is
# read once first, so every tool reads from the page cache.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-200000}
MIB=${2:-2048}
cargo build --release --quiet
G=$PWD/target/release/gongkai
W=$(mktemp -d "${TMPDIR:-/tmp}/gongkai-large.XXXXXX")
trap 'rm -rf "$W"' EXIT
python3 - "$W/col" "$FILES" "$MIB" <<'PY'
import os, random, sys
root, files, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(17)
mean = mib * 2**20 // files
for i in range(files):
    folder = os.path.join(root, "%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(folder)
    size = rng.randint(1024, max(1024, 2 * mean - 1024))
    with open(os.path.join(folder, "%06d.pdf" % i), "wb") as f:
        f.write(b"\0" + rng.randbytes(size - 1))
PY
warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
warm "$W/col"
BYTES=$(du -sb --apparent-size "$W/col" | cut -f1)
echo "collection: $FILES files, $BYTES bytes; $(nproc) cores;$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# measure NAME COMMAND…: wall s, CPU s (user + sys), peak RSS; stops on a failed command.
measure() {
  local name=$1 out
  shift
  if ! /usr/bin/time -f '%e %U %S %M' "$@" > /dev/null 2> "$W/err"; then
    echo "$name: FAILED"; tail -5 "$W/err"; exit 1
  fi
  out=$(tail -1 "$W/err")
  awk -v n="$name" -v t="$out" -v b="$BYTES" 'BEGIN {
    split(t, a, " "); cpu = a[2] + a[3];
    printf "%-48s %7.2f s wall %7.2f s CPU %7.0f MB/CPU-s %6.0f MiB peak RSS\n", n, a[1], cpu, b / cpu / 1e6, a[4] / 1024 }'
}

A=$W/archive.zip
measure "gongkai seal" "$G" seal --year 2020 "$W/col" -o "$A"
cat "$A" > /dev/null
measure "gongkai verify" "$G" verify "$A"
measure "gongkai verify --json" "$G" verify --json "$A"
measure "gongkai list" "$G" list "$A"
MIDDLE=$(printf 'originals/%03d/%06d.pdf' $((FILES / 2 / 1000)) $((FILES / 2)))
measure "gongkai prove" "$G" prove "$A" "$MIDDLE" -o "$W/proof.json"
measure "gongkai verify-proof --archive" "$G" verify-proof "$W/proof.json" --archive "$A"
ls -l "$A" | awk '{print "archive bytes: " $5}'
rm "$A"

if python3 -c 'import bagit' 2>/dev/null; then
  # The collection becomes the bag (bagit-python moves the files into data/): it is not
  # needed any more, and a copy would take its size again on disk.
  mv "$W/col" "$W/bag"
  warm "$W/bag"
  measure "bagit-python make bag (sha256, 2 processes)" python3 -m bagit --quiet --sha256 --processes 2 "$W/bag"
  measure "bagit-python --validate (2 processes)" python3 -m bagit --quiet --validate --processes 2 "$W/bag"
else
  echo "bagit-python not installed (pip install bagit; scripts/test puts it in .venv): skipped"
fi
