"""The command line: --version, -q/-v and where messages go (stdout, stderr)."""

import logging
import subprocess
import sys

import pytest

import analysis.__main__ as cli
from analysis import __version__
from analysis.config import DATA_DIR, ROOT
from analysis.errors import DataError, Problem


@pytest.fixture(autouse=True)
def restore_logging():
    """Leave the package's logger as it was: main() attaches a handler to this test's stderr."""
    logger = logging.getLogger("analysis")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"], prog=cli.SCRIPT)
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"bilateral-trade {__version__}\n"


def test_python_m_analysis_has_the_same_version():
    result = subprocess.run([sys.executable, "-m", "analysis", "--version"],
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"python -m analysis {__version__}\n"


def test_citation_file_has_the_package_version():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'\nversion: "{__version__}"\n' in text


@pytest.fixture
def fake_rebuild(monkeypatch):
    """Replace the data rebuild by one that logs a progress line and a debug line."""
    import analysis.curate.rebuild as rebuild_module

    calls = []

    def rebuild(raw, out, *, log):
        calls.append((raw, out))
        log("india_japan_trade: 10 rows in, 10 out")
        logging.getLogger("analysis.curate.rebuild").debug("checksums match")
        return []

    monkeypatch.setattr(rebuild_module, "rebuild", rebuild)
    return calls


@pytest.mark.parametrize(
    ("flags", "progress", "debug"),
    [([], True, False), (["-q"], False, False), (["-v"], True, True), (["-vv"], True, True)],
)
def test_verbosity_flags_set_the_logging_level(fake_rebuild, capsys, tmp_path, flags, progress,
                                               debug):  # fmt: skip
    status = cli.main([*flags, "data", "rebuild", "--raw", str(tmp_path), "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 0 and fake_rebuild == [(tmp_path, tmp_path)]
    assert out == ""  # progress is not output
    assert ("10 rows in, 10 out" in err) is progress
    assert ("checksums match" in err) is debug


def test_flags_may_follow_the_sub_command(fake_rebuild, capsys, tmp_path):
    cli.main(["data", "rebuild", "-q", "--raw", str(tmp_path), "--out", str(tmp_path)])
    assert capsys.readouterr().err == ""
    cli.main(["data", "rebuild", "--raw", str(tmp_path), "--out", str(tmp_path), "-v"])
    assert "DEBUG analysis.curate.rebuild: checksums match" in capsys.readouterr().err


def test_quiet_keeps_errors_on_stderr(monkeypatch, capsys, tmp_path):
    import analysis.curate.rebuild as rebuild_module

    def rebuild(raw, out, *, log):
        raise DataError(Problem("raw.csv", 3, "value", "a number", "'x'"))

    monkeypatch.setattr(rebuild_module, "rebuild", rebuild)
    status = cli.main(["-q", "data", "rebuild", "--raw", str(tmp_path), "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert "data error:" in err and "raw.csv:3:value: expected a number, found 'x'" in err


def test_quiet_keeps_the_command_output_on_stdout(capsys):
    status = cli.main(["-q", "validate", str(DATA_DIR / "gdp.csv")])
    out, err = capsys.readouterr()
    assert status == 0 and "valid gdp table" in out and err == ""


@pytest.fixture
def fake_build(monkeypatch):
    import analysis.report as report

    seen = {}

    def build(out_dir, *, notebook_dir, progress):
        seen["progress"] = progress
        return []

    monkeypatch.setattr(report, "build", build)
    return seen


@pytest.mark.parametrize(
    ("tty", "flags", "bar"),
    [(False, [], False), (True, [], True), (True, ["-q"], False), (True, ["--no-progress"], False)],
)
def test_progress_bar_only_on_a_terminal(fake_build, monkeypatch, capsys, tmp_path, tty, flags,
                                         bar):  # fmt: skip
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert cli.main(["build", "--out", str(tmp_path / "r"), *flags]) == 0
    assert fake_build["progress"] is bar
    out, err = capsys.readouterr()
    assert out == ""
    assert ("built " in err) is ("-q" not in flags)


def test_claims_of_any_pair_run_from_a_file_with_downloads(tmp_path):
    # Issue 18: a claims file for a pair other than the flagship's, end to end.
    import csv
    import json
    import subprocess

    fixture = ROOT / "tests" / "fixtures" / "imf_dots_IND_KOR_2018-2022.csv"
    with fixture.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wanted = ("TXG_FOB_USD", "2022")
    exports_2022 = next(
        float(r["Value"]) for r in rows if (r["Indicator Code"], r["Time Period"]) == wanted
    )
    header = ("claim_id,statement,quantity,reporter,partner,period,value,unit,qualifier,"
              "other_reporter,other_partner,base_period,source")  # fmt: skip
    claims_file = tmp_path / "india_korea.csv"
    claims_file.write_text(
        f"{header}\n"
        f"A,Exports to Korea in 2022.,exports,,,2022,{exports_2022 / 1e9:.2f},usd_bn,,,,,x\n"
        "B,Exports to Korea exceed imports in 2019.,balance,,,2019,0,usd,more_than,,,,x\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "claims", str(claims_file), "--pair", "IND", "KOR",
         "--data", str(fixture), "--format", "json"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout  # fmt: skip
    ledger = {r["claim_id"]: r for r in json.loads(out)}
    # 2022 is past the embedded panel: only the download can settle it, and it does.
    assert ledger["A"]["verdict"] == "holds" and ledger["A"]["holds_on"] == "the files given"
    assert "IMF DOTS ends in 2020" in ledger["A"]["measured"]
    # India runs a deficit with Korea on every basis: the claim is refuted on each.
    assert ledger["B"]["verdict"] == "does not hold" and ledger["B"]["holds_on"] == ""
