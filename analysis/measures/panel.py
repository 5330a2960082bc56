"""Panel indicators at BACI scale, on two engines: pandas in memory, DuckDB on Parquet.

The input is a directed panel: one row per exporter, importer, product and year with the
value traded (CEPII BACI's layout, ``t, i, j, k, v``, by default). World totals are sums
over the panel, so the world is the countries in it. A pair or product without a row
trades nothing (BACI lists positive flows only): results are given for the rows present,
and the rest follow from the definitions (an exporter's RCA in a product it does not
export is 0).

Every function takes ``engine``:

* ``"pandas"`` loads the panel (a DataFrame, or the Parquet columns needed) and sums it
  with NumPy in memory, a million rows at a time;
* ``"duckdb"`` sums it with an embedded DuckDB reading the Parquet files (or the
  DataFrame) without loading them: for panels larger than memory (DuckDB spills to
  disk past 80% of RAM);
* ``"auto"`` (default) uses pandas for a DataFrame or a Parquet panel of at most
  :data:`AUTO_ROWS` rows, and DuckDB for larger Parquet panels (:func:`choose_engine`).

DuckDB runs each indicator as one SQL query, compiled from its Ibis expression in
:mod:`analysis.measures.expressions` (the one definition, which also runs on Spark); the
pandas engine sums the panel into dense year × country × product (or × country) arrays
with ``np.bincount``, and stays as the oracle the expressions are tested against; for
complementarity both hand the countries' product mixes to the same all-pairs step. They
agree to rounding (tested to 1e-9) and compute the definitions of
:mod:`analysis.measures.indicators` (tested on small panels). Bad input raises
:class:`~analysis.errors.DataError`: a missing column, a blank key or value, a negative
or infinite value, trade of a country with itself, or two rows with the same keys. A
division by zero gives NaN and an :class:`~analysis.errors.IndicatorWarning`.
"""

from __future__ import annotations

import glob
import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist  # SciPy comes with statsmodels, a dependency

from analysis.errors import DataError, IndicatorWarning, Problem

if TYPE_CHECKING:
    import duckdb
    import ibis

__all__ = [
    "BACI",
    "AUTO_ROWS",
    "choose_engine",
    "complementarity",
    "hhi",
    "rca",
    "trade_intensity",
]

Engine = Literal["pandas", "duckdb", "auto"]
PanelSource = pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]]

#: BACI's column names for each role (the default ``columns``).
BACI: Mapping[str, str] = {
    "year": "t",
    "exporter": "i",
    "importer": "j",
    "product": "k",
    "value": "v",
}
ROLES = ("exporter", "importer", "product", "year", "value")
KEYS = ("year", "exporter", "importer", "product")  # the panel's sort order (BACI's)
#: ``"auto"`` loads Parquet panels of up to this many rows into memory (pandas engine).
AUTO_ROWS = 1_000_000
CHUNK_ROWS = 1 << 20  # rows per step: bounds the temporary arrays at a few MB


# --- Sources ----------------------------------------------------------------------------


class _Panel:
    """The panel's rows, whichever way they are stored, with the columns of each role."""

    def __init__(self, source: PanelSource, columns: Mapping[str, str] | None):
        self.columns = dict(BACI if columns is None else columns)
        unknown = sorted(set(self.columns) - set(ROLES)) or sorted(set(ROLES) - set(self.columns))
        if unknown:
            raise DataError(
                Problem("<arguments>", None, "columns", f"a column for each of {', '.join(ROLES)}",
                        f"{', '.join(unknown)} unknown or missing")
            )  # fmt: skip
        if isinstance(source, pd.DataFrame):
            self.frame: pd.DataFrame | None = source
            self.paths: list[str] = []
            self.name = "<DataFrame>"
            present = list(source.columns)
        else:
            self.frame = None
            self.paths = _expand(source)
            self.name = self.paths[0] if len(self.paths) == 1 else f"{len(self.paths)} files"
            import pyarrow.parquet as pq

            # The first file's columns: both engines read the others by column name.
            present = pq.read_schema(self.paths[0]).names
        missing = [c for c in self.columns.values() if c not in present]
        if missing:
            raise DataError(
                Problem(self.name, None, ", ".join(missing), "these columns", "none such")
            )

    def rows(self) -> int:
        """Return the number of rows (from the Parquet footers, without reading data)."""
        if self.frame is not None:
            return len(self.frame)
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(p).metadata.num_rows for p in self.paths)


