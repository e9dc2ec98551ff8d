"""A quick reader (values.quick_reader) takes a cell only as values.coerce would take it with no
change to report; any other cell is left to coerce (AS_IS), so no coercion goes unreported."""

from __future__ import annotations

import datetime as dt

import pytest

from bleu_assess.intake.said import CellError
from bleu_assess.intake.values import AS_IS, coerce, quick_reader
from bleu_assess.inventory.schema import Spec

CELLS = ["app-1", "  app-1 ", "App 1", "DPI Orbis", "a; b", "a, b;c", "a;;", ";", "x; Y", "12", " 3 ", "1,5",
         "45 %", "", 0.0, 3.0, -2.0, 2.5, 1e20, float("inf"), float("nan"), 7, True, False,
         dt.datetime(2026, 6, 30), dt.date(2026, 6, 30)]
SPECS = {
    "string": Spec("string"),
    "id": Spec("id"),
    "ids": Spec("list", item=Spec("id")),
    "integer": Spec("integer"),
    "number": Spec("number"),
}


@pytest.mark.parametrize("name", sorted(SPECS))
@pytest.mark.parametrize("raw", CELLS, ids=repr)
def test_a_quick_reading_is_what_coerce_reads_without_a_change(name: str, raw: object) -> None:
    spec = SPECS[name]
    quick = quick_reader(spec)
    assert quick is not None
    value = quick(raw)
    if value is AS_IS:
        return
    result = coerce(raw, spec, key=name)
    assert (result.value, type(result.value), result.change) == (value, type(value), None)


def test_cells_coerce_changes_or_refuses_are_left_to_it() -> None:
    assert quick_reader(Spec("id"))("App 1") is AS_IS  # renamed by coerce, and reported
    assert quick_reader(Spec("list", item=Spec("id")))("a; B") is AS_IS
    assert quick_reader(Spec("integer"))(2.5) is AS_IS
    with pytest.raises(CellError):
        coerce(2.5, Spec("integer"))
    assert quick_reader(Spec("number"))(float("inf")) is AS_IS
    assert quick_reader(Spec("integer"))("12") is AS_IS  # text: parsed by coerce (`1 234`, `12,5`)


def test_codes_and_other_kinds_have_no_quick_reader() -> None:
    assert quick_reader(Spec("string", enum=("low", "high"))) is None
    assert quick_reader(Spec("date")) is None
    assert quick_reader(Spec("boolean")) is None
    assert quick_reader(Spec("list", item=Spec("object", shorthand=True, fields={"id": Spec("id")}))) is None
