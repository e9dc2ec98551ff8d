"""Commands on the inventory itself: validate, graph, schema, init."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from bleu_assess.cli import command, formats
from bleu_assess.cli.options import PATH_HELP, Lang, format_option, lang_option, output_option

GraphFormat = formats.choices("graph")


@command("validate")
def validate(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    lang: Lang | None = lang_option(),
) -> None:
    """Check an inventory: exit 0 when valid (counts and warnings shown), 2 with every error located."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language as choose
    from bleu_assess.inventory.graph import dependency_cycles
    from bleu_assess.render.i18n import t

    # Checked as scan loads it, without building the model of every entry (never read here);
    # -q shows no warning, count or cycle: valid is said by the exit status alone.
    checked = api.check(path, console.settings.catalogue, warnings=not console.settings.quiet)
    if console.settings.quiet:
        return
    inv = checked.outline
    language = choose(lang, inv.organisation.country)
    console.diagnostics(checked.warnings, language)
    if checked.warnings:
        console.info(t("cli.warnings", language, count=len(checked.warnings)))
    console.info(t("cli.valid", language, path=path))
    console.info(t("cli.counts", language, applications=inv.count("applications"), datasets=inv.count("datasets"),
                   flows=inv.count("flows"), providers=inv.count("providers"), platforms=inv.count("platforms")))
    if inv.servers:
        console.info(t("discovery.servers_count", language, count=len(inv.servers),
                       derived=len(inv.hosting_from_servers)))
    cycles = dependency_cycles(inv.dependencies())
    if cycles:
        console.info(t("cli.cycles", language, count=len(cycles), groups=t("cli.list_separator", language).join(" ↔ ".join(c) for c in cycles)))


@command("graph")
def graph(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    format: GraphFormat | None = format_option("graph",  # type: ignore[valid-type]
                                            "Mermaid, Graphviz DOT or node-link JSON"),
    focus: str | None = typer.Option(None, "--focus", metavar="ID", help="Draw only the neighbourhood of this id (or kind:id)."),
    depth: int = typer.Option(1, "--depth", min=0, metavar="N", help="With --focus: how many edges away."),
    output: str | None = output_option(),
    lang: Lang | None = lang_option(),
) -> None:
    """Draw the inventory graph: applications, datasets, providers, platforms and their links."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language as choose
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import t
    from bleu_assess.render.outputs import Choices

    inv = api.load(path, console.settings.catalogue).inventory
    ig = api.graph(inv)
    tongue = choose(lang, inv.organisation.country)
    if focus:
        matches = ig.find(focus)
        if not matches:
            from bleu_assess.render.i18n import did_you_mean

            raise UsageError(t("cli.focus_unknown", tongue, focus=focus) + did_you_mean(focus, [ig.graph.nodes[n]["id"] for n in ig.graph], tongue))
        if len(matches) > 1:
            raise UsageError(t("cli.focus_ambiguous", tongue, focus=focus, candidates=", ".join(matches)))
        ig = ig.neighbourhood(matches[0], depth)
    formats.deliver("graph", formats.chosen("graph", format, output), ig, Choices(tongue, source=path), output, [path])


@command("schema")
def schema(output: str | None = output_option()) -> None:
    """Print the JSON Schema of the inventory format, for editors (yaml-language-server)."""
    import json

    from bleu_assess.inventory.schema import json_schema
    from bleu_assess.output import emit

    emit(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", output)


@command("init")
def init(
    path: Path = typer.Argument(Path("inventaire.yaml"), metavar="FILE", help="Where to write the starter inventory."),
    lang: Lang | None = lang_option("Language of the comments and messages (default: French, or "
                                       "BLEU_ASSESS_LANG)."),
) -> None:
    """Write a commented starter inventory; never overwrites an existing file. Its editor line
    (`$schema=./bleu-assess-inventory.schema.json`) points at the format's JSON Schema, written
    beside it when no such file is there yet."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.errors import UsageError
    from bleu_assess.output import write_atomic
    from bleu_assess.render.i18n import t
    from bleu_assess.resources import templates_dir

    tongue = language(lang, "FR")  # a starter inventory is for a French organisation
    if path.exists():
        raise UsageError(t("cli.init_exists", tongue, path=path))
    from bleu_assess.inventory import schema

    starter = (templates_dir() / "starter" / f"inventory.{tongue}.yaml").read_text(encoding="utf-8").replace(
        "{file}", path.name)
    write_atomic(path, starter)
    schema.beside(path, starter)
    console.info(t("cli.init_done", tongue, path=path))


@command("upgrade")
def upgrade(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    output: str | None = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the upgraded inventory here (a "
                                         "directory for a directory inventory); default: standard output. "
                                         "Never the input itself."),
    lang: Lang | None = lang_option("Language of the comments the upgrade writes and of messages (default: "
                                       "from the organisation's country)."),
) -> None:
    """Rewrite a v1 inventory as v2, keeping comments and layout: a diff shows only the changed lines."""
    from bleu_assess.api import DEFAULT_COUNTRY
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.errors import UsageError
    from bleu_assess.inventory import yamlio
    from bleu_assess.inventory.load import inventory_files
    from bleu_assess.inventory.upgrade import upgrade_texts
    from bleu_assess.inventory.validate import Document, validate
    from bleu_assess.output import emit, register_input, write_atomic
    from bleu_assess.render.i18n import t

    root = Path(path)
    register_input(path)
    files = inventory_files(root, path)
    texts = [(shown, yamlio.decode(yamlio.read_bytes(file, shown), shown)) for file, shown in files]
    parsed = [yamlio.parse(text, name) for name, text in texts]
    organisation: dict[str, Any] = next((d["organisation"] for d in parsed if isinstance(d, dict)
                                         and isinstance(d.get("organisation"), dict)), {})
    # Not validated yet: a country that is not text (`country: 33`) is reported by validate below.
    # An organisation that names none is in the format's default country (FR), as for every command.
    country = organisation.get("country", DEFAULT_COUNTRY) if organisation else None
    tongue = language(lang, country if isinstance(country, str) else None)  # also of the comments the steps write
    upgraded = upgrade_texts(texts, say=lambda code, **values: t(f"qualify.{code}", tongue, **values))
    # The result must be a valid inventory before anything is written.
    validate([Document(name, text, yamlio.parse(text, name)) for name, text in upgraded], path)
    if not root.is_dir():
        emit(upgraded[0][1], output, [path])
    else:
        if output is None:
            raise UsageError(t("cli.upgrade_directory_needs_output", tongue, path=path))
        target = Path(output)
        if target.resolve().is_relative_to(root.resolve()):
            raise UsageError(t("usage.inside_input", tongue, target=target), hint=t("usage.inside_input_hint", tongue))
        for (_, text), (file, _) in zip(upgraded, files):
            destination = target / file.relative_to(root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(destination, text, [path])
    if output is not None:
        changed = sum(1 for (_, before), (_, after) in zip(texts, upgraded) if before != after)
        marker = f"# {t('qualify.upgrade_marker', tongue)}"
        review = sum(after.count(marker) - before.count(marker) for (_, before), (_, after) in zip(texts, upgraded))
        done = t("cli.upgrade_done", tongue, path=output, files=changed)
        if review:
            done += t("cli.list_separator", tongue) + t("cli.upgrade_review", tongue, count=review, marker=marker[2:])
        console.info(done)
