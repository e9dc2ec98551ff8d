"""Particular sensitivity, written back into an inventory: the v1 → v2 rewrite of `sensitive`,
and the answers of `bleu-assess qualify` (terminal prompts or a worksheet).

The two cumulative criteria are those of the State cloud doctrine (circulaire 6404/SG, DINUM
doctrine FAQ of 23 February 2024, DINUM vade-mecum on SREN article 31):
1. the data fall under a secret protected by law (CRPA L.311-5 and L.311-6) or are needed for an
   essential State mission; and
2. their breach could harm public order, public security, health or life, or intellectual property.
Both `yes` → particular sensitivity `yes`; either `no` → `no`; otherwise `unknown`.

Edits go through ruamel.yaml's round trip: comments, order and layout of the file are kept.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bleu_assess.errors import InputError, option_error
from bleu_assess.inventory.labels import code_for_word

CRITERIA = ("secret_or_essential_mission", "harm_if_breached")
ANSWERS = ("yes", "no", "unknown")  # a criterion's answer (model.SENSITIVITY_ANSWERS)
SHEET = "Qualification"  # the worksheet's sheet, the same word in French and English
# Classes that cannot be of particular sensitivity as the doctrine defines it (nothing secret),
# and classified data, which has its own regime (IGI 1300): not walked through.
NOT_ASKED = ("public", "classified")
WORKSHEET_COLUMNS = ("id", "name", "classification", *CRITERIA, "rationale", "assessed_by", "assessed_on")


def conclusion(secret_or_mission: str, harm: str) -> str:
    """The answer the two cumulative criteria give: yes, no or unknown."""
    if "no" in (secret_or_mission, harm):
        return "no"
    return "yes" if (secret_or_mission, harm) == ("yes", "yes") else "unknown"


def upgrade_v1_dataset(dataset: Any, say: Callable[[str], str] | None = None) -> bool:
    """Rewrite one v1 dataset mapping (ruamel CommentedMap) for format v2: `classification:
    sensitive` becomes the class `v1_sensitive_class` reads it as (special-category, or internal
    when `personal_data: false`) and `particular_sensitivity: "yes"`, with a comment inviting a
    review at the end of that line: the words `say("upgrade_comment")` gives behind the marker
    `say("upgrade_marker")` (the caller words the codes in the reader's language,
    `qualify.upgrade_*`; no `say`, no comment). True when
    the dataset was changed. For `bleu-assess upgrade` (issue 13), which owns the version bump."""
    from bleu_assess.inventory.validate import v1_sensitive_class

    if dataset.get("classification") != "sensitive":
        return False
    dataset["classification"] = v1_sensitive_class(dataset.get("personal_data"))
    if "particular_sensitivity" not in dataset:
        keys = list(dataset)
        dataset.insert(keys.index("classification") + 1, "particular_sensitivity", _quoted("yes"))
    if say is not None:
        _comment(dataset, "particular_sensitivity", f"{say('upgrade_marker')} {say('upgrade_comment')}")
    return True


def _quoted(answer: str) -> Any:
    """yes/no in quotes: a YAML 1.1 reader (PyYAML) would read them as booleans."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(answer)


def _comment(mapping: Any, key: str, text: str) -> None:
    if mapping.fa.flow_style():
        mapping.fa.set_block_style()  # an end-of-line comment needs a line of its own
    mapping.yaml_add_eol_comment(text, key)


@dataclass(frozen=True, slots=True)
class Answer:
    """One dataset's answers; `assessed_on` is an ISO date."""

    dataset: str
    secret_or_essential_mission: str
    harm_if_breached: str
    rationale: str | None
    assessed_by: str | None
    assessed_on: str

    @property
    def particular_sensitivity(self) -> str:
        return conclusion(self.secret_or_essential_mission, self.harm_if_breached)


