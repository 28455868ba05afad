"""The printable HTML report (`render_html`): its DOM read with the standard library,
then the page rendered by headless Chromium (screenshot, DOM, PDF).

Every expected value comes from the report itself or from its JSON text, which is the
contract's form of the figures: the HTML must show them exactly as the JSON prints them.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from browser import SKIP_MESSAGE, Chromium, find_chromium, pdf_media_boxes, pdf_page_count
from govinfo_rules import compile_ruleset, load_ruleset
from govinfo_rules.html_report import BAR_COLOUR, NEGATIVE_COLOUR, render_html
from govinfo_rules.report import Rejected, Report
from govinfo_rules.ruleset import Ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"

# The example ledgers with the as-of date and period their other tests use.
CASES = {
    "wenzhou": ("wenzhou-2024.jsonl", "2024-12-31", "2024"),
    "ganzhou": ("ganzhou-2020-Q3.jsonl", "2020-09-30", "2020-Q3"),
    "wanren": ("wanren-2024.jsonl", "2024-12-31", "2024"),
}


# --- a small DOM, built with html.parser ----------------------------------------------------

VOID = {"meta", "br", "col", "img", "input", "link", "hr", "area", "base", "source", "wbr"}
SVG_VOID = {"rect", "line"}  # written self-closed in the report's SVG


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None
    ids: dict[str, Node] | None = field(default=None, repr=False)  # built by by_id, on first use

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())]

    def find(self, tag: str, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]

    def by_id(self, ident: str) -> Node | None:
        if self.ids is None:
            self.ids = {}
            for node in self.iter():
                self.ids.setdefault(node.attrs.get("id", ""), node)
        return self.ids.get(ident)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def cells(self) -> list[str]:
        return [c.text for c in self.children if isinstance(c, Node) and c.tag in ("td", "th")]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


# --- the reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    ruleset: Ruleset
    report: Report
    data: dict  # the report's JSON, as `score --format json` writes it
    html: str

    @property
    def dom(self) -> Node:
        """The parsed page, parsed once (the tests only read it)."""
        if self.html not in _DOMS:
            _DOMS[self.html] = parse(self.html)
        return _DOMS[self.html]


_DOMS: dict[str, Node] = {}


_CACHE: dict[str, Case] = {}


def case(name: str) -> Case:
    if name not in _CACHE:
        ledger, as_of, period = CASES[name]
        ruleset = load_ruleset(name)
        read = ruleset.read(EXAMPLES / ledger)
        assert not read.problems
        report = ruleset.evaluate_validated(read.records, as_of=as_of, period=period, warnings=read.warnings)
        data = json.loads(report.to_json_text())
        _CACHE[name] = Case(name, ruleset, report, data, render_html(report, ruleset))
    return _CACHE[name]


@pytest.fixture(params=sorted(CASES))
def example(request: pytest.FixtureRequest) -> Case:
    return case(request.param)


def section(dom: Node, ident: str) -> Node:
    found = dom.by_id(ident)
    assert found is not None, f"no section #{ident}"
    return found


def body_rows(table: Node) -> list[Node]:
    return [tr for body in table.find_all("tbody") for tr in body.find_all("tr")]


# --- the DOM, ruleset by ruleset ------------------------------------------------------------------


def test_the_header_names_the_ruleset_the_period_and_the_as_of_date(example: Case) -> None:
    header = example.dom.find("header")
    assert header.find("h1").text == example.report.title
    facts = dict(zip((n.text for n in header.find_all("dt")), (n.text for n in header.find_all("dd")), strict=True))
    assert facts["规则集"] == f"{example.data['ruleset']['name']} {example.data['ruleset']['version']}"
    assert facts["考核期间"] == example.data["period"]
    assert facts["截止日期"] == example.data["as_of"]
    assert facts["依据文件"] == example.ruleset.program.source
    assert facts["计分记录"] == f"{sum(1 for r in example.report.records if r.counted)} 条"


def test_the_ranking_has_one_row_per_unit_in_order_with_the_json_figures(example: Case) -> None:
    table = section(example.dom, "ranking").find("table", "ranking")
    headers = table.find("thead").find("tr").cells()
    rows = body_rows(table)
    units = example.data["units"]
    assert [r.attrs["data-unit"] for r in rows] == [u["unit"] for u in units]
    for row, unit in zip(rows, units, strict=True):
        cells = dict(zip(headers, row.cells(), strict=True))
        assert cells["单位"] == unit["unit"]
        assert cells["名次"] == ("—" if unit["rank"] is None else str(unit["rank"]))
        assert cells["得分"] == unit["points"]
        assert cells["奖金（元）"] == unit["yuan"]
        if any(u["tier"] for u in units):
            assert cells["等次"] == (unit["tier"] or "")
        if "group" in unit:
            assert cells["组别"] == unit["group"]
        for name, _ in example.report.unit(unit["unit"]).columns:
            assert cells[name] == ("—" if unit[name] is None else unit[name]), name
    assert [example.report.unit(r.attrs["data-unit"]).records for r in rows] == [
        int(dict(zip(headers, r.cells(), strict=True))["记录数"]) for r in rows
    ]


def _bars(dom: Node) -> list[Node]:
    return [r for svg in section(dom, "chart").find_all("svg") for r in svg.find_all("rect", "bar")]


def _d(node: Node, name: str) -> Decimal:
    return Decimal(node.attrs[name])


def test_the_chart_has_one_bar_per_unit_with_a_width_proportional_to_its_points(example: Case) -> None:
    bars = _bars(example.dom)
    units = example.data["units"]
    assert [b.attrs["data-unit"] for b in bars] == [u["unit"] for u in units]
    assert [b.attrs["data-points"] for b in bars] == [u["points"] for u in units]
    points = [Decimal(u["points"]) for u in units]
    widths = [_d(b, "width") for b in bars]
    largest = max(range(len(points)), key=lambda i: abs(points[i]))
    per_point = widths[largest] / abs(points[largest])
    assert per_point > 0
    for p, w in zip(points, widths, strict=True):
        assert abs(w - abs(p) * per_point) <= Decimal("0.02"), (p, w, per_point)


def test_bars_start_at_the_zero_axis_negative_ones_to_its_left() -> None:
    ganzhou = case("ganzhou")
    assert any(u.points < 0 for u in ganzhou.report.units)  # the 赣州 ledger has deductions
    for svg in section(ganzhou.dom, "chart").find_all("svg"):
        zero = _d(svg.find("line", "axis"), "x1")
        for bar in svg.find_all("rect", "bar"):
            negative = Decimal(bar.attrs["data-points"]) < 0
            assert ("neg" in bar.attrs["class"].split()) == negative
            if negative:
                assert abs(_d(bar, "x") + _d(bar, "width") - zero) <= Decimal("0.01")
            else:
                assert _d(bar, "x") == zero


def test_equal_points_give_equal_bars(example: Case) -> None:
    by_points: dict[str, list[str]] = {}
    for bar in _bars(example.dom):
        by_points.setdefault(bar.attrs["data-points"], []).append(bar.attrs["width"])
    assert any(len(widths) > 1 for widths in by_points.values())  # every example ledger has ties
    assert all(len(set(widths)) == 1 for widths in by_points.values())


def test_every_chart_fits_its_view_box_with_labels_left_of_the_bars(example: Case) -> None:
    charts = section(example.dom, "chart").find_all("svg")
    for svg in charts:
        _, _, width, height = (Decimal(v) for v in svg.attrs["viewbox"].split())
        rows = svg.find_all("g", "row")
        tops = []
        for row in rows:
            bar = row.find("rect", "bar")
            label = row.find("text", "label")
            value = row.find("text", "value")
            x, y, w, h = (_d(bar, k) for k in ("x", "y", "width", "height"))
            assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
            # The label ends (text-anchor end) before the plot, and the value is beside its bar.
            assert label.attrs["text-anchor"] == "end" and _d(label, "x") < x
            assert 0 < _d(value, "x") < width
            tops.append(y)
        assert tops == sorted(tops) and len(set(tops)) == len(tops)  # no two rows overlap
        assert all(b - a >= _d(rows[0].find("rect", "bar"), "height") for a, b in itertools.pairwise(tops))
    # A long list is cut into charts that each fit a printed page, all on one scale.
    assert all(len(svg.find_all("rect", "bar")) <= 40 for svg in charts)
    groups = {u.group for u in example.report.units}
    assert len(charts) == sum(-(-sum(1 for u in example.report.units if u.group == g) // 40) for g in groups)


def test_awards_are_listed_as_the_report_gives_them(example: Case) -> None:
    dom = example.dom
    if not example.report.awards:
        assert dom.by_id("awards") is None
        return
    rows = body_rows(section(dom, "awards").find("table"))
    shown = [(c[0].split("[")[0], c[1], c[2], c[3], c[4]) for c in (r.cells() for r in rows)]
    assert shown == [
        (a["award"], str(a["rank"]), a["winner"], a["yuan"], "—" if a["measure"] is None else a["measure"])
        for a in example.data["awards"]
    ]


def test_reminders_are_listed_as_the_report_gives_them(example: Case) -> None:
    dom = example.dom
    if example.report.reminders is None:
        assert dom.by_id("reminders") is None
        return
    rows = body_rows(section(dom, "reminders").find("table"))
    assert [r.attrs["data-unit"] for r in rows] == [r["unit"] for r in example.data["reminders"]]
    for row, reminder in zip(rows, example.data["reminders"], strict=True):
        cells = row.cells()
        assert reminder["reason"] in cells
        assert reminder.get("shortfall", "—") in cells
        assert f"§ {reminder['source']}" in cells


def test_warnings_are_listed_as_the_report_gives_them(example: Case) -> None:
    rows = body_rows(section(example.dom, "warnings").find("table")) if example.report.warnings else []
    assert [r.cells()[1] for r in rows] == [w.message for w in example.report.warnings]
    for row, warning in zip(rows, example.report.warnings, strict=True):
        assert row.cells()[0] == (warning.record or warning.unit or "—")
        cite = row.find_all("td")[2]
        assert cite.text == (f"§ {warning.source}" if warning.source else "")
        assert cite.attrs.get("title", "") == "\n".join(warning.notes)


def test_tiers_count_the_units_of_each_group(example: Case) -> None:
    spec = example.ruleset.program.tiers
    if spec is None:
        assert example.dom.by_id("tiers") is None
        return
    table = section(example.dom, "tiers").find("table")
    headers = [h.split("（")[0] for h in table.find("thead").find("tr").cells()]
    for row in body_rows(table):
        group = row.attrs["data-group"]
        cells = dict(zip(headers, row.cells(), strict=True))
        members = [u for u in example.report.units if (u.group or "") == group]
        assert cells["合计"] == str(len(members))
        for tier in {u.tier for u in members}:
            assert cells[tier] == str(sum(1 for u in members if u.tier == tier))


def test_every_record_has_its_trace_and_every_rule_its_clause_in_the_footnotes(example: Case) -> None:
    dom = example.dom
    bodies = section(dom, "records").find_all("tbody", "record")
    assert [b.attrs["data-record"] for b in bodies] == [r["id"] for r in example.data["records"]]
    footnotes = {li.attrs["id"]: li for li in section(dom, "clauses").find_all("li")}
    cited = {(li.attrs["data-rule"], li.attrs["data-clause"]) for li in footnotes.values()}
    fired = [t for r in example.report.records for t in r.trace or ()]
    fired += [t for u in example.report.units for t in u.adjustments]
    assert fired
    for line in fired:
        assert (line.rule, line.source or "") in cited, line.rule
    for body, record in zip(bodies, example.data["records"], strict=True):
        paid = body.find_all("tr", "paid")
        assert [r.cells()[2] for r in paid] == [t["points"] for t in record["trace"]]
        for row, line in zip(paid, record["trace"], strict=True):
            link = row.find("a")
            note = footnotes[link.attrs["href"].removeprefix("#")]
            assert (note.attrs["data-rule"], note.attrs["data-clause"]) == (line["rule"], line["source"] or "")
            assert line["rule"] in link.attrs["title"] and f"§ {line['source']}" in link.attrs["title"]
    # Each footnote with its rule's notes, as the ruleset words them.
    for line in fired:
        notes = [
            [p.text for p in li.find_all("p", "note") if p.attrs["class"] == "note"]
            for li in footnotes.values()
            if (li.attrs["data-rule"], li.attrs["data-clause"]) == (line.rule, line.source or "")
        ]
        assert list(line.notes) in notes


def test_a_rule_footnote_carries_its_group_notes(example: Case) -> None:
    groups = {(s.record, g.name): g for s in example.ruleset.program.scores for g in s.groups}
    bodies = section(example.dom, "records").find_all("tbody", "record")
    checked = 0
    for body, record in zip(bodies, example.report.records, strict=True):
        for row, line in zip(body.find_all("tr", "paid"), record.trace or (), strict=True):
            group = groups.get((record.type, line.rule.split(".", 1)[0]))
            if group is None or not group.notes:
                continue
            note = example.dom.by_id(row.find("a").attrs["href"][1:])
            assert note is not None
            # The group's notes are printed in full once; later rules of the group point there.
            pointer = note.find_all("p", "group-ref")
            if pointer:
                note = example.dom.by_id(pointer[0].find("a").attrs["href"][1:])
                assert note is not None
            assert [p.text for p in note.find_all("p", "group")] == [f"（{group.name}组）{n}" for n in group.notes]
            checked += 1
    assert checked > 0  # every bundled ruleset words some clauses as notes on a group


def test_every_footnote_link_points_to_a_footnote(example: Case) -> None:
    dom = example.dom
    targets = [a.attrs["href"] for a in dom.find_all("a")]
    assert targets and all(t.startswith("#") for t in targets)
    assert all(dom.by_id(t[1:]) is not None for t in targets)


def test_gates_and_beaten_rules_are_shown() -> None:
    wenzhou = case("wenzhou")
    stopped = next(r for r in wenzhou.report.records if r.stopped_by)
    dropped = next(r for r in wenzhou.report.records if r.dropped)
    bodies = {b.attrs["data-record"]: b for b in section(wenzhou.dom, "records").find_all("tbody", "record")}
    assert stopped.stopped_by in bodies[stopped.id].find("tr", "status").text
    row = bodies[dropped.id].find("tr", "dropped")
    assert dropped.dropped is not None
    assert dropped.dropped[0].rule in row.text and dropped.dropped[0].beaten_by in row.text


def test_no_external_resource_and_no_script(example: Case) -> None:
    text = example.html
    assert re.search(r"https?:|ftp:|//[a-z]", text, re.IGNORECASE) is None
    for bad in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "@font-face"):
        assert bad not in text.lower(), bad
    for node in example.dom.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), name
            if name in ("href", "src", "xlink:href"):
                assert value.startswith("#"), value


def test_print_css_gives_a4_pages_repeated_headers_and_an_open_trace(example: Case) -> None:
    style = example.dom.find("style").text
    assert re.search(r"@page\s*{\s*size:\s*A4", style)
    assert "thead { display: table-header-group; }" in style
    assert "break-inside: avoid" in style
    assert "Noto Sans CJK SC" in style
    details = section(example.dom, "records").find("details")
    assert "open" in details.attrs


def test_the_same_report_gives_the_same_bytes(example: Case) -> None:
    ledger, as_of, period = CASES[example.name]
    read = example.ruleset.read(EXAMPLES / ledger)
    again = example.ruleset.evaluate_validated(
        list(reversed(read.records)), as_of=as_of, period=period, warnings=read.warnings
    )
    assert render_html(again, example.ruleset) == example.html
    stamped = render_html(example.report, example.ruleset, generated="2025-01-02 08:00")
    assert "2025-01-02 08:00" in stamped and "2025-01-02" not in example.html


def test_rejected_records_are_listed_with_their_line_and_field() -> None:
    wenzhou = case("wenzhou")
    rejected = (
        Rejected("WZ-9", "kind", "unknown value '<专报>' (expected one of 快报, 专报)", line=7, entry=7),
        Rejected(None, "id", "missing", line=9, entry=9),
    )
    report = attrs.evolve(wenzhou.report, rejected=rejected)
    dom = parse(render_html(report, wenzhou.ruleset))
    rows = [r.cells() for r in body_rows(section(dom, "rejected").find("table"))]
    assert rows == [[str(r.line), r.record or "?", r.field, r.message] for r in rejected]
    assert section(dom, "rejected").find("h2").text == f"退回的记录（{report.rejected_count}）"
    assert "退回的记录" not in wenzhou.html  # only when there are any


def test_a_report_without_traces_says_so() -> None:
    wenzhou = case("wenzhou")
    ledger, as_of, period = CASES["wenzhou"]
    read = wenzhou.ruleset.read(EXAMPLES / ledger)
    fast = wenzhou.ruleset.evaluate_validated(read.records, as_of=as_of, period=period, trace=False)
    dom = parse(render_html(fast, wenzhou.ruleset))
    statuses = [b.find("tr", "status").text for b in section(dom, "records").find_all("tbody", "record")]
    assert len(statuses) == len(fast.records)
    assert all("未记录计分过程" in s or "未通过门槛" in s for s in statuses)


# --- hostile text ---------------------------------------------------------------------------------

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&amp;\u202egpj.exe"
HOSTILE_RULESET = """\
ruleset hostile "T<script>alert(3)</script>"
source "S<img src=x onerror=alert(4)>"
record r dated d {
  unit: name
  d: date
  note: text optional
}
score r to unit {
  group g sum {
    rule "R<b>&\\"'": note != "x" => +1 pts  § <i>§</i>
      note "N<script>n</script>"
  }
  warn note != "x" "W {note}"  § 1
}
"""


def _hostile() -> tuple[str, Report]:
    ruleset = compile_ruleset(HOSTILE_RULESET)
    records = [
        {"id": PAYLOAD, "unit": PAYLOAD, "d": "2024-01-02", "note": PAYLOAD},
        {"id": "B-2", "unit": "B & <b>", "d": "2024-01-03", "note": "x"},
    ]
    report = ruleset.evaluate(records, as_of="2024-12-31")
    return render_html(report, ruleset), report


def test_user_text_is_escaped_everywhere() -> None:
    text, report = _hostile()
    dom = parse(text)
    tags = {n.tag for n in dom.iter()}
    assert not tags & {"script", "img", "b", "i"}, tags & {"script", "img", "b", "i"}
    assert all(not name.startswith("on") for n in dom.iter() for name in n.attrs)
    shown = PAYLOAD.replace("\u202e", "<U+202E>")
    assert "\u202e" not in text  # a direction override is shown, never obeyed
    # The hostile unit is text in the ranking, the chart (label and hover) and the trace.
    ranking = body_rows(section(dom, "ranking").find("table"))
    assert shown in [r.find("td", "unit").text for r in ranking]
    assert shown in [r.attrs["data-unit"] for r in ranking]
    hover = [t.text for t in section(dom, "chart").find_all("title")]
    assert any(shown in t for t in hover)
    assert any(shown.startswith(label.text.rstrip("…")) for label in section(dom, "chart").find_all("text", "label"))
    assert shown in [b.attrs["data-record"] for b in section(dom, "records").find_all("tbody", "record")]
    warning = body_rows(section(dom, "warnings").find("table"))[0].cells()
    assert warning[:2] == [shown, f"W {shown}"]
    note = section(dom, "clauses").find("li")
    assert note.attrs["data-rule"] == "g.R<b>&\"'" and note.attrs["data-clause"] == "<i>§</i>"
    assert [p.text for p in note.find_all("p", "note")] == ["N<script>n</script>"]
    assert dom.find("h1").text == "T<script>alert(3)</script>"
    assert "S<img src=x onerror=alert(4)>" in [dd.text for dd in dom.find("header").find_all("dd")]
    assert report.units  # the payload was scored, not rejected


def test_long_names_are_cut_in_the_chart_and_whole_on_hover() -> None:
    ruleset = compile_ruleset(
        "ruleset long\nrecord r { unit: name }\nscore r to unit { group g sum { rule one: true => +1 pts } }"
    )
    long_name = "温州市卫生健康委员会直属单位" * 5
    report = ruleset.evaluate([{"id": "1", "unit": long_name}, {"id": "2", "unit": "短"}], as_of="2024-12-31")
    dom = parse(render_html(report, ruleset))
    labels = {t.text for t in section(dom, "chart").find_all("text", "label")}
    cut = next(label for label in labels if label != "短")
    assert cut.endswith("…") and long_name.startswith(cut[:-1]) and len(cut) < len(long_name)
    assert any(long_name in t.text for t in section(dom, "chart").find_all("title"))
    assert [r.find("td", "unit").text for r in body_rows(section(dom, "ranking").find("table"))] == [long_name, "短"]


# --- headless Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Chromium:
    executable = find_chromium()
    if executable is None:
        pytest.skip(SKIP_MESSAGE)
    return Chromium(executable, tmp_path_factory.mktemp("chromium"))


def _page(tmp_path: Path, name: str, text: str) -> Path:
    page = tmp_path / f"{name}.html"
    page.write_text(text, encoding="utf-8")
    return page


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@pytest.mark.parametrize("name", ["wenzhou", "ganzhou"])
def test_the_screenshot_is_not_blank_and_shows_the_bars(chromium: Chromium, tmp_path: Path, name: str) -> None:
    example = case(name)
    image = chromium.screenshot(_page(tmp_path, name, example.html), tmp_path / f"{name}.png")
    assert (image.width, image.height) == (1200, 1600)
    sample = image.pixels(step=2)
    inked = sum(1 for p in sample if p != (255, 255, 255)) / len(sample)
    assert inked > 0.05, f"only {inked:.1%} of the screenshot is not white"
    assert len(set(sample)) > 50, "too few colours: no text was drawn"
    if name == "wenzhou":  # its 13 bars are above the fold: their pixels are the bar colour
        area = sum(_d(b, "width") * _d(b, "height") for b in _bars(example.dom))
        painted = image.count(_rgb(BAR_COLOUR))
        assert painted >= area / 2, f"{painted} pixels of the bar colour for bars of {area} square units"


def test_the_rendered_dom_has_the_rows(chromium: Chromium, tmp_path: Path, example: Case) -> None:
    dumped = parse(chromium.dump_dom(_page(tmp_path, example.name, example.html)))
    rows = body_rows(section(dumped, "ranking").find("table"))
    assert [r.attrs["data-unit"] for r in rows] == [u["unit"] for u in example.data["units"]]
    assert [r.cells()[-1 if example.report.units[0].tier is None else -2] for r in rows] == [
        str(u.records) for u in example.report.units
    ]
    assert len(_bars(dumped)) == len(example.report.units)
    bodies = section(dumped, "records").find_all("tbody", "record")
    assert [b.attrs["data-record"] for b in bodies] == [r.id for r in example.report.records]


def test_the_browser_builds_no_injected_element(chromium: Chromium, tmp_path: Path) -> None:
    text, _ = _hostile()
    dumped = parse(chromium.dump_dom(_page(tmp_path, "hostile", text)))
    tags = {n.tag for n in dumped.iter()}
    assert not tags & {"script", "img", "b", "i"}
    assert "alert(" not in "".join(v for n in dumped.iter() for k, v in n.attrs.items() if k.startswith("on"))


def test_it_prints_on_a4_pages(chromium: Chromium, tmp_path: Path, example: Case) -> None:
    pdf = chromium.print_pdf(_page(tmp_path, example.name, example.html), tmp_path / f"{example.name}.pdf")
    boxes = pdf_media_boxes(pdf)
    pages = pdf_page_count(pdf)
    assert boxes and len(boxes) == pages
    a4 = (Decimal("595.28"), Decimal("841.89"))  # 210 × 297 mm in points
    for width, height in boxes:
        assert abs(width - a4[0]) <= 2 and abs(height - a4[1]) <= 2, (width, height)
    # Plausible: the trace starts on a page of its own, and no page holds fewer than a
    # handful of rows (a table split row by row would need one page per row).
    trace_rows = sum(2 + len(r.trace or ()) + len(r.dropped or ()) for r in example.report.records)
    rows = len(example.report.units) + trace_rows + len(example.report.reminders or ()) + len(example.report.warnings)
    assert 2 <= pages <= rows // 8 + 10, (pages, rows)
    assert pages >= trace_rows // 90, (pages, trace_rows)


def test_negative_bars_are_drawn_in_their_own_colour(chromium: Chromium, tmp_path: Path) -> None:
    ruleset = compile_ruleset(
        "ruleset neg\nrecord r { unit: name\n  n: integer }\n"
        "score r to unit { group g sum { rule plus: n > 0 => +5 pts\n rule minus: n < 0 => -3 pts } }"
    )
    report = ruleset.evaluate(
        [{"id": "1", "unit": "加分单位", "n": 1}, {"id": "2", "unit": "扣分单位", "n": -1}], as_of="2024-12-31"
    )
    text = render_html(report, ruleset)
    image = chromium.screenshot(_page(tmp_path, "neg", text), tmp_path / "neg.png")
    bars = {b.attrs["data-unit"]: _d(b, "width") * _d(b, "height") for b in _bars(parse(text))}
    # Text in the negative colour (the row of a unit below zero) is anti-aliased: few exact pixels.
    assert image.count(_rgb(NEGATIVE_COLOUR)) >= bars["扣分单位"] / 2
    assert image.count(_rgb(BAR_COLOUR)) >= bars["加分单位"] / 2
