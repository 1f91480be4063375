"""--fail-on by severity and by verdict, from the command line and claimcheck.toml."""

from __future__ import annotations

import pytest

from claimcheck.gate import FailOn, parse_fail_on
from claimcheck.model import ClaimVerdict, Severity


def test_policy_syntax():
    assert parse_fail_on("warning") == FailOn(Severity.WARNING, frozenset())
    assert parse_fail_on("never") == FailOn(None, frozenset())
    assert parse_fail_on("verdict:unsupported,overstated") == FailOn(
        None, frozenset({ClaimVerdict.UNSUPPORTED, ClaimVerdict.OVERSTATED})
    )
    both = parse_fail_on("error verdict:contradicted")
    assert both.severity is Severity.ERROR and both.verdicts == {ClaimVerdict.CONTRADICTED}
    for bad in ("fatal", "verdict:", "verdict:wrong", "error warning", ""):
        with pytest.raises(ValueError):
            parse_fail_on(bad)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), 1),  # errors exist
        (("--fail-on", "never"), 0),
        (("--fail-on", "verdict:contradicted"), 0),  # no claim is contradicted; errors are not asked about
        (("--fail-on", "verdict:cites-defective-reference"), 1),
        (("--fail-on", "never", "--fail-on", "verdict:uncited"), 1),
        (("--fail-on", "verdict:nonsense"), 3),
    ],
)
def test_exit_codes(cli, bundled_project, args, expected):
    assert cli("check", bundled_project, "--format", "json", *args).returncode == expected


def test_fail_on_verdict_in_claimcheck_toml(cli, bundled_project):
    (bundled_project / "claimcheck.toml").write_text('[check]\nfail_on = ["never", "verdict:contradicted"]\n')
    assert cli("check", bundled_project, "--format", "json").returncode == 0
    (bundled_project / "claimcheck.toml").write_text('[check]\nfail_on = "verdict:overstated"\n')
    assert cli("check", bundled_project, "--format", "json").returncode == 1
    (bundled_project / "claimcheck.toml").write_text('[check]\nfail_on = "verdict:maybe"\n')
    done = cli("check", bundled_project)
    assert done.returncode == 3 and "claimcheck.toml:2:" in done.stderr
