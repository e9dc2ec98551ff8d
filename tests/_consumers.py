"""The consumers' own validators, as the tests call them (installed by tests/consumers/install.sh,
which .ci/run runs). A validator that is not installed skips its test with a reason naming it;
in CI (CI=true) it fails instead, so that a check can never silently stop running."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, NoReturn

import pytest

CONSUMERS = Path(__file__).resolve().parent / "consumers"
MODULES = CONSUMERS / "node_modules"
MULTITOOL = MODULES / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
SARIF_SCHEMA = MODULES / "@microsoft" / "sarif-multitool-linux" / "sarif-2.1.0.json"
JUNIT_XSD = CONSUMERS / "junit-10.xsd"
INSTALL = "tests/consumers/install.sh .venv/bin/python"


def missing(tool: str) -> NoReturn:
    reason = f"{tool} is not installed (run {INSTALL})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"consumer check cannot run in CI: {reason}")
    pytest.skip(reason)


def sarif_schema_errors(document: Any) -> list[str]:
    """Errors of the official SARIF 2.1.0 JSON schema (shipped with Microsoft's SARIF Multitool),
    formats checked: `uri` and `uri-reference` by RFC 3987 (the `rfc3987` package)."""
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    if not SARIF_SCHEMA.exists():
        missing("the SARIF 2.1.0 schema (npm @microsoft/sarif-multitool)")
    checker = FormatChecker()
    if "uri-reference" not in checker.checkers:
        missing("rfc3987 (PyPI), which jsonschema needs to check uri-reference")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8-sig"))
    validator = validator_for(schema)(schema, format_checker=checker)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def multitool_errors(path: Path) -> list[str]:
    """Errors of Microsoft's SARIF Multitool `validate`, with its GitHub code scanning rules
    (--rule-kind Gh) besides the SARIF ones. Warnings are not errors."""
    if not os.access(MULTITOOL, os.X_OK):
        missing("Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool)")
    log = path.with_suffix(".validation.sarif")
    done = subprocess.run([str(MULTITOOL), "validate", str(path), "-o", str(log), "--rule-kind", "Sarif;Gh",
                           "--log", "ForceOverwrite"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"})
    if "Analysis completed successfully" not in done.stdout:
        return [f"the Multitool did not complete: {done.stdout[-2000:]} {done.stderr[-2000:]}"]
    return [line for line in done.stdout.splitlines() if ": error " in line]


def junit_errors(xml: bytes) -> list[str]:
    """Errors of Jenkins xUnit's junit-10.xsd (the copy pytest ships), validated by xmlschema."""
    try:
        import xmlschema
    except ImportError:
        missing("xmlschema (PyPI)")
    if not JUNIT_XSD.exists():
        missing("junit-10.xsd (from pytest's source distribution on PyPI)")
    schema = xmlschema.XMLSchema10(str(JUNIT_XSD))
    return [str(e.reason or e) + f" at {e.path}" for e in schema.iter_errors(xml.decode("utf-8"))]


def mermaid(diagrams: list[str]) -> list[dict[str, Any]]:
    """Each diagram through Mermaid's own parser under Node (jsdom as the DOM): {ok, type, error,
    shape}; for flowcharts `shape` holds the vertices, edges, subgraphs and direction it read."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js")
    if not (MODULES / "mermaid").exists() or not (MODULES / "jsdom").exists():
        missing("mermaid and jsdom (npm)")
    done = subprocess.run([node, str(CONSUMERS / "mermaid-parse.mjs")], input=json.dumps(diagrams),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def graphviz(dot: str) -> dict[str, Any]:
    """The graph as Graphviz itself draws it (`dot -Tsvg`): {"nodes": {name: shown text},
    "edges": count, "label": the graph's own label}."""
    import xml.etree.ElementTree as ET

    binary = shutil.which("dot")
    if binary is None:
        missing("Graphviz (Debian package graphviz)")
    done = subprocess.run([binary, "-Tsvg"], input=dot, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr[-2000:]
    svg = "{http://www.w3.org/2000/svg}"
    groups = list(ET.fromstring(done.stdout).iter(f"{svg}g"))
    nodes = {g.findtext(f"{svg}title"): "\n".join(t.text or "" for t in g.iter(f"{svg}text"))
             for g in groups if g.get("class") == "node"}
    top = next(g for g in groups if g.get("class") == "graph")
    return {"nodes": nodes, "edges": sum(1 for g in groups if g.get("class") == "edge"),
            "label": "\n".join(t.text or "" for t in top.findall(f"{svg}text"))}
