"""A user template (--template-dir) or branding file (report/brand.yaml) that cannot be used is
refused in the command's language, naming the file and the line, exit code 2, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

INVENTORY = ("format: bleu-assess/v2\norganisation:\n  name: Hôpital\n  country: FR\n  type: other\n"
             "applications:\n  - id: app\n    name: App\n    hosting: {model: on-premises}\n")


def _said(result: Any) -> str:
    return result.output.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


@pytest.mark.parametrize("source, fr, en", [
    ("one\n{% for %}\n", "erreur de syntaxe dans le modèle (Jinja : « Expected an expression",
     "template syntax error: Expected an expression"),
    ("one\n{{ nope.name }}\n", "le modèle lit une valeur qui n'existe pas (Jinja : « 'nope' is undefined »)",
     "template error: it reads a value that does not exist: 'nope' is undefined"),
    ("one\n{% include 'absent.md.j2' %}\n", "modèle introuvable : absent.md.j2", "template not found: absent.md.j2"),
    ("one\n{{ 1 // 0 }}\n", "le modèle a échoué (« ZeroDivisionError", "template failed: ZeroDivisionError"),
    ("one\n{{ ''.__class__ }}\n", "modèle refusé par le bac à sable", "template refused by the sandbox"),
])
def test_a_broken_template_is_refused_in_the_command_language_at_its_line(
        runner: Any, tmp_path: Path, inventory: Path, source: str, fr: str, en: str) -> None:
    folder = tmp_path / "templates" / "scan"
    folder.mkdir(parents=True)
    template = folder / "scan.md.j2"
    template.write_text(source, encoding="utf-8")
    out = tmp_path / "scan.md"
    for lang, words, other in (("fr", fr, en), ("en", en, fr)):
        result = runner.invoke(app, ["scan", str(inventory), "-f", "markdown", "--lang", lang, "-o", str(out),
                                     "--template-dir", str(tmp_path / "templates")])
        assert result.exit_code == 2, result.output
        prefix = f"{template}:2 : " if lang == "fr" else f"{template}:2: "
        assert prefix + words in _said(result) and other not in _said(result)
        assert not out.exists()


@pytest.mark.parametrize("brand, fr, en", [
    ('footer: "CHU"\naccent: "purple"\n', ":2 : accent « purple » n'est pas une couleur #rrggbb",
     ":2: accent 'purple' is not a #rrggbb colour"),
    ('footer: "CHU"\naccnt: "#6a1b9a"\n', ":2 : réglage de marque inconnu « accnt » (vouliez-vous dire « accent » ?)",
     ":2: unknown brand setting 'accnt' (did you mean 'accent'?)"),
    ('footer: "CHU"\n\nfont: 12\n', ":3 : font doit être un texte", ":3: font is not text"),
    ('footer: "CHU\nfont: Marianne\n', ":3:1 : fichier de marque illisible", ":3:1: brand file cannot be read"),
])
def test_a_broken_brand_file_is_refused_in_the_command_language_at_its_line(
        runner: Any, tmp_path: Path, inventory: Path, brand: str, fr: str, en: str) -> None:
    folder = tmp_path / "templates" / "report"
    folder.mkdir(parents=True)
    (folder / "brand.yaml").write_text(brand, encoding="utf-8")
    out = tmp_path / "r.html"
    for lang, words, other in (("fr", fr, en), ("en", en, fr)):
        result = runner.invoke(app, ["report", str(inventory), "--lang", lang, "-o", str(out),
                                     "--template-dir", str(tmp_path / "templates")])
        assert result.exit_code == 2, result.output
        assert f"{folder / 'brand.yaml'}{words}" in _said(result) and other not in _said(result)
        assert not out.exists()
