import hashlib
import json

import pytest
from frictionless import Package

from analysis import data
from analysis.config import DATA_DIR
from analysis.curate.rebuild import REGISTERS

PACKAGE = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}


def _text_package(folder):
    """Return the package without its Parquet tables (frictionless reads CSV row by row;
    the Parquet tables are validated column-wise by analysis.columnar, tested below)."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["format"] == "csv"]
    return Package(descriptor, basepath=str(folder))


def test_package_is_valid_frictionless():
    report = _text_package(DATA_DIR).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:10]


def test_every_table_is_csv_or_a_parquet_validated_on_load():
    formats = {r["format"] for r in PACKAGE["resources"]}
    assert formats <= {"csv", "parquet"}
    for res in PACKAGE["resources"]:
        if res["format"] == "parquet":
            # Parquet is for the large tables, which load far faster column-wise.
            assert len(data.load(res["name"])) > 20_000


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_checksum_and_size_match_the_file(name):
    res = RESOURCES[name]
    content = (DATA_DIR / res["path"]).read_bytes()
    assert res["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert res["bytes"] == len(content)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_table_is_described(name):
    res = RESOURCES[name]
    assert res["licenses"], "a licence"
    assert res["schema"]["primaryKey"], "a primary key"
    for f in res["schema"]["fields"]:
        assert f.get("description"), f"{name}.{f['name']} has a description"
        if f["name"].endswith("_usd") and not f["name"].endswith("per_usd"):
            assert f.get("unit") == "US$", f"{name}.{f['name']} has its unit"
    if name not in {spec.name for spec in REGISTERS}:
        assert res["sources"], "derived tables cite their sources"
        for s in res["sources"]:
            assert s["publisher"] and s["date_accessed"] and s["licence"] and s["raw_sha256"]


def test_every_cited_licence_is_registered():
    licences = set(data.load("licences")["licence_id"])
    for res in PACKAGE["resources"]:
        for s in res["sources"]:
            assert s["licence"] in licences


def test_a_tampered_table_fails_validation(tmp_path):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "india_japan_trade.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("5090990000", "5090990001"), encoding="utf-8"
    )
    report = _text_package(folder).validate()
    assert not report.valid


def test_every_source_a_table_cites_is_listed_in_its_resource():
    for res in PACKAGE["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        if "source_id" not in fields or res["name"] in {"corrections", "sources"}:
            continue
        cited = {sid for value in data.load(res["name"]).source_id for sid in value.split(";")}
        listed = {s["source_id"] for s in res["sources"]}
        assert cited <= listed, (res["name"], cited - listed)
