"""Check every ```gvr block of the docs with `govinfo-rules check`.

A block whose first line is `# ✗` must be rejected (exit 1); every other one accepted.
```gvr dir=NAME checks the block as a file in /tmp/doc/NAME, so that a data table it
reads (`table T from "x.csv"`) is found beside it."""
import os, re, subprocess, sys
bad = 0
for path in sys.argv[1:]:
    text = open(path).read()
    for n, m in enumerate(re.finditer(r'```gvr(?: dir=(\S+))?\n(.*?)```', text, re.S)):
        where, body = m.group(1), m.group(2)
        target = os.path.join('/tmp/doc', where, '_snippet.gvr') if where else '/tmp/x.gvr'
        open(target, 'w').write(body)
        r = subprocess.run(['/tmp/dev/bin/govinfo-rules', 'check', target], capture_output=True, text=True)
        if where:
            os.remove(target)
        expect_fail = body.startswith('# ✗')
        ok = (r.returncode == 1) if expect_fail else (r.returncode == 0)
        line = text[:m.start()].count('\n') + 1
        print(f"{path}:{line}: {'OK ' if ok else 'BAD'} rc={r.returncode} {r.stdout.strip()}")
        if not ok:
            bad += 1
            print(r.stderr)
    left = re.findall(r'```gvr[^\n]+', text)
    for info in left:
        if not re.fullmatch(r'```gvr dir=\S+', info):
            bad += 1
            print(f"{path}: BAD unknown gvr fence {info!r}")
sys.exit(1 if bad else 0)
