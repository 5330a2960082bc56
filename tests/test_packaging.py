"""The wheel ships the data package and the notebooks, and finds them once installed.

The wheel is built offline from a copy of the sources (``pip wheel --no-build-isolation``
with the locked setuptools), so the checkout gets no ``build/`` or ``*.egg-info``. The
installed layout is tried by unpacking the wheel onto ``PYTHONPATH``: no venv is made.
"""

import email
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from analysis import __version__
from analysis.__main__ import SCRIPT
from analysis.config import DATA_DIR, NOTEBOOK_DIR, ROOT

pytest.importorskip("setuptools", minversion="77", reason="the locked setuptools builds the wheel")

# What the build reads: the project file, the files it names, and the package sources.
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "analysis", "data", "notebooks"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=skip)
        else:
            shutil.copy2(ROOT / name, src / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--quiet", "--wheel-dir", str(tmp / "dist"), str(src)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (path,) = (tmp / "dist").glob("*.whl")
    return path


def members(wheel: Path, prefix: str) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {n[len(prefix) :]: zf.read(n) for n in zf.namelist() if n.startswith(prefix)}


def tree(folder: Path, pattern: str) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.glob(pattern))
        if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
    }


def digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}


def test_wheel_holds_the_data_package_file_for_file(wheel):
    packaged = members(wheel, "analysis/_data/")
    assert "datapackage.json" in packaged and "dots_trade.parquet" in packaged
    assert digests(packaged) == digests(tree(DATA_DIR, "*"))


def test_wheel_holds_every_notebook(wheel):
    packaged = members(wheel, "analysis/_notebooks/")
    assert "india_japan/01_headline.md" in packaged and "pair/pair_report.md" in packaged
    assert digests(packaged) == digests(tree(NOTEBOOK_DIR, "**/*.md"))


def test_wheel_holds_every_module(wheel):
    packaged = {n for n in members(wheel, "analysis/") if n.endswith(".py")}
    assert packaged == set(tree(ROOT / "analysis", "**/*.py"))


def test_wheel_metadata_has_the_version_and_the_console_script(wheel):
    info = f"bilateral_trade-{__version__}.dist-info/"
    files = members(wheel, info)
    assert email.message_from_bytes(files["METADATA"])["Version"] == __version__
    scripts = files["entry_points.txt"].decode()
    assert f"{SCRIPT} = analysis.__main__:cli" in scripts
    assert "\nanalysis =" not in scripts


def test_installed_package_finds_its_data_outside_a_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c",
         "import analysis, analysis.config as c; "
         "print(analysis.__file__, c.CHECKOUT, c.DATA_DIR, c.NOTEBOOK_DIR, c.REPORT_DIR)"],
        capture_output=True, text=True, cwd=work, env=env,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    module, checkout, data_dir, notebook_dir, report_dir = probe.stdout.split()
    assert Path(module).is_relative_to(site) and checkout == "False"
    assert Path(data_dir) == site / "analysis" / "_data"
    assert Path(notebook_dir) == site / "analysis" / "_notebooks"
    assert Path(report_dir) == work / "reports"
    # A command reads the packaged data package (the table is recognised from its header).
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(ROOT / "data" / "gdp.csv")],
        capture_output=True, text=True, cwd=work, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "valid gdp table" in result.stdout
    # The raw sources folder default belongs to a checkout: installed, --raw is required.
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "data", "rebuild"],
        capture_output=True, text=True, cwd=work, env=env,
    )  # fmt: skip
    assert result.returncode == 2 and "--raw" in result.stderr
