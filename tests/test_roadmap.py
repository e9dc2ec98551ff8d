"""The dated roadmap: working days at the team's capacity, weekends, French public holidays and
freeze periods skipped, waves waiting for a pending offer's expected date, deadlines with the
applications they constrain, and the gantt, JSON and CSV that carry the dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.roadmap import (Calendar, RoadmapOptions, inventory_deadlines, parse_capacity, parse_freeze,
                                 pending_offers, schedule)

ROOT = Path(__file__).resolve().parent.parent
CHU = ROOT / "examples" / "chu-exemple.yaml"
DAY = dt.timedelta(days=1)
CHU_OPTIONS = ["--start", "2027-01-04", "--capacity", "40", "--freeze", "2027-07-14:2027-08-31"]


def chain(n: int, effort: float) -> dict[str, Any]:
    """n applications in a dependency chain (one wave each), `effort` person-days each."""
    apps = [{"id": f"a{i}", "name": f"Application {i}", "hosting": {"model": "on-premises"}, "datasets": ["d"],
             "effort": effort, "criticality": "low", **({"depends_on": [f"a{i - 1}"]} if i else {})} for i in range(n)]
    return {"format": "bleu-assess/v1", "organisation": {"name": "Test", "country": "FR"},
            "applications": apps, "datasets": [{"id": "d", "name": "D", "classification": "internal"}]}


def run_plan(runner: Any, path: Path, *options: str, fmt: str = "json") -> Any:
    result = runner.invoke(app, ["plan", str(path), "--format", fmt, "--lang", "en", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def working_days(first: dt.date, last: dt.date, calendar: Calendar) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if calendar.working(day):
            days.append(day)
        day += DAY
    return days


def test_hospital_waves_are_dated_one_after_the_other_at_the_team_capacity(runner: Any) -> None:
    document = run_plan(runner, CHU, *CHU_OPTIONS)
    calendar = Calendar("FR", [parse_freeze("2027-07-14:2027-08-31")])
    previous_end = dt.date(2027, 1, 3)
    for wave in document["waves"]:
        start, end = dt.date.fromisoformat(wave["start"]), dt.date.fromisoformat(wave["end"])
        assert calendar.working(start) and calendar.working(end)
        assert start == calendar.next_working(previous_end + DAY), "no gap between waves"
        # 40 person-days a week is 8 a day: the wave lasts as many working days as its effort takes.
        assert len(working_days(start, end, calendar)) == math.ceil(wave["effort_days"] / 8)
        previous_end = end
    roadmap = document["roadmap"]
    assert roadmap["start"] == "2027-01-04" and roadmap["end"] == document["waves"][-1]["end"]
    assert roadmap["freezes"] == [{"from": "2027-07-14", "to": "2027-08-31"}] and roadmap["holidays"] == "FR"


def test_waves_skip_weekends_public_holidays_and_freezes(runner: Any, write_inventory: Any) -> None:
    # One person-day a day; 10 days a wave. Wave 1 starts Wednesday 7 July 2027: 7, 8, 9, 12, 13
    # July, then 14 July (national holiday) and the freeze to 31 August: 1, 2, 3, 6, 7 September.
    path = write_inventory(chain(2, 10))
    waves = run_plan(runner, path, "--start", "2027-07-07", "--capacity", "5", "--freeze", "2027-07-15:2027-08-31",
                     "--pilot-size", "1")["waves"]
    assert (waves[0]["start"], waves[0]["end"]) == ("2027-07-07", "2027-09-07")
    assert waves[1]["start"] == "2027-09-08"
    # Ascension Thursday 2027 is 6 May: a wave asked to start that day starts on Friday 7 May.
    waves = run_plan(runner, path, "--start", "2027-05-06", "--capacity", "5")["waves"]
    assert waves[0]["start"] == "2027-05-07"


def test_capacity_can_be_given_wave_by_wave(runner: Any, write_inventory: Any) -> None:
    path = write_inventory(chain(3, 10))
    waves = run_plan(runner, path, "--start", "2027-03-01", "--capacity", "10,5", "--pilot-size", "1")["waves"]
    calendar = Calendar("FR", [])
    spans = [len(working_days(dt.date.fromisoformat(w["start"]), dt.date.fromisoformat(w["end"]), calendar))
             for w in waves]
    assert spans == [5, 10, 10], "2 a day for wave 1, then 1 a day (the last value holds)"


def test_undated_plan_keeps_its_keys_with_no_dates(runner: Any) -> None:
    document = run_plan(runner, CHU)
    assert document["roadmap"] is None and all(w["start"] is None and w["end"] is None for w in document["waves"])


@pytest.mark.parametrize("options, message", [
    (["--capacity", "40"], "--start"),
    (["--freeze", "2027-07-14:2027-08-31"], "--start"),
    (["--start", "4 janvier"], "not a date"),
    (["--start", "2027-01-04", "--freeze", "2027-08-31:2027-07-14"], "ends before it starts"),
    (["--start", "2027-01-04", "--freeze", "2027-07-14"], "FROM:TO"),
    (["--start", "2027-01-04", "--capacity", "0"], "positive"),
])
def test_bad_roadmap_options_are_usage_errors(runner: Any, options: list[str], message: str) -> None:
    result = runner.invoke(app, ["plan", str(CHU), *options])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_parsers() -> None:
    assert parse_capacity("20, 40") == (20.0, 40.0)
    assert parse_freeze(" 2027-12-20 : 2028-01-02 ") == (dt.date(2027, 12, 20), dt.date(2028, 1, 2))


def test_reference_deadline_comes_from_data_with_its_source_and_the_applications_it_concerns(runner: Any) -> None:
    deadlines = run_plan(runner, CHU, *CHU_OPTIONS)["roadmap"]["deadlines"]
    hds = next(d for d in deadlines if d["subject"] == "hds-certificate-v2")
    assert hds["uncertain"] is True and "26 avril 2024" in hds["source"] and hds["must_meet"] is False
    # Health data on a host certified HDS today (not the patient record, which is on premises).
    assert "entrepot-sante" in hds["applications"] and "dpi" not in hds["applications"]


@dataclass(frozen=True)
class Qualification:
    """The format v2 shape of a held qualification (issue 13): id, until."""
    id: str
    until: dt.date


@dataclass(frozen=True)
class Pending:
    """The format v2 shape of a pending qualification (issue 13): id, expected."""
    id: str
    expected: dt.date | None


def hosted(write_inventory: Any) -> tuple[Any, Any]:
    """Two applications on premises with a cloud provider and its platform: `a` is not exposed
    and gets the platform, `b` needs SecNumCloud (restricted data), which the provider only has
    pending."""
    inventory = {
        "format": "bleu-assess/v1", "organisation": {"name": "Test", "country": "FR", "type": "state-administration"},
        "providers": [{"id": "cloud", "name": "Cloud FR", "headquarters": "FR", "regions": ["FR"],
                       "qualifications": ["iso27001"], "pending_qualifications": ["secnumcloud-3.2"]},
                      {"id": "dc", "name": "Datacentre", "headquarters": "FR", "regions": ["FR"],
                       "qualifications": ["iso27001"]}],
        "platforms": [{"id": "cloud-iaas", "provider": "cloud", "models": ["iaas"]}],
        "applications": [{"id": "a", "name": "Alpha", "hosting": {"model": "iaas", "provider": "dc"}, "datasets": ["pub"],
                          "effort": 5, "criticality": "low"},
                         {"id": "b", "name": "Beta", "hosting": {"model": "iaas", "provider": "dc"}, "datasets": ["dr"],
                          "effort": 5, "depends_on": ["a"]}],
        "datasets": [{"id": "pub", "name": "Public", "classification": "public"},
                     {"id": "dr", "name": "DR", "classification": "restricted"}],
    }
    loaded = api.load(write_inventory(inventory)).inventory
    result = api.assess(loaded, lang="en")
    return loaded, result


def test_a_wave_needing_a_pending_offer_starts_no_earlier_than_its_expected_date(write_inventory: Any) -> None:
    inventory, result = hosted(write_inventory)
    by_id = {v.id: v for v in result.applications}
    assert by_id["b"].platform is None and by_id["b"].target == "secnumcloud"
    expected = dt.date(2027, 9, 15)
    cloud = inventory.providers_by_id["cloud"]
    dated = replace(inventory, providers=tuple(
        replace(p, pending_qualifications=(Pending("secnumcloud-3.2", expected),)) if p is cloud else p
        for p in inventory.providers))
    assert [o.expected for o in pending_offers(result, dated)["b"]] == [expected]
    planned = api.plan(result, api.graph(dated))
    dated_plan = schedule(planned, dated, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    wave_b = next(w for w in dated_plan.waves if "b" in w.applications)
    assert wave_b.start == "2027-09-15"
    # A v1 inventory says no date: the wave is not delayed, and the plan says so.
    undated = schedule(planned, inventory, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    assert next(w for w in undated.waves if "b" in w.applications).start < "2027-02-01"
    assert any("b (wave" in w and "no expected date" in w for w in undated.warnings)


def test_a_wave_ending_after_a_qualification_expiry_it_must_meet_is_warned(write_inventory: Any) -> None:
    inventory, result = hosted(write_inventory)
    dc = inventory.providers_by_id["dc"]
    expiring = replace(inventory, providers=tuple(
        replace(p, qualifications=(Qualification("iso27001", dt.date(2027, 1, 6)),)) if p is dc else p
        for p in inventory.providers))
    [deadline] = inventory_deadlines(expiring)
    assert (deadline.kind, deadline.subject, deadline.applications) == ("qualification-expiry", "dc:iso27001", ("a", "b"))
    planned = schedule(api.plan(result, api.graph(expiring)), expiring, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    late = [w for w in planned.warnings if "deadline of 2027-01-06" in w]
    assert late and all("dc:iso27001" in w for w in late)
    assert inventory_deadlines(inventory) == [], "format v1 declares no dates"


GANTT_LINE = re.compile(
    r"^  (?:title [^:;#]+|dateFormat YYYY-MM-DD|axisFormat \S+|section [^:;#]+"
    r"|[^:;#]+ :(?:(?:crit|milestone), )*[a-z]\d+, \d{4}-\d{2}-\d{2}, (?:\d{4}-\d{2}-\d{2}|0d))$")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_markdown_gantt_is_well_formed_and_shows_waves_freezes_and_deadlines(runner: Any, lang: str) -> None:
    text = runner.invoke(app, ["plan", str(CHU), "--lang", lang, *CHU_OPTIONS]).stdout
    block = re.search(r"```mermaid\ngantt\n(.*?)```", text, re.S)
    assert block, "a Mermaid gantt block"
    lines = block.group(1).splitlines()
    bad = [line for line in lines if not GANTT_LINE.match(line)]
    assert bad == []
    # The HDS certificate deadline (May 2026) is before the plan starts: it says so.
    assert ("déjà passée au début du plan" if lang == "fr" else "already past when the plan starts") in text
    ids = [re.search(r":(?:\w+, )*([a-z]\d+),", line).group(1) for line in lines if " :" in line]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids)) and {"w1", "w4", "f1", "d1"} <= set(ids)
    document = run_plan(runner, CHU, *CHU_OPTIONS)
    for wave in document["waves"]:
        end = dt.date.fromisoformat(wave["end"]) + DAY  # a gantt bar ends before its end date
        assert any(line.endswith(f":w{wave['number']}, {wave['start']}, {end.isoformat()}") for line in lines)


def test_csv_carries_each_applications_wave_dates(runner: Any) -> None:
    text = run_plan(runner, CHU, *CHU_OPTIONS, fmt="csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    document = run_plan(runner, CHU, *CHU_OPTIONS)
    dates = {a: (w["start"], w["end"]) for w in document["waves"] for a in w["applications"]}
    for row in rows:
        assert (row["wave_start"], row["wave_end"]) == dates.get(row["application"], ("", ""))


def test_gantt_names_cannot_break_the_gantt_grammar() -> None:
    from bleu_assess.roadmap import gantt_text

    text = gantt_text("Dérogation: DR #12; art. 19\nHFDS ")
    assert not set(":;#\n") & set(text) and text.startswith("Dérogation")


def test_gantt_parses_with_mermaids_own_parser(runner: Any) -> None:
    """Mermaid's parser under Node, where tests/_consumers.py provides it (skips otherwise; the
    structural test above runs everywhere)."""
    consumers = pytest.importorskip("_consumers", reason="Mermaid's parser harness (tests/_consumers.py) is not here")
    text = runner.invoke(app, ["plan", str(CHU), *CHU_OPTIONS]).stdout
    blocks = [b for b in re.findall(r"```mermaid\n(.*?)```", text, re.S) if b.startswith("gantt")]
    assert [r["ok"] for r in consumers.mermaid(blocks)] == [True], blocks
