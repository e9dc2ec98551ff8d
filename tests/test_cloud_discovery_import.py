"""`import azure-migrate-discovery` (discovery and assessment workbooks) and `import aws-ads`
(ADS import template, CMF intake form): servers with their OS support status, applications named
by the source (Azure Migrate groups, AWS applications) with their waves; merging into an existing
inventory adds only new lines."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import workbook

from bleu_assess import api
from bleu_assess.cli import app

SAMPLES = Path("/work/shared/samples")
ROOT = Path(__file__).resolve().parent.parent



DISCOVERY = {"Discovery_Report": [
    ["Machine Name", "Operating System", "Cores", "Memory (in MB)", "IP Addresses", "Power Stats", "Machine ID"],
    ["SRV-DPI-01", "Microsoft Windows Server 2012 R2 (64-bit)", 4, 8192, "[fe80::1,10.0.1.10];", "ON", "/sub/m1"],
    ["SRV-SQL-01", "Microsoft Windows Server 2019 Standard", 8, 32768, "[10.0.1.20];", "ON", "/sub/m2"],
    ["srv-lab", "Debian GNU/Linux 12", 2, 2048, "[];", "OFF", "/sub/m3"],
]}
ASSESSMENT = {
    "All_VM_IaaS_Server_Rehost_Perf": [
        ["Machine Name", "Operating System", "Support Status", "Group Name", "Azure VM Readiness"],
        ["SRV-DPI-01", "Microsoft Windows Server 2012 R2 (64-bit)", "Out of support", "DPI-Prod", "Ready"],
        ["SRV-SQL-01", "Microsoft Windows Server 2019 Standard", "Mainstream", "DPI-Prod", "Ready"],
    ],
    "SQL_All_Instances": [["Machine Name", "SQL Instance", "SQL Version", "Support Status"],
                          ["SRV-SQL-01", "MSSQLSERVER", "SQL Server 2012", "Out of support"]],
    "WebApp_PaaS": [["Machine Name", "Web Application Name"], ["SRV-DPI-01", "Default Web Site"]],
}


def run(runner: Any, args: list[str], out: Path) -> dict[str, Any]:
    report = out.with_suffix(".json")
    result = runner.invoke(app, [*args, "-o", str(out), "--report", str(report), "--as-of", "2026-11-30", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sum(o["count"] for o in data["outcomes"]) == data["read"]
    return data


def test_discovery_with_assessment(runner: Any, tmp_path: Path) -> None:
    discovery = workbook(tmp_path / "AzureMigrate_Discovery_Report.xlsx", DISCOVERY)
    assessment = workbook(tmp_path / "AzureMigrate_Assessment_Core_Report.xlsx", ASSESSMENT)
    out = tmp_path / "out.yaml"
    data = run(runner, ["import", "azure-migrate-discovery", str(discovery), "--assessment", str(assessment),
                        "--organisation", "CHU"], out)
    inventory = api.load(out).inventory
    servers = {s.id: s for s in inventory.servers}
    assert servers["srv-dpi-01"].os_support == "out-of-support"  # Azure's statement
    assert servers["srv-sql-01"].os_support == "supported" and servers["srv-lab"].os_support == "unknown"
    assert servers["srv-dpi-01"].ip_addresses == ("fe80::1", "10.0.1.10")
    assert servers["srv-sql-01"].extra["sql_instances"] == [
        {"instance": "MSSQLSERVER", "version": "SQL Server 2012", "support": "out-of-support"}]
    assert servers["srv-dpi-01"].extra["web_apps"] == ["Default Web Site"]
    group = inventory.applications_by_id["dpi-prod"]
    assert group.name == "DPI-Prod" and "suggested" not in group.tags and group.extra["azure_migrate_group"] == "DPI-Prod"
    assert servers["srv-lab"].applications == () and data["read"] == 3


def test_assessment_alone_and_not_a_workbook_of_azure_migrate(runner: Any, tmp_path: Path) -> None:
    assessment = workbook(tmp_path / "core.xlsx", ASSESSMENT)
    run(runner, ["import", "azure-migrate-discovery", str(assessment), "--organisation", "CHU"], tmp_path / "out.yaml")
    other = workbook(tmp_path / "other.xlsx", {"Feuil1": [["a"], [1]]})
    out = tmp_path / "x.yaml"
    result = runner.invoke(app, ["import", "azure-migrate-discovery", str(other), "--organisation", "C", "-o", str(out),
                                  "--lang", "en"])
    assert result.exit_code == 2 and "not an Azure Migrate discovery or assessment workbook" in result.output
    assert not out.exists()


@pytest.mark.parametrize("first, second", [(DISCOVERY, DISCOVERY), (ASSESSMENT, DISCOVERY)])
def test_a_discovery_report_given_as_the_assessment_is_refused_not_ignored(runner: Any, tmp_path: Path,
                                                                           first: Any, second: Any) -> None:
    # It would add nothing (no support status, no group): refused, naming it and what was expected.
    given = workbook(tmp_path / "first.xlsx", first)
    second_book = workbook(tmp_path / "second.xlsx", second)
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "azure-migrate-discovery", str(given), "--assessment", str(second_book),
                                 "--organisation", "CHU", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"{second_book}: not an Azure Migrate assessment core report: expected a sheet " \
           "All_VM_IaaS_Server_Rehost_Perf" in result.output


ADS = ("ExternalId,SMBiosId,IPAddress,MACAddress,HostName,VMware.MoRefId,VMware.VCenterId,CPU.NumberOfProcessors,"
       "OS.Name,OS.Version,VMware.VMName,RAM.TotalSizeInMB,Applications,ApplicationWave,Tags,ServerId\n"
       'srv-1,,"10.0.0.1, 10.0.0.2",,srv-1.mairie.local,,,2,Red Hat Enterprise Linux,6.10,,4096,"Paie,RH",Wave 2,,\n'
       ",,,,,,,,,,,,,,zone:1,\n")
CMF = ("wave_id,app_name,aws_region,aws_accountid,server_name,server_os_family,server_os_version,server_fqdn,"
       "server_tier,server_environment\n"
       "1,app01-hr,eu-west-3,111122223333,Server1,windows,windows server 2016,server1.mydomain.local,web,prod\n")


@pytest.mark.parametrize("content, kind", [(ADS, "aws-ads"), (CMF, "aws-cmf")])
def test_aws_files_give_servers_applications_and_waves(runner: Any, tmp_path: Path, content: str, kind: str) -> None:
    source = tmp_path / "import.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.yaml"
    data = run(runner, ["import", "aws-ads", str(source), "--organisation", "Mairie"], out)
    inventory = api.load(out).inventory
    assert data["kind"] == kind
    if kind == "aws-ads":
        server = inventory.servers[0]
        assert server.ip_addresses == ("10.0.0.1", "10.0.0.2") and server.applications == ("paie", "rh")
        assert server.os_support == "out-of-support"  # RHEL 6 on 2026-11-30
        assert inventory.applications_by_id["paie"].wave == 2
        assert {(o["reason"], o["count"]) for o in data["outcomes"]} == {("server", 1), ("no-server-name", 1)}
    else:
        server = inventory.servers[0]
        assert server.fqdn == "server1.mydomain.local" and server.os_support == "supported"
        assert server.extra["migration_target"]["awsregion"] == "eu-west-3"  # the target, not today's hosting
        assert inventory.applications_by_id["app01-hr"].wave == 1


def test_aws_rows_naming_a_server_only_by_what_identifies_it_are_imported_and_counted(runner: Any, tmp_path: Path) -> None:
    # VMware's managed object id (with its vCenter's) or an address alone: the server is named so,
    # never dropped, and the report counts the servers each column named instead of a name.
    source = tmp_path / "import.csv"
    source.write_text("HostName,VMware.MoRefId,VMware.VCenterId,IPAddress,Applications\n"
                      ",vm-101,vc-lyon,,Paie\n"
                      ",vm-102,vc-lyon,,\n"
                      ",vm-103,vc-lyon,10.0.0.7,\n"
                      ",,,10.0.0.8,\n"
                      "srv-rh,vm-104,vc-lyon,,\n"
                      ",,vc-lyon,,Paie\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    data = run(runner, ["import", "aws-ads", str(source), "--organisation", "Mairie"], out)
    servers = {s.id: s for s in api.load(out).inventory.servers}
    assert sorted(servers) == ["10.0.0.7", "10.0.0.8", "srv-rh", "vm-101", "vm-102"]
    assert servers["vm-101"].applications == ("paie",)
    assert servers["vm-101"].extra["vmware_moref_id"] == "vm-101" and servers["vm-101"].extra["vmware_vcenter_id"] == "vc-lyon"
    # an address names a server before its managed object id does, which is kept
    assert servers["10.0.0.7"].extra["vmware_moref_id"] == "vm-103"
    named = [n for n in data["notes"] if isinstance(n, dict) and n["code"] == "named-by"]
    assert named == [{"code": "named-by", "column": "VMware.MoRefId", "count": 2, "examples": "vm-101, vm-102"},
                     {"code": "named-by", "column": "IPAddress", "count": 2, "examples": "10.0.0.7, 10.0.0.8"}]
    assert {(o["reason"], o["count"]) for o in data["outcomes"]} == {
        ("server", 1), ("server-no-application", 4), ("no-server-name", 1)}
    said = runner.invoke(app, ["import", "aws-ads", str(source), "--organisation", "Mairie", "-o", str(tmp_path / "fr.yaml"),
                               "--lang", "fr"]).output
    assert "serveurs nommés par leur colonne VMware.MoRefId, leurs lignes ne donnant ni nom d'hôte ni nom de VM" in said


def test_an_aws_row_s_vm_name_beside_its_host_name_is_kept(runner: Any, tmp_path: Path) -> None:
    # The server is named by its host name; its VM name (how vCenter and RVTools know it) is kept
    # in extra, not dropped; a VM name that names the server is not repeated there.
    source = tmp_path / "import.csv"
    source.write_text("HostName,VMware.VMName,Applications\nip-10-0-0-1,Corp1,Paie\n,srv-rh,RH\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    run(runner, ["import", "aws-ads", str(source), "--organisation", "Mairie"], out)
    servers = {s.id: s for s in api.load(out).inventory.servers}
    assert servers["ip-10-0-0-1"].extra.get("vm_name") == "Corp1"
    assert "vm_name" not in servers["srv-rh"].extra


def test_sizes_are_numbers_as_a_french_or_english_spreadsheet_shows_them(runner: Any, tmp_path: Path) -> None:
    # The discovery report re-saved in French: sizes typed with a no-break space; a CSV template's
    # sizes are text, read as numbers (they were written "4096", a text, into extra).
    rows = [DISCOVERY["Discovery_Report"][0], ["SRV-DPI-01", "Ubuntu 22.04", "4", "8\u00a0192", "[10.0.1.10];", "ON", "/m1"],
            ["SRV-SQL-01", "Ubuntu 22.04", 8, 32768.0, "[10.0.1.20];", "ON", "/m2"]]
    discovery = workbook(tmp_path / "AzureMigrate_Discovery_Report.xlsx", {"Discovery_Report": rows})
    run(runner, ["import", "azure-migrate-discovery", str(discovery), "--organisation", "CHU"], tmp_path / "out.yaml")
    sizes = {s.id: (s.extra["cores"], s.extra["memory_mb"]) for s in api.load(tmp_path / "out.yaml").inventory.servers}
    assert sizes == {"srv-dpi-01": (4, 8192), "srv-sql-01": (8, 32768)}
    source = tmp_path / "import.csv"
    source.write_text(ADS, encoding="utf-8")
    run(runner, ["import", "aws-ads", str(source), "--organisation", "Mairie"], tmp_path / "aws.yaml")
    server = api.load(tmp_path / "aws.yaml").inventory.servers[0]
    assert (server.extra["cpus"], server.extra["memory_mb"]) == (2, 4096)


def test_a_size_that_is_no_number_is_refused_at_its_cell(runner: Any, tmp_path: Path) -> None:
    rows = [DISCOVERY["Discovery_Report"][0], ["SRV-DPI-01", "Ubuntu 22.04", "quatre", 8192, "[];", "ON", "/m1"]]
    discovery = workbook(tmp_path / "AzureMigrate_Discovery_Report.xlsx", {"Discovery_Report": rows})
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "azure-migrate-discovery", str(discovery), "--organisation", "C", "-o", str(out),
                                 "--lang", "en"])
    assert result.exit_code == 2 and not out.exists()
    assert f"{discovery}: Discovery_Report!C2: Cores: expected a number, got 'quatre'" in result.output
    source = tmp_path / "import.csv"
    source.write_text(ADS.replace(",4096,", ",4 Go,"), encoding="utf-8")
    result = runner.invoke(app, ["import", "aws-ads", str(source), "--organisation", "M", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 2 and not out.exists()
    assert f"{source}:2: column RAM.TotalSizeInMB: expected a number, got '4 Go'" in result.output


@pytest.mark.parametrize("command, name, content", [
    ("aws-ads", "import.csv", ADS.splitlines()[0] + "\n"),
    ("rvtools", "RVTools_tabvInfo.csv", "VM,Powerstate,Template\n"),
    ("azure-migrate-discovery", "AzureMigrate_Discovery_Report.xlsx", None),
])
def test_an_export_of_headers_only_is_nothing_to_import(runner: Any, tmp_path: Path, command: str, name: str,
                                                        content: str | None) -> None:
    source = tmp_path / name
    if content is None:
        workbook(source, {"Discovery_Report": DISCOVERY["Discovery_Report"][:1]})
    else:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", command, str(source), "--organisation", "M", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 2 and not out.exists()  # not an inventory of no server
    assert f"{source}: a header but no data row under it: nothing to import" in result.output


def test_merging_servers_into_an_existing_inventory_adds_lines_only(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "chu.yaml"
    inventory.write_text((ROOT / "examples" / "chu-exemple.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = inventory.read_text(encoding="utf-8")
    source = tmp_path / "cmf.csv"
    source.write_text(CMF.replace("app01-hr", "dpi"), encoding="utf-8")
    # --lang en: the English report is checked (the inventory's French organisation would give French).
    result = runner.invoke(app, ["import", "aws-ads", str(source), "--inventory", str(inventory), "--in-place",
                                 "--as-of", "2026-11-30", "--lang", "en"])
    assert result.exit_code == 0, result.output
    after = inventory.read_text(encoding="utf-8")
    diff = [l for l in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if l[:1] in "+-" and not l.startswith(("+++", "---"))]
    assert diff and all(l.startswith("+") for l in diff), diff
    assert "applications: dpi is already in the inventory" in result.output  # the user's dpi is kept as written
    assert api.load(inventory).inventory.servers[0].applications == ("dpi",)


@pytest.mark.skipif(not (SAMPLES / "aws-cmf-0-intake-form.csv").exists(), reason="samples absent")
@pytest.mark.parametrize("args", [
    ["azure-migrate-discovery", "azmig-export-AzureMigrate_Discovery_Report.xlsx", "--assessment",
     "azmig-export-AzureMigrate_Assessment_Core_Report.xlsx"],
    ["aws-ads", "aws-ads-import-template-FROM-DOCS.csv"],
    ["aws-ads", "aws-cmf-0-intake-form.csv"],
    ["aws-ads", "aws-cmf-test_valid.csv"],
])
def test_real_samples_as_a_real_process(tmp_path: Path, args: list[str]) -> None:
    command = [a if a.startswith("-") or a in ("azure-migrate-discovery", "aws-ads") else str(SAMPLES / a) for a in args]
    out, report = tmp_path / "out.yaml", tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "import", *command, "--organisation", "Test",
                           "-o", str(out), "--report", str(report), "--as-of", "2026-11-30"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sum(o["count"] for o in data["outcomes"]) == data["read"] > 0
    inventory = api.load(out).inventory
    assert inventory.servers and inventory.applications


@pytest.mark.parametrize("content, unknown", [
    (ADS, []),  # the template's columns: known, those not imported (MAC, SMBIOS ids) too
    # `Application` for `Applications`: every application would be lost without a word.
    (ADS.replace(",Applications,", ",Application,").replace("ServerId\n", "ServerId,Propriétaire\n"),
     [("Application", "Applications"), ("Propriétaire", "")]),
    (CMF.replace("server_tier,", "serveur_tier,").replace("server_environment\n", "server_environment,notes\n"),
     [("serveur_tier", "server_tier"), ("notes", "")]),
])
def test_aws_columns_the_import_does_not_know_are_said_not_dropped_silently(
        runner: Any, tmp_path: Path, content: str, unknown: list[tuple[str, str]]) -> None:
    source = tmp_path / "import.csv"
    source.write_text(content, encoding="utf-8")
    data = run(runner, ["import", "aws-ads", str(source), "--organisation", "Mairie"], tmp_path / "out.yaml")
    notes = [n for n in data["notes"] if isinstance(n, dict) and n["code"] == "intake.note.unknown_column"]
    assert [(n["column"], n["hint"], n["line"], n["csv_column"]) for n in notes] == [
        (column, hint, 1, column) for column, hint in unknown]
    assert all(n["file"] == str(source) for n in notes)


def test_aws_cells_saying_not_known_are_not_names_and_are_counted_per_column(runner: Any, tmp_path: Path) -> None:
    source = tmp_path / "import.csv"
    source.write_text(CMF + "2,TBD,eu-west-3,111122223333,Server2,?,N/A,-,web,prod\n"
                            "3,à déterminer,eu-west-3,111122223333,Server3,linux,RHEL 9,,web,prod\n", encoding="utf-8")
    data = run(runner, ["import", "aws-ads", str(source), "--organisation", "Mairie"], tmp_path / "out.yaml")
    inventory = api.load(tmp_path / "out.yaml").inventory
    servers = {s.id: s for s in inventory.servers}
    assert servers["server2"].applications == () and servers["server2"].os is None and servers["server2"].fqdn is None
    assert [a.id for a in inventory.applications] == ["app01-hr"]  # no application named TBD
    notes = [n for n in data["notes"] if isinstance(n, dict) and n["code"] == "intake.note.unknown_cells"]
    assert [(n["csv_column"], n["count"], n["words"]) for n in notes] == [
        ("app_name", 2, "TBD, à déterminer"), ("server_os_family", 1, "?"), ("server_os_version", 1, "N/A"),
        ("server_fqdn", 1, "-")]
