#!/usr/bin/env bash
# Regenerate docs/*.md from the templates in this folder (docs/_source/*.md.in): every
# "@@RUN dir :: cmd@@" marker becomes the command and its real output, every ```gvr
# block is checked and every link resolved (docrun.py); then the error catalogue
# (errors.py, from errors.toml).  Needs govinfo-rules installed from this checkout
# (`pip install -e .`); tests/test_docs.py fails when a page is not what this writes.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
if ! "$python" -c 'import govinfo_rules' 2>/dev/null; then
  echo "govinfo_rules is not importable by $python: pip install -e . first (or set PYTHON)" >&2
  exit 1
fi
"$python" "$src/docrun.py"
if [ -f "$src/errors.py" ]; then
  "$python" "$src/errors.py"
fi
