set -e
cd /tmp/doc
rm -f cli/scores.txt
python3 render.py language.md.in /work/main/docs/language.md
python3 gen_rejects.py
python3 render.py interpretations.md.in /work/main/docs/interpretations.md
python3 render.py wenzhou.md.in /work/main/docs/wenzhou.md
python3 render.py ganzhou.md.in /work/main/docs/ganzhou.md
python3 render.py wanren.md.in /work/main/docs/wanren.md
python3 render.py cli.md.in /work/main/docs/cli.md
python3 render.py index.md.in /work/main/docs/index.md
rm -f cli/scores.txt
grep -n '@@RUN' /work/main/docs/*.md && exit 1 || true
grep -n '/tmp' /work/main/docs/*.md && exit 1 || true
python3 check_snippets.py /work/main/docs/*.md | grep -v ' OK ' || true
python3 check_links.py
python3 check_snippets.py /work/main/docs/*.md > /dev/null || { echo 'BAD snippets'; exit 1; }
echo built
