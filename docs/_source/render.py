"""Replace @@RUN cwd :: command@@ lines in a template with the real command and output."""
import os, re, subprocess, sys
env = dict(os.environ, PATH='/tmp/dev/bin:' + os.environ['PATH'])
def run(m):
    cwd, cmd = m.group(1).strip(), m.group(2).strip()
    show_rc = cmd.endswith(' ;rc')
    if show_rc:
        cmd = cmd[:-4]
    r = subprocess.run(['bash', '-c', cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = f'$ {cmd}\n' + r.stdout
    if not out.endswith('\n'):
        out += '\n'
    if show_rc:
        out += f'$ echo $?\n{r.returncode}\n'
    return out.rstrip('\n')
src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
text = re.sub(r'@@RUN (.*?) :: (.*?)@@', run, text)
# @@FILE path@@: the file's text as it is (a ruleset shown in a ```gvr block stays the file that runs)
text = re.sub(r'@@FILE (.*?)@@', lambda m: open(m.group(1).strip()).read().rstrip('\n'), text)
open(dst, 'w').write(text)
