"""Catalogue commands: catalogue list|show|check, and fit (applications against offers)."""

from __future__ import annotations

import typer

from bleu_assess.cli import command, formats
from bleu_assess.cli.groups import catalogue_app
from bleu_assess.cli.options import (
    PATH_HELP,
    CsvDialect,
    Lang,
    as_of_day,
    as_of_option,
    csv_dialect_option,
    format_option,
    lang_option,
    output_option,
    template_dir_option,
)

CATALOGUE_HELP = "Catalogue directory to use instead of the shipped one (catalogue.yaml + one file per provider)."
AS_OF_HELP = "Assessment date YYYY-MM-DD (default: SOURCE_DATE_EPOCH's day, else today)."



@command("list", parent=catalogue_app)
def catalogue_list(
    catalogue: str | None = typer.Option(None, "--catalogue", metavar="PATH", help=CATALOGUE_HELP),
    as_of: str | None = as_of_option(AS_OF_HELP),
    lang: Lang | None = lang_option(),
) -> None:
    """List providers and offers: models, regions, qualifications (expired ones marked), pending milestones."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.inventory import catalogue as cat
    from bleu_assess.render import catalogue as catalogue_render

    console.out().print(catalogue_render.listing(cat.load(catalogue or console.settings.catalogue), as_of_day(as_of),
                                                 language(lang)))


@command("show", parent=catalogue_app)
def catalogue_show(
    ref: str = typer.Argument(..., metavar="REF", help="Provider id (ovhcloud) or offer (ovhcloud/bare-metal-pod)."),
    catalogue: str | None = typer.Option(None, "--catalogue", metavar="PATH", help=CATALOGUE_HELP),
    lang: Lang | None = lang_option(),
) -> None:
    """Every fact of a provider or offer with its source (title, address, date) and confidence."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.errors import UsageError
    from bleu_assess.inventory import catalogue as cat
    from bleu_assess.render import catalogue as catalogue_render
    from bleu_assess.render.i18n import did_you_mean, t

    tongue = language(lang)
    loaded = cat.load(catalogue or console.settings.catalogue)
    entry = cat.resolve(loaded, ref.removeprefix("catalogue:"))
    if entry is None:
        raise UsageError(t("catalogue.not_found", tongue, ref=ref) + did_you_mean(ref, cat.all_refs(loaded), tongue))
    console.out().print(catalogue_render.show(entry, tongue))


@command("check", parent=catalogue_app)
def catalogue_check(
    catalogue: str | None = typer.Option(None, "--catalogue", metavar="PATH", help=CATALOGUE_HELP),
    as_of: str | None = as_of_option(AS_OF_HELP),
    lang: Lang | None = lang_option(),
) -> None:
    """Check the catalogue against a date: facts past their date (exit 1), qualifications expiring within
    90 days and a catalogue older than six months (warnings). Format errors and undeclared sources exit 2."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.inventory import catalogue as cat
    from bleu_assess.render import catalogue as catalogue_render

    tongue = language(lang)
    day = as_of_day(as_of)
    loaded = cat.load(catalogue or console.settings.catalogue)
    items = cat.check(loaded, day)
    styles = {"error": "red", "warning": "yellow", "info": None}
    for level, message in catalogue_render.check_lines(loaded, items, day, tongue):
        console.out().print(("" if level == "info" else f"{level}: ") + message, style=styles[level])
    if any(i.level == "error" for i in items):
        raise typer.Exit(1)


FitFormat = formats.choices("fit")


@command("fit")
def fit(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    offers: str | None = typer.Option(None, "--offers", metavar="IDS", help="Candidate offers: platform ids separated by commas "
                                         "(default: every platform of the inventory)."),
    format: FitFormat | None = format_option("fit"),  # type: ignore[valid-type]
    output: str | None = output_option(),
    as_of: str | None = as_of_option(AS_OF_HELP),
    lang: Lang | None = lang_option(),
    template_dir: str | None = template_dir_option(),
    csv_dialect: CsvDialect | None = csv_dialect_option(),
) -> None:
    """Each application against each candidate offer: fits, fits with conditions or does not fit, and why."""
    from bleu_assess import api
    from bleu_assess.assess import fit as fitting
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import did_you_mean, t
    from bleu_assess.render.outputs import Choices

    day = as_of_day(as_of)
    loaded = api.load(path, console.settings.catalogue, day)
    inventory = loaded.inventory
    tongue = language(lang, inventory.organisation.country)
    console.diagnostics(loaded.warnings, tongue, limit=10)
    wanted = [o.strip() for o in offers.split(",") if o.strip()] if offers else None
    for offer in wanted or ():
        if offer not in inventory.platforms_by_id:
            raise UsageError(t("usage.unknown_offer", tongue, offer=offer)
                             + did_you_mean(offer, inventory.platforms_by_id, tongue))
    if not (wanted or inventory.platforms):
        raise UsageError(t("usage.no_platforms", tongue, path=path))
    matrix = fitting.fit(inventory, api.select_rulesets(), tongue, wanted, day)
    formats.deliver("fit", formats.chosen("fit", format, output), matrix, Choices(tongue, template_dir, csv_dialect and csv_dialect.value, path),
                    output, [path])
