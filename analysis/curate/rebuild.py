"""Rebuild every curated table and ``datapackage.json`` from the raw source files."""

from __future__ import annotations

import csv
import importlib
import io
import json
import pkgutil
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from analysis import columnar
from analysis.config import DATA_DIR
from analysis.curate.claim_files import CLAIM_QUALIFIERS, CLAIMS_KOREA_UNITED_STATES
from analysis.curate.countries import COUNTRY_CODE_ADDITIONS, COUNTRY_CODES
from analysis.curate.dots import DOTS_AREA_CODES, DOTS_TRADE, MIRROR_GAP_CAUSES
from analysis.curate.gravity import GEGRAVITY_SAMPLE_2006, GEODIST_PAIRS, GRAVITY_PANEL, RTA_PAIRS
from analysis.curate.hs import HS_CHAPTER_LABELS, HS_CHAPTERS, HS_SECTIONS
from analysis.curate.prices import CPI_US
from analysis.curate.raw import sha256
from analysis.curate.registers import (
    COMTRADE_COUNTRY_CODES,
    CORRECTIONS,
    COUNTRY_COLOURS,
    LICENCES,
    PUBLISHED_GRAVITY_ESTIMATES,
    SOURCES,
)
from analysis.curate.spec import RawContext, TableSpec
from analysis.data import parse_table, read_csv_text


def _cases() -> list[ModuleType]:
    """Return the cases' curation packages: the subpackages of :mod:`analysis.curate`."""
    import analysis.curate

    found = pkgutil.iter_modules(analysis.curate.__path__)
    return [importlib.import_module(f"analysis.curate.{m.name}") for m in found if m.ispkg]


_CASES = _cases()
# Hand-curated registers first: the derived tables' foreign keys point at them. Each
# case's own registers follow the generic ones.
REGISTERS: tuple[TableSpec, ...] = (
    LICENCES,
    SOURCES,
    CORRECTIONS,
    HS_SECTIONS,
    HS_CHAPTER_LABELS,
    COUNTRY_CODE_ADDITIONS,
    CLAIM_QUALIFIERS,
    CLAIMS_KOREA_UNITED_STATES,
    DOTS_AREA_CODES,
    MIRROR_GAP_CAUSES,
    COUNTRY_COLOURS,
    COMTRADE_COUNTRY_CODES,
    PUBLISHED_GRAVITY_ESTIMATES,
    *(spec for case in _CASES for spec in case.REGISTERS),
)
# The large generic tables come last, so that a bad raw file of a case stops the rebuild
# before they are built.
DERIVED: tuple[TableSpec, ...] = (
    COUNTRY_CODES,
    HS_CHAPTERS,
    CPI_US,
    *(spec for case in _CASES for spec in case.DERIVED),
    GRAVITY_PANEL,
    GEGRAVITY_SAMPLE_2006,
    GEODIST_PAIRS,
    RTA_PAIRS,
    DOTS_TRADE,
)
PACKAGE_META = {
    "profile": "tabular-data-package",
    "name": "bilateral-trade-suite",
    "title": "Bilateral trade analytics suite: curated tables",
    "description": (
        "Curated, source-cited tables derived by analysis.curate from the raw files listed "
        "in the sources table. Each table keeps the licence of its sources; the compilation "
        "and the code's own metadata are CC BY 4.0."
    ),
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ],
}


