"""`import azure-migrate`: agentless exports (both header variants, IP-only rows) and agent-based
(VMConnection) exports joined to applications through the inventory's `servers:`; destinations
that match no server become external endpoints (never dropped); administration ports left out by
default; every row accounted for in the import report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app

SAMPLES = Path("/work/shared/samples")
ROOT = Path(__file__).resolve().parent.parent

INVENTORY = """\
format: bleu-assess/v1
organisation:
  name: CHU de test
applications:
  - id: dpi
    name: DPI
    hosting: {model: on-premises}
  - id: annuaire
    name: Annuaire
    hosting: {model: on-premises}
  - id: pacs
    name: PACS
    hosting: {model: on-premises}
servers:
  - id: srv-dpi-01
    hostname: SRV-DPI-01
    fqdn: srv-dpi-01.chu.local
    ip_addresses: [10.0.1.10]
    applications: [dpi]
  - id: srv-dpi-02
    ip_addresses: [10.0.1.11]
    applications: [dpi]
  - id: srv-ad-01
    ip_addresses: [10.0.0.5]
    applications: [annuaire]
  - id: srv-pacs-01
    fqdn: srv-pacs-01.chu.local
    ip_addresses: [10.0.4.7]
    applications: [pacs]
"""

# Agentless, the variant with "Time slot" and "Source IP"; most rows carry only a destination IP.
AGENTLESS = """\
Time slot,Source server name,Source IP,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port
11/24/2026 06:00 - 12:00,SRV-DPI-01,10.0.1.10,dpi,java,,10.0.0.5,,,389
11/24/2026 12:00 - 18:00,srv-dpi-01.chu.local,10.0.1.10,dpi,java,,10.0.0.5,,,636
11/24/2026 06:00 - 12:00,SRV-DPI-01,10.0.1.10,dpi,java,,10.0.1.11,,,8080
11/24/2026 06:00 - 12:00,SRV-DPI-01,10.0.1.10,dpi,java,,10.0.0.5,,,3389
11/24/2026 06:00 - 12:00,srv-pacs-01,10.0.4.7,pacs,dcm,,52.143.1.9,,,443
11/24/2026 12:00 - 18:00,srv-pacs-01,10.0.4.7,pacs,dcm,,52.143.1.77,,,443
11/24/2026 12:00 - 18:00,srv-pacs-01,10.0.4.7,pacs,dcm,api.teleradiologie.example,20.1.2.3,,,443
11/24/2026 12:00 - 18:00,SRV-PACS-01,10.0.4.7,pacs,dcm,,10.9.9.9,,,445
11/24/2026 12:00 - 18:00,SRV-UNKNOWN,10.7.7.7,x,y,,10.0.0.5,,,389
"""

# Agent-based: Log Analytics VMConnection rows (outbound from Computer, inbound to it).
AGENT_BASED = """\
TimeGenerated [UTC],Computer,Direction,ProcessName,SourceIp,DestinationIp,DestinationPort,Protocol,RemoteIp,LinksEstablished
"11/3/2025, 10:00:00.000 AM",SRV-DPI-01,outbound,java,10.0.1.10,10.0.0.5,389,tcp,10.0.0.5,12
"11/3/2025, 11:00:00.000 AM",SRV-PACS-01,outbound,dcm,10.0.4.7,52.143.1.9,104,tcp,52.143.1.9,3
"11/3/2025, 11:00:00.000 AM",srv-ad-01,inbound,lsass,10.0.4.7,10.0.0.5,389,tcp,10.0.4.7,7
"11/3/2025, 11:00:00.000 AM",srv-ad-01,inbound,sshd,10.0.1.10,10.0.0.5,22,tcp,10.0.1.10,1
"""


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    path = tmp_path / "inventaire.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def run(runner: Any, export: str, inventory: Path, *args: str) -> tuple[Any, Path, Path]:
    source = inventory.parent / "deps.csv"
    source.write_text(export, encoding="utf-8")
    out, report = inventory.parent / "out.yaml", inventory.parent / "report.json"
    result = runner.invoke(app, ["import", "azure-migrate", str(source), "--inventory", str(inventory), "-o", str(out),
                                 "--report", str(report), "--lang", "en", *args])
    return result, out, report


def test_ip_only_rows_join_through_servers_and_unmatched_destinations_become_endpoints(runner: Any, estate: Path) -> None:
    result, out, report_file = run(runner, AGENTLESS, estate)
    assert result.exit_code == 0, result.output
    inventory = api.load(out).inventory
    apps = inventory.applications_by_id
    assert apps["dpi"].depends_on == ("annuaire",)  # by IP; dpi -> dpi (its own two servers) is no dependency
    # Public addresses grouped by /24 and by resolved name; a private address that matches no server too.
    assert set(apps["pacs"].depends_on) == {"ext-52.143.1.0-24", "ext-api.teleradiologie.example", "unknown-10.9.9.0-24"}
    endpoint = apps["ext-52.143.1.0-24"]
    assert endpoint.hosting is not None and endpoint.hosting.provider == "ext-52.143.1.0-24" and "discovered" in endpoint.tags
    assert endpoint.extra["discovered"]["addresses"] == ["52.143.1.77", "52.143.1.9"]
    provider = inventory.providers_by_id["ext-52.143.1.0-24"]
    assert provider.headquarters is None  # an unknown provider, for the user to classify
    assert apps["unknown-10.9.9.0-24"].hosting is None  # servers the inventory lacks: hosting unknown
    flow = next(f for f in inventory.flows if (f.source, f.target) == ("dpi", "annuaire"))
    assert flow.datasets == ()
    text = out.read_text(encoding="utf-8")
    assert ('extra: {discovered: {source: deps.csv, ports: [389, 636], connections: 2, '
            'first_seen: "2026-11-24T06:00", last_seen: "2026-11-24T12:00"}}') in text
    report = json.loads(report_file.read_text(encoding="utf-8"))
    counts = {(o["outcome"], o["reason"]): o["count"] for o in report["outcomes"]}
    assert sum(counts.values()) == report["read"] == 9
    assert counts == {("mapped", "dependency-by-ip"): 2, ("mapped", "external-endpoint"): 3,
                      ("mapped", "unknown-internal-endpoint"): 1, ("left-out", "admin-port"): 1,
                      ("left-out", "within-one-application"): 1, ("left-out", "source-not-a-server"): 1}
    assert "SRV-UNKNOWN" in result.output and "3389 RDP" in result.output
    # The scan sees the external endpoint as an unknown provider, not as "ready".
    item = next(i for i in api.scan(out).items if i.id == "ext-52.143.1.0-24")
    assert item.readiness != "ready" or any(f.severity != "info" for f in item.findings)


def test_port_filters(runner: Any, estate: Path) -> None:
    result, out, report_file = run(runner, AGENTLESS, estate, "--ignore-ports", "none")
    assert result.exit_code == 0, result.output
    counts = {o["reason"]: o["count"] for o in json.loads(report_file.read_text(encoding="utf-8"))["outcomes"]}
    assert "admin-port" not in counts and counts["dependency-by-ip"] == 3
    out.unlink()
    result, out, report_file = run(runner, AGENTLESS, estate, "--ports", "443")
    counts = {o["reason"]: o["count"] for o in json.loads(report_file.read_text(encoding="utf-8"))["outcomes"]}
    assert counts == {"port-not-selected": 6, "external-endpoint": 3}
    result, _, _ = run(runner, AGENTLESS, estate, "--ports", "https")
    assert result.exit_code == 2 and "not a port or range: 'https'" in result.output


def test_a_port_that_is_no_port_number_is_read_as_unknown_whatever_it_says(runner: Any, estate: Path) -> None:
    rows = AGENTLESS.splitlines()
    for port in ("inf", "1e400", "nan", "https"):
        export = "\n".join([rows[0], rows[1].rsplit(",", 1)[0] + f",{port}"]) + "\n"
        result, out, report_file = run(runner, export, estate)
        assert result.exit_code == 0, result.output
        assert "connections: 1" in out.read_text(encoding="utf-8") and "ports: []" in out.read_text(encoding="utf-8")
        out.unlink()


def test_agent_based_vmconnection_export(runner: Any, estate: Path) -> None:
    result, out, report_file = run(runner, AGENT_BASED, estate)
    assert result.exit_code == 0, result.output
    apps = api.load(out).inventory.applications_by_id
    assert apps["dpi"].depends_on == ("annuaire",) and set(apps["pacs"].depends_on) == {"annuaire", "ext-52.143.1.0-24"}
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["kind"] == "azure-migrate (agent-based)" and report["read"] == 4
    text = out.read_text(encoding="utf-8")
    assert "connections: 12, rows: 1" in text and 'first_seen: "2025-11-03T10:00"' in text  # LinksEstablished, time slot


def test_mapping_skeleton_lists_the_servers_to_fill_in(runner: Any, estate: Path, tmp_path: Path) -> None:
    source = tmp_path / "deps.csv"
    source.write_text(AGENTLESS, encoding="utf-8")
    skeleton = tmp_path / "a-completer.yaml"
    result = runner.invoke(app, ["import", "azure-migrate", str(source), "--inventory", str(estate),
                                 "--mapping-skeleton", str(skeleton)])
    assert result.exit_code == 0, result.output
    import yaml

    servers = yaml.safe_load(skeleton.read_text(encoding="utf-8"))["servers"]
    assert {"id": "srv-unknown", "hostname": "SRV-UNKNOWN", "ip_addresses": ["10.7.7.7"], "applications": []} in servers
    assert {"id": "10.9.9.9", "ip_addresses": ["10.9.9.9"], "applications": []} in servers


def test_the_skeleton_lists_both_ends_of_a_row_in_one_pass_each_by_its_name(runner: Any, estate: Path,
                                                                              tmp_path: Path) -> None:
    # An unknown source's destination (SRV-LABO, a named private server) is listed with it, not
    # only once the source is filled in and the import run again; a named destination keeps its
    # name beside its address; a public one is no server to fill in; a known one is not listed.
    source = tmp_path / "deps.csv"
    source.write_text(AGENTLESS.splitlines()[0] + "\n" + "\n".join([
        "11/24/2026 06:00 - 12:00,SRV-UNKNOWN,10.7.7.7,x,y,SRV-LABO,10.8.8.8,,,5432",
        "11/24/2026 06:00 - 12:00,SRV-UNKNOWN,10.7.7.7,x,y,,52.143.1.9,,,443",
        "11/24/2026 06:00 - 12:00,SRV-UNKNOWN,10.7.7.7,x,y,,10.0.0.5,,,389",
        "11/24/2026 06:00 - 12:00,SRV-DPI-01,10.0.1.10,dpi,java,srv-stock,10.6.6.6,,,8080"]) + "\n", encoding="utf-8")
    skeleton = tmp_path / "a-completer.yaml"
    result = runner.invoke(app, ["import", "azure-migrate", str(source), "--inventory", str(estate),
                                 "--mapping-skeleton", str(skeleton)])
    assert result.exit_code == 0, result.output
    import yaml

    assert yaml.safe_load(skeleton.read_text(encoding="utf-8"))["servers"] == [
        {"id": "srv-labo", "hostname": "SRV-LABO", "ip_addresses": ["10.8.8.8"], "applications": []},
        {"id": "srv-stock", "hostname": "srv-stock", "ip_addresses": ["10.6.6.6"], "applications": []},
        {"id": "srv-unknown", "hostname": "SRV-UNKNOWN", "ip_addresses": ["10.7.7.7"], "applications": []},
    ]


def test_without_servers_or_mapping_the_report_says_why_nothing_joined(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(INVENTORY.split("servers:")[0], encoding="utf-8")
    result, out, report_file = run(runner, AGENTLESS, inventory)
    assert result.exit_code == 0, result.output
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["outcomes"][0]["reason"] == "admin-port" or report["outcomes"]
    assert sum(o["count"] for o in report["outcomes"]) == report["read"]
    assert report["not_done"] == [{"code": "no-servers"}] and "--mapping-skeleton" in result.output


def test_not_a_dependency_export_is_a_located_error(runner: Any, estate: Path) -> None:
    result, out, _ = run(runner, "name,owner\nx,y\n", estate)
    assert result.exit_code == 2 and not out.exists()
    # at its header line, no column made up
    assert "deps.csv:1: not an Azure Migrate dependency export" in result.output
    result, out, _ = run(runner, AGENTLESS.splitlines()[0] + "\n", estate)
    assert result.exit_code == 2 and not out.exists()
    assert "deps.csv: a header but no data row under it: nothing to import" in result.output


def test_a_workbook_copy_with_title_rows_and_serial_time_slots_is_read_as_the_export(runner: Any, estate: Path) -> None:
    # The export opened and re-saved in Excel: a title above the header, the time slots shown
    # as their serial numbers (45985.25 is 2025-11-24 06:00), a port typed as text.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Dépendances Azure Migrate - CHU"])
    sheet.append([])
    sheet.append(["Timeslot", "Source server name", "Destination server name", "Destination IP", "Destination port"])
    sheet.append([45985.25, "SRV-DPI-01", None, "10.0.0.5", 389])
    sheet.append([45986.5, "srv-dpi-01.chu.local", None, "10.0.0.5", "636"])
    out = _imported_workbook(runner, estate, book)
    assert ('extra: {discovered: {source: dependances.xlsx, ports: [389, 636], connections: 2, '
            'first_seen: "2025-11-24T06:00", last_seen: "2025-11-25T12:00"}}') in out.read_text(encoding="utf-8")


def _imported_workbook(runner: Any, estate: Path, book: Any) -> Path:
    """The inventory `estate` with the dependencies of the workbook `book` imported: the DPI
    now depends on the directory, as the export's rows say."""
    source = estate.parent / "dependances.xlsx"
    book.save(source)
    out = estate.parent / "out.yaml"
    result = runner.invoke(app, ["import", "azure-migrate", str(source), "--inventory", str(estate), "-o", str(out),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert api.load(out).inventory.applications_by_id["dpi"].depends_on == ("annuaire",)
    return out


def test_a_workbook_whose_export_follows_a_summary_sheet(runner: Any, estate: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Résumé"
    book.active.append(["Export", "Date"])
    book.active.append(["Dépendances du CHU", "2026-11-24"])
    export = book.create_sheet("Dependencies")
    for line in AGENTLESS.splitlines():
        export.append(line.split(","))
    _imported_workbook(runner, estate, book)


def test_what_the_reader_did_is_in_the_report(runner: Any, estate: Path) -> None:
    # Saved by French Excel: ';' and Windows-1252, said in the report as the other importers say it.
    export = AGENTLESS.replace(",", ";").replace("\n", "\r\n").replace("dcm", "dcm-é")
    source = estate.parent / "deps.csv"
    source.write_bytes(export.encode("cp1252"))
    report = estate.parent / "report.json"
    result = runner.invoke(app, ["import", "azure-migrate", str(source), "--inventory", str(estate),
                                 "-o", str(estate.parent / "out.yaml"), "--report", str(report), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert f"{source}: lu comme Windows-1252 (détecté)" in result.output
    notes = json.loads(report.read_text(encoding="utf-8"))["notes"]
    assert {"code": "intake.note.delimiter", "file": str(source), "delimiter": "';'"} in notes


@pytest.mark.skipif(not (SAMPLES / "azmig-shabbirnkhan1-dependency-export-sample.csv").exists(), reason="samples absent")
@pytest.mark.parametrize("sample", ["azmig-shabbirnkhan1-dependency-export-sample.csv",
                                    "azmig-agentbased-vmconnection-CONSTRUCTED.csv"])
def test_real_samples_give_dependencies_as_a_real_process(tmp_path: Path, sample: str) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "format: bleu-assess/v1\norganisation: {name: Test}\napplications:\n"
        + "".join(f"  - {{id: {a}, name: {a}, hosting: {{model: on-premises}}}}\n" for a in ("app1", "app2", "web", "api", "sql", "dpi", "ldap", "oracle", "pacs"))
        + "servers:\n"
        + "".join(f"  - {{id: {s}, ip_addresses: [{ip}], applications: [{a}]}}\n" for s, ip, a in (
            ("app1-server", "10.0.0.1", "app1"), ("app2-server", "10.0.0.2", "app2"), ("db1-server", "10.0.0.5", "sql"),
            ("web1-server", "10.0.0.20", "web"), ("web2-server", "10.0.0.21", "web"), ("api1-server", "10.0.0.10", "api"),
            ("api2-server", "10.0.0.11", "api"), ("srv-dpi-01", "10.0.1.10", "dpi"), ("srv-ora", "10.0.2.20", "oracle"),
            ("srv-ldap", "10.0.3.5", "ldap"), ("srv-pacs-01", "10.0.4.7", "pacs"))),
        encoding="utf-8")
    out = tmp_path / "out.yaml"
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "import", "azure-migrate", str(SAMPLES / sample),
                           "--inventory", str(inventory), "-o", str(out), "--report", str(report)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sum(o["count"] for o in data["outcomes"]) == data["read"] > 0
    assert any(a.depends_on for a in api.load(out).inventory.applications)


def test_server_index_joins_by_name_fqdn_short_name_and_ip_and_never_by_an_ambiguous_short_name() -> None:
    from bleu_assess.intake.servers import ServerIndex
    from bleu_assess.inventory.model import Server

    index = ServerIndex([
        Server("srv-dpi-01", hostname="SRV-DPI-01", fqdn="srv-dpi-01.chu.local", ip_addresses=("10.0.1.10",),
               applications=("dpi",)),
        Server("db01-a", fqdn="db01.site-a.local", applications=("paie",)),
        Server("db01-b", fqdn="db01.site-b.local", applications=("rh",)),
    ])
    assert index.find("SRV-DPI-01").by == "name"  # type: ignore[union-attr]
    assert index.find("SRV-DPI-01.CHU.LOCAL.").by == "fqdn"  # type: ignore[union-attr]
    assert index.find("srv-dpi-01.other.domain").by == "short-name"  # type: ignore[union-attr]
    assert index.find(None, "10.0.1.10").server == "srv-dpi-01"  # type: ignore[union-attr]
    assert index.find("10.0.1.10").by == "ip"  # type: ignore[union-attr]
    assert index.find("db01.site-a.local").server == "db01-a"  # type: ignore[union-attr]
    assert index.find("db01") is None  # two servers share that short name
    assert index.find("unknown", "10.9.9.9") is None


def test_servers_read_from_an_inventory_join_as_the_model_s_servers_do() -> None:
    from bleu_assess.intake.servers import ServerIndex, servers_from_data
    from bleu_assess.inventory.model import Server

    data = {"servers": [{"id": "srv-a", "hostname": "SRV-A", "ip_addresses": ["10.0.0.1"], "applications": ["paie"]},
                        {"id": "srv-b", "fqdn": "srv-b.chu.local", "applications": ["rh", "paie"], "os": "linux"},
                        {"hostname": "no-id"}, "not a server"]}
    read = servers_from_data(data)
    assert [tuple(s) for s in read] == [("srv-a", "SRV-A", None, ("10.0.0.1",), ("paie",)),
                                        ("srv-b", None, "srv-b.chu.local", (), ("rh", "paie"))]
    model = ServerIndex([Server("srv-a", hostname="SRV-A", ip_addresses=("10.0.0.1",), applications=("paie",)),
                         Server("srv-b", fqdn="srv-b.chu.local", applications=("rh", "paie"))])
    index = ServerIndex(read)
    for name, ip in (("srv-a", None), (None, "10.0.0.1"), ("SRV-B", None), ("srv-b.chu.local", None), ("x", None)):
        assert index.find(name, ip) == model.find(name, ip)


def test_from_an_rvtools_export_and_a_dependency_export_to_a_first_scan(runner: Any, tmp_path: Path) -> None:
    """The consultant's first day: servers and suggested applications from RVTools, then the
    dependencies Azure Migrate saw joined to them by IP only, merged in place, then a scan."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "vInfo"
    for row in (["VM", "Template", "Primary IP Address", "Cluster", "Folder", "OS according to the VMware Tools"],
                ["SRV-DPI-01", "False", "10.0.1.10", "CL-A", "/DC/vm/DPI", "Microsoft Windows Server 2008 R2 (64-bit)"],
                ["SRV-AD-01", "False", "10.0.0.5", "CL-A", "/DC/vm/Annuaire", "Microsoft Windows Server 2022 (64-bit)"]):
        sheet.append(row)
    book.save(tmp_path / "rvtools.xlsx")
    inventory = tmp_path / "inventaire.yaml"
    result = runner.invoke(app, ["import", "rvtools", str(tmp_path / "rvtools.xlsx"), "--organisation", "CHU", "-o",
                                 str(inventory), "--group-by", "folder", "--as-of", "2026-11-30"])
    assert result.exit_code == 0, result.output
    export = tmp_path / "deps.csv"
    export.write_text("Timeslot,Source server name,Source application,Source process,Destination server name,"
                      "Destination IP,Destination application,Destination process,Destination port\n"
                      "2026-11-24 06:00,SRV-DPI-01,,java,,10.0.0.5,,,389\n"
                      "2026-11-24 06:00,SRV-DPI-01,,java,,52.143.1.9,,,443\n", encoding="utf-8")
    before = inventory.read_text(encoding="utf-8")
    result = runner.invoke(app, ["import", "azure-migrate", str(export), "--inventory", str(inventory), "--in-place"])
    assert result.exit_code == 0, result.output
    after = inventory.read_text(encoding="utf-8")
    import difflib

    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff and all(line.startswith("+") for line in diff), diff  # only added lines
    scan = api.scan(inventory)
    dpi = next(i for i in scan.items if i.id == "dpi")
    assert api.load(inventory).inventory.applications_by_id["dpi"].depends_on == ("annuaire", "ext-52.143.1.0-24")
    # The Internet call reaches the analysis: the provider behind it is unknown, so is dpi's readiness.
    assert dpi.readiness == "unknown" and "INF-EXT-001" in {f.rule for f in dpi.findings}


def test_quiet_prints_errors_only(tmp_path: Path, estate: Path) -> None:
    # -q: the import's report and the "written" line stay off standard error; the files are the same.
    source = tmp_path / "deps.csv"
    source.write_text(AGENTLESS, encoding="utf-8")

    def imported(*quiet: str) -> tuple[bytes, bytes]:
        out = tmp_path / f"out{len(quiet)}.yaml"
        done = subprocess.run([sys.executable, "-m", "bleu_assess", *quiet, "import", "azure-migrate", str(source),
                               "--inventory", str(estate), "-o", str(out), "--lang", "en"], capture_output=True,
                              check=False)
        assert done.returncode == 0, done.stderr.decode()
        return done.stderr, out.read_bytes()

    loud, quiet = imported(), imported("-q")
    assert b"SRV-UNKNOWN" in loud[0] and quiet[0] == b""
    assert loud[1] == quiet[1]


HEADER = AGENTLESS.splitlines()[0]


def _slots(*slots: str) -> str:
    """An agentless export of one dependency (dpi -> annuaire) seen at these time slots."""
    return "\n".join([HEADER, *(f'"{slot}",SRV-DPI-01,10.0.1.10,dpi,java,,10.0.0.5,,,389' for slot in slots)]) + "\n"


@pytest.mark.parametrize(("slots", "seen", "note"), [
    # A first number above 12 proves the column day-first: 05/02 is then 5 February, never May 2.
    (["05/02/2026 14:00", "31/01/2026 09:00"], ("2026-01-31T09:00", "2026-02-05T14:00"), None),
    # A second number above 12 proves it month-first.
    (["11/24/2026 06:00 - 12:00", "11/05/2026 06:00 - 12:00"], ("2026-11-05T06:00", "2026-11-24T06:00"), None),
    # Dots or dashes as separators: the same numbers, the same order.
    (["11-24-2026 06:00", "11-05-2026 06:00"], ("2026-11-05T06:00", "2026-11-24T06:00"), None),
    (["05.02.2026 14:00", "31.01.2026 09:00"], ("2026-01-31T09:00", "2026-02-05T14:00"), None),
    # Nothing to tell: the French default, said in the report.
    (["05/02/2026 14:00", "06/02/2026"], ("2026-02-05T14:00", "2026-02-06"), "intake.note.dates_french-default"),
    (["05/02/26 14:00"], ("2026-02-05T14:00", "2026-02-05T14:00"), "intake.note.dates_french-default"),
    # Nothing to tell but a 12-hour clock: written the American way, month-first.
    (["11/3/2025, 10:00:00.000 AM", "11/3/2025, 12:30:00.000 PM"], ("2025-11-03T10:00", "2025-11-03T12:30"),
     "intake.note.dates_clock-12"),
    (["2026-11-24 06:00", "2026-11-25T07:00:00Z"], ("2026-11-24T06:00", "2026-11-25T07:00"), None),
])
def test_a_column_of_dates_is_read_in_one_order_its_values_decide(runner: Any, estate: Path, slots: list[str],
                                                                   seen: tuple[str, str], note: str | None) -> None:
    result, out, report_file = run(runner, _slots(*slots), estate)
    assert result.exit_code == 0, result.output
    import yaml

    flow = next(f for f in yaml.safe_load(out.read_text(encoding="utf-8"))["flows"] if f["to"] == "annuaire")
    assert (flow["extra"]["discovered"]["first_seen"], flow["extra"]["discovered"]["last_seen"]) == seen
    notes = [n for n in json.loads(report_file.read_text(encoding="utf-8"))["notes"]
             if isinstance(n, dict) and n["code"].startswith("intake.note.dates")]
    assert notes == ([] if note is None else [{"code": note, "file": str(estate.parent / "deps.csv"), "line": 2, "column": 1,
                                                "example": slots[0], "csv_column": "Time slot", "csv_field": ""}])


def test_an_agent_based_export_s_dates_are_read_in_their_column_s_order(runner: Any, estate: Path) -> None:
    rows = AGENT_BASED.splitlines()
    export = "\n".join([rows[0], rows[1].replace('"11/3/2025, 10:00:00.000 AM"', "03/11/2025 10:00"),
                        rows[2].replace('"11/3/2025, 11:00:00.000 AM"', "13/11/2025 11:00")]) + "\n"
    result, out, _ = run(runner, export, estate)
    assert result.exit_code == 0, result.output
    assert 'first_seen: "2025-11-03T10:00"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("slots", "line", "message"), [
    (["31/01/2026 14:00", "05/02/2026 14:00", "01/31/2026 14:00"], 4,
     "dates written day-first ('31/01/2026 14:00', row 2) and month-first ('01/31/2026 14:00', row 4) in one column"),
    (["05/02/2026 14:00", "30/02/2026 14:00"], 3, "no such date '30/02/2026 14:00': February 2026 has 28 days"),
    (["11/24/2026 06:00 - 12:00", "13/01/2026"], 3, "dates written day-first ('13/01/2026', row 3) and month-first"),
    (["31/13/2026"], 2, "no such date '31/13/2026': there is no month 31"),
    (["05/02/2026 24:00"], 2, "no such time '05/02/2026 24:00'"),
    (["05/02/2026 13:00 PM"], 2, "no such time '05/02/2026 13:00 PM'"),
])
def test_a_date_that_cannot_be_read_in_its_column_s_order_is_refused_at_its_line(
        runner: Any, estate: Path, slots: list[str], line: int, message: str) -> None:
    result, out, _ = run(runner, _slots(*slots), estate)
    assert result.exit_code == 2, result.output
    assert f"deps.csv:{line}: column Time slot: {message}" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_times_of_a_12_hour_clock_are_read_as_the_day_s_hours() -> None:
    from bleu_assess.intake.dates import read_slashed

    assert [read_slashed(f"11/3/2025, {t}", False) for t in ("12:00:00 AM", "12:59:00 AM", "1:00:00 PM", "12:00:00 PM")] \
        == ["2025-11-03T00:00", "2025-11-03T00:59", "2025-11-03T13:00", "2025-11-03T12:00"]
    assert read_slashed("2026-11-24 06:00", True) is None  # no `/`-date: read otherwise


def test_evidence_of_rows_is_what_adding_them_gives() -> None:
    from bleu_assess.intake.dependencies import Connection, Evidence

    first = [Connection(2, "a", None, "b", None, 443, 1, "2026-11-24T06:00"),
             Connection(3, "a", None, "b", None, None, 3, None)]
    more = [Connection(4, "a", None, "b", None, 1433, 1, "2026-11-20T06:00"),
            Connection(5, "a", None, "b", None, 443, 1, "")]
    grown = Evidence()
    grown.add(first)
    assert grown == Evidence.of(first) == Evidence({443}, 4, 2, {"2026-11-24T06:00", None})
    grown.add(more)
    assert grown.to_dict("x.csv") == {"source": "x.csv", "ports": [443, 1433], "connections": 6, "rows": 4,
                                      "first_seen": "2026-11-20T06:00", "last_seen": "2026-11-24T06:00"}
    assert Evidence.of(first[1:]).to_dict("x.csv") == {"source": "x.csv", "ports": [], "connections": 3, "rows": 1}


@pytest.mark.parametrize("address", ["52.1.2.3", "10.0.0.1", "100.64.0.1", "192.0.0.9", "192.0.0.170", "0.0.0.0",
                                     "255.255.255.255", "8.8.8.8", "2001:db8::1", "2a00:1450::1", "::ffff:10.0.0.1"])
def test_an_address_is_public_as_ipaddress_says(address: str) -> None:
    import ipaddress

    from bleu_assess.intake.dependencies import _is_global

    assert _is_global(address) == ipaddress.ip_address(address).is_global


def test_ipv4_answers_shared_by_a_block_are_ipaddress_s_at_every_special_network_s_edges() -> None:
    """An IPv4 answer is shared by the addresses of a /24 block: at the edges of every special
    network (and just outside), and at every address of the blocks holding one narrower than a
    /24, the answer is ipaddress's, in increasing order (a block's first answer is remembered)."""
    import ipaddress

    from bleu_assess.intake.dependencies import _is_global

    special = [ipaddress.IPv4Network(n) for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/29",
        "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32")]
    numbers = {n for network in special
               for n in (int(network.network_address) - 1, int(network.network_address),
                         int(network.broadcast_address), int(network.broadcast_address) + 1) if 0 <= n < 2 ** 32}
    numbers |= {*range(0xC0000000, 0xC0000100), *range(0xFFFFFF00, 2 ** 32)}
    for number in sorted(numbers):
        address = ipaddress.IPv4Address(number)
        assert _is_global(str(address)) == address.is_global, address


def test_rows_left_out_are_counted_in_the_order_first_seen_with_their_first_examples() -> None:
    from bleu_assess.intake.dependencies import ADMIN_PORTS, Connection, lift
    from bleu_assess.intake.servers import ServerIndex
    from bleu_assess.intake.tally import ImportReport
    from bleu_assess.inventory.model import Server

    index = ServerIndex([Server("a", applications=("app-a",)), Server("b", applications=("app-b",)),
                         Server("c")])
    rows = [Connection(2, "x", None, "b", None, 443), Connection(3, "a", None, "b", None, 3389),
            Connection(4, "a", None, "b", None, 22), Connection(5, "y", None, "b", None, 443),
            Connection(6, "c", None, "b", None, 443), Connection(7, "a", None, "b", None, 3389),
            Connection(8, "a", None, "b", None, 443), Connection(9, None, None, "b", None, 443)]
    report = ImportReport("x.csv", "test")
    lift(rows, index, report, set(ADMIN_PORTS), None)
    assert [(key, bucket.count, bucket.examples) for key, bucket in report.outcomes.items()] == [
        (("left-out", "source-not-a-server"), 2, ["x", "y"]),
        (("left-out", "admin-port"), 3, ["3389 RDP", "22 SSH"]),
        (("left-out", "server-without-application"), 1, ["c"]),
        (("left-out", "no-source"), 1, ["row 9"]),
        (("mapped", "dependency-by-name"), 1, ["app-a -> app-b"])]
    assert report.read == 8
    report.check()


@pytest.mark.parametrize(("written", "address"), [
    ("fd00:1::10", "fd00:1::10"), ("FD00:1::10", "fd00:1::10"), ("[fd00:1::10]", "fd00:1::10"),
    ("[fd00:1::10]:51234", "fd00:1::10"), (" [2001:DB8::5]:443 ", "2001:db8::5"), ("[::ffff:10.0.0.5]:80", "::ffff:a00:5"),
    ("fe80::1%eth0", "fe80::1%eth0"), ("[fe80::1%eth0]:22", "fe80::1%eth0"),
    # IPv4 as before: an address, bracketed or not; with a port it is no address (unchanged).
    ("10.0.0.5", "10.0.0.5"), ("[10.0.0.5]", "10.0.0.5"), ("10.0.0.5:443", None), ("[10.0.0.5]:443", None),
    ("[fd00:1::10]:", None), ("[fd00:1::10]:https", None), ("srv-dpi-01", None)])
def test_an_address_is_read_bare_or_bracketed_with_its_port(written: str, address: str | None) -> None:
    from bleu_assess.intake.servers import ip_of

    assert ip_of(written) == address


IPV6_SERVERS = """\
  - id: srv-dpi-v6
    ip_addresses: ["FD00:1::10"]
    applications: [dpi]
  - id: srv-ad-v6
    ip_addresses: ["fd00:1::5"]
    applications: [annuaire]
"""

# IPv6 ends as exports write them: bare, bracketed, bracketed with a port, in either column.
IPV6_AGENTLESS = """\
Time slot,Source server name,Source IP,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port
11/24/2026 06:00 - 12:00,,fd00:1::10,dpi,java,,[fd00:1::5]:389,,,389
11/24/2026 12:00 - 18:00,,[fd00:1::10]:51234,dpi,java,,fd00:1::5,,,636
11/24/2026 06:00 - 12:00,[FD00:1::10],,dpi,java,,2a00:1450:4007::200e,,,443
11/24/2026 12:00 - 18:00,[fd00:1::10]:50000,,dpi,java,[2a00:1450:4007::200f]:443,,,,443
11/24/2026 12:00 - 18:00,fd00:9::7,,x,y,,fd00:1::5,,,389
11/24/2026 12:00 - 18:00,[fd00:9::7]:40000,,x,y,,fd00:1::5,,,389
"""


def test_ipv6_ends_bare_or_bracketed_with_a_port_join_servers_and_group_endpoints(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "inventaire.yaml"
    inventory.write_text(INVENTORY + IPV6_SERVERS, encoding="utf-8")
    result, out, report_file = run(runner, IPV6_AGENTLESS, inventory)
    assert result.exit_code == 0, result.output
    apps = api.load(out).inventory.applications_by_id
    assert set(apps["dpi"].depends_on) == {"annuaire", "ext-2a00-1450-4007---48"}
    assert apps["ext-2a00-1450-4007---48"].extra["discovered"]["addresses"] == ["2a00:1450:4007::200e",
                                                                                 "2a00:1450:4007::200f"]
    report = json.loads(report_file.read_text(encoding="utf-8"))
    counts = {o["reason"]: o["count"] for o in report["outcomes"]}
    assert counts == {"dependency-by-ip": 2, "external-endpoint": 2, "source-not-a-server": 2}
    # One unknown machine, however its address was written.
    unknown = next(o for o in report["outcomes"] if o["reason"] == "source-not-a-server")
    assert unknown["examples"] == ["fd00:9::7"]


def test_cells_saying_not_known_are_no_names_addresses_or_times(runner: Any, estate: Path) -> None:
    export = _slots("11/24/2026 06:00 - 12:00") + "\n".join([
        "N/A,SRV-DPI-01,10.0.1.10,dpi,java,-,10.0.0.5,,,389",
        "11/24/2026 12:00 - 18:00,SRV-DPI-01,10.0.1.10,dpi,java,?,?,,,443"]) + "\n"
    result, out, report_file = run(runner, export, estate)
    assert result.exit_code == 0, result.output
    import yaml

    flow = next(f for f in yaml.safe_load(out.read_text(encoding="utf-8"))["flows"] if f["to"] == "annuaire")
    assert flow["extra"]["discovered"]["connections"] == 2  # `-` is no server name: joined by its address
    assert (flow["extra"]["discovered"]["first_seen"], flow["extra"]["discovered"]["last_seen"]) == \
        ("2026-11-24T06:00", "2026-11-24T06:00")  # `N/A` is no time
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert {(o["reason"], o["count"]) for o in report["outcomes"]} == {("dependency-by-ip", 2), ("no-destination", 1)}
    notes = [n for n in report["notes"] if isinstance(n, dict) and n["code"] == "intake.note.unknown_cells"]
    assert [(n["csv_column"], n["count"], n["words"]) for n in notes] == [
        ("Time slot", 1, "N/A"), ("Destination server name", 2, "-, ?"), ("Destination IP", 1, "?")]


def test_a_workbook_s_date_that_does_not_exist_is_refused_at_its_cell(runner: Any, estate: Path) -> None:
    # Typed as text in a French workbook: day-first (31/01), so 30/02 names no day.
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Flux"
    book.active.append(["Timeslot", "Source server name", "Destination server name", "Destination IP", "Destination port"])
    book.active.append(["31/01/2026 06:00", "SRV-DPI-01", None, "10.0.0.5", 389])
    book.active.append(["30/02/2026 06:00", "SRV-DPI-01", None, "10.0.0.5", 636])
    source, out = estate.parent / "dependances.xlsx", estate.parent / "out.yaml"
    book.save(source)
    result = runner.invoke(app, ["import", "azure-migrate", str(source), "--inventory", str(estate), "-o", str(out),
                                 "--lang", "en"])
    assert result.exit_code == 2 and not out.exists()
    assert f"{source}: Flux!A3: Timeslot: no such date '30/02/2026 06:00': February 2026 has 28 days" in result.output
