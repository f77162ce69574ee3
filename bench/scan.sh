#!/bin/sh
# CPU seconds of `gongkai extract` on scans (issue 14), per page, next to Tesseract reading
# the same page whole (`tesseract page.png - -l chi_sim tsv`), one thread each
# (OMP_THREAD_LIMIT=1, as gongkai runs it). From the project root, ../shared beside it,
# after `cargo build --release`. Accuracy: bench/score_scans.py.
set -eu
BIN=${BIN:-target/release/gongkai}
SCAN=../shared/corpus/001_huaian_hongze_2023_scan.pdf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpu() { # command… → user+sys seconds (children included)
    /usr/bin/time -f '%U %S' -o "$tmp/t" "$@" >/dev/null 2>&1
    awk '{ printf "%.2f", $1 + $2 }' "$tmp/t"
}
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
export OMP_THREAD_LIMIT=1
printf '%-34s %5s %10s %10s\n' input pages "cpu s" "s/page"
for f in tests/data/scans/*.pdf tests/data/scans/*.png tests/data/scans/*.jpg \
         tests/data/scans/*.tif tests/data/scans/shanghai-2019-portal/page.html "$SCAN"; do
    case $f in
        *.pdf) n=$(pages "$f") ;;
        *.tif) n=$(tiffinfo "$f" 2>/dev/null | grep -c 'TIFF Directory') ;;
        *.html) n=$(ls "$(dirname "$f")"/page_files/table-*.png | wc -l) ;;
        *) n=1 ;;
    esac
    t=$(cpu "$BIN" extract "$f")
    printf '%-34s %5s %10s %10.2f\n' "$(basename "$f")" "$n" "$t" "$(echo "$t / $n" | bc -l)"
done
# One page (page 3 of the corpus scan: t2's end and t3's start), 200 dpi gray.
pdftoppm -r 200 -gray -f 3 -l 3 -png "$SCAN" "$tmp/page"
page=$(ls "$tmp"/page*.png)
echo "page 3 of the corpus scan as a PNG (200 dpi gray):"
echo "  gongkai extract:                     $(cpu "$BIN" extract "$page") s"
echo "  tesseract page.png - -l chi_sim tsv: $(cpu tesseract "$page" - -l chi_sim tsv) s"