_FORMATS = {
    "csv": {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"},
    "parquet": {"format": "parquet", "mediatype": "application/vnd.apache.parquet"},
}


def _file_name(spec: TableSpec) -> str:
    """Return the table's file name in the data folder."""
    return f"{spec.name}.{spec.format}"


def _csv_text(frame: pd.DataFrame) -> str:
    """Write a frame as CSV text with fixed quoting and line endings (byte-stable).

    Boolean columns are written ``true``/``false``, as Table Schema reads them.
    """
    flags = frame.select_dtypes(include=["bool", "boolean"]).columns
    frame = frame.assign(**{c: frame[c].map({True: "true", False: "false"}) for c in flags})
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def _lookups(schema: dict[str, Any], tables: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Return the allowed values of each foreign-key column from the tables already built."""
    out = {}
    for key in schema.get("foreignKeys", []):
        ref = key["reference"]
        out[key["fields"]] = set(tables[ref["resource"]][ref["fields"]])
    return out


def _resource(spec: TableSpec, path: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Describe one table as a data-package resource, with sources, licences and checksum."""
    sources, licences = [], []
    registry = tables["sources"].set_index("source_id")
    licence_table = tables["licences"].set_index("licence_id")
    for sid in spec.sources:
        s = registry.loc[sid]
        entry = {
            "title": f"{s['publisher']}: {s['title']}",
            "source_id": sid,
            "publisher": s["publisher"],
            "table": s["table"],
            "year": int(s["year"]),
            "date_accessed": str(s["date_accessed"].date()),
            "copied_from": s["copied_from"],
            "raw_path": s["raw_path"],
            "raw_sha256": s["raw_sha256"],
            "licence": s["licence"],
        }
        if isinstance(s["address"], str) and s["address"]:
            entry["path"] = s["address"]
        sources.append(entry)
        lic = licence_table.loc[s["licence"]]
        licence = {"name": s["licence"], "title": lic["title"]}
        if isinstance(lic["address"], str) and lic["address"]:
            licence["path"] = lic["address"]
        if licence not in licences:
            licences.append(licence)
    if not spec.sources:
        licences = PACKAGE_META["licenses"]
    return {
        "name": spec.name,
        "path": path.name,
        "profile": "tabular-data-resource",
        "title": spec.title,
        "description": spec.description,
        **_FORMATS[spec.format],
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256(path)}",
        "licenses": licences,
        "sources": sources,
        "schema": spec.schema,
    }


def _register(spec: TableSpec, data_dir: Path, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Load and validate a hand-curated register from the data folder."""
    path = data_dir / f"{spec.name}.csv"
    header, rows = read_csv_text(path)
    return parse_table(
        header, rows, spec.schema, file=str(path), lookups=_lookups(spec.schema, tables)
    )


def rebuild(
    raw_dir: Path,
    out_dir: Path = DATA_DIR,
    *,
    data_dir: Path = DATA_DIR,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Derive every curated table from the raw files and write it with ``datapackage.json``.

    Parameters
    ----------
    raw_dir
        The raw sources folder (``../shared/sources`` beside the repository by default).
    out_dir
        Where to write the tables and the descriptor (``data/`` by default; a temporary
        folder to compare with the committed tables).
    data_dir
        Where the hand-curated registers (sources, licences, corrections) are read from.
    log
        Receives one line per step, with row counts in and out.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    DataError
        If a raw file is missing or changed, a header differs, a value breaks a rule or a
        check against published totals fails; the message names file, row and column.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {}
    written = []
    for spec in REGISTERS:
        tables[spec.name] = _register(spec, data_dir, tables)
        target = out_dir / f"{spec.name}.csv"
        if target.resolve() != (data_dir / f"{spec.name}.csv").resolve():
            shutil.copyfile(data_dir / f"{spec.name}.csv", target)
        written.append(target)
    ctx = RawContext(
        raw_dir=raw_dir,
        registry=tables["sources"].set_index("source_id"),
        corrections=tables["corrections"],
        log=log,
        registers=tables,
    )
    for spec in DERIVED:
        log(f"{spec.name}:")
        assert spec.build is not None
        frame = spec.build(ctx)
        names = [f["name"] for f in spec.schema["fields"]]
        frame = frame[names].sort_values(list(spec.sort_by), kind="mergesort")
        target = out_dir / _file_name(spec)
        lookups = _lookups(spec.schema, tables)
        if spec.format == "parquet":
            columnar.write_table(frame, spec.schema, target)
            tables[spec.name] = columnar.read_table(
                target, spec.schema, file=str(target), lookups=lookups
            )
        else:
            target.write_text(_csv_text(frame), encoding="utf-8", newline="")
            header, rows = read_csv_text(target)
            tables[spec.name] = parse_table(
                header, rows, spec.schema, file=str(target), lookups=lookups
            )
        log(f"  wrote {target.name}: {len(tables[spec.name])} rows, validated against its schema")
        written.append(target)
    descriptor = dict(PACKAGE_META)
    descriptor["resources"] = [
        _resource(spec, out_dir / _file_name(spec), tables) for spec in REGISTERS + DERIVED
    ]
    pkg = out_dir / "datapackage.json"
    pkg.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(pkg)
    log(f"wrote {pkg} ({len(descriptor['resources'])} tables)")
    return written
