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


@pytest.mark.parametrize("by", ["folder", "vapp"])
def test_grouping_by_a_column_the_export_lacks_imports_the_servers_and_says_why_none_was_suggested(
        runner: Any, tmp_path: Path, by: str) -> None:
    book = Workbook()
    book.active.title = "vInfo"
    for row in (["VM", "Powerstate"], ["SRV-PAIE-01", "poweredOn"], ["SRV-WEB-01", "poweredOff"]):
        book.active.append(row)  # an export made without the Folder and vApp columns
    path = tmp_path / "RVTools_sans_dossiers.xlsx"
    book.save(path)
    result, out, report = run(runner, path, "--group-by", by)
    inventory = api.load(out).inventory
    assert [s.id for s in inventory.servers] == ["srv-paie-01", "srv-web-01"] and not inventory.applications
    column = {"folder": "Folder", "vapp": "vApp"}[by]
    assert report["not_done"] == [{"code": "no-group-column", "by": by, "column": column, "columns": "VM, Powerstate"}]
    assert f"--group-by {by}: vInfo has no column '{column}' (this export was made without it): servers imported, " \
           "no application suggested; group by a naming pattern instead" in result.output


def _documented(page: str) -> list[list[str]]:
    """The `import rvtools` commands of a page that write a new inventory, as arguments."""
    import shlex

    lines = (ROOT / page).read_text(encoding="utf-8").splitlines()
    return [shlex.split(line, comments=True)[1:] for line in lines
            if line.startswith("bleu-assess import rvtools ") and "--inventory" not in line]


@pytest.mark.skipif(not (SAMPLES / "rvtools-mjvincent-rvtools-small-complete.xlsx").exists(), reason="samples absent")
@pytest.mark.parametrize("sample", ["rvtools-mjvincent-rvtools-small-complete.xlsx",
                                    "rvtools-mjvincent-SizingWorkshop-RVTools.xlsx"])
