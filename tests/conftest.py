import shutil
from pathlib import Path

import matplotlib
import pytest

from analysis import data
from analysis.config import DATA_DIR, DEFAULT_RAW_DIR, MEMO_ENV

matplotlib.use("Agg")

RAW_DIR = DEFAULT_RAW_DIR


@pytest.fixture(scope="session", autouse=True)
def shared_results(tmp_path_factory):
    """Share long, deterministic results (the DOTS gravity fit, the validated DOTS panel)
    between the pair builds and commands of the session, as a build shares them between its
    kernels (analysis.memo: keyed by the inputs, so other inputs are computed afresh). A
    flagship build keeps its own folder, so its tests stay cold."""
    folder = tmp_path_factory.mktemp("memo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MEMO_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not (RAW_DIR / "README.md").is_file():
        pytest.skip(f"raw sources folder {RAW_DIR} is absent (as on a user's machine)")
    return RAW_DIR


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> Path:
    """Build the whole report once, in a fresh kernel per notebook."""
    from analysis.report import build

    out = tmp_path_factory.mktemp("build1") / "reports"
    build(out, progress=False)
    return out


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """Copy the descriptor and every CSV table into a folder a test may edit."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy2(DATA_DIR / "datapackage.json", folder)
    for res in data.package()["resources"]:
        if res["format"] == "csv":
            shutil.copy2(DATA_DIR / res["path"], folder)
    return folder
