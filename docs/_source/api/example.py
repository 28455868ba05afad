from govinfo_rules import RecordError, load_ruleset

ruleset = load_ruleset("wenzhou")  # a bundled name, or the path of a .gvr file
print(ruleset.summary())

adopted = [{"level": "市委市政府", "action": "采用"}, {"level": "省委省政府", "action": "采用"}]
records = [
    {
        "id": "W-1",
        "unit": "医务科",
        "authors": ["陈静"],
        "submitted_on": "2024-05-10",
        "kind": "专报",
        "qualified": True,
        "adoptions": adopted,
    },
    {
        "id": "W-2",
        "unit": "护理部",
        "authors": ["林晓燕"],
        "submitted_on": "2024-06-03",
        "kind": "快报",
        "qualified": True,
        "adoptions": [],
    },
]
report = ruleset.evaluate(records, as_of="2024-12-31", period="2024")

result = report.record("W-1")
print(result.points, result.yuan)  # Decimal values
for line in result.trace:
    print(f"  {line.rule} → {line.unit}: {line.points} pts, ¥{line.yuan}  § {line.source}")
for unit in report.units:
    print(unit.rank, unit.unit, unit.points)

bad = {"id": "W-3", "unit": "医务科", "authors": [], "submitted_on": "2024-13-01", "kind": "简报"}
try:
    ruleset.validate([bad])
except RecordError as err:
    for problem in err.problems:
        print(problem.record_id, problem.field, problem.message)
