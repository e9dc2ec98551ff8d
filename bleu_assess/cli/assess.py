"""Assessment commands: scan, explain, rules."""

from __future__ import annotations

import typer

from bleu_assess.cli import command, formats
from bleu_assess.cli.groups import rules_app
from bleu_assess.cli.options import (
    PATH_HELP,
    CsvDialect,
    Lang,
    as_of_option,
    csv_dialect_option,
    format_option,
    lang_option,
    only_ruleset_option,
    output_option,
    rules_dir_option,
    ruleset_option,
    template_dir_option,
)
from bleu_assess.vocab import Severity

ScanFormat = formats.choices("scan")


# Every severity but `info` (an info finding never fails a build), from the one vocabulary.
FAIL_ON = tuple(s.value for s in Severity if s is not Severity.INFO)


def fail_on_level(text: str) -> str:
    """The severity `--fail-on` names: its code (`high`), or its label in French or English as
    outputs show it (`élevée`, `Bloquant`), case and accents aside. A usage error otherwise,
    listing the levels in the command's language."""
    import unicodedata

    from bleu_assess.errors import option_error
    from bleu_assess.render.i18n import LANGUAGES, label

    def plain(word: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", word.strip().casefold()) if not unicodedata.combining(c))

    for level in FAIL_ON:
        if plain(text) in {plain(level), *(plain(label("severity", level, lang)) for lang in LANGUAGES)}:
            return level
    raise option_error("bad_fail_on", value=text, options=FAIL_ON)


@command("scan")
def scan(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    ruleset: list[str] | None = ruleset_option(),
    only_ruleset: list[str] | None = only_ruleset_option(),
    rules_dir: str | None = rules_dir_option(),
    format: ScanFormat | None = format_option("scan"),  # type: ignore[valid-type]
    output: str | None = output_option(),
    fail_on: str | None = typer.Option(None, "--fail-on", metavar="[" + "|".join(FAIL_ON) + "]",
                                       help="Exit 1 when a finding reaches this severity (or its French word: "
                                       "bloquant, élevée...)."),
    lang: Lang | None = lang_option(),
    template_dir: str | None = template_dir_option(),
    csv_dialect: CsvDialect | None = csv_dialect_option(),
    as_of: str | None = as_of_option(),
    every: bool = typer.Option(False, "--all", help="Table: every item, even in a large estate (by default, "
                               "above 100 items, the summary and the 30 items that matter most)."),
) -> None:
    """Assess every application and dataset: readiness, SecNumCloud scope, residency, exposure, target."""
    from bleu_assess.cli import console
    from bleu_assess.render import scan as scan_render
    from bleu_assess.render.i18n import t
    from bleu_assess.render.outputs import Choices

    fmt = formats.chosen("scan", format, output)
    level = fail_on_level(fail_on) if fail_on is not None else None
    done = console.load_and_assess(path, lang, ruleset, rules_dir, only_ruleset, as_of, machine_output=fmt != "table")
    result = done.result
    formats.deliver("scan", fmt, result, Choices(result.lang, template_dir, csv_dialect and csv_dialect.value, path,
                                                 done.rulesets, level, every=every), output, [path])
    if level is not None:
        count = scan_render.worst_severity_at_least(result, level)
        if count:
            from bleu_assess.render.i18n import label

            console.err().print(t("scan.fail_on_reached", result.lang, level=level, count=count,
                                  severity=label("severity", level, result.lang).lower()), style="bold red")
            raise typer.Exit(1)


@command("explain")
def explain(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    item: str = typer.Argument(..., metavar="ITEM", help="Application or dataset id, or name (an application first)."),
    ruleset: list[str] | None = ruleset_option(),
    only_ruleset: list[str] | None = only_ruleset_option(),
    rules_dir: str | None = rules_dir_option(),
    lang: Lang | None = lang_option(),
    as_of: str | None = as_of_option(),
) -> None:
    """Explain one item: every finding with the condition that matched, its exposure paths, and
    the facts its evaluation tested with the rules that fired on each."""
    from bleu_assess.assess.explain import explain as evaluation
    from bleu_assess.assess.explain import find
    from bleu_assess.cli import console
    from bleu_assess.errors import UsageError
    from bleu_assess.render import explain as explainer
    from bleu_assess.render.i18n import did_you_mean, t

    done = console.load_and_assess(path, lang, ruleset, rules_dir, only_ruleset, as_of)
    result, ig, selected = done.result, done.ig, done.rulesets
    found = find(result, item)
    if not found:
        ids = [i.id for i in result.items]
        # A short name for a longer id (`dpi` for `dpi-orbis`) is no typo that difflib would find.
        word = item.strip().lower()
        parts = [i.id for i in result.items if word and (word in i.id.split("-") or i.id.startswith(word))
                 and i.kind == "application"]  # an application first, as `find` looks
        hint = t("cli.did_you_mean", result.lang, name=parts[0]) if len(parts) == 1 else \
            t("cli.did_you_mean_one_of", result.lang, names=", ".join(parts[:5])) if parts else \
            did_you_mean(item, ids, result.lang)
        raise UsageError(t("scan.unknown_item", result.lang, item=item, path=path) + hint)
    if len(found) > 1:
        raise UsageError(t("scan.ambiguous_item", result.lang, item=item, path=path,
                           ids=", ".join(i.id for i in found)))
    verdict = found[0]
    trace = evaluation(ig, selected, result, verdict)
    console.out().print(explainer.render(verdict, trace, ig, selected, result.lang))


@command("list", parent=rules_app)
def rules_list(
    rules_dir: str | None = rules_dir_option(),
    lang: Lang | None = lang_option(),
) -> None:
    """List the rulesets and their rules."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.render import rules as rules_render

    terminal = console.out()
    terminal.print(rules_render.listing(rules_dir, language(lang), terminal.size.width))


@command("show", parent=rules_app)
def rules_show(
    rule_id: str = typer.Argument(..., metavar="RULE", help="Rule id, e.g. SNC-SCOPE-001."),
    rules_dir: str | None = rules_dir_option(),
    ruleset: list[str] | None = ruleset_option(),
    lang: Lang | None = lang_option(),
) -> None:
    """Show one rule: condition, effects, messages, references with their URLs."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.render import rules as rules_render

    console.out().print(rules_render.show(rule_id, ruleset or None, rules_dir, language(lang)))


@command("diff", parent=rules_app)
def rules_diff(
    old: str = typer.Argument(..., metavar="OLD", help="ID@VERSION, e.g. secnumcloud@1.0."),
    new: str = typer.Argument(..., metavar="NEW", help="ID@VERSION, e.g. secnumcloud@1.1."),
    inventory: str | None = typer.Option(None, "--inventory", metavar="FILE", help="Also list the items whose verdicts change."),
    rules_dir: str | None = rules_dir_option(),
    lang: Lang | None = lang_option(),
) -> None:
    """Compare two ruleset versions: rules added, removed, changed; with --inventory, verdict changes."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.render import rules as rules_render

    tongue = language(lang, api.country_of(inventory) if inventory else None)
    console.out().print(rules_render.diff(old, new, inventory, rules_dir, tongue))


@command("schema", parent=rules_app)
def rules_schema(output: str | None = output_option()) -> None:
    """Print the JSON Schema of ruleset files."""
    import json

    from bleu_assess.output import emit
    from bleu_assess.rules.load import schema

    emit(json.dumps(schema(), ensure_ascii=False, indent=2) + "\n", output)