@pytest.mark.parametrize("page", ["README.md", "docs/discovery.md"])
def test_the_documented_rvtools_command_works_on_the_public_samples(tmp_path: Path, sample: str, page: str) -> None:
    from python_calamine import CalamineWorkbook

    commands = _documented(page)
    assert len(commands) == 1 and "--group-by" in commands[0]
    args = commands[0]
    args[2] = str(SAMPLES / sample)  # import rvtools FILE …
    out = tmp_path / args[args.index("-o") + 1]
    args[args.index("-o") + 1] = str(out)
    done = subprocess.run([sys.executable, "-m", "bleu_assess", *args, "--as-of", "2026-11-30"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = CalamineWorkbook.from_path(str(SAMPLES / sample)).get_sheet_by_name("vInfo").to_python()
    header = rows[0]
    machines = [r for r in rows[1:] if r[0] and ("Template" not in header or str(r[header.index("Template")]) == "False")]
    assert len(api.load(out).inventory.servers) == len({r[0] for r in machines}) > 0
    # Neither sample has vInfo's Folder column: the report (French: a new inventory's default) says so.
    assert "vInfo n'a pas de colonne « Folder »" in done.stderr and "--group-by pattern" in done.stderr


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
    assert result.exit_code == 2 and "--as-of: '30/11/2026' is not a YYYY-MM-DD date" in result.output
    # Worded in the command's language, as the other option errors: French for a French user.
    french = runner.invoke(app, ["import", "rvtools", str(workbook), "--organisation", "M", "-o", str(tmp_path / "c.yaml"),
                                 "--as-of", "30/11/2026", "--lang", "fr"])
    assert french.exit_code == 2 and "--as-of : « 30/11/2026 » n'est pas une date AAAA-MM-JJ" in french.output.replace("\xa0", " ")


def test_a_client_s_copy_with_title_rows_and_french_numbers_is_read_as_the_export(runner: Any, tmp_path: Path) -> None:
    # Another RVTools version, re-saved by a person: title rows above the header, columns in
    # another order, MB instead of MiB, numbers as a French spreadsheet shows them.
    book = Workbook()
    sheet = book.active
    sheet.title = "vInfo"
    sheet.append(["Export RVTools du vCenter vc-nord"])
    sheet.append([])
    sheet.append(["Memory", "VM", "CPUs", "Provisioned MB", "In Use MB", "Template"])
    sheet.append(["4\u00a0096", " SRV-PAIE-01\u00a0", "2", "1\u202f234,5", "1 000", "Faux"])
    sheet.append([8192, "SRV-PAIE-02", 4, "81 920", None, False])
    path = tmp_path / "RVTools_copie.xlsx"
    book.save(path)
    _, out, report = run(runner, path)
    servers = {s.id: s.extra for s in api.load(out).inventory.servers}
    assert servers == {
        "srv-paie-01": {"cpus": 2, "memory_mib": 4096, "provisioned_mib": 1234.5, "in_use_mib": 1000},
        "srv-paie-02": {"cpus": 4, "memory_mib": 8192, "provisioned_mib": 81920}}
    assert report["read"] == 2


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_size_that_is_no_number_is_refused_at_its_cell(runner: Any, tmp_path: Path, suffix: str) -> None:
    rows = [["VM", "CPUs", "Memory"], ["SRV-PAIE-01", 2, 4096], ["SRV-PAIE-02", 4, "huit Go"]]
    if suffix == "xlsx":
        book = Workbook()
        book.active.title = "vInfo"
        for row in rows:
            book.active.append(row)
        path = tmp_path / "RVTools.xlsx"
        book.save(path)
        where = f"{path}: vInfo!C3: Memory:"
    else:
        path = tmp_path / "RVTools_tabvInfo.csv"
        path.write_bytes("\r\n".join(";".join(map(str, row)) for row in rows).encode("cp1252"))
        where = f"{path}:3: colonne Memory:"
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "rvtools", str(path), "--organisation", "M", "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 2 and not out.exists()
    words = result.output.replace("\u00a0", " ")  # French typography: no-break spaces before : and inside « »
    assert f"{where} nombre attendu, trouvé : « huit Go »" in words and "Traceback" not in words


def test_what_the_reader_did_is_said_in_the_report_s_language(runner: Any, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "RVTools_tabvInfo.csv").write_bytes("VM;Datacenter\r\nSRV-PAIE-01;Hôpital Nord\r\n".encode("cp1252"))
    report = tmp_path / "rapport.json"
    result = runner.invoke(app, ["import", "rvtools", str(folder / "RVTools_tabvInfo.csv"), "--organisation", "M",
                                 "-o", str(tmp_path / "out.yaml"), "--lang", "fr", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "lu comme Windows-1252 (détecté)" in result.output and "colonnes séparées par ';'" in result.output
    assert "read as" not in result.output
    notes = json.loads(report.read_text(encoding="utf-8"))["notes"]
    assert {"code": "intake.note.encoding", "file": str(folder / "RVTools_tabvInfo.csv"), "encoding": "Windows-1252"} in notes


def test_hidden_tabs_and_a_column_typed_twice_are_said(runner: Any, tmp_path: Path) -> None:
    book = Workbook()
    info = book.active
    info.title = "vInfo"
    info.append(["VM", "Datacenter", "VM"])  # a person's own column, named like the export's
    info.append(["SRV-PAIE-01", "DC-Nord", "Paie"])
    network = book.create_sheet("vNetwork")
    network.append(["VM", "IPv4 Address"])
    network.append(["SRV-PAIE-01", "10.1.0.10"])
    network.sheet_state = "hidden"
    path = tmp_path / "RVTools.xlsx"
    book.save(path)
    result, out, _ = run(runner, path)
    assert [s.id for s in api.load(out).inventory.servers] == ["srv-paie-01"]
    assert f"{path}: vInfo!C1: column 'VM' appears twice (A1, C1): the first is read" in result.output
    assert f"{path}: vNetwork: hidden sheet: ignored (show it in the workbook to import it)" in result.output
    info.sheet_state, network.sheet_state = "hidden", "visible"
    book.active = 1
    book.save(path)
    out = tmp_path / "other.yaml"
    result = runner.invoke(app, ["import", "rvtools", str(path), "--organisation", "M", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 2 and "not an RVTools export" in result.output and not out.exists()
    assert f"{path}: vInfo: warning: hidden sheet: ignored (show it in the workbook to import it)" in result.output


@pytest.mark.parametrize("name", ["serveurs.csv", "serveurs.xlsx"])
def test_the_vinfo_tab_saved_or_renamed_by_a_person_is_read_as_vinfo(runner: Any, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(VINFO)
    else:
        book = Workbook()
        book.active.title = "Feuil1"
        for row in VINFO:
            book.active.append(row)
        book.save(path)
    result, out, report = run(runner, path)
    assert {s.id for s in api.load(out).inventory.servers} == {"srv-paie-01", "srv-paie-02", "srv-web-01"}
    table = "serveurs" if name.endswith(".csv") else "Feuil1"
    assert (f"{path}: the table '{table}' read as vInfo (no sheet or file is named so; it has vInfo's columns VM, "
            "Powerstate, Template, DNS Name, Primary IP Address, OS according to the configuration file, "
            "OS according to the VMware Tools)") in result.output
    assert {"code": "read-as-vinfo", "file": str(path), "table": table, "columns": (
        "Powerstate, Template, DNS Name, Primary IP Address, OS according to the configuration file, "
        "OS according to the VMware Tools")} in report["notes"]


def test_other_csv_files_beside_the_tabs_are_not_read(runner: Any, tmp_path: Path) -> None:
    for name, rows in (("vInfo", VINFO), ("vNetwork", VNETWORK)):
        with (tmp_path / f"RVTools_tab{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    (tmp_path / "factures.csv").write_bytes(b"\x00\x01 not a table")  # a Downloads folder holds anything
    _, out, _ = run(runner, tmp_path / "RVTools_tabvInfo.csv")
    servers = {s.id: s for s in api.load(out).inventory.servers}
    assert servers["srv-paie-02"].ip_addresses == ("10.1.0.11", "10.2.0.11", "fe80::11")  # vNetwork still read


def test_cells_saying_not_known_are_left_out_and_counted(runner: Any, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "vInfo"
    rows = [["VM", "DNS Name", "Primary IP Address", "OS according to the configuration file",
             "OS according to the VMware Tools", "Datacenter"],
            ["SRV-PAIE-01", "N/A", "?", "Red Hat Enterprise Linux 9 (64-bit)", "?", "DC-Nord"],
            ["SRV-WEB-01", "srv-web-01.mairie.local", "10.1.0.12", "—", "inconnu", "NC"]]
    for row in rows:
        book.active.append(row)
    path = tmp_path / "RVTools_export.xlsx"
    book.save(path)
    _, out, report = run(runner, path)
    servers = {s.id: s for s in api.load(out).inventory.servers}
    paie, web = servers["srv-paie-01"], servers["srv-web-01"]
    assert paie.hostname is None and paie.ip_addresses == () and paie.os == "Red Hat Enterprise Linux 9 (64-bit)"
    assert web.os is None and web.site is None and web.fqdn == "srv-web-01.mairie.local"
    notes = [n for n in report["notes"] if isinstance(n, dict) and n["code"] == "intake.note.unknown_cells"]
    assert [(n["sheet"], n["line"], n["column"], n["count"], n["words"]) for n in notes] == [
        ("vInfo", 1, 2, 1, "N/A"), ("vInfo", 1, 3, 1, "?"), ("vInfo", 1, 4, 1, "—"), ("vInfo", 1, 5, 2, "?, inconnu"),
        ("vInfo", 1, 6, 1, "NC")]
