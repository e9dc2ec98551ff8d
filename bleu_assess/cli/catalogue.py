"""Catalogue commands: catalogue list|show|check, and fit (applications against offers)."""

from __future__ import annotations

from typing import Optional

import typer

from bleu_assess.cli import app, command
from bleu_assess.cli.inventory import Lang

CATALOGUE_HELP = "Catalogue directory to use instead of the shipped one (catalogue.yaml + one file per provider)."
AS_OF_HELP = "Assessment date YYYY-MM-DD (default: SOURCE_DATE_EPOCH's day, else today)."

catalogue_app = typer.Typer(help="The dated, sourced catalogue of trusted-cloud offers.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")


def day_of(as_of: Optional[str]):  # type: ignore[no-untyped-def]
    """The assessment date, or a usage error naming the option."""
    from bleu_assess.catalogue import assessment_date
    from bleu_assess.errors import UsageError

    try:
        return assessment_date(as_of)
    except ValueError:
        raise UsageError(f"invalid --as-of '{as_of}': expected a date YYYY-MM-DD") from None


def _language(lang: Optional[Lang]) -> str:
    from bleu_assess.i18n import default_language

    return lang.value if lang else default_language()


@command("list", parent=catalogue_app)
def catalogue_list(
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language."),
) -> None:
    """List providers and offers: models, regions, qualifications (expired ones marked), pending milestones."""
    from bleu_assess import catalogue as cat, catalogue_render, console

    console.out().print(catalogue_render.listing(cat.load(catalogue), day_of(as_of), _language(lang)))


@command("show", parent=catalogue_app)
def catalogue_show(
    ref: str = typer.Argument(..., help="Provider id (ovhcloud) or offer (ovhcloud/bare-metal-pod)."),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language."),
) -> None:
    """Every fact of a provider or offer with its source (title, address, date) and confidence."""
    from bleu_assess import catalogue as cat, catalogue_render, console
    from bleu_assess.errors import UsageError
    from bleu_assess.i18n import t
    from bleu_assess.validate import suggest

    language = _language(lang)
    loaded = cat.load(catalogue)
    entry = cat.resolve(loaded, ref.removeprefix("catalogue:"))
    if entry is None:
        raise UsageError(t("catalogue.not_found", language, ref=ref) + suggest(ref, cat.all_refs(loaded), language))
    console.out().print(catalogue_render.show(entry, language))


@command("check", parent=catalogue_app)
def catalogue_check(
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language."),
) -> None:
    """Check the catalogue against a date: facts past their date (exit 1), qualifications expiring within
    90 days and a catalogue older than six months (warnings). Format errors and undeclared sources exit 2."""
    from bleu_assess import catalogue as cat, catalogue_render, console

    language = _language(lang)
    day = day_of(as_of)
    loaded = cat.load(catalogue)
    items = cat.check(loaded, day)
    styles = {"error": "red", "warning": "yellow", "info": None}
    for level, message in catalogue_render.check_lines(loaded, items, day, language):
        console.out().print(("" if level == "info" else f"{level}: ") + message, style=styles[level])
    if any(i.level == "error" for i in items):
        raise typer.Exit(1)