class Editable:
    """An inventory file loaded for a round trip."""

    def __init__(self, path: str) -> None:
        from ruamel.yaml import YAML

        if Path(path).is_dir():
            raise option_error("qualify_directory", path=path)
        self.path = path
        self.yaml = YAML()
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096
        self.yaml.indent(mapping=2, sequence=4, offset=2)  # the layout of the examples and the starter
        from bleu_assess.inputs import read_text

        self.document = self.yaml.load(read_text(Path(path), path)[0])

    def datasets(self) -> Iterator[Any]:
        yield from (self.document.get("datasets") or [])

    def unqualified(self) -> list[Any]:
        """Datasets whose particular sensitivity is not answered (absent or `unknown`), in file
        order; v1 `sensitive` already means `yes`."""
        return [d for d in self.datasets()
                if d.get("particular_sensitivity") in (None, "unknown")
                and d.get("classification") not in (*NOT_ASKED, "sensitive")]

    def apply(self, answer: Answer) -> None:
        from ruamel.yaml.comments import CommentedMap

        dataset = next(d for d in self.datasets() if d.get("id") == answer.dataset)
        if dataset.fa.flow_style():
            dataset.fa.set_block_style()
        dataset["particular_sensitivity"] = _quoted(answer.particular_sensitivity)
        assessment = CommentedMap()
        assessment["secret_or_essential_mission"] = _quoted(answer.secret_or_essential_mission)
        assessment["harm_if_breached"] = _quoted(answer.harm_if_breached)
        if answer.rationale:
            assessment["rationale"] = answer.rationale
        if answer.assessed_by:
            assessment["assessed_by"] = answer.assessed_by
        assessment["assessed_on"] = answer.assessed_on
        dataset["sensitivity_assessment"] = assessment

    def text(self) -> str:
        buffer = io.StringIO()
        self.yaml.dump(self.document, buffer)
        return buffer.getvalue()


def write_worksheet(datasets: list[Any], labels: dict[str, str], answers: dict[str, str],
                    classification: Callable[[str], str]) -> bytes:
    """An xlsx worksheet for data owners, sheet « Qualification »: one row per dataset (its
    classification worded by `classification`), the two criteria as drop-downs of `answers`
    (code -> the reader's word: « oui », « non », « ne sait pas »), rationale, signer and date
    to fill in. `labels` heads the columns; row 2 holds the codes read back."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([labels[c] for c in WORKSHEET_COLUMNS])
    sheet.append(list(WORKSHEET_COLUMNS))  # the codes read back, whatever the language of the headers
    for d in datasets:
        code = d.get("classification")
        sheet.append([str(d.get("id")), str(d.get("name") or d.get("id")), classification(str(code)) if code else "",
                      "", "", "", "", ""])
    choice = DataValidation(type="list", formula1='"' + ",".join(answers[a] for a in ANSWERS) + '"', allow_blank=True)
    sheet.add_data_validation(choice)
    if datasets:
        choice.add(f"D3:E{len(datasets) + 2}")
    for column, width in zip("ABCDEFGH", (24, 32, 18, 22, 22, 60, 24, 14)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_worksheet(path: str, today: str) -> tuple[list[Answer], list[str]]:
    """Answers read back from a worksheet (rows with both criteria left blank are skipped) and the
    cells of each row whose answer is not one (`Qualification!D3, E3`: the caller words them,
    `qualify.bad_answer`). An answer is its code (yes, no, unknown) or a word for it in either
    language (« oui », « Non », « ne sait pas »: inventory/labels.code_for_word). Raises
    UsageError when it is not a qualify worksheet."""
    import zipfile

    from openpyxl import load_workbook

    from bleu_assess import inputs

    raw = inputs.read_bytes(Path(path), path)  # size limit, a regular readable file
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            inputs.check_archive(archive, path)  # no zip bomb unpacked
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # not a workbook, or a broken one
        raise option_error("worksheet_unreadable", with_hint=False, path=path, error=str(exc)) from None
    # « qualify »: the sheet's name before it was worded.
    sheet = next((book[n] for n in (SHEET, "qualify") if n in book.sheetnames), book.active)
    rows = list(sheet.iter_rows(values_only=True))
    if len(rows) < 2 or tuple(rows[1][:len(WORKSHEET_COLUMNS)]) != WORKSHEET_COLUMNS:
        raise option_error("not_a_worksheet", path=path)
    answers, problems = [], []
    for number, row in enumerate(rows[2:], start=3):
        cells = dict(zip(WORKSHEET_COLUMNS, (_cell(v) for v in row)))
        written = [cells.get(c) or "" for c in CRITERIA]
        if not any(written):
            continue
        criteria = [v if v in ANSWERS else code_for_word(v, ANSWERS) or "" for v in written]
        bad = [f"{'DE'[i]}{number}" for i, v in enumerate(criteria) if not v]
        if bad:
            problems.append(f"{sheet.title}!{', '.join(bad)}")
            continue
        answers.append(Answer(str(cells["id"]), criteria[0], criteria[1], cells.get("rationale") or None,
                              cells.get("assessed_by") or None, cells.get("assessed_on") or today))
    return answers, problems


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):  # a date cell
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
