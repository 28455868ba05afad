"""Every relative link of docs/*.md points at a file that exists and, with #anchor, a heading (GitHub slugs)."""
import os, re, sys
D = '/work/main/docs'
def slugs(path):
    out, seen = set(), {}
    text = re.sub(r'```.*?```', '', open(path).read(), flags=re.S)
    for m in re.finditer(r'^#{1,6} (.+)$', text, re.M):
        s = re.sub(r'[^\w\- ]', '', m.group(1).strip().lower()).replace(' ', '-')
        n = seen.get(s, 0); seen[s] = n + 1
        out.add(s if n == 0 else f'{s}-{n}')
    return out
bad = 0
for name in sorted(os.listdir(D)):
    if not name.endswith('.md'):
        continue
    path = os.path.join(D, name)
    text = re.sub(r'```.*?```', '', open(path).read(), flags=re.S)
    for m in re.finditer(r'\]\(([^)\s]+)\)', text):
        target = m.group(1)
        if target.startswith('http'):
            continue
        file, _, anchor = target.partition('#')
        fpath = os.path.normpath(os.path.join(D, file)) if file else path
        if not os.path.exists(fpath):
            print(f'{name}: missing file {target}'); bad += 1; continue
        if anchor and fpath.endswith('.md') and anchor not in slugs(fpath):
            print(f'{name}: missing anchor {target}'); bad += 1
sys.exit(1 if bad else 0)
