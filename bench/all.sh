#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, in order, on this machine. Not part of CI; installs
# what it compares against (pandas, lxml, pdfplumber, poppler-utils, bagit) itself.
# Usage: bash bench/all.sh 2>&1 | tee bench-results.txt
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u +%F) $(git rev-parse --short HEAD); $(nproc) cores;$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
python3 -c 'import bagit' 2>/dev/null || python3 -m pip install -q bagit
echo "## in-process extraction per golden input (cargo bench --bench extract)"
cargo bench -q --bench extract 2>/dev/null
echo "## text and HTML through convert -j1, next to pandas.read_html"
python3 bench/throughput.py
echo "## PDF per page, next to pdftotext -layout and pdfplumber"
python3 bench/pdf.py
echo "## start-up: extract of a 7-byte text, next to pdftotext -v and true"
python3 bench/startup.py
echo "## OFD per page, next to the PDF of the same report"
python3 bench/ofd.py
echo "## seal and verify, next to sha256sum and bagit-python"
cargo bench -q --bench archive 2>/dev/null
bash bench/archive.sh
echo "## seal against cp -r + sync, verify against bagit-python --validate (issue 18)"
bash bench/seal_copy.sh
echo "## convert of a 10,000-file crawl"
python3 bench/crawl.py
echo "## hostile inputs at the default limits"
python3 bench/hostile.py
