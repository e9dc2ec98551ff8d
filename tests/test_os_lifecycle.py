"""The end of vendor support of the operating systems discovery imports name
(rulesets/os-lifecycle.yaml, read by bleu_assess.intake.lifecycle.support)."""

from datetime import date

import pytest

from bleu_assess.intake.lifecycle import support


@pytest.mark.parametrize(("os_name", "as_of", "status", "end"), [
    # Standard support of Ubuntu LTS releases ends five years on (ubuntu.com/about/release-cycle).
    ("Ubuntu 20.04.6 LTS (64-bit)", date(2026, 12, 2), "out-of-support", "2025-04-30"),
    ("Ubuntu Linux (64-bit) 22.04", date(2026, 12, 2), "supported", "2027-04-30"),
    ("Ubuntu 22.04 LTS", date(2027, 5, 1), "out-of-support", "2027-04-30"),
    ("ubuntu 24.04", date(2026, 12, 2), "supported", "2029-04-30"),
    ("Ubuntu 18.04", date(2026, 12, 2), "out-of-support", "2023-05-31"),
])
def test_ubuntu_lts_releases_have_their_end_of_standard_support(os_name: str, as_of: date, status: str,
                                                                 end: str) -> None:
    found, facts = support(os_name, as_of)
    assert (found, facts and facts["end_of_support"]) == (status, end)
    assert facts is not None and facts["evidence"] == "secondary"


def test_an_os_the_table_does_not_name_stays_unknown() -> None:
    assert support("Ubuntu 26.04 LTS", date(2026, 12, 2)) == ("unknown", None)
    assert support(None, date(2026, 12, 2)) == ("unknown", None)
