"""The flagship report's landing page: key figures, verdicts and its chart, from the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis import data
from analysis.cases.india_japan import PARTNER, REPORTER, TITLE, claims, headline
from analysis.measures import bilateral
from analysis.present import charts, style, text
from analysis.report.site import VERDICT_CLASSES, number

KEY_FIGURE = "key_trade_and_milestones"
# The milestones marked on the landing chart: the trade and diplomatic ones.
KEY_EVENT_CATEGORIES = ("economy", "diplomacy")


def key_figures(out_dir: Path) -> dict[str, Any]:
    """Compute the landing page's key figures and claim verdicts, and draw its chart.

    Parameters
    ----------
    out_dir
        Where the chart is saved (``figures/`` inside it).

    Returns
    -------
    dict
        ``title``, ``intro`` and ``figure_alt`` (the page's texts), ``cards`` (label,
        value, detail: text), ``verdicts`` (verdict and count), ``claims`` (one dict per
        claim) and ``figure`` (the chart's name); all plain JSON values, so that the build
        can cache them.
    """
    claims_table = data.load("claims")
    claimed = headline.claimed_figures(claims_table).iloc[0]
    trade = data.load("india_japan_trade")
    series = headline.series_summary(trade)
    years = headline.fiscal_years(series)
    known = years.dropna(subset=["total_usd"])
    latest = known.iloc[-1]
    ranks = bilateral.partner_rank_series(data.load("dots_trade"), REPORTER, PARTNER).set_index(
        "year"
    )
    rank_year = int(ranks.index.max())
    japan = ranks.loc[rank_year]
    tables = claims.Tables()
    basis, _ = claims.sentence_basis("C01", tables)
    ledger = claims.ledger(claims.run(tables), claims_table)
    cards = [
        {"label": f"India–Japan merchandise trade, {latest.label}",
         "value": text.usd_bn(latest.total_usd),
         "detail": f"India's exports {text.usd_bn(latest.exports_usd)}, imports "
                   f"{text.usd_bn(latest.imports_usd)} (India's figures, April–March)"},
        {"label": f"India's deficit with Japan, {latest.label}",
         "value": text.usd_bn(-latest.balance_usd),
         "detail": f"exports paid for {text.pct(latest.coverage_ratio)} of imports"},
        {"label": f"The articles' {claimed.period} total against the closest series",
         "value": f"{text.usd_bn(claimed.total_usd)} vs {text.usd_bn(basis.total_usd, 2)}",
         "detail": f"{basis.basis} ({basis.total_usd / claimed.total_usd - 1:+.1%}); "
                   f"its split is {text.usd_bn(basis.exports_usd, 2)} / "
                   f"{text.usd_bn(basis.imports_usd, 2)}, not the articles' "
                   f"{text.usd_bn(claimed.exports_usd)} / {text.usd_bn(claimed.imports_usd)}"},
        {"label": f"Japan among India's trading partners, {rank_year}",
         "value": text.ordinal(int(japan["rank"])),
         "detail": f"{japan.share_pct:.1f}% of India's trade with the world (India's figures, "
                   "IMF DOTS)"},
    ]  # fmt: skip
    counts = ledger["verdict"].value_counts()
    verdicts = [{"verdict": v, "count": int(counts[v])} for v in VERDICT_CLASSES if v in counts]
    rows = [
        {"claim_id": r.claim_id, "statement": r.statement, "verdict": r.verdict,
         "claimed": number(r.claimed_value), "measured": number(r.measured_value),
         "unit": r.unit, "period": r.period or "", "explanation": r.explanation}
        for r in ledger.itertuples()
    ]  # fmt: skip
    milestones = data.load("milestones")
    events = milestones[milestones["category"].isin(KEY_EVENT_CATEGORIES)]
    title = f"{TITLE} trade and the partnership's milestones"
    fig = charts.plot_trade_by_period(years, reporter=REPORTER, partner=PARTNER, events=events,
                                      title=title)  # fmt: skip
    style.save_figure(fig, KEY_FIGURE, out_dir)
    return {
        "title": f"Bilateral trade report: {TITLE}",
        "intro": f"{TITLE} trade, investment and aid, from curated, source-cited tables.",
        "figure_alt": f"Chart: {TITLE} merchandise trade by fiscal year, exports and imports as "
        "bars and the balance as a line, in US$ billion, with the partnership's economic and "
        "diplomatic milestones marked as dotted lines.",
        "cards": cards,
        "verdicts": verdicts,
        "claims": rows,
        "figure": KEY_FIGURE,
    }
