#!/bin/sh
# The command-line chain the benchmark compares clearleaf with: one document,
# four formats, four pandoc runs (the PDF through WeasyPrint).
#
# Usage: PANDOC=/path/to/pandoc sh bench/chain.sh SOURCE.md OUT_DIR
# (or OUT_DIR in the environment as OUT, for `xargs -n 1`).
# WeasyPrint must be on PATH. Pandoc runs in the source's folder, so that
# images next to the source are found, as clearleaf finds them.
set -eu
src=$1
out=${2:-$OUT}
stem=$(basename "$src" .md)
cd "$(dirname "$src")"
name=$(basename "$src")
"$PANDOC" -s "$name" -o "$out/$stem.html"
"$PANDOC" "$name" -o "$out/$stem.epub"
"$PANDOC" -t plain "$name" -o "$out/$stem.txt"
"$PANDOC" --pdf-engine=weasyprint "$name" -o "$out/$stem.pdf"
