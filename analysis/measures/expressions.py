"""Panel indicators written once, as Ibis expressions, for DuckDB (the default) and Spark.

The input is the directed panel of :mod:`analysis.measures.panel` (one row per year,
exporter, importer and product with the value traded; BACI's ``t, i, j, k, v`` by default),
as an Ibis table with the role names (:func:`roles`). Each indicator is a function from
that table to an Ibis table: it runs unchanged on any engine Ibis compiles to. Two are
set up here (:func:`connect`):

* ``"duckdb"`` (default): DuckDB embedded, no server; Parquet and CSV files are read in
  place and, past ``memory_limit``, the work spills to ``temp_directory``;
* ``"spark"``: Apache Spark through Ibis's PySpark backend, in local mode (``local[2]``),
  on the cluster of a ``spark-submit``, or on a Spark Connect server (``sc://host:15002``).

The definitions are those of :mod:`analysis.measures.indicators` with the world summed
from the panel, as :mod:`analysis.measures.panel` computes them (the tests hold both
engines to both modules, to 1e-9). A zero divisor gives a null (NaN in pandas), never an
infinity. The input checks are an expression too (:func:`checks`): they count each
problem on the engine, and :func:`refuse` turns non-zero counts into a
:class:`~analysis.errors.DataError`.

Examples
--------
>>> import pandas as pd
>>> panel = pd.DataFrame({"t": 2020, "i": [4, 4, 8, 8], "j": [8, 8, 4, 4],
...                       "k": [1, 2, 1, 2], "v": [3.0, 1.0, 1.0, 3.0]})
>>> compute("rca", panel)  # 4, product 1: (3/4) / (4/8)
   year  exporter  product  rca
0  2020         4        1  1.5
1  2020         4        2  0.5
2  2020         8        1  0.5
3  2020         8        2  1.5
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ibis
import pandas as pd

from analysis.errors import DataError, Problem
from analysis.measures.panel import BACI, KEYS, ROLES

if TYPE_CHECKING:
    from ibis.backends import BaseBackend
    from ibis.expr.types import Table

__all__ = [
    "CHECKS",
    "INDICATORS",
    "checks",
    "complementarity",
    "compute",
    "connect",
    "export_similarity",
    "grubel_lloyd",
    "hhi",
    "read_panel",
    "refuse",
    "roles",
    "rca",
    "shares",
    "symmetric_rca",
    "trade_intensity",
]

EngineName = Literal["duckdb", "spark"]
#: The counts :func:`checks` returns after ``rows``, each with the column and rule it breaks.
CHECKS: Mapping[str, tuple[str, str]] = {
    "blank_keys": (", ".join(KEYS), "a value in every row"),
    "blank_values": ("value", "a value in every row"),
    "negative_values": ("value", "values >= 0"),
    "infinite_values": ("value", "finite values"),
    "self_trade": ("exporter, importer", "trade between two countries"),
    "duplicate_rows": (", ".join(KEYS), "one row per year, exporter, importer and product"),
}
#: Spark's settings when this process starts it: shuffles sized for one machine, no web UI.
SPARK_LOCAL: Mapping[str, str] = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.driver.memory": "1g",
    "spark.ui.showConsoleProgress": "false",
}


# --- The panel ----------------------------------------------------------------------------


def roles(table: Table, columns: Mapping[str, str] | None = None) -> Table:
    """Return the panel with its columns named by role, the value as float64.

    Parameters
    ----------
    table
        The panel as stored (BACI's ``t, i, j, k, v`` by default).
    columns
        The column of each role (``year, exporter, importer, product, value``);
        :data:`analysis.measures.panel.BACI` by default.

    Returns
    -------
    ibis.expr.types.Table
        ``year, exporter, importer, product, value``.
    """
    names = dict(BACI if columns is None else columns)
    if sorted(names) != sorted(ROLES):
        raise DataError(
            Problem("<arguments>", None, "columns", f"a column for each of {', '.join(ROLES)}",
                    ", ".join(sorted(names)))
        )  # fmt: skip
    missing = [c for c in names.values() if c not in table.columns]
    if missing:
        raise DataError(Problem("<panel>", None, ", ".join(missing), "these columns", "none such"))
    picked = {role: table[names[role]] for role in ROLES}
    picked["value"] = picked["value"].cast("float64")
    return table.select(**picked)


def checks(p: Table) -> Table:
    """Count the rows with each problem that the indicators refuse, in one row.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).

    Returns
    -------
    ibis.expr.types.Table
        ``rows`` and a count per problem (:data:`CHECKS`): a blank key, a blank (null or
        NaN) value, a negative or an infinite value, a country trading with itself, and
        the rows that share their year, exporter, importer and product with another.
    """

    def count(condition: ibis.expr.types.BooleanValue) -> ibis.expr.types.IntegerScalar:
        return ibis.ifelse(condition, 1, 0).sum().coalesce(0)

    blank_key = p.year.isnull() | p.exporter.isnull() | p.importer.isnull() | p.product.isnull()
    # NaN is not null on either engine; a null makes isnan() null, hence the coalesce.
    blank_value = p.value.isnull() | p.value.isnan().coalesce(True)
    rows = p.aggregate(
        rows=p.count(),
        blank_keys=count(blank_key),
        blank_values=count(blank_value),
        negative_values=count(p.value < 0),
        # Not isinf(): ibis 12 folds its comparison with infinity to FALSE on Spark, where
        # NaN is above every number.
        infinite_values=count((p.value.abs() > sys.float_info.max) & ~p.value.isnan()),
        self_trade=count(p.exporter == p.importer),
    )
    groups = p.group_by(list(KEYS)).aggregate(n=p.count())
    repeated = groups.filter(groups.n > 1)
    duplicates = repeated.aggregate(duplicate_rows=repeated.n.sum().coalesce(0))
    return rows.cross_join(duplicates)


def refuse(counts: Mapping[str, int], name: str = "<panel>") -> None:
    """Raise a :class:`~analysis.errors.DataError` naming every problem :func:`checks` counted.

    Parameters
    ----------
    counts
        One row of :func:`checks`, as a mapping.
    name
        The panel's name, for the message.

    Examples
    --------
    >>> refuse({"rows": 3, **dict.fromkeys(CHECKS, 0)})  # nothing to refuse
    >>> refuse({"rows": 3, **dict.fromkeys(CHECKS, 0), "self_trade": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: <panel>::exporter, importer: ... found 1 of 3 rows (self_trade)
    """
    problems = [
        Problem(name, None, column, rule, f"{counts[check]:,} of {counts['rows']:,} rows ({check})")
        for check, (column, rule) in CHECKS.items()
        if counts[check]
    ]
    if not counts["rows"]:
        problems.append(Problem(name, None, None, "at least one row", "none"))
    if problems:
        raise DataError(problems)


# --- Indicators ---------------------------------------------------------------------------


def _ratio(num: ibis.Value, den: ibis.Value) -> ibis.Value:
    """Divide, with a null where the divisor is zero (SQL's ``num / NULLIF(den, 0)``)."""
    return num / den.nullif(0)


def _sum(p: Table, keys: Sequence[str], name: str, value: str = "value") -> Table:
    return p.group_by(list(keys)).aggregate(**{name: p[value].sum()})


def rca(p: Table) -> Table:
    """Compute Balassa's RCA of each exporter and product: ``(X_ik / X_i) / (X_wk / X_w)``.

    As :func:`analysis.measures.panel.rca`: ``X_ik = Σ_j v_ijk``, the world is the
    panel's exporters, by year; products an exporter does not export have no row.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).

    Returns
    -------
    ibis.expr.types.Table
        ``year, exporter, product, rca``, sorted.
    """
    x = _sum(p, ["year", "exporter", "product"], "x")
    x_i = _sum(x, ["year", "exporter"], "x_i", "x")
    x_k = _sum(x, ["year", "product"], "x_k", "x")
    x_w = _sum(x, ["year"], "x_w", "x")
    j = x.join(x_i, ["year", "exporter"]).join(x_k, ["year", "product"]).join(x_w, "year")
    value = _ratio(_ratio(j.x, j.x_i), _ratio(j.x_k, j.x_w))
    return j.select("year", "exporter", "product", rca=value).order_by(
        ["year", "exporter", "product"]
    )


def symmetric_rca(p: Table) -> Table:
    """Compute the symmetric RCA ``(RCA − 1) / (RCA + 1)`` of each exporter and product.

    As :func:`analysis.measures.indicators.symmetric_rca` (Dalum, Laursen & Villumsen
    1998), in [−1, 1), on :func:`rca`.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).

    Returns
    -------
    ibis.expr.types.Table
        ``year, exporter, product, symmetric_rca``, sorted.
    """
    r = rca(p)
    # RCA >= 0, so the divisor is at least 1.
    return r.select("year", "exporter", "product", symmetric_rca=(r.rca - 1) / (r.rca + 1))


def hhi(p: Table, *, of: Literal["product", "importer"] = "product") -> Table:
    """Compute the Herfindahl–Hirschman index ``H = Σ s²`` and ``(H − 1/N) / (1 − 1/N)``.

    As :func:`analysis.measures.panel.hhi`: ``of="product"`` for each pair and year over
    products, ``of="importer"`` for each exporter and year over markets (pair totals);
    ``N`` counts the members with a row.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).
    of
        ``"product"`` or ``"importer"``.

    Returns
    -------
    ibis.expr.types.Table
        ``year``, ``exporter`` (and ``importer``), ``n``, ``hhi``, ``hhi_normalised`` (null
        for a single member or a zero total), sorted.
    """
    if of == "product":
        group, members = ["year", "exporter", "importer"], p
    elif of == "importer":
        group, members = ["year", "exporter"], _sum(p, ["year", "exporter", "importer"], "value")
    else:
        raise DataError(Problem("<arguments>", None, "of", "product or importer", repr(of)))
    v = members.value
    out = members.group_by(group).aggregate(n=members.count(), x2=(v * v).sum(), x=v.sum())
    h = _ratio(out.x2, out.x * out.x)
    inverse = 1 / out.n
    out = out.select(*group, "n", hhi=h, hhi_normalised=_ratio(h - inverse, 1 - inverse))
    return out.order_by(group)


def trade_intensity(
    p: Table, *, kind: Literal["exports", "imports", "drysdale"] = "exports"
) -> Table:
    """Compute the trade intensity of every pair: ``(X_ij / X_i) / (M_j / M_w)``.

    As :func:`analysis.measures.panel.trade_intensity`: in one panel the world's exports to
    j are j's imports, so ``"exports"`` and ``"imports"`` coincide; ``"drysdale"`` leaves
    i's own imports out of the world's, ``M_j / (M_w − M_i)``.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).
    kind
        ``"exports"``, ``"imports"`` or ``"drysdale"``.

    Returns
    -------
    ibis.expr.types.Table
        ``year, exporter, importer, trade_intensity``, one row per pair with a row, sorted.
    """
    if kind not in ("exports", "imports", "drysdale"):
        raise DataError(
            Problem("<arguments>", None, "kind", "exports, imports or drysdale", repr(kind))
        )
    x = _sum(p, ["year", "exporter", "importer"], "x")
    x_i = _sum(x, ["year", "exporter"], "x_i", "x")
    m_j = _sum(x, ["year", "importer"], "m_j", "x")
    m_w = _sum(x, ["year"], "m_w", "x")
    j = x.join(x_i, ["year", "exporter"]).join(m_j, ["year", "importer"]).join(m_w, "year")
    world = j.m_w
    if kind == "drysdale":
        own = m_j.select("year", exporter=m_j.importer, m_i=m_j.m_j)
        j = j.left_join(own, ["year", "exporter"])
        world = j.m_w - j.m_i.coalesce(0)
    value = _ratio(_ratio(j.x, j.x_i), _ratio(j.m_j, world))
    keys = ["year", "exporter", "importer"]
    return j.select(*keys, trade_intensity=value).order_by(keys)


def _mix(p: Table, country: str, keys: Sequence[str] = ("year",)) -> tuple[Table, Table]:
    """Return each country's product shares ``s`` within ``keys`` and its total ``total``."""
    by = [*keys, country]
    sums = _sum(p, [*by, "product"], "x")
    totals = _sum(sums, by, "total", "x")
    shares = sums.join(totals, by)
    return shares.select(*by, "product", s=_ratio(shares.x, shares.total)), totals


def complementarity(p: Table) -> Table:
    """Compute the trade complementarity of every pair: ``100 · (1 − ½ Σ_k |m_jk − x_ik|)``.

    As :func:`analysis.measures.panel.complementarity` (Michaely 1996): every exporter
    of a year paired with every other country importing that year. The sum runs over
    the products both trade, since ``Σ_k |m_k − x_k| = 2 − 2 Σ_k min(m_k, x_k)`` for
    shares summing to 1.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).

    Returns
    -------
    ibis.expr.types.Table
        ``year, exporter, importer, complementarity`` in [0, 100] (null where either
        side's total is 0), sorted.
    """
    x, x_i = _mix(p, "exporter")
    m, m_j = _mix(p, "importer")
    both = x.join(m, [x.year == m.year, x.product == m.product, x.exporter != m.importer])
    overlap = both.group_by(["year", "exporter", "importer"]).aggregate(
        o=ibis.least(both.s, both.s_right).sum()
    )
    pairs = x_i.join(m_j, [x_i.year == m_j.year, x_i.exporter != m_j.importer])
    pairs = pairs.select("year", "exporter", "importer", "total", m_total=pairs.total_right)
    keys = ["year", "exporter", "importer"]
    out = pairs.left_join(overlap, keys)
    # A zero total leaves its shares null, which least() would skip: null the pair instead.
    value = ibis.ifelse((out.total == 0) | (out.m_total == 0), ibis.null("float64"),
                        100 * out.o.coalesce(0.0))  # fmt: skip
    return out.select(*keys, complementarity=value).order_by(keys)


def export_similarity(p: Table, *, market: Literal["world", "importer"] = "world") -> Table:
    """Compute Finger and Kreinin's export similarity: ``100 · Σ_k min(s_ak, s_bk)``.

    As :func:`analysis.measures.indicators.export_similarity` (``compare="reporter_iso3"``),
    in [0, 100]: ``s_ak`` is product k's share in a's exports to the world
    (``market="world"``) or to one importer (``market="importer"``, pairs of suppliers
    of each market), by year. Every pair of exporters ``a < b`` of a year (of a market)
    has a row; products absent on either side add nothing.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).
    market
        ``"world"`` or ``"importer"``.

    Returns
    -------
    ibis.expr.types.Table
        ``year`` (``importer``), ``exporter_a``, ``exporter_b``, ``export_similarity``
        (null where either total is 0), sorted.
    """
    if market not in ("world", "importer"):
        raise DataError(Problem("<arguments>", None, "market", "world or importer", repr(market)))
    keys = ["year"] if market == "world" else ["year", "importer"]
    s, totals = _mix(p, "exporter", keys)
    a = s.rename(exporter_a="exporter", s_a="s")
    b = s.rename(exporter_b="exporter", s_b="s")
    both = a.join(b, [*keys, "product", a.exporter_a < b.exporter_b])
    overlap = both.group_by([*keys, "exporter_a", "exporter_b"]).aggregate(
        o=ibis.least(both.s_a, both.s_b).sum()
    )
    ta = totals.rename(exporter_a="exporter", total_a="total")
    tb = totals.rename(exporter_b="exporter", total_b="total")
    pairs = ta.join(tb, [*keys, ta.exporter_a < tb.exporter_b])
    group = [*keys, "exporter_a", "exporter_b"]
    out = pairs.left_join(overlap, group)
    value = ibis.ifelse((out.total_a == 0) | (out.total_b == 0), ibis.null("float64"),
                        100 * out.o.coalesce(0.0))  # fmt: skip
    return out.select(*group, export_similarity=value).order_by(group)


def grubel_lloyd(p: Table, *, aggregate: bool = False, adjusted: bool = False) -> Table:
    """Compute the Grubel–Lloyd index of each pair's two-way trade: ``1 − |X − M| / (X + M)``.

    As :func:`analysis.measures.indicators.grubel_lloyd`, with ``X`` the reporter's exports
    to the partner (``v_ijk``) and ``M`` its imports from it (``v_jik``): by product, or
    with ``aggregate`` the trade-weighted mean over products, ``adjusted`` for the pair's
    overall imbalance. Each pair appears once, as ``reporter < partner`` (the index is
    symmetric).

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).
    aggregate
        Sum over products.
    adjusted
        Divide instead by ``Σ_k (X_k + M_k) − |Σ X_k − Σ M_k|`` (with ``aggregate``).

    Returns
    -------
    ibis.expr.types.Table
        ``year, reporter, partner`` (``product``), ``grubel_lloyd`` in [0, 1], sorted.
    """
    if adjusted and not aggregate:
        raise DataError(
            Problem("<arguments>", None, "adjusted", "aggregate=True with adjusted=True", "False")
        )
    forward = p.exporter < p.importer
    flows = p.select(
        "year",
        "product",
        reporter=ibis.least(p.exporter, p.importer),
        partner=ibis.greatest(p.exporter, p.importer),
        x=ibis.ifelse(forward, p.value, 0.0),
        m=ibis.ifelse(forward, 0.0, p.value),
    )
    pair = ["year", "reporter", "partner"]
    g = flows.group_by([*pair, "product"]).aggregate(x=flows.x.sum(), m=flows.m.sum())
    overlap = g.x + g.m - (g.x - g.m).abs()
    if not aggregate:
        keys = [*pair, "product"]
        return g.select(*keys, grubel_lloyd=_ratio(overlap, g.x + g.m)).order_by(keys)
    g = g.mutate(overlap=overlap, trade=g.x + g.m)
    s = g.group_by(pair).aggregate(
        overlap=g.overlap.sum(), trade=g.trade.sum(), x=g.x.sum(), m=g.m.sum()
    )
    index = _ratio(s.overlap, s.trade - (s.x - s.m).abs() if adjusted else s.trade)
    # At most 1; the adjusted divisor is a difference of large sums whose rounding can
    # push the ratio a hair above it (as in analysis.measures.indicators).
    return s.select(*pair, grubel_lloyd=ibis.ifelse(index > 1, 1.0, index)).order_by(pair)


def shares(p: Table, *, of: str = "exporter", within: Sequence[str] = ("year", "product")) -> Table:
    """Compute each member's share of its group's trade: ``v_i / Σ v``.

    As :func:`analysis.measures.indicators.shares` on the panel's sums. By default each
    exporter's share of the world's exports of each product and year (market share);
    ``within=("year", "importer", "product")`` gives its share of one market.

    Parameters
    ----------
    p
        The panel with the role names (:func:`roles`).
    of
        The key whose members share the total.
    within
        The keys of the groups.

    Returns
    -------
    ibis.expr.types.Table
        ``within`` + ``of`` + ``share`` (null where the group's total is 0), sorted.
    """
    group = list(within)
    if of not in KEYS or not set(group) <= set(KEYS) or of in group:
        raise DataError(
            Problem("<arguments>", None, "of, within", f"distinct keys among {', '.join(KEYS)}",
                    f"{of!r}, {group!r}")
        )  # fmt: skip
    members = _sum(p, [*group, of], "x")
    totals = _sum(members, group, "total", "x") if group else members.aggregate(
        total=members.x.sum()
    )  # fmt: skip
    j = members.join(totals, group) if group else members.cross_join(totals)
    keys = [*group, of]
    return j.select(*keys, share=_ratio(j.x, j.total)).order_by(keys)


#: Every indicator by name, as the ``panel`` command and :func:`compute` take them.
INDICATORS: Mapping[str, Callable[..., Table]] = {
    "rca": rca,
    "symmetric_rca": symmetric_rca,
    "hhi": hhi,
    "trade_intensity": trade_intensity,
    "complementarity": complementarity,
    "export_similarity": export_similarity,
    "grubel_lloyd": grubel_lloyd,
    "shares": shares,
}


# --- Engines -------------------------------------------------------------------------------


def connect(
    engine: EngineName = "duckdb",
    *,
    spark_remote: str | None = None,
    spark_master: str = "local[2]",
    spark_config: Mapping[str, str] | None = None,
    memory_limit: str | None = None,
    temp_directory: str | os.PathLike[str] | None = None,
) -> BaseBackend:
    """Return an Ibis connection to the engine.

    Parameters
    ----------
    engine
        ``"duckdb"`` (embedded, in memory) or ``"spark"``.
    spark_remote
        A Spark Connect address (``sc://host:15002``); otherwise a JVM session is started,
        or the one ``spark-submit`` launched is used.
    spark_master
        Spark's master when this process starts Spark itself (``local[2]``, a
        ``spark://host:7077`` cluster, ``yarn``); ignored under ``spark-submit``, whose
        ``--master`` applies.
    spark_config
        Settings for a Spark started here, over :data:`SPARK_LOCAL`.
    memory_limit, temp_directory
        DuckDB's memory limit (``"2GB"``; 80% of RAM by default) and where it spills.

    Returns
    -------
    ibis.backends.BaseBackend
        The connection.
    """
    if engine == "duckdb":
        config: dict[str, Any] = {}
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        if temp_directory is not None:
            Path(temp_directory).mkdir(parents=True, exist_ok=True)
            config["temp_directory"] = os.fspath(temp_directory)
        return ibis.duckdb.connect(**config)
    if engine != "spark":
        raise DataError(Problem("<arguments>", None, "engine", "duckdb or spark", repr(engine)))
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if spark_remote:
        builder = builder.remote(spark_remote)
    else:
        # spark-submit starts the JVM and passes its gateway: its --master and --conf apply.
        if "PYSPARK_GATEWAY_PORT" not in os.environ:
            builder = builder.master(spark_master)
            for key, value in {**SPARK_LOCAL, **(spark_config or {})}.items():
                builder = builder.config(key, value)
    session = builder.getOrCreate()
    if not spark_remote:
        session.sparkContext.setLogLevel("ERROR")
    return ibis.pyspark.connect(session)


def _engine(con: BaseBackend) -> str:
    return "spark" if con.name == "pyspark" else con.name


def read_panel(
    con: BaseBackend,
    source: pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    columns: Mapping[str, str] | None = None,
    years: tuple[int, int] | None = None,
) -> Table:
    """Return the panel as an Ibis table of the connection, with the role names.

    Files are read in place: Parquet (files, a folder of them or glob patterns) or CSV
    (BACI's year files, plain or gzipped).

    Parameters
    ----------
    con
        A connection from :func:`connect`.
    source
        A DataFrame, or the panel's files.
    columns
        The column of each role; :data:`analysis.measures.panel.BACI` by default.
    years
        The first and last years to keep, if not all.

    Returns
    -------
    ibis.expr.types.Table
        ``year, exporter, importer, product, value``.
    """
    if isinstance(source, pd.DataFrame):
        table = ibis.memtable(source)
    else:
        table = _read_files(con, _files(source))
    p = roles(table, columns)
    if years is not None:
        p = p.filter(p.year.between(*years))
    return p


def _files(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """Return the files named: folders stand for their Parquet files, globs are expanded."""
    import glob

    items = [source] if isinstance(source, str | os.PathLike) else list(source)
    found: list[str] = []
    for item in items:
        text = os.fspath(item)
        if Path(text).is_dir():
            matched = sorted(str(p) for p in Path(text).rglob("*.parquet"))
        elif glob.has_magic(text):
            matched = sorted(glob.glob(text))
        else:
            matched = [text] if Path(text).is_file() else []
        if not matched:
            raise DataError(Problem(text, None, None, "a Parquet or CSV file", "no such file"))
        found += matched
    return found


def _read_files(con: BaseBackend, files: list[str]) -> Table:
    csv = [f.endswith((".csv", ".csv.gz")) for f in files]
    if any(csv) and not all(csv):
        raise DataError(Problem("<arguments>", None, "panel", "Parquet files or CSV files", "both"))
    if _engine(con) == "duckdb":
        return con.read_csv(files) if all(csv) else con.read_parquet(files)
    session = con._session
    frame = (session.read.csv(files, header=True, inferSchema=True) if all(csv)
             else session.read.parquet(*files))  # fmt: skip
    name = ibis.util.gen_name("panel")
    frame.createOrReplaceTempView(name)
    return con.table(name)


def compute(
    indicator: str,
    source: pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    engine: EngineName | BaseBackend = "duckdb",
    columns: Mapping[str, str] | None = None,
    years: tuple[int, int] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Check a panel and compute one indicator on an engine, into a DataFrame.

    Parameters
    ----------
    indicator
        A name of :data:`INDICATORS`.
    source
        A DataFrame or the panel's files (see :func:`read_panel`).
    engine
        ``"duckdb"``, ``"spark"`` (local mode) or a connection from :func:`connect`.
    columns, years
        As for :func:`read_panel`.
    **options
        The indicator's options (``of``, ``kind``, ``market``, ``aggregate``…).

    Returns
    -------
    pandas.DataFrame
        The indicator's table, sorted by its keys.

    Raises
    ------
    DataError
        If :func:`checks` counts a problem; the message gives every count.
    """
    if indicator not in INDICATORS:
        raise DataError(
            Problem("<arguments>", None, "indicator", ", ".join(INDICATORS), repr(indicator))
        )
    con = connect(engine) if isinstance(engine, str) else engine
    p = read_panel(con, source, columns=columns, years=years)
    name = "<DataFrame>" if isinstance(source, pd.DataFrame) else str(source)
    refuse(con.execute(checks(p)).iloc[0].to_dict(), name)
    return con.execute(INDICATORS[indicator](p, **options))
