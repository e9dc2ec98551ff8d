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
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.plan.roadmap import Calendar, RoadmapOptions, inventory_deadlines, parse_capacity, parse_freeze
from bleu_assess.plan.roadmap import schedule as schedule_codes
from bleu_assess.plan.waves import pending_offers
from bleu_assess.render import words

ROOT = Path(__file__).resolve().parent.parent
CHU = ROOT / "examples" / "chu-exemple.yaml"
DAY = dt.timedelta(days=1)
CHU_OPTIONS = ["--start", "2027-01-04", "--capacity", "40", "--freeze", "2027-07-14:2027-08-31"]


def schedule(*args, **options):
    """The dated plan worded in its scan's language, as renderers see it."""
    return words.plan(schedule_codes(*args, **options))


def chain(n: int, effort: float) -> dict[str, Any]:
    """n applications in a dependency chain (one wave each), `effort` person-days each."""
    apps = [{"id": f"a{i}", "name": f"Application {i}", "hosting": {"model": "on-premises"}, "datasets": ["d"],
             "effort": effort, "criticality": "low", **({"depends_on": [f"a{i - 1}"]} if i else {})} for i in range(n)]
    return {"format": "bleu-assess/v2", "organisation": {"name": "Test", "country": "FR"},
            "providers": [{"id": "cloud", "name": "Cloud FR", "kind": "commercial", "headquarters": "FR", "regions": ["FR"]}],
            "platforms": [{"id": "cloud-iaas", "provider": "cloud", "models": ["iaas"]}],  # the landing zone
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
    (["--start", "2027-01-04", "--freeze", "2027-02-30:2027-03-01"], "no such date '2027-02-30'"),
    # A value given wrong is said as itself, even without --start (which it would need too).
    (["--capacity", "abc"], "--capacity: 'abc' is not a positive number"),
    (["--capacity", ""], "--capacity: '' is not a positive number"),
    (["--freeze", "juillet"], "--freeze: 'juillet' is not FROM:TO"),
])
def test_bad_roadmap_options_are_usage_errors(runner: Any, options: list[str], message: str) -> None:
    # In English: the example's organisation is French, and would be answered in French.
    result = runner.invoke(app, ["plan", str(CHU), *options, "--lang", "en"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_the_report_refuses_a_bad_capacity_as_the_plan_does_and_writes_nothing(runner: Any, tmp_path: Any) -> None:
    out = tmp_path / "rapport.html"
    result = runner.invoke(app, ["report", str(CHU), "--capacity", "abc", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 2 and "--capacity: 'abc' is not a positive number" in result.output
    assert not out.exists()


def test_parsers() -> None:
    assert parse_capacity("20, 40") == (20.0, 40.0)
    assert parse_freeze(" 2027-12-20 : 2028-01-02 ") == (dt.date(2027, 12, 20), dt.date(2028, 1, 2))


def test_reference_deadline_comes_from_data_with_its_source_and_the_applications_it_concerns(runner: Any) -> None:
    deadlines = run_plan(runner, CHU, *CHU_OPTIONS)["roadmap"]["deadlines"]
    hds = next(d for d in deadlines if d["subject"] == "hds-certificate-v2")
    assert hds["uncertain"] is True and "26 avril 2024" in hds["source"] and hds["must_meet"] is False
    # Health data on a host certified HDS today (not the patient record, which is on premises).
    assert "entrepot-sante" in hds["applications"] and "dpi" not in hds["applications"]



def test_reference_deadlines_are_worded_in_french_and_english() -> None:
    # Their title and the note saying why a date is uncertain reach the plan and the report.
    from bleu_assess.rules.refdata import read

    for entry in read("deadlines.yaml")["deadlines"]:
        for field in ("title", "uncertain"):
            text = entry.get(field)
            if field == "uncertain" and text is None:
                continue
            assert isinstance(text, dict) and set(text) == {"fr", "en"} and all(v.strip() for v in text.values()), \
                (entry["id"], field)


@pytest.mark.parametrize(("lang", "note", "other"), [("en", "exact article not verified", "article exact non vérifié"),
                                                     ("fr", "article exact non vérifié", "exact article not verified")])
def test_an_uncertain_reference_deadline_says_why_in_the_plans_language(runner: Any, lang: str, note: str,
                                                                        other: str) -> None:
    result = runner.invoke(app, ["plan", str(CHU), "--format", "markdown", "--lang", lang, *CHU_OPTIONS])
    assert result.exit_code == 0, result.output
    assert note in result.stdout and other not in result.stdout

def hosted(write_inventory: Any, cloud: dict[str, Any] | None = None, dc: dict[str, Any] | None = None,
           derogations: list[dict[str, Any]] | None = None) -> tuple[Any, Any]:
    """`a` on an offer of a French datacentre is not exposed and lands on the cloud offer; `b`, on
    premises, needs SecNumCloud (Diffusion Restreinte), which that offer only has
    pending (accredited at DR level). `cloud` and `dc` add fields to those two offers (format v2)."""
    inventory = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "Test", "country": "FR", "type": "state-administration"},
        "providers": [{"id": "cloud", "name": "Cloud FR", "kind": "commercial", "headquarters": "FR", "regions": ["FR"]},
                      {"id": "dc", "name": "Datacentre", "kind": "commercial", "headquarters": "FR", "regions": ["FR"]}],
        "platforms": [{"id": "cloud-iaas", "provider": "cloud", "models": ["iaas"], "qualifications": ["iso27001"],
                       "pending_qualifications": [{"id": "secnumcloud-3.2"}], **(cloud or {})},
                      {"id": "dc-iaas", "provider": "dc", "models": ["iaas"], "qualifications": ["iso27001"],
                       **(dc or {})}],
        "applications": [{"id": "a", "name": "Alpha", "hosting": {"model": "iaas", "platform": "dc-iaas"},
                          "datasets": ["pub"], "effort": 5, "criticality": "low"},
                         # On premises: Diffusion Restreinte at an unqualified commercial offer
                         # would be a blocker of its own (SNC-DR-HOST-001), holding b back.
                         {"id": "b", "name": "Beta", "hosting": {"model": "on-premises"},
                          "datasets": ["dr"], "effort": 5, "depends_on": ["a"],
                          "homologation": {"level": "dr", "granted_on": "2025-01-15"}}],
        "datasets": [{"id": "pub", "name": "Public", "classification": "public", "particular_sensitivity": "no"},
                     {"id": "dr", "name": "DR", "classification": "restricted"}],
        **({"derogations": derogations} if derogations else {}),
    }
    loaded = api.load(write_inventory(inventory)).inventory
    return loaded, api.assess(loaded, lang="en")


def test_a_wave_needing_a_pending_offer_starts_no_earlier_than_its_expected_date(write_inventory: Any) -> None:
    pending = {"pending_qualifications": [{"id": "secnumcloud-3.2", "milestone": "J1", "expected": "2027-09-15"}]}
    inventory, result = hosted(write_inventory, cloud=pending)
    by_id = {v.id: v for v in result.applications}
    assert by_id["b"].platform is None and by_id["b"].target == "secnumcloud"
    assert [(o.platform, o.expected) for o in pending_offers(by_id["b"], inventory)] == [("cloud-iaas", "2027-09-15")]
    planned = api.plan(result, api.graph(inventory))
    dated_plan = schedule(planned, inventory, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    wave_b = next(w for w in dated_plan.waves if "b" in w.applications)
    assert wave_b.start == "2027-09-15"
    # One warning, the plan's, names the offer and the date; the roadmap adds none of its own.
    said = [w for w in dated_plan.warnings if "2027-09-15" in w]
    assert len(said) == 1 and "cloud-iaas" in said[0] and dated_plan.warnings == words.plan(planned).warnings


def test_an_application_waiting_for_an_undated_qualification_is_held_not_dated(write_inventory: Any) -> None:
    inventory, result = hosted(write_inventory)
    planned = schedule(api.plan(result, api.graph(inventory)), inventory, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    assert [(h.id, h.reason) for h in planned.held] == [("b", "no-landing-zone")]
    assert all("b" not in w.applications for w in planned.waves)


def test_a_wave_ending_after_a_qualification_expiry_it_must_meet_is_warned(write_inventory: Any) -> None:
    expiring = {"qualifications": [{"id": "iso27001", "since": "2024-01-01", "until": "2027-01-06"}]}
    inventory, result = hosted(write_inventory, dc=expiring)
    [deadline] = inventory_deadlines(inventory)
    assert (deadline.kind, deadline.subject, deadline.applications) == ("qualification-expiry", "dc-iaas:iso27001",
                                                                        ("a",))
    planned = schedule(api.plan(result, api.graph(inventory)), inventory, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    late = [w for w in planned.warnings if "deadline of 6 January 2027" in w]
    assert late and all("dc-iaas's ISO 27001 qualification expires" in w for w in late)
    assert inventory_deadlines(hosted(write_inventory)[0]) == [], "no dated field, no deadline"


def test_an_application_that_stays_has_no_deadline_to_leave_its_host(write_inventory: Any) -> None:
    # The web site stays where it is (strategy retain): its host's qualification ending is no
    # date its move must meet, since it makes none (new-user trial: « à respecter par les vagues »).
    inventory_data = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "GHT", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "ovh", "name": "OVHcloud", "kind": "commercial", "headquarters": "FR", "regions": ["FR"],
                       "qualifications": [{"id": "secnumcloud-3.2", "since": "2024-01-01", "until": "2027-02-01"}]}],
        "applications": [{"id": "site", "name": "Site internet", "strategy": "retain", "datasets": ["pub"],
                          "hosting": {"model": "iaas", "provider": "ovh"}},
                         {"id": "gmao", "name": "GMAO", "datasets": ["pub"], "effort": 5,
                          "hosting": {"model": "iaas", "provider": "ovh"}}],
        "datasets": [{"id": "pub", "name": "Public", "classification": "public", "particular_sensitivity": "no"}],
    }
    inventory = api.load(write_inventory(inventory_data)).inventory
    plan = api.plan(api.assess(inventory, lang="en"), api.graph(inventory))
    assert "site" in {s.id for s in plan.staying}
    for deadline in inventory_deadlines(inventory, plan):
        assert "site" not in deadline.applications, deadline
    assert [d.applications for d in inventory_deadlines(inventory)] == [("gmao", "site")], "without a plan: all hosted"


def test_a_landing_zone_whose_required_qualification_ends_before_the_wave_is_warned(write_inventory: Any) -> None:
    qualified = {"qualifications": [{"id": "secnumcloud-3.2", "since": "2024-01-01", "until": "2027-01-05"}],
                 "pending_qualifications": []}
    inventory, result = hosted(write_inventory, cloud=qualified)
    assert {v.id: v.platform for v in result.applications}["b"] == "cloud-iaas"
    planned = schedule(api.plan(result, api.graph(inventory)), inventory, RoadmapOptions(dt.date(2027, 1, 4), (5.0,)))
    # b needs SecNumCloud and lands there; a (public data) lands there too but does not need it.
    [deadline] = [d for d in planned.roadmap.deadlines if d.kind == "qualification-expiry"]
    assert (deadline.subject, deadline.applications) == ("cloud-iaas:secnumcloud-3.2", ("b",))
    wave_b = next(w for w in planned.waves if "b" in w.applications)
    assert any(f"wave {wave_b.number} ends" in w and "cloud-iaas's SecNumCloud 3.2 qualification expires" in w for w in planned.warnings)


def test_a_dated_plan_is_assessed_on_its_start_date_unless_told_otherwise(write_inventory: Any, runner: Any) -> None:
    # The offer's qualification lapses on 2027-03-01: a plan starting after it cannot land b
    # (which needs SecNumCloud) there; one starting before can, and is warned of the end.
    qualified = {"qualifications": [{"id": "secnumcloud-3.2", "since": "2024-01-01", "until": "2027-03-01"}],
                 "pending_qualifications": []}
    inventory, _ = hosted(write_inventory, cloud=qualified)

    def moves(*options: str) -> bool:
        done = runner.invoke(app, ["plan", inventory.path, "-f", "json", "--lang", "en", *options])
        assert done.exit_code == 0, done.output
        planned = json.loads(done.stdout)
        assert planned["as_of"] == (options[-1] if "--as-of" in options else options[1])
        return any("b" in wave["applications"] for wave in planned["waves"])

    assert moves("--start", "2027-01-04")
    assert not moves("--start", "2027-06-01")
    assert moves("--start", "2027-06-01", "--as-of", "2027-01-04")  # --as-of wins


def test_a_derogation_ending_constrains_what_it_covers_and_the_holders_of_its_datasets(write_inventory: Any) -> None:
    derogation = {"id": "derog-dr", "rules": ["SNC-DR-001"], "datasets": ["dr"], "basis": "other",
                  "granted_by": "HFDS", "granted_on": "2026-01-01", "until": "2027-03-31"}
    inventory, _ = hosted(write_inventory, derogations=[derogation])
    [deadline] = inventory_deadlines(inventory)
    assert (deadline.date, deadline.kind, deadline.subject, deadline.applications) == (
        dt.date(2027, 3, 31), "derogation-end", "derog-dr", ("b",))


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
    # An English reader's spreadsheet gets the 'excel' dialect: UTF-8 with a byte-order mark, ','.
    text = run_plan(runner, CHU, *CHU_OPTIONS, fmt="csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=","))
    assert rows and "application" in rows[0]
    document = run_plan(runner, CHU, *CHU_OPTIONS)
    dates = {a: (w["start"], w["end"]) for w in document["waves"] for a in w["applications"]}
    for row in rows:
        assert (row["wave_start"], row["wave_end"]) == dates.get(row["application"], ("", ""))


def test_gantt_names_cannot_break_the_gantt_grammar() -> None:
    from bleu_assess.plan.roadmap import gantt_text

    text = gantt_text("Dérogation: DR #12; art. 19\nHFDS ")
    assert not set(":;#\n") & set(text) and text.startswith("Dérogation")


def test_gantt_parses_with_mermaids_own_parser(runner: Any) -> None:
    """Mermaid's parser under Node, where tests/_consumers.py provides it (skips otherwise; the
    structural test above runs everywhere)."""
    consumers = pytest.importorskip("_consumers", reason="Mermaid's parser harness (tests/_consumers.py) is not here")
    text = runner.invoke(app, ["plan", str(CHU), *CHU_OPTIONS]).stdout
    blocks = [b for b in re.findall(r"```mermaid\n(.*?)```", text, re.S) if b.startswith("gantt")]
    assert [r["ok"] for r in consumers.mermaid(blocks)] == [True], blocks
