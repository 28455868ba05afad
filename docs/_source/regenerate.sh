#!/usr/bin/env bash
# Regenerate docs/*.md from the templates in this folder: every "@@RUN dir :: cmd@@"
# line is replaced by the command and its real output, every ```gvr snippet is checked
# and every link resolved.  Needs `govinfo-rules` on PATH (an install of this checkout).
#
# The templates were written with absolute paths (/tmp/doc for this folder, /work/main
# for the repository, /tmp/dev/bin for the tools); this script runs them on a copy in
# which those paths point at the real places.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$src/../.." && pwd)
tool=$(command -v govinfo-rules) || { echo "govinfo-rules is not on PATH: pip install -e . first" >&2; exit 1; }
work=$(mktemp -d /tmp/govinfo-docs.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
bindir=$(dirname "$tool")
grep -rlZ -e '/tmp/doc' -e '/work/main' -e '/tmp/dev/bin' "$work" | xargs -0 sed -i \
  -e "s#/tmp/dev/bin#$bindir#g" -e "s#/work/main#$repo#g" -e "s#/tmp/doc#$work#g"
bash "$work/build.sh"
