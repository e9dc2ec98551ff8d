"""Catalogue commands: catalogue list|show|check, and fit (applications against offers)."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from bleu_assess.cli import app, command
from bleu_assess.cli.inventory import OUTPUT_HELP, PATH_HELP, Lang

CATALOGUE_HELP = "Catalogue directory to use instead of the shipped one (catalogue.yaml + one file per provider)."
AS_OF_HELP = "Assessment date YYYY-MM-DD (default: SOURCE_DATE_EPOCH's day, else today)."

catalogue_app = typer.Typer(help="The dated, sourced catalogue of trusted-cloud offers.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")


def day_of(as_of: Optional[str]):  # type: ignore[no-untyped-def]
    """The assessment date, or a usage error naming the option."""
    from bleu_assess.inventory.catalogue import assessment_date
    from bleu_assess.errors import UsageError

    try:
        return assessment_date(as_of)
    except ValueError:
        raise UsageError(f"invalid --as-of '{as_of}': expected a date YYYY-MM-DD") from None


def _language(lang: Optional[Lang]) -> str:
    from bleu_assess.render.i18n import default_language

    return lang.value if lang else default_language()


@command("list", parent=catalogue_app)
def catalogue_list(
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language."),
) -> None:
    """List providers and offers: models, regions, qualifications (expired ones marked), pending milestones."""
    from bleu_assess.inventory import catalogue as cat
    from bleu_assess.render import catalogue as catalogue_render
    from bleu_assess.cli import console

    console.out().print(catalogue_render.listing(cat.load(catalogue or console.settings.catalogue), day_of(as_of),
                                                 _language(lang)))


@command("show", parent=catalogue_app)
def catalogue_show(
    ref: str = typer.Argument(..., help="Provider id (ovhcloud) or offer (ovhcloud/bare-metal-pod)."),
    catalogue: Optional[str] = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language."),
) -> None:
    """Every fact of a provider or offer with its source (title, address, date) and confidence."""
    from bleu_assess.inventory import catalogue as cat
    from bleu_assess.render import catalogue as catalogue_render
    from bleu_assess.cli import console
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import t
    from bleu_assess.inventory.validate import suggest

    language = _language(lang)
    loaded = cat.load(catalogue or console.settings.catalogue)
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
    from bleu_assess.inventory import catalogue as cat
    from bleu_assess.render import catalogue as catalogue_render
    from bleu_assess.cli import console

    language = _language(lang)
    day = day_of(as_of)
    loaded = cat.load(catalogue or console.settings.catalogue)
    items = cat.check(loaded, day)
    styles = {"error": "red", "warning": "yellow", "info": None}
    for level, message in catalogue_render.check_lines(loaded, items, day, language):
        console.out().print(("" if level == "info" else f"{level}: ") + message, style=styles[level])
    if any(i.level == "error" for i in items):
        raise typer.Exit(1)


class FitFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


@command("fit")
def fit(
    path: str = typer.Argument(..., help=PATH_HELP),
    offers: Optional[str] = typer.Option(None, "--offers", help="Candidate offers: platform ids separated by commas "
                                         "(default: every platform of the inventory)."),
    format: FitFormat = typer.Option(FitFormat.table, "--format", "-f", help="Output format."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help=OUTPUT_HELP),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language (default: from the organisation's country)."),
    template_dir: Optional[str] = typer.Option(None, "--template-dir", help="Templates overriding the shipped ones."),
) -> None:
    """Each application against each candidate offer: fits, fits with conditions or does not fit, and why."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.assess import fit as fitting
    from bleu_assess.render import fit as fit_render
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import default_language
    from bleu_assess.output import emit
    from bleu_assess.inventory.validate import suggest

    day = day_of(as_of)
    loaded = api.load(path, console.settings.catalogue, day)
    inventory = loaded.inventory
    language = lang.value if lang else default_language(inventory.organisation.country)
    console.diagnostics(loaded.warnings, language, limit=10)
    wanted = [o.strip() for o in offers.split(",") if o.strip()] if offers else None
    for offer in wanted or ():
        if offer not in inventory.platforms_by_id:
            raise UsageError(f"unknown offer '{offer}': --offers takes platform ids of the inventory"
                             + suggest(offer, inventory.platforms_by_id, language))
    if not (wanted or inventory.platforms):
        raise UsageError(f"{path} declares no platforms: nothing to compare (add candidate offers under "
                         "'platforms:', for example {ref: catalogue:PROVIDER/OFFER})")
    matrix = fitting.fit(inventory, api.select_rulesets(), language, wanted, day)
    if format is FitFormat.table:
        console.show_table(lambda width: fit_render.table(matrix, language, width), output, [path])
        return
    render = {FitFormat.markdown: lambda: fit_render.markdown(matrix, language, template_dir),
              FitFormat.csv: lambda: fit_render.csv_text(matrix, language),
              FitFormat.json: lambda: fit_render.json_text(matrix)}[format]
    emit(render(), output, [path])
