import json
import subprocess
import sys

import pandas as pd
import pytest

from analysis import claims, data
from analysis.config import ROOT

CLAIM_COLUMNS = ["claim_id", "statement", "claimed_value", "unit", "period", "checkable_with",
                 "tolerance_rel"]  # fmt: skip


def claim_table(*rows):
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def trade(exports_bn, imports_bn, period="2020-21"):
    start = pd.Timestamp(f"{period[:4]}-04-01")
    return pd.DataFrame(
        {
            "reporter_iso3": "IND",
            "partner_iso3": "JPN",
            "period": period,
            "period_basis": "fiscal_apr_mar",
            "period_start": start,
            "flow": ["export", "import"],
            "value_usd": [exports_bn * 1e9, imports_bn * 1e9],
            "is_preferred": True,
            "source_id": "s",
        }
    )


def run_one(claim, **tables):
    tables["claims"] = claim_table(claim)
    (result,) = claims.run(claims.Tables(tables))
    return result


TOTAL = ("C01", "total", 13.7, "USD bn", "2020", "annual series", 0.05)


@pytest.mark.parametrize(
    ("exports", "imports", "verdict"),
    [(4.3, 9.4, "holds"), (4.5, 9.6, "holds approximately"), (5.0, 12.0, "does not hold")],
)
def test_trade_total_verdicts(exports, imports, verdict):
    result = run_one(TOTAL, india_japan_trade=trade(exports, imports))
    assert result.verdict == verdict
    assert result.primary.period == "2020-21"
    assert result.primary.value == pytest.approx(exports + imports)


def test_trade_total_without_the_year_cannot_be_checked():
    result = run_one(TOTAL, india_japan_trade=trade(4.3, 9.4, period="2015-16"))
    assert result.verdict == "cannot be checked with the data at hand"


def test_deficit_is_a_sign():
    claim = ("C04", "deficit", -5.1, "USD bn", "2020", "annual series", 0.05)
    assert run_one(claim, india_japan_trade=trade(4.0, 9.0)).verdict == "holds"
    assert run_one(claim, india_japan_trade=trade(9.0, 4.0)).verdict == "does not hold"


def test_fdi_rank_on_investor_reported_flows():
    claim = ("C06", "rank", 3, "rank", "2000-2019", "FDI by source", 0.0)
    flows = pd.DataFrame(
        {
            "host_iso3": "IND",
            "investor_iso3": ["USA", "GBR", "JPN", "DEU"],
            "year": 2005,
            "value_usd": [4.0, 3.0, 2.0, 1.0],
            "source_id": "abn2018_fdi",
        }
    )
    published = pd.DataFrame(columns=["japan_rank", "basis", "grade", "period", "source_id"])
    result = run_one(claim, fdi_india_by_investor=flows, japan_fdi_india=published)
    assert result.verdict == "holds" and result.primary.value == 3
    flows.loc[flows.investor_iso3 == "DEU", "value_usd"] = 10.0
    result = run_one(claim, fdi_india_by_investor=flows, japan_fdi_india=published)
    assert result.verdict == "does not hold" and result.primary.value == 4


def test_claim_without_a_check_says_what_data_would():
    result = run_one(("C99", "x", None, "count", "", "a census of widgets", None))
    assert result.verdict == "cannot be checked with the data at hand"
    assert "a census of widgets" in result.explanation


def test_compare_rounds_like_the_claim():
    assert claims.compare(4.34, 4.3, 0.05) == "holds"
    assert claims.compare(4.36, 4.3, 0.05) == "holds approximately"
    assert claims.compare(32.4, 32, 0.1) == "holds"
    assert claims.compare(40.0, 32, 0.1) == "does not hold"


def test_ledger_on_the_real_data_gives_every_claim_a_verdict():
    results = claims.run()
    ledger = claims.ledger(results, data.load("claims"))
    assert ledger.claim_id.tolist() == data.load("claims").claim_id.tolist()
    assert set(ledger.verdict) <= set(claims.VERDICTS)
    checked = ledger[ledger.verdict != "cannot be checked with the data at hand"]
    assert checked.measured_value.notna().all() and len(checked) >= 10
    unchecked = ledger[ledger.verdict == "cannot be checked with the data at hand"]
    assert (unchecked.checkable_with != "").all()
    by_id = ledger.set_index("claim_id")
    # Known answers on the real data: the 2020 total does not hold on FY2020-21,
    # and FY2010-11 is the series that reproduces US$13.7 bn.
    assert by_id.loc["C01", "verdict"] == "does not hold"
    assert "FY2010-11" in by_id.loc["C01", "explanation"]
    assert by_id.loc["C04", "verdict"] == "holds"
    variants = claims.measurements(results)
    assert variants.groupby("claim_id").is_primary.sum().max() == 1


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_cli_prints_the_ledger_and_exits_zero(fmt):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "claims", "--format", fmt],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert len(json.loads(result.stdout)) == len(data.load("claims"))
    elif fmt == "csv":
        assert result.stdout.startswith("claim_id,statement,")
    elif fmt == "markdown":
        assert result.stdout.startswith("| claim_id | statement |")
    else:
        assert "C01  DOES NOT HOLD" in result.stdout
