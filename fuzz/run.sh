#!/bin/sh
# Runs one fuzz target for a while and prints its numbers:
#
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags…]
#
# Builds with `cargo fuzz` on stable Rust (RUSTC_BOOTSTRAP=1 lets stable take the nightly
# flags cargo-fuzz passes), makes the seed corpora if they are missing, runs libFuzzer with
# the project's limits (2 GiB RSS, 10 s per input, the target's dictionary) on ONE core, and
# keeps the log in fuzz/logs/TARGET.log. Crashes land in fuzz/artifacts/TARGET/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [libFuzzer flags...]}
seconds=${2:-600}
shift
[ $# -gt 0 ] && shift
cd "$here"

case $target in
    text) dict=report.dict ;;
    html) dict=html.dict ;;
    pdf) dict=pdf.dict ;;
    docx) dict=office.dict ;;
    ofd) dict=ofd.dict ;;
    sniff_extract) dict=html.dict ;;
    image) dict=image.dict ;;
    xml_read) dict=xml.dict ;;
    verify) dict=verify.dict ;;
    verify_tags) dict=verify.dict ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
esac

# The image seeds need Pillow: PYTHON names a python that has it (default python3).
[ -d corpus/$target ] || "${PYTHON:-python3}" make_seeds.py
mkdir -p logs
export RUSTC_BOOTSTRAP=1
# The verifier hashes on rayon's pool: one thread, so one fuzzer uses one core.
export RAYON_NUM_THREADS=1
cargo fuzz build -O -a -s none "$target"
status=0
cargo fuzz run -O -a -s none "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -dict="dict/$dict" -print_final_stats=1 "$@" >"logs/$target.log" 2>&1 || status=$?
tail -n 40 "logs/$target.log"
echo "--- $target:"
grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|stat::new_units_added)' "logs/$target.log" || true
ls artifacts/"$target" 2>/dev/null || true
exit $status
