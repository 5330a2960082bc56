"""Command line: ``python -m analysis build`` and ``python -m analysis data rebuild``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.config import DATA_DIR, DEFAULT_RAW_DIR, NOTEBOOK_DIR, REPORT_DIR
from analysis.errors import DataError

if TYPE_CHECKING:
    import pandas as pd


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="Bilateral trade analytics suite."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="execute every notebook and write the report")
    build.add_argument("--out", type=Path, default=REPORT_DIR, help="report folder")
    build.add_argument("--notebooks", type=Path, default=NOTEBOOK_DIR, help="notebooks folder")
    build.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    build.add_argument("--reporter", help="build the report of another pair: reporter (e.g. IND)")
    build.add_argument("--partner", help="partner of the pair (code or name, e.g. KOR)")
    build.add_argument(
        "--data", type=Path, nargs="+", default=[], metavar="FILE",
        help="trade downloads for the pair (UN Comtrade, BACI, IMF, WITS CSV)",
    )  # fmt: skip
    build.add_argument("--years", help="year range of the pair report, e.g. 2018-2022")
    claims = sub.add_parser("claims", help="check every claim of the source articles")
    claims.add_argument(
        "--format", choices=["table", "csv", "json", "markdown"], default="table",
        help="output format (default: a table for the terminal)",
    )  # fmt: skip
    claims.add_argument("--data", type=Path, default=DATA_DIR, help="data folder")
    validate = sub.add_parser("validate", help="check a CSV file against a table's schema")
    validate.add_argument("file", type=Path, help="the CSV file")
    validate.add_argument("--table", help="the table it should match (default: from its header)")
    validate.add_argument("--data", type=Path, default=DATA_DIR, help="data folder")
    data = sub.add_parser("data", help="curated data commands")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    rebuild = data_sub.add_parser("rebuild", help="derive data/ from the raw source files")
    rebuild.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR, help="raw sources folder")
    rebuild.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    return parser


def _claims(fmt: str, data_dir: Path) -> str:
    """Run the claims ledger and format it."""
    from analysis import claims, data

    results = claims.run(claims.Tables(data_dir=data_dir))
    return format_ledger(claims.ledger(results, data.load("claims", data_dir=data_dir)), fmt)


def format_ledger(ledger: pd.DataFrame, fmt: str) -> str:
    """Format the claims ledger as the ``claims`` command prints it.

    Parameters
    ----------
    ledger
        Output of :func:`analysis.claims.ledger`.
    fmt
        ``table``, ``csv``, ``json`` or ``markdown``.

    Returns
    -------
    str
        The text, without a final newline.
    """
    from analysis import claims

    if fmt == "csv":
        return ledger.to_csv(index=False, lineterminator="\n").rstrip("\n")
    if fmt == "json":
        return ledger.to_json(orient="records", indent=2, force_ascii=False)
    if fmt == "markdown":
        return claims.to_markdown(ledger)
    lines = []
    for r in ledger.itertuples():
        measured = (
            ""
            if r.measured_value is None or r.measured_value != r.measured_value
            else (f" | measured {r.measured_value:.4g} ({r.period})")
        )
        lines.append(f"{r.claim_id}  {r.verdict.upper()}{measured}\n    {r.statement}\n    "
                     f"{r.explanation}")  # fmt: skip
    counts = ledger["verdict"].value_counts()
    lines.append("; ".join(f"{n} {v}" for v, n in counts.items()))
    return "\n".join(lines)


def _build_pair(args: argparse.Namespace) -> int:
    """Build the report of the pair given by ``--reporter``, ``--partner`` and ``--data``."""
    from analysis.pair_report import build_pair
    from analysis.report import BuildError, relative

    if not (args.reporter and args.partner and args.data):
        print("build: --reporter, --partner and --data FILE... go together", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        out = build_pair(args.reporter, args.partner, args.data, years=args.years,
                         out_root=args.out)  # fmt: skip
    except BuildError as err:
        print(f"build failed: {err}", file=sys.stderr)
        return 1
    except DataError as err:
        print(f"data error:\n{err}", file=sys.stderr)
        return 1
    print(f"built {relative(out / 'index.html')} in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv
        Arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        Exit status: 0 on success, 1 on a data or build error.
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "build" and (args.reporter or args.partner or args.data):
            return _build_pair(args)
        if args.command == "build":
            from analysis.report import BuildError, build, relative

            start = time.perf_counter()
            try:
                pages = build(args.out, notebook_dir=args.notebooks, progress=not args.no_progress)
            except BuildError as err:
                print(f"build failed: {err}", file=sys.stderr)
                return 1
            print(
                f"built {relative(args.out / 'index.html')}: {len(pages)} notebook(s) "
                f"in {time.perf_counter() - start:.1f} s"
            )
        elif args.command == "validate":
            from analysis.validate import validate_file

            name, n = validate_file(args.file, table=args.table, data_dir=args.data)
            print(f"{args.file}: valid {name} table, {n} rows")
        elif args.command == "claims":
            print(_claims(args.format, args.data))
        elif args.command == "data" and args.data_command == "rebuild":
            from analysis.sources.rebuild import rebuild

            rebuild(args.raw, args.out)
    except DataError as err:
        print(f"data error:\n{err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
