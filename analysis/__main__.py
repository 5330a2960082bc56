"""Command line: ``bilateral-trade build``, ``claims``, ``validate`` and ``data rebuild``.

The same commands run as ``python -m analysis …``. Progress messages go through
:mod:`logging` to stderr (``-q`` keeps only warnings and errors, ``-v`` adds debug
detail); errors go to stderr too; a command's output (a ledger, a validation report)
goes to stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import __version__, cases
from analysis.config import DATA_DIR, DEFAULT_RAW_DIR, REPORT_DIR
from analysis.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

#: Name of the console script that ``pip install`` puts on the PATH.
SCRIPT = "bilateral-trade"
_HANDLER_NAME = "analysis-cli"
logger = logging.getLogger("analysis")


def _verbosity_options(parser: argparse.ArgumentParser, *, default: int | str) -> None:
    """Add ``-q``/``-v``; on sub-commands they default to nothing, so as not to mask the top."""
    parser.add_argument(
        "-v", "--verbose", action="count", default=default, dest="verbose",
        help="show debug messages as well as progress",
    )  # fmt: skip
    parser.add_argument(
        "-q", "--quiet", action="count", default=default, dest="quiet",
        help="show only warnings and errors (no progress messages or bar)",
    )  # fmt: skip


def _parser(prog: str = "python -m analysis") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Bilateral trade analytics suite.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _verbosity_options(parser, default=0)
    common = argparse.ArgumentParser(add_help=False)
    _verbosity_options(common, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser(
        "build", parents=[common], help="execute every notebook and write the report"
    )
    build.add_argument("--out", type=Path, default=REPORT_DIR, help="report folder")
    build.add_argument(
        "--notebooks", type=Path, default=None,
        help=f"notebooks folder (default: the flagship case's, notebooks/{cases.FLAGSHIP})",
    )  # fmt: skip
    build.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    build.add_argument(
        "--reporter",
        help="build the report of any pair from the embedded data: reporter (e.g. KOR)",
    )
    build.add_argument("--partner", help="partner of the pair (code or name, e.g. USA)")
    build.add_argument(
        "--data", type=Path, nargs="+", default=[], metavar="FILE",
        help="optional trade downloads for the pair, for product detail and newer years "
        "(UN Comtrade, BACI, IMF, WITS CSV)",
    )  # fmt: skip
    build.add_argument("--years", help="year range of the pair report, e.g. 2018-2022")
    claims = sub.add_parser(
        "claims", parents=[common],
        help="check the claims of a claims file (default: the flagship's source articles)",
    )  # fmt: skip
    claims.add_argument(
        "file", nargs="?", default=None,
        help="a claims file (CSV, the columns of the data package's claims_korea_united_states) "
        "or the name of such a table; without it, the flagship case's ledger",
    )  # fmt: skip
    claims.add_argument(
        "--pair", nargs=2, metavar=("REPORTER", "PARTNER"),
        help="the countries of the rows that leave reporter or partner blank",
    )  # fmt: skip
    claims.add_argument(
        "--data", type=Path, nargs="+", default=[], metavar="FILE",
        help="trade downloads to check the claims on, beside IMF DOTS (Comtrade, BACI, IMF, WITS)",
    )  # fmt: skip
    claims.add_argument(
        "--format", choices=["table", "csv", "json", "markdown"], default="table",
        help="output format (default: a table for the terminal)",
    )  # fmt: skip
    claims.add_argument("--data-dir", type=Path, default=DATA_DIR, help="data folder")
    validate = sub.add_parser(
        "validate", parents=[common], help="check a CSV file against a table's schema"
    )
    validate.add_argument("file", type=Path, help="the CSV file")
    validate.add_argument("--table", help="the table it should match (default: from its header)")
    validate.add_argument("--data", type=Path, default=DATA_DIR, help="data folder")
    data = sub.add_parser("data", parents=[common], help="curated data commands")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    rebuild = data_sub.add_parser(
        "rebuild", parents=[common], help="derive data/ from the raw source files"
    )
    # ../shared/sources and data/ are the repository's: an installed package has neither.
    in_checkout = DEFAULT_RAW_DIR is not None
    rebuild.add_argument(
        "--raw", type=Path, default=DEFAULT_RAW_DIR, required=not in_checkout,
        help="raw sources folder" + (f" (default {DEFAULT_RAW_DIR})" if in_checkout else ""),
    )  # fmt: skip
    rebuild.add_argument(
        "--out", type=Path, default=DATA_DIR if in_checkout else None,
        required=not in_checkout,
        help="output folder" + (" (default data/)" if in_checkout else ""),
    )  # fmt: skip
    from analysis.measures import panel_cli

    panel_cli.add_parser(sub, common)
    return parser


def configure_logging(verbosity: int) -> None:
    """Send the package's log messages to stderr at the level the flags ask for.

    Parameters
    ----------
    verbosity
        The number of ``-v`` less the number of ``-q``: 0 shows progress (INFO), 1 or
        more adds debug messages, -1 keeps warnings and errors, -2 or less errors only.
    """
    if verbosity > 0:
        level = logging.DEBUG
    elif verbosity == 0:
        level = logging.INFO
    else:
        level = logging.WARNING if verbosity == -1 else logging.ERROR
    for handler in list(logger.handlers):
        if handler.get_name() == _HANDLER_NAME:
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    fmt = "%(levelname)s %(name)s: %(message)s" if verbosity > 0 else "%(message)s"
    handler.setFormatter(logging.Formatter(fmt))
    logger.addHandler(handler)
    logger.setLevel(level)


def _claims(fmt: str, data_dir: Path) -> str:
    """Run the claims ledger and format it."""
    from analysis import data

    claims = cases.module("claims")
    results = claims.run(claims.Tables(data_dir=data_dir))
    return format_ledger(claims.ledger(results, data.load("claims", data_dir=data_dir)), fmt)


def _claims_file(args: argparse.Namespace) -> str:
    """Check a claims file against the embedded data and any downloads, and format the ledger."""
    from analysis import data
    from analysis.measures import claims
    from analysis.measures.pair import resolve_country
    from analysis.readers import formats

    # A wrong --pair is named once, as an option, not in every row that leaves a country blank.
    reporter, partner = ([resolve_country(c, option="--pair") for c in args.pair]
                         if args.pair else (None, None))  # fmt: skip
    found = claims.load_claims(args.file, reporter=reporter, partner=partner,
                               data_dir=args.data_dir)  # fmt: skip
    qualifiers = claims.qualifier_tolerances(data.load("claim_qualifiers", data_dir=args.data_dir))
    evidence = claims.evaluate(
        found, data.load("dots_trade", data_dir=args.data_dir), qualifiers=qualifiers,
        trade=formats.load_files(args.data) if args.data else (),
    )  # fmt: skip
    return format_claims(claims.ledger(found, evidence, qualifiers=qualifiers), args.format)


def format_claims(ledger: pd.DataFrame, fmt: str) -> str:
    """Format the ledger of a claims file as the ``claims FILE`` command prints it.

    Parameters
    ----------
    ledger
        Output of :func:`analysis.measures.claims.ledger`.
    fmt
        ``table``, ``csv``, ``json`` or ``markdown``.

    Returns
    -------
    str
        The text, without a final newline; CSV cells neutralised, Markdown cells escaped
        and every text kept to one line.
    """
    from analysis.present.tables import csv_text
    from analysis.present.text import escape_markdown, one_line

    if fmt == "csv":
        return csv_text(ledger).rstrip("\n")
    if fmt == "json":
        return ledger.to_json(orient="records", indent=2, force_ascii=False)
    if fmt == "markdown":
        cols = ["claim_id", "statement", "claimed", "verdict", "holds_on", "measured"]
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(escape_markdown(one_line(r[c])) for c in cols) + " |"
                  for _, r in ledger.iterrows()]  # fmt: skip
        return "\n".join(lines)
    lines = [f"{one_line(r.claim_id)}  {one_line(r.verdict).upper()}\n    {one_line(r.statement)}"
             f"\n    claimed {one_line(r.claimed)}\n    {one_line(r.measured)}"
             for r in ledger.itertuples()]  # fmt: skip
    counts = ledger["verdict"].value_counts()
    lines.append("; ".join(f"{n} {v}" for v, n in counts.items()))
    return "\n".join(lines)


def format_ledger(ledger: pd.DataFrame, fmt: str) -> str:
    """Format the claims ledger as the ``claims`` command prints it.

    Parameters
    ----------
    ledger
        Output of the flagship case's ``claims.ledger``.
    fmt
        ``table``, ``csv``, ``json`` or ``markdown``.

    Returns
    -------
    str
        The text, without a final newline. CSV cells a spreadsheet would run as formulas
        are neutralised, Markdown cells escaped, and the table's texts kept to one line
        each (no line break or terminal escape sequence from the data).
    """
    from analysis.present.tables import csv_text
    from analysis.present.text import one_line

    if fmt == "csv":
        return csv_text(ledger).rstrip("\n")
    if fmt == "json":
        return ledger.to_json(orient="records", indent=2, force_ascii=False)
    if fmt == "markdown":
        return cases.module("claims").to_markdown(ledger)
    lines = []
    for r in ledger.itertuples():
        measured = (
            ""
            if r.measured_value is None or r.measured_value != r.measured_value
            else (f" | measured {r.measured_value:.4g} ({one_line(r.period)})")
        )
        lines.append(f"{one_line(r.claim_id)}  {one_line(r.verdict).upper()}{measured}\n    "
                     f"{one_line(r.statement)}\n    {one_line(r.explanation)}")  # fmt: skip
    counts = ledger["verdict"].value_counts()
    lines.append("; ".join(f"{n} {v}" for v, n in counts.items()))
    return "\n".join(lines)


def _build_pair(args: argparse.Namespace) -> int:
    """Build the report of the pair given by ``--reporter`` and ``--partner`` (``--data``: files).

    Without ``--data`` the report comes from the embedded data alone (IMF DOTS and the
    gravity model's inputs); files add their figures (product detail, newer years).
    """
    from analysis.report import BuildError, relative
    from analysis.report.pair import build_pair

    if not (args.reporter and args.partner):
        print("build: --reporter and --partner go together (--data FILE... is optional)",
              file=sys.stderr)  # fmt: skip
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


def main(argv: list[str] | None = None, *, prog: str = "python -m analysis") -> int:
    """Run the command line.

    Parameters
    ----------
    argv
        Arguments (``sys.argv[1:]`` by default).
    prog
        The program name shown in help and ``--version``.

    Returns
    -------
    int
        Exit status: 0 on success, 1 on a data or build error, 2 on a usage error.
    """
    args = _parser(prog).parse_args(argv)
    verbosity = getattr(args, "verbose", 0) - getattr(args, "quiet", 0)
    configure_logging(verbosity)
    try:
        if args.command == "build" and (args.reporter or args.partner or args.data):
            return _build_pair(args)
        if args.command == "build":
            from analysis.report import BuildError, build, relative

            # A progress bar only for a person watching: not in logs, pipes or -q.
            progress = not args.no_progress and verbosity >= 0 and sys.stderr.isatty()
            start = time.perf_counter()
            try:
                pages = build(args.out, notebook_dir=args.notebooks, progress=progress)
            except BuildError as err:
                logger.error("build failed: %s", err)
                return 1
            logger.info(
                "built %s: %d notebook(s) in %.1f s",
                relative(args.out / "index.html"), len(pages), time.perf_counter() - start,
            )  # fmt: skip
        elif args.command == "validate":
            from analysis.validate import validate_file

            name, n = validate_file(args.file, table=args.table, data_dir=args.data)
            print(f"{args.file}: valid {name} table, {n} rows")
        elif args.command == "claims" and args.file is not None:
            print(_claims_file(args))
        elif args.command == "claims":
            if args.pair or args.data:
                logger.error("claims: --pair and --data go with a claims file, given before "
                             "them: claims FILE --data DOWNLOAD...")  # fmt: skip
                return 2
            print(_claims(args.format, args.data_dir))
        elif args.command == "panel":
            from analysis.measures import panel_cli

            return panel_cli.run(args)
        elif args.command == "data" and args.data_command == "rebuild":
            from analysis.curate.rebuild import rebuild

            rebuild(args.raw, args.out, log=logger.info)
    except DataError as err:
        logger.error("data error:\n%s", err)
        return 1
    except OSError as err:
        logger.debug("details", exc_info=True)
        logger.error("error: %s", err)
        return 1
    return 0


def cli() -> int:
    """Run the ``bilateral-trade`` console script (``main`` under the script's name)."""
    return main(prog=SCRIPT)


if __name__ == "__main__":
    sys.exit(main())