def _expand(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """Return the Parquet files named (glob patterns expanded, in name order)."""
    items = [source] if isinstance(source, str | os.PathLike) else list(source)
    paths: list[str] = []
    for item in items:
        text = os.fspath(item)
        found = sorted(glob.glob(text)) if glob.has_magic(text) else [text]
        paths.extend(p for p in found if Path(p).is_file())
        if not found or not all(Path(p).is_file() for p in found):
            raise DataError(Problem(text, None, None, "a Parquet file", "no such file"))
    if not paths:
        raise DataError(Problem("<arguments>", None, "panel", "a Parquet file", "none"))
    return paths


def choose_engine(
    panel: PanelSource, engine: Engine = "auto", *, columns: Mapping[str, str] | None = None
) -> str:
    """Return the engine that computes the panel: ``engine``, or for ``"auto"`` one by size.

    ``"auto"`` keeps a DataFrame in pandas (it is in memory already) and sends Parquet
    files to DuckDB beyond ``AUTO_ROWS`` rows: DuckDB reads only the columns it needs, in
    parallel, and never holds the panel, which on a laptop is faster from 1 million rows
    (see ``benchmarks/README.md``) and the only way beyond memory.

    Parameters
    ----------
    panel
        A DataFrame, or Parquet files (paths or glob patterns).
    engine
        ``"pandas"``, ``"duckdb"`` or ``"auto"``.
    columns
        The column of each role; :data:`BACI` by default.

    Returns
    -------
    str
        ``"pandas"`` or ``"duckdb"``.

    Examples
    --------
    >>> choose_engine(pd.DataFrame({"t": [2020], "i": [4], "j": [8], "k": [10121], "v": [1.0]}))
    'pandas'
    """
    return _resolve(_Panel(panel, columns), engine)


def _resolve(source: _Panel, engine: str) -> str:
    if engine not in ("pandas", "duckdb", "auto"):
        raise DataError(
            Problem("<arguments>", None, "engine", "pandas, duckdb or auto", repr(engine))
        )
    if engine != "auto":
        return engine
    return "pandas" if source.frame is not None or source.rows() <= AUTO_ROWS else "duckdb"


# --- Checks ---------------------------------------------------------------------------


def _check_keys(name: str, batches: Iterable[Mapping[str, np.ndarray]]) -> bool:
    """Refuse blank keys and self-trade, and an empty panel, in one pass over the keys.

    Returns whether the rows are strictly sorted by year, exporter, importer and product
    (as BACI's files are), which proves that no two rows share the keys; the caller looks
    for such rows otherwise, at the cost of a hash of every row.
    """
    rows = 0
    ordered = True
    last: list[np.ndarray] | None = None
    for batch in batches:
        keys = [batch[r] for r in KEYS]
        for role, column in zip(KEYS, keys, strict=True):
            if column.dtype.kind not in "iub" and pd.isna(column).any():
                raise DataError(Problem(name, None, role, "a value in every row", "a blank"))
        own = keys[1] == keys[2]
        if own.any():
            at = int(np.argmax(own))
            example = {r: _scalar(k[at]) for r, k in zip(KEYS, keys, strict=True)}
            raise DataError(
                Problem(name, None, "exporter, importer", "trade between two countries",
                        f"a country trading with itself: {example}")
            )  # fmt: skip
        if ordered and len(keys[0]):
            # The previous batch's last row must come before this batch's first.
            seam = [np.concatenate([p, k[:1]]) for p, k in zip(last or keys, keys, strict=True)]
            ordered = (last is None or _increasing(seam)) and _increasing(keys)
            last = [k[-1:] for k in keys]
        rows += len(keys[0])
    if rows == 0:
        raise DataError(Problem(name, None, None, "at least one row", "none"))
    return ordered


def _increasing(keys: Sequence[np.ndarray]) -> bool:
    """Return whether the rows are strictly increasing in lexicographic order of the keys."""
    after = np.zeros(len(keys[0]) - 1, dtype=bool)
    tied = np.ones(len(keys[0]) - 1, dtype=bool)
    for k in keys:
        after |= tied & (k[1:] > k[:-1])
        tied &= k[1:] == k[:-1]
    return bool(after.all())


def _refuse_values(name: str, rows: int, example: Mapping[str, object]) -> None:
    raise DataError(
        Problem(name, None, "value", "a finite value >= 0 in every row",
                f"{rows:,} blank, negative or infinite, such as {dict(example)}")
    )  # fmt: skip


def _refuse_duplicates(name: str, rows: int, example: Sequence[object]) -> None:
    raise DataError(
        Problem(name, None, ", ".join(KEYS), "one row per year, exporter, importer and "
                "product (two sources or releases mixed?)",
                f"{rows:,} rows sharing their keys, such as "
                f"{dict(zip(KEYS, example, strict=True))}")
    )  # fmt: skip


# --- DuckDB engine: SQL on the Parquet files, out of core ----------------------------------


@contextmanager
def _duckdb(panel: _Panel) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection where view ``p`` is the checked panel, with the role names."""
    import duckdb

    con = duckdb.connect()
    try:
        if panel.frame is not None:
            con.register("panel_frame", panel.frame)
            source = "panel_frame"
        else:
            source = "read_parquet([" + ", ".join(_literal(p) for p in panel.paths) + "])"
        roles = ", ".join(f"{_ident(panel.columns[r])} AS {r}" for r in ROLES)
        con.execute(f"CREATE VIEW p AS SELECT {roles} FROM {source}")
        # The keys stream through once, in file order, a batch at a time.
        reader = con.sql(f"SELECT {', '.join(KEYS)} FROM p").to_arrow_reader(CHUNK_ROWS)
        batches = ({r: b.column(r).to_numpy(zero_copy_only=False) for r in KEYS} for b in reader)
        ordered = _check_keys(panel.name, batches)
        # NaN sorts above every number in DuckDB, so max() finds it as it finds +inf.
        ((blank, low, high),) = con.sql(
            "SELECT count(*) - count(value), min(value), max(value) FROM p"
        ).fetchall()
        if blank or not (low >= 0 and math.isfinite(high)):
            bad = "value IS NULL OR value < 0 OR isinf(value) OR isnan(value)"
            ((rows, *example),) = con.sql(
                f"SELECT count(*) OVER (), * FROM p WHERE {bad} LIMIT 1"
            ).fetchall()
            _refuse_values(panel.name, rows, dict(zip(ROLES, example, strict=True)))
        if not ordered:
            found = con.sql(
                f"SELECT sum(count(*)) OVER (), {', '.join(KEYS)} FROM p "
                "GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
            ).fetchall()
            if found:
                _refuse_duplicates(panel.name, int(found[0][0]), found[0][1:])
        yield con
    finally:
        con.close()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_SQL_MIX = "SELECT year, {side} AS country, product, sum(value) AS x FROM p GROUP BY ALL"


def _duckdb_mixes(con: duckdb.DuckDBPyConnection) -> _Mixes:
    """Return the exporters' and importers' sums by product as dense arrays."""
    exports = con.sql(_SQL_MIX.format(side="exporter")).df()
    imports = con.sql(_SQL_MIX.format(side="importer")).df()
    (year_x, year_m), years = _codes(exports["year"], imports["year"])
    (country_x, country_m), countries = _codes(exports["country"], imports["country"])
    (product_x, product_m), products = _codes(exports["product"], imports["product"])
    shape = (len(years), len(countries), len(products))
    cubes = []
    for table, at in (
        (exports, (year_x, country_x, product_x)),
        (imports, (year_m, country_m, product_m)),
    ):
        x = np.zeros(shape)
        listed = np.zeros(shape[:2], dtype=bool)
        x[at] = table["x"].to_numpy("float64")  # one row per year, country and product
        listed[at[:2]] = True
        cubes.append((x, listed))
    return _Mixes(years, countries, *cubes[0], *cubes[1])


# --- pandas engine: NumPy sums in memory -----------------------------------------------------


class _Memory:
    """The checked panel in memory, coded for sums by ``np.bincount`` into dense arrays."""

    def __init__(self, panel: _Panel):
        if panel.frame is not None:
            self.data = {r: panel.frame[panel.columns[r]].to_numpy() for r in ROLES}
        else:
            self.data = _read(panel)
        self.rows = len(self.data["value"])
        keys = ({r: self.data[r][s] for r in KEYS} for s in _chunks(self.rows))
        ordered = _check_keys(panel.name, keys)
        value = self.data["value"].astype("float64", copy=False)
        low, high = value.min(), value.max()  # NaN propagates to both
        if not (low >= 0 and high < np.inf):
            bad = ~((value >= 0) & np.isfinite(value))
            example = {r: _scalar(self.data[r][np.argmax(bad)]) for r in ROLES}
            _refuse_values(panel.name, int(bad.sum()), example)
        self.zeros = low == 0  # without zeros, a positive sum shows that rows exist
        if not ordered:
            keys = pd.DataFrame({r: self.data[r] for r in KEYS})
            dup = keys.duplicated(keep=False)
            if dup.any():
                _refuse_duplicates(panel.name, int(dup.sum()), keys[dup].iloc[0].tolist())
        self._levels: dict[str, _Levels] = {}

    def levels(self, role: str) -> _Levels:
        """Return a key's levels, found on first use (one set for the countries' two roles)."""
        if role not in self._levels:
            if role in ("exporter", "importer"):
                countries = _Levels(self.data["exporter"], self.data["importer"])
                self._levels |= {"exporter": countries, "importer": countries}
            else:
                self._levels[role] = _Levels(self.data[role])
        return self._levels[role]

    def values(self, role: str) -> np.ndarray:
        """Return the distinct values of a key (codes index into them)."""
        return self.levels(role).values

    def sums(
        self, keys: Sequence[str], *, counts: bool = False, squares: bool = False
    ) -> dict[str, np.ndarray]:
        """Return dense sums over ``keys``: ``x`` (value) and ``listed`` (has a row).

        On request also ``n`` (rows) and ``x2`` (value²).
        """
        shape = tuple(len(self.levels(k).values) for k in keys)
        size = math.prod(shape)
        counts = counts or self.zeros
        out = {"x": np.zeros(size)}
        if counts:
            out["n"] = np.zeros(size, dtype="int64")
        if squares:
            out["x2"] = np.zeros(size)
        for s in _chunks(self.rows):
            code = np.ravel_multi_index(
                [self.levels(k).codes(self.data[k][s]) for k in keys], shape
            )
            value = self.data["value"][s].astype("float64", copy=False)
            # Count only over the codes this chunk spans (a year or so in sorted panels).
            low = int(code.min())
            code -= low
            span = slice(low, low + int(code.max()) + 1)
            if counts:
                out["n"][span] += np.bincount(code)
            out["x"][span] += np.bincount(code, weights=value)
            if squares:
                out["x2"][span] += np.bincount(code, weights=value * value)
        out["listed"] = out["n"] > 0 if counts else out["x"] > 0
        return {name: array.reshape(shape) for name, array in out.items()}

    def mixes(self) -> _Mixes:
        """Return the exporters' and importers' sums by product as dense arrays."""
        exports = self.sums(["year", "exporter", "product"])
        imports = self.sums(["year", "importer", "product"])
        return _Mixes(
            self.values("year"),
            self.values("exporter"),
            exports["x"],
            exports["listed"].any(axis=2),
            imports["x"],
            imports["listed"].any(axis=2),
        )


def _read(panel: _Panel) -> dict[str, np.ndarray]:
    """Read the role columns of the Parquet files into NumPy arrays, a row group at a time.

    Filling arrays sized from the footers holds the panel once: converting a whole Arrow
    table would hold it twice at the peak.
    """
    import pyarrow.parquet as pq

    files = [pq.ParquetFile(p) for p in panel.paths]
    total = sum(f.metadata.num_rows for f in files)
    if total == 0:
        raise DataError(Problem(panel.name, None, None, "at least one row", "none"))
    wanted = list(dict.fromkeys(panel.columns.values()))
    out: dict[str, np.ndarray] = {}
    at = 0
    for file in files:
        for g in range(file.num_row_groups):
            group = file.read_row_group(g, columns=wanted)
            for role in ROLES:
                column = group.column(panel.columns[role])
                if column.null_count and role != "value":  # a blank value is NaN: checked later
                    raise DataError(
                        Problem(panel.name, None, role, "a value in every row", "a blank")
                    )
                array = column.to_numpy()
                if role not in out:
                    out[role] = np.empty(total, dtype=array.dtype)
                out[role][at : at + len(array)] = array
            at += group.num_rows
    return out


def _scalar(value: object) -> object:
    """Return a NumPy scalar as a Python one, for messages."""
    return value.item() if isinstance(value, np.generic) else value


def _chunks(n: int) -> Iterator[slice]:
    """Cut ``n`` rows into steps of ``CHUNK_ROWS`` (one empty step when there are none)."""
    return (slice(s, min(s + CHUNK_ROWS, n)) for s in range(0, max(n, 1), CHUNK_ROWS))


class _Levels:
    """The sorted distinct values of one or more key columns, and each value's code.

    Integer keys in a compact range (years, BACI's country and product codes) are coded
    through a lookup table, in one vectorised step; others through a hash index.
    """

    def __init__(self, *columns: np.ndarray):
        self.offset: int | None = None
        if all(c.dtype.kind in "iu" for c in columns):
            # Non-negative codes index the table directly, with no conversion.
            low = min(0, *(int(c.min()) for c in columns))
            high = max(int(c.max()) for c in columns)
            if high - low <= max(1 << 20, 4 * max(len(c) for c in columns)):
                self.offset = low
                seen = np.zeros(high - low + 1, dtype=bool)
                for c in columns:
                    for s in _chunks(len(c)):
                        seen[self._shift(c[s])] = True
                self.lookup = np.cumsum(seen) - 1
                self.values = (np.flatnonzero(seen) + low).astype(columns[0].dtype)
                return
        self.values = np.sort(pd.unique(np.concatenate([pd.unique(c) for c in columns])))
        self.index = pd.Index(self.values)

    def codes(self, column: np.ndarray) -> np.ndarray:
        """Return the code of each value of ``column`` (a part of a column given before)."""
        if self.offset is not None:
            return self.lookup[self._shift(column)]
        return self.index.get_indexer(column)

    def _shift(self, column: np.ndarray) -> np.ndarray:
        return column if self.offset == 0 else column.astype("int64") - self.offset


def _codes(*columns: pd.Series) -> tuple[list[np.ndarray], np.ndarray]:
    """Code several columns over their common values: return the codes and the values."""
    arrays = [c.to_numpy() for c in columns]
    levels = _Levels(*arrays)
    return [levels.codes(a) for a in arrays], levels.values


# --- Indicators from dense sums (pandas engine) ----------------------------------------------


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Divide, with NaN where the divisor is zero (as SQL's ``x / NULLIF(d, 0)``)."""
    out = np.full(np.broadcast(num, den).shape, np.nan)
    return np.divide(num, den, out=out, where=den != 0)


def _rca_memory(m: _Memory) -> pd.DataFrame:
    s = m.sums(["year", "exporter", "product"])
    x = s["x"]
    t, i, k = np.nonzero(s["listed"])
    x_i, x_k, x_w = x.sum(axis=2), x.sum(axis=1), x.sum(axis=(1, 2))
    value = _ratio(_ratio(x[t, i, k], x_i[t, i]), _ratio(x_k[t, k], x_w[t]))
    return pd.DataFrame(
        {
            "year": m.values("year")[t],
            "exporter": m.values("exporter")[i],
            "product": m.values("product")[k],
            "rca": value,
        }
    )


def _hhi_memory(m: _Memory, of: str) -> pd.DataFrame:
    s = m.sums(["year", "exporter", "importer"], counts=True, squares=of == "product")
    if of == "product":
        t, i, j = np.nonzero(s["listed"])
        x = s["x"][t, i, j]
        keys = {"exporter": i, "importer": j}
        n, h = s["n"][t, i, j], _ratio(s["x2"][t, i, j], x * x)
    else:  # the members are the exporter's markets: pair totals
        members = s["listed"]
        t, i = np.nonzero(members.any(axis=2))
        x = s["x"][t, i]
        keys = {"exporter": i}
        n, h = members.sum(axis=2)[t, i], _ratio((x * x).sum(axis=1), x.sum(axis=1) ** 2)
    columns = {"year": m.values("year")[t]}
    columns |= {role: m.values(role)[code] for role, code in keys.items()}
    return pd.DataFrame(columns | {"n": n.astype("int64"), "hhi": h})


def _intensity_memory(m: _Memory, kind: str) -> pd.DataFrame:
    s = m.sums(["year", "exporter", "importer"])
    x = s["x"]
    t, i, j = np.nonzero(s["listed"])
    x_i, m_j, m_w = x.sum(axis=2), x.sum(axis=1), x.sum(axis=(1, 2))
    # The world's exports to j are j's imports from the world: X_wj = M_j, X_w = M_w.
    world = m_w[t] - m_j[t, i] if kind == "drysdale" else m_w[t]
    value = _ratio(_ratio(x[t, i, j], x_i[t, i]), _ratio(m_j[t, j], world))
    return pd.DataFrame(
        {
            "year": m.values("year")[t],
            "exporter": m.values("exporter")[i],
            "importer": m.values("importer")[j],
            "trade_intensity": value,
        }
    )


# --- Complementarity: all pairs, dense, for both engines ---------------------------------------


class _Mixes(NamedTuple):
    """Sums by year, country and product of what each country exports and imports."""

    years: np.ndarray
    countries: np.ndarray
    exports: np.ndarray  # year × country × product
    exporting: np.ndarray  # year × country: has an export row
    imports: np.ndarray
    importing: np.ndarray


def _complementarity(mixes: _Mixes) -> pd.DataFrame:
    parts = []
    for t in range(len(mixes.years)):
        sellers = np.flatnonzero(mixes.exporting[t])
        buyers = np.flatnonzero(mixes.importing[t])
        x, m = mixes.exports[t, sellers], mixes.imports[t, buyers]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = x / x.sum(axis=1, keepdims=True)  # a zero total gives NaN, as in indicators
            m = m / m.sum(axis=1, keepdims=True)
        gap = cdist(x, m, "cityblock")  # Σ_k |m_jk − x_ik| for every pair, in C
        i, j = np.meshgrid(sellers, buyers, indexing="ij")
        keep = i != j
        parts.append((np.full(keep.sum(), t), i[keep], j[keep], 100 * (1 - gap[keep] / 2)))
    # Every year has a pair: a row is an exporter and a different importer.
    t, i, j, value = (np.concatenate(p) for p in zip(*parts, strict=True))
    return pd.DataFrame(
        {
            "year": mixes.years[t],
            "exporter": mixes.countries[i],
            "importer": mixes.countries[j],
            "complementarity": value,
        }
    )


# --- Shared steps -------------------------------------------------------------------------------


def _warn(out: pd.DataFrame, where: np.ndarray, what: str) -> None:
    """Warn, with a count and an example, that ``what`` is NaN where a divisor is zero."""
    if where.any():
        keys = [c for c in KEYS if c in out.columns]
        first = out.loc[where, keys].iloc[0].to_dict()
        warnings.warn(
            f"{what}: divisor is zero, result set to NaN for {int(where.sum()):,} rows such as "
            f"{first}",
            IndicatorWarning,
            stacklevel=3,
        )


def _normalise(out: pd.DataFrame) -> pd.DataFrame:
    """Add ``hhi_normalised = (H − 1/N) / (1 − 1/N)``, NaN with a warning where N = 1."""
    inverse = 1 / out["n"].to_numpy()
    _warn(out, out["hhi"].isna().to_numpy(), "hhi (group total)")
    _warn(out, inverse == 1, "hhi_normalised (one member)")
    return out.assign(hhi_normalised=_ratio(out["hhi"].to_numpy() - inverse, 1 - inverse))


def _compute(
    panel: PanelSource,
    engine: Engine,
    columns: Mapping[str, str] | None,
    expression: Callable[[ibis.Table], ibis.Table] | None,
    memory: Callable[[_Memory], pd.DataFrame],
) -> pd.DataFrame:
    """Check the panel and compute an indicator on the engine chosen."""
    source = _Panel(panel, columns)
    if _resolve(source, engine) == "pandas":
        return memory(_Memory(source))
    with _duckdb(source) as con:
        if expression is None:
            return _complementarity(_duckdb_mixes(con))
        return con.sql(_compiled(con, expression)).df()


def _compiled(
    con: duckdb.DuckDBPyConnection, expression: Callable[[ibis.Table], ibis.Table]
) -> str:
    """Return the DuckDB SQL of an :mod:`analysis.measures.expressions` indicator on view ``p``."""
    import ibis

    schema = con.sql("SELECT * FROM p LIMIT 0").to_arrow_reader().schema
    return ibis.to_sql(expression(ibis.table(ibis.Schema.from_pyarrow(schema), name="p")),
                       dialect="duckdb")  # fmt: skip


def rca(
    panel: PanelSource, *, engine: Engine = "auto", columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Compute Balassa's RCA of each exporter and product: ``(X_ik / X_i) / (X_wk / X_w)``.

    ``X_ik = Σ_j v_ijk`` is i's exports of k to all importers, ``X_i = Σ_k X_ik``,
    ``X_wk = Σ_i X_ik`` and ``X_w = Σ_i X_i``, by year: the world is the panel's exporters,
    as :func:`analysis.measures.indicators.rca` with ``world="reporters"`` and the ``ecomplexity``
    package. Products that i does not export have RCA 0 and no row.

    Parameters
    ----------
    panel
        A DataFrame or Parquet files (paths or glob patterns), one row per exporter,
        importer, product and year.
    engine
        ``"pandas"``, ``"duckdb"`` or ``"auto"`` (see the module notes).
    columns
        The column of each role (``exporter, importer, product, year, value``);
        :data:`BACI` by default.

    Returns
    -------
    pandas.DataFrame
        ``year, exporter, product, rca``, sorted.

    Examples
    --------
    >>> panel = pd.DataFrame({"t": 2020, "i": [4, 4, 8, 8], "j": [8, 8, 4, 4],
    ...                       "k": [1, 2, 1, 2], "v": [3.0, 1.0, 1.0, 3.0]})
    >>> rca(panel)  # 4, product 1: (3/4) / (4/8) = 1.5
       year  exporter  product  rca
    0  2020         4        1  1.5
    1  2020         4        2  0.5
    2  2020         8        1  0.5
    3  2020         8        2  1.5
    """
    # Imported here: analysis.measures.expressions imports this module's names.
    from analysis.measures import expressions

    out = _compute(panel, engine, columns, expressions.rca, _rca_memory)
    _warn(out, out["rca"].isna().to_numpy(), "rca")
    return out


def hhi(
    panel: PanelSource,
    *,
    of: Literal["product", "importer"] = "product",
    engine: Engine = "auto",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Compute the Herfindahl–Hirschman index ``H = Σ s²`` and ``(H − 1/N) / (1 − 1/N)``.

    As :func:`analysis.measures.indicators.hhi`, with ``N`` the members with a row:

    * ``of="product"``: for every pair and year, the concentration of i's exports to j
      over products, ``s_k = v_ijk / Σ_k v_ijk``;
    * ``of="importer"``: for every exporter and year, the concentration of its exports
      over markets, ``s_j = X_ij / X_i``.

    Parameters
    ----------
    panel, engine, columns
        As for :func:`rca`.
    of
        ``"product"`` or ``"importer"``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``exporter`` (and ``importer``), ``n``, ``hhi``, ``hhi_normalised`` (NaN,
        with a warning, for a single member or a zero total), sorted.

    Examples
    --------
    >>> panel = pd.DataFrame({"t": 2020, "i": 4, "j": 8, "k": [1, 2, 3],
    ...                       "v": [2.0, 1.0, 1.0]})
    >>> hhi(panel)  # .5² + .25² + .25² = .375; (.375 − 1/3) / (1 − 1/3) = .0625
       year  exporter  importer  n    hhi  hhi_normalised
    0  2020         4         8  3  0.375          0.0625
    """
    if of not in ("product", "importer"):
        raise DataError(Problem("<arguments>", None, "of", "product or importer", repr(of)))
    from analysis.measures import expressions

    def expression(p: ibis.Table) -> ibis.Table:
        return expressions.hhi(p, of=of).drop("hhi_normalised")  # _normalise warns as it adds it

    return _normalise(_compute(panel, engine, columns, expression, lambda m: _hhi_memory(m, of)))


def trade_intensity(
    panel: PanelSource,
    *,
    kind: Literal["exports", "imports", "drysdale"] = "exports",
    engine: Engine = "auto",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Compute the trade intensity of every pair: ``(X_ij / X_i) / (M_j / M_w)``.

    As :func:`analysis.measures.indicators.trade_intensity`, with every total summed from the
    panel: ``X_ij = Σ_k v_ijk``, ``X_i = Σ_j X_ij``, ``M_j = Σ_i X_ij`` and
    ``M_w = Σ_ij X_ij``, by year. In one panel the world's exports to j are j's imports
    from the world, so ``kind="exports"`` and ``"imports"`` coincide; ``"drysdale"``
    leaves i's own imports out of the world's: ``M_j / (M_w − M_i)``.

    Parameters
    ----------
    panel, engine, columns
        As for :func:`rca`.
    kind
        ``"exports"``, ``"imports"`` or ``"drysdale"``.

    Returns
    -------
    pandas.DataFrame
        ``year, exporter, importer, trade_intensity``, one row per pair with a row, sorted.

    Examples
    --------
    >>> panel = pd.DataFrame({"t": 2020, "i": [4, 4, 8], "j": [8, 12, 12], "k": 1,
    ...                       "v": [1.0, 3.0, 4.0]})
    >>> trade_intensity(panel)  # 4 → 8: (1/4) / (1/8); 4 → 12: (3/4) / (7/8)
       year  exporter  importer  trade_intensity
    0  2020         4         8         2.000000
    1  2020         4        12         0.857143
    2  2020         8        12         1.142857
    >>> trade_intensity(panel, kind="drysdale").iloc[2, 3]  # 8 → 12: 1 / (7 / (8 − 1))
    np.float64(1.0)
    """
    if kind not in ("exports", "imports", "drysdale"):
        raise DataError(
            Problem("<arguments>", None, "kind", "exports, imports or drysdale", repr(kind))
        )
    from analysis.measures import expressions

    def expression(p: ibis.Table) -> ibis.Table:
        return expressions.trade_intensity(p, kind=kind)

    out = _compute(panel, engine, columns, expression, lambda m: _intensity_memory(m, kind))
    _warn(out, out["trade_intensity"].isna().to_numpy(), "trade_intensity")
    return out


def complementarity(
    panel: PanelSource, *, engine: Engine = "auto", columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Compute the trade complementarity of every pair: ``100 · (1 − ½ Σ_k |m_jk − x_ik|)``.

    As :func:`analysis.measures.indicators.complementarity` (Michaely 1996), in [0, 100]:
    ``x_ik = X_ik / X_i`` is product k's share in i's exports and ``m_jk = M_jk / M_j``
    its share in j's imports, both summed from the panel by year. Every exporter of a
    year is paired with every other country importing that year.

    Parameters
    ----------
    panel, engine, columns
        As for :func:`rca`.

    Returns
    -------
    pandas.DataFrame
        ``year, exporter, importer, complementarity`` (NaN, with a warning, where i's
        exports total 0), sorted.

    Examples
    --------
    >>> panel = pd.DataFrame({"t": 2020, "i": [4, 4, 12], "j": [12, 12, 8], "k": [1, 2, 1],
    ...                       "v": [3.0, 1.0, 2.0]})
    >>> complementarity(panel)  # 4 → 8: 100 · (1 − ½ (|1 − .75| + |0 − .25|))
       year  exporter  importer  complementarity
    0  2020         4         8             75.0
    1  2020         4        12            100.0
    2  2020        12         8            100.0
    """
    out = _compute(panel, engine, columns, None, lambda m: _complementarity(m.mixes()))
    _warn(out, out["complementarity"].isna().to_numpy(), "complementarity (exporter's total)")
    return out
