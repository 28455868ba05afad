import subprocess, os
os.chdir('/tmp/doc/bad')
G = '/tmp/dev/bin/govinfo-rules'
def out(f):
    r = subprocess.run([G, 'check', f + '.gvr'], capture_output=True, text=True)
    assert r.returncode == 1, (f, r.returncode, r.stdout, r.stderr)
    return r.stderr.rstrip('\n')
def block(files):
    return '```text\n' + '\n'.join(out(f) for f in files) + '\n```\n'
parts = []
parts.append('''## What the checker rejects

`govinfo-rules check RULESET` (and every command that loads a ruleset) parses and
type-checks the whole file before any record is read. A syntax error stops at the
first mistake; every other problem is collected, so one run lists them all. Each is
reported as `FILE:LINE:COL: error: MESSAGE`, followed by the line and a caret under the
offending text, and the exit status is 1. For example, a ruleset with three mistakes:

```gvr
''' + open('/tmp/doc/cli/typos.gvr').read() + '''```

```text
$ govinfo-rules check typos.gvr
''' )
r = subprocess.run([G, 'check', '/tmp/doc/cli/typos.gvr'], capture_output=True, text=True, cwd='/tmp/doc/cli')
# run with relative name for clean output
r = subprocess.run([G, 'check', 'typos.gvr'], capture_output=True, text=True, cwd='/tmp/doc/cli')
assert r.returncode == 1
parts.append(r.stderr.rstrip('\n') + '\n$ echo $?\n1\n```\n')
parts.append('''
The examples below are real output of `govinfo-rules check` on small test files, one
per kind of mistake; the quoted line shows the mistake.

### Syntax

The parser stops at the first syntax error. Common mistakes get a message of their own:

''')
parts.append(block(['no_pts', 'single_eq', 'no_arrow', 'chain', 'fullwidth', 'unterminated', 'missing_brace', 'semicolon', 'escape']))
parts.append('''
`a < b < c` is not allowed (write `a < b and b < c`); the parser says so at the
second comparison operator, as above.

### Unknown names

Every name is resolved when the ruleset loads; a misspelt one gets the closest known
name as a suggestion:

''')
parts.append(block(['unknown_name', 'where_names', 'unknown_type', 'attr_bad', 'placeholder', 'func_unknown', 'score_unknown', 'of_unknown', 'dated_unknown', 'require_at']))
parts.append('''
### Enum values

A label that is not a value of the enum, bare or quoted
(the label may stand on either side of `==`):

''')
parts.append(block(['unknown_enum', 'unknown_enum_q']))
parts.append('''
### Types

''')
parts.append(block(['cmp_types', 'order_enum', 'not_bool', 'cmp_null', 'in_nonconst', 'amount_bad', 'days_dec', 'minmax_text', 'default_bad', 'param_bad', 'dated_type', 'score_to', 'over_bad', 'in_list']))
parts.append('''
### Functions

''')
parts.append(block(['any_nowhere', 'any_notlist', 'sum_bad', 'minmax']))
parts.append('''
`sum` adds numbers only, and `it` names the item of a list of plain values only: in a
list of structs, name the item's fields (`role == 班子成员`). An error inside an
expression can be followed by a follow-on error about the expression around it, as in
the last example: fix the first one.

### Rules, groups and amounts

A rule whose condition asks one field to equal two different values can never fire,
and is rejected:

''')
parts.append(block(['contradiction', 'combine', 'amount_twice']))
parts.append('''
### Budgets, bounds, ranking and tiers

A declared `max` that a record could exceed, or that nothing bounds, is shown
[with the limits](#budgets-and-bounds-start-floor-cap-max). A `floor` above the `cap`,
`start` on a `total`, and a limit given twice:

''')
parts.append(block(['limits_bad', 'limit_twice']))
parts.append('''
A tier list needs exactly one tier without a percentage, and percentages of 100 % at
most; `ties better` is the only tie policy; a record type is in one ranking group at
most, and must be a declared record type; `ranking` needs `tiers`, and there is one
`tiers`:

''')
parts.append(block(['tiers_rest', 'tiers_sum', 'tiers_ties', 'ranking_twice', 'ranking_unknown', 'ranking_notiers', 'tiers_twice']))
parts.append('''
The `exempt` condition is checked against every record type of the ranking groups.
Below, `处室` has no `satisfied_years`; for that type the name is no field, so
`in satisfied_years` is read as the membership of a table, and reported as an unknown
table:

''')
parts.append(block(['exempt_field']))
parts.append('''
### Awards

''')
parts.append(block(['award_rank', 'award_measure', 'award_scope', 'award_tie', 'several']))
parts.append('''
### Tables, lets, periods and per-unit blocks

An unknown table, a key of an inline table that is not a label of the enum it is read
with (the caret is on the key), a table read with a key of the wrong type, a `let`
that reuses a name, branches of different types, a `scale` or a `due` or `shortfall`
of the wrong type, a `show` of a name that is neither a let nor a name of the unit's
scope, `units from` an inline table, an unknown default period, a `period by` that is
not a date:

''')
parts.append(block(['unknown_table', 'table_label', 'table_key_csv', 'table_key_num', 'table_dup_key', 'let_twice', 'if_branches', 'scale_bool', 'remind_due', 'show_unknown', 'units_inline', 'period_default', 'period_by']))
parts.append('''
An inline table read with a number reports every key that is not a number, at the
key, as above: the lookup that reads it (`报送期限[revisions]` on line 9) is not
marked, so look for the table's uses. A wrong `units from` is reported at the `ruleset`
line.

A CSV table is read when the ruleset loads. A missing file is reported at the table; a
cell that does not fit its field's type, or a key listed twice, at the line and column
of the CSV file — here `tasks_bad.csv` has `三` for a monthly task, and `tasks_dup.csv`
lists `安远县人民医院` twice (once with a space):

```text
$ cat tasks_bad.csv
''' + open('/tmp/doc/bad/tasks_bad.csv').read() + '''$ cat tasks_dup.csv
''' + open('/tmp/doc/bad/tasks_dup.csv').read() + '''```

''')
parts.append(block(['csv_missing', 'csv_cell', 'csv_dup']))
parts.append('''
### Duplicates

''')
parts.append(block(['type_twice', 'enum_dup', 'field_twice', 'param_twice', 'record_twice', 'group_twice', 'rule_twice', 'no_record']))
parts.append('''
### Parameter overrides

An override (`--param NAME=VALUE` or `overrides=`) of an unknown parameter, or with a
value that does not fit the parameter's type:

```text
$ govinfo-rules check wenzhou --param 报送时限天数=ten
''')
r = subprocess.run([G, 'check', 'wenzhou', '--param', '报送时限天数=ten'], capture_output=True, text=True, cwd='/work/main')
assert r.returncode == 1
parts.append(r.stderr.rstrip('\n') + '\n```\n')
md = ''.join(parts)
p = '/work/main/docs/language.md'
s = open(p).read()
open(p, 'w').write(s.replace('@@REJECTS@@\n', md))
