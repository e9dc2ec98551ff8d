"""`bleu-assess qualify`: walk each dataset whose particular sensitivity is not answered through
the two criteria of the DINUM vade-mecum, and write the answers back into the inventory."""

from __future__ import annotations

import typer

from bleu_assess.cli import command
from bleu_assess.cli.options import Lang, as_of_day, as_of_option, lang_option

ANSWERS = {"y": "yes", "yes": "yes", "o": "yes", "oui": "yes", "n": "no", "no": "no", "non": "no",
           "?": "unknown", "unknown": "unknown", "": "unknown"}


@command("qualify")
def qualify(
    path: str = typer.Argument(..., metavar="PATH", help="Inventory file (one YAML file; its comments and layout are kept)."),
    worksheet: str | None = typer.Option(None, "--worksheet", metavar="FILE", help="Write an xlsx worksheet of the unqualified "
                                            "datasets for data owners, instead of asking here."),
    from_worksheet: str | None = typer.Option(None, "--from-worksheet", metavar="FILE", help="Read the answers back from a "
                                                 "filled worksheet into the inventory."),
    signer: str | None = typer.Option(None, "--signer", metavar="NAME", help="Who signs the answers (assessed_by)."),
    as_of: str | None = as_of_option("Date the answers are signed on, YYYY-MM-DD (default: today, or "
                                        "SOURCE_DATE_EPOCH's day)."),
    lang: Lang | None = lang_option(),
) -> None:
    """Qualify particular sensitivity (circulaire 6404/SG, SREN art. 31) dataset by dataset."""
    from bleu_assess import api, output
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language as choose
    from bleu_assess.errors import UsageError
    from bleu_assess.inventory import sensitivity, yamlio
    from bleu_assess.inventory.validate import Document, validate
    from bleu_assess.render.i18n import t

    inventory = api.load(path).inventory  # refuses an invalid inventory, with located errors
    language = choose(lang, inventory.organisation.country)
    today = as_of_day(as_of).isoformat()
    editable = sensitivity.Editable(path)
    pending = editable.unqualified()
    say = console.err().print
    if worksheet:
        from bleu_assess.render.i18n import label

        labels = {c: t(f"qualify.col_{c}", language) for c in sensitivity.WORKSHEET_COLUMNS}
        choices = {a: t(f"qualify.choice_{a}", language) for a in sensitivity.ANSWERS}
        output.write_atomic(worksheet, sensitivity.write_worksheet(
            pending, labels, choices, lambda code: label("classification", code, language)), [path])
        say(t("qualify.worksheet_written", language, path=worksheet, count=len(pending)))
        return
    if from_worksheet:
        answers, cells = sensitivity.read_worksheet(from_worksheet, today)
        known = {d.get("id") for d in editable.datasets()}
        problems = [t("qualify.bad_answer", language, path=from_worksheet, cells=c) for c in cells]
        problems += [t("qualify.unknown_dataset", language, path=from_worksheet, id=a.dataset)
                     for a in answers if a.dataset not in known]
        if problems:
            raise UsageError("\n".join(problems))
    else:
        try:
            answers = _interview(pending, signer, today, language)
        except typer.Abort:  # end of input (no terminal, or Ctrl-D): refuse rather than write part of it
            typer.echo()  # ends the unanswered prompt's line
            raise UsageError(t("qualify.input_ended", language)) from None
    for answer in answers:
        editable.apply(answer if answer.assessed_by or not signer else
                       sensitivity.Answer(answer.dataset, answer.secret_or_essential_mission, answer.harm_if_breached,
                                          answer.rationale, signer, answer.assessed_on))
    text = editable.text()
    validate([Document(path, text, yamlio.parse(text, path))], path)  # nothing invalid is ever written
    if answers:
        output.rewrite_input(path, text)
    say(t("qualify.written", language, path=path, count=len(answers), left=len(editable.unqualified())))


def _interview(pending: list, signer: str | None, today: str, language: str) -> list:
    """Ask the two criteria, a rationale and a signer for each dataset of `pending` (mappings from the
    inventory), in `language`; returns the `sensitivity.Answer`s. Raises `typer.Abort` when the input
    ends first."""
    from bleu_assess.inventory import sensitivity
    from bleu_assess.render.i18n import t

    answers = []
    for dataset in pending:
        typer.echo(t("qualify.dataset", language, id=dataset.get("id"), name=dataset.get("name") or dataset.get("id"),
                     classification=dataset.get("classification") or "—"))
        first = _ask(t("qualify.criterion_1", language))
        second = _ask(t("qualify.criterion_2", language))
        rationale = typer.prompt(t("qualify.rationale", language), default="", show_default=False).strip()
        who = typer.prompt(t("qualify.signer", language), default=signer or "", show_default=bool(signer)).strip()
        answer = sensitivity.Answer(str(dataset.get("id")), first, second, rationale or None, who or None, today)
        typer.echo(t("qualify.result", language, answer=t(f"qualify.answer_{answer.particular_sensitivity}", language)))
        answers.append(answer)
    return answers


def _ask(question: str) -> str:
    while True:
        reply = typer.prompt(question, default="?", show_default=True).strip().lower()
        if reply in ANSWERS:
            return ANSWERS[reply]
        typer.echo("yes / no / ?")
