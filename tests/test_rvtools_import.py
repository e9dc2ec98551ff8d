"""`import rvtools`: servers with OS (and its support status on --as-of), cluster, datacenter
and IPs from vInfo, vNetwork, vHost and vPartition; applications suggested by folder, vApp, tag or
naming pattern, marked as suggestions; templates left out; the report's counts add up."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bleu_assess import api
from bleu_assess.cli import app

SAMPLES = Path("/work/shared/samples")
ROOT = Path(__file__).resolve().parent.parent

VINFO = [
    ["VM", "Powerstate", "Template", "DNS Name", "Primary IP Address", "Datacenter", "Cluster", "Host", "Folder",
     "OS according to the configuration file", "OS according to the VMware Tools", "CPUs", "Memory", "Provisioned MiB",
     "Application"],
    ["SRV-PAIE-01", "poweredOn", "False", "srv-paie-01.mairie.local", "10.1.0.10", "DC-Nord", "", "esx-01",
     "/DC-Nord/vm/Finances/Paie", "Microsoft Windows Server 2008 R2 (64-bit)", "", 2, 4096, 81920, "Paie"],
    ["SRV-PAIE-02", "poweredOn", "False", "", "", "DC-Nord", "CL-A", "esx-01", "/DC-Nord/vm/Finances/Paie",
     "Red Hat Enterprise Linux 9 (64-bit)", "Red Hat Enterprise Linux 9 (64-bit)", 4, 8192, 102400, "Paie"],
    ["SRV-WEB-01", "poweredOff", "False", "", "", "DC-Nord", "CL-A", "esx-02", "/DC-Nord/vm/Web", "Plan 9", "", 1,
     1024, 10240, ""],
    ["tpl-rhel9", "poweredOff", "True", "", "", "DC-Nord", "CL-A", "esx-02", "/DC-Nord/vm/Templates", "", "", 1, 1024,
     10240, ""],
]
VNETWORK = [["VM", "NIC label", "Network", "IPv4 Address", "IPv6 Address"],
            ["SRV-PAIE-02", "Network adapter 1", "vlan-10", "10.1.0.11, 10.2.0.11", "fe80::11"]]
VHOST = [["Host", "Datacenter", "Cluster"], ["esx-01", "DC-Nord", "CL-A"], ["esx-02", "DC-Nord", "CL-A"]]
VPARTITION = [["VM", "Disk", "Capacity MiB"], ["SRV-PAIE-02", "/", 40960], ["SRV-PAIE-02", "/data", 20480]]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("vInfo", VINFO), ("vNetwork", VNETWORK), ("vHost", VHOST), ("vPartition", VPARTITION)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "RVTools_export_all.xlsx"
    book.save(path)
    return path


def run(runner: Any, source: Path, *args: str) -> tuple[Any, Path, dict[str, Any]]:
    out, report = source.parent / "out.yaml", source.parent / "report.json"
    result = runner.invoke(app, ["import", "rvtools", str(source), "--organisation", "Mairie", "-o", str(out),
                                 "--as-of", "2026-11-30", "--report", str(report), "--lang", "en", *args])
    assert result.exit_code == 0, result.output
    return result, out, json.loads(report.read_text(encoding="utf-8"))


def test_servers_with_os_support_cluster_and_addresses(runner: Any, workbook: Path) -> None:
    _, out, report = run(runner, workbook)
    inventory = api.load(out).inventory
    servers = {s.id: s for s in inventory.servers}
    assert set(servers) == {"srv-paie-01", "srv-paie-02", "srv-web-01"}  # the template is left out
    paie1, paie2, web = servers["srv-paie-01"], servers["srv-paie-02"], servers["srv-web-01"]
    assert (paie1.os_support, paie2.os_support, web.os_support) == ("out-of-support", "unknown", "unknown")
    assert paie1.fqdn == "srv-paie-01.mairie.local" and paie1.cluster == "CL-A"  # cluster from vHost
    assert paie2.ip_addresses == ("10.1.0.11", "10.2.0.11", "fe80::11") and paie2.site == "DC-Nord"
    assert paie2.extra["disk_capacity_mib"] == 61440 and paie1.extra["os_lifecycle"]["end_of_support"] == "2020-01-14"
    assert not inventory.applications
    counts = {(o["outcome"], o["reason"]): o["count"] for o in report["outcomes"]}
    assert counts == {("mapped", "server-no-application"): 3, ("left-out", "template-vm"): 1} and report["read"] == 4


@pytest.mark.parametrize("args, expected", [
    (["--group-by", "folder"], {"srv-paie-01": ("paie",), "srv-paie-02": ("paie",), "srv-web-01": ("web",)}),
    (["--group-by", "tag"], {"srv-paie-01": ("paie",), "srv-paie-02": ("paie",), "srv-web-01": ()}),
    (["--group-by", "pattern", "--pattern", r"^srv-([a-z]+)-\d+$"],
     {"srv-paie-01": ("paie",), "srv-paie-02": ("paie",), "srv-web-01": ("web",)}),
])
def test_applications_are_suggested_and_marked_as_such(runner: Any, workbook: Path, args: list[str],
                                                       expected: dict[str, tuple[str, ...]]) -> None:
    _, out, report = run(runner, workbook, *args)
    inventory = api.load(out).inventory
    assert {s.id: s.applications for s in inventory.servers} == expected
    for application in inventory.applications:
        assert "suggested" in application.tags and application.extra["suggested_from"]
    paie = inventory.applications_by_id["paie"]
    assert paie.hosting is not None and paie.hosting.model == "on-premises"  # derived from its servers
    assert sum(o["count"] for o in report["outcomes"]) == report["read"]
    assert any(o["outcome"] == "suggested" for o in report["outcomes"])


def test_out_of_support_server_gives_the_rehost_finding(runner: Any, workbook: Path, tmp_path: Path) -> None:
    _, out, _ = run(runner, workbook, "--group-by", "folder")
    text = out.read_text(encoding="utf-8").replace("    name: Paie\n", "    name: Paie\n    strategy: rehost\n")
    out.write_text(text, encoding="utf-8")
    item = next(i for i in api.scan(out).items if i.id == "paie")
    assert "INF-OS-001" in {f.rule for f in item.findings}


def test_markdown_report_in_french(runner: Any, workbook: Path, tmp_path: Path) -> None:
    report = tmp_path / "rapport.md"
    result = runner.invoke(app, ["import", "rvtools", str(workbook), "--organisation", "Mairie", "-o",
                                 str(tmp_path / "out.yaml"), "--report", str(report), "--lang", "fr", "--as-of", "2026-11-30"])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Rapport d'import : ") and "## Écartés : 1" in text
    assert "- 1 : modèles de VM (pas des machines en service) (tpl-rhel9)" in text and "\n\n\n" not in text


def test_csv_tabs_are_read_like_the_workbook(runner: Any, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name, rows in (("vInfo", VINFO), ("vNetwork", VNETWORK), ("vHost", VHOST)):
        with (folder / f"RVTools_tab{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    _, out, report = run(runner, folder / "RVTools_tabvInfo.csv")
    servers = {s.id: s for s in api.load(out).inventory.servers}
    assert servers["srv-paie-02"].ip_addresses == ("10.1.0.11", "10.2.0.11", "fe80::11") and report["read"] == 4


def test_errors(runner: Any, workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    base = ["import", "rvtools", str(workbook), "--organisation", "M", "-o", str(out), "--lang", "en"]
    result = runner.invoke(app, [*base, "--group-by", "tag", "--tag-column", "Appli"])
    assert result.exit_code == 2 and "vInfo has no column 'Appli'" in result.output and not out.exists()
    result = runner.invoke(app, [*base, "--group-by", "pattern"])
    assert result.exit_code == 2 and "--pattern" in result.output
    other = tmp_path / "other.csv"
    other.write_text("name,owner\nx,y\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "rvtools", str(other), "--organisation", "M", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 2 and "not an RVTools export" in result.output


@pytest.mark.skipif(not (SAMPLES / "rvtools-mjvincent-rvtools-small-complete.xlsx").exists(), reason="samples absent")
@pytest.mark.parametrize("sample", ["rvtools-mjvincent-rvtools-small-complete.xlsx",
                                    "rvtools-mjvincent-SizingWorkshop-RVTools.xlsx"])
def test_real_samples_as_a_real_process(tmp_path: Path, sample: str) -> None:
    out, report = tmp_path / "out.yaml", tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "import", "rvtools", str(SAMPLES / sample),
                           "--organisation", "Test", "-o", str(out), "--report", str(report), "--as-of", "2026-11-30",
                           "--group-by", "pattern", "--pattern", r"^(?:sample-)?([a-z]+)"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sum(o["count"] for o in data["outcomes"]) == data["read"]
    inventory = api.load(out).inventory
    assert inventory.servers and all(s.cluster for s in inventory.servers) and inventory.applications
    assert any(s.os and s.os_support != "unknown" for s in inventory.servers)


def test_same_inputs_and_date_give_byte_identical_inventories(runner: Any, workbook: Path, tmp_path: Path) -> None:
    outputs = []
    for name in ("a.yaml", "b.yaml"):
        out = tmp_path / name
        result = runner.invoke(app, ["import", "rvtools", str(workbook), "--organisation", "Mairie", "-o", str(out),
                                     "--as-of", "2026-11-30", "--group-by", "folder"])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    result = runner.invoke(app, ["import", "rvtools", str(workbook), "--organisation", "M", "-o", str(tmp_path / "c.yaml"),
                                 "--as-of", "30/11/2026"])
    assert result.exit_code == 2 and "invalid assessment date '30/11/2026': expected YYYY-MM-DD" in result.output


@pytest.mark.parametrize("by, column, lang, words", [
    ("folder", "Folder", "fr", "vInfo n'a pas de colonne « Folder » : --group-by folder ne suggère aucune application"),
    ("folder", "Folder", "en", "vInfo has no column 'Folder': --group-by folder suggests no application"),
    ("vapp", "vApp", "en", "vInfo has no column 'vApp': --group-by vapp suggests no application"),
])
def test_grouping_by_a_column_the_workbook_lacks_is_said_naming_the_workbook_and_the_column(
        runner: Any, tmp_path: Path, by: str, column: str, lang: str, words: str) -> None:
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("vInfo")
    kept = [i for i, name in enumerate(VINFO[0]) if name != column]
    for row in VINFO:
        sheet.append([row[i] for i in kept])
    source = tmp_path / "RVTools_sans_dossiers.xlsx"
    book.save(source)
    out, report = tmp_path / "out.yaml", tmp_path / "report.json"
    result = runner.invoke(app, ["import", "rvtools", str(source), "--organisation", "Mairie", "-o", str(out),
                                 "--group-by", by, "--report", str(report), "--lang", lang])
    assert result.exit_code == 0, result.output
    said = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"{source}: {words}" in said or f"{source} : {words}" in said
    noted = json.loads(report.read_text(encoding="utf-8"))["notes"]
    assert {"code": "no-group-column", "file": str(source), "column": column, "by": by} in noted
