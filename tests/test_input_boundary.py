"""Issue 16 at the curated-data boundary: the descriptor, file paths, checksums and caches."""

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import data
from analysis.config import DATA_DIR
from analysis.errors import DataError
from analysis.validate import validate_file

# Small tables are enough: every rule runs on each, and copying them is quick.
TABLES = ["india_japan_trade", "gdp", "cpi_us", "milestones"]
DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def edit_descriptor(folder, edit):
    pkg = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    edit({r["name"]: r for r in pkg["resources"]})
    (folder / "datapackage.json").write_text(json.dumps(pkg), encoding="utf-8")


def record_checksum(folder, name):
    """Write the file's new size and hash into the copied descriptor, as a rebuild would."""
    path = folder / f"{name}.csv"
    content = path.read_bytes()

    def edit(res):
        res[name]["bytes"] = len(content)
        res[name]["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()

    edit_descriptor(folder, edit)


def problems(call):
    with pytest.raises(DataError) as err:
        call()
    return err.value.problems


def test_a_truncated_descriptor_names_its_line_and_column(data_copy):
    folder = data_copy
    text = (DATA_DIR / "datapackage.json").read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    (folder / "datapackage.json").write_text(cut, encoding="utf-8")
    (p,) = problems(lambda: data.load("gdp", data_dir=folder))
    assert p.file == str(folder / "datapackage.json")
    assert p.expected == "valid JSON"
    # The error is at the end of what is left, or at the string left open before it.
    assert p.row in {cut.count("\n") + 1, cut.count("\n")}
    assert "(column " in p.found


def test_a_deeply_nested_descriptor_is_refused_without_recursion_error(data_copy):
    folder = data_copy
    (folder / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (p,) = problems(lambda: data.load("gdp", data_dir=folder))
    assert p.file.endswith("datapackage.json") and "nested deeper" in p.found


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b'{"resources": [{"name": "gdp"}]}', "none"),
        (b'{"resources": 3}', "none"),
        (b'{"name": "caf\xe9"}', "byte 0xe9"),
    ],
)
def test_a_malformed_descriptor_is_a_data_error(data_copy, content, found):
    folder = data_copy
    (folder / "datapackage.json").write_bytes(content)
    assert any(p.found == found for p in problems(lambda: data.load("gdp", data_dir=folder)))


def test_a_changed_table_with_valid_cells_fails_its_checksum(data_copy):
    folder = data_copy
    path = folder / "gdp.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Drop a valid row: same schema, still valid, but not the file the package describes.
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    found = problems(lambda: data.load("gdp", data_dir=folder))
    assert {p.file for p in found} == {str(path)}
    assert any("bytes as recorded in datapackage.json" in p.expected for p in found)
    assert any(p.expected.startswith("the sha256 ") for p in found)


def test_a_changed_table_still_reports_its_bad_cells(data_copy):
    folder = data_copy
    path = folder / "india_trade_by_partner_2019.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("IND,JPN,", "IND,JPX,"))
    found = problems(lambda: data.load("india_trade_by_partner_2019", data_dir=folder))
    assert any(p.expected.startswith("the sha256 ") for p in found)
    assert any(p.found == "'JPX'" and p.column == "partner_iso3" for p in found)


def test_a_recorded_checksum_that_matches_loads_the_edited_table(data_copy):
    folder = data_copy
    path = folder / "gdp.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    record_checksum(folder, "gdp")
    assert len(data.load("gdp", data_dir=folder)) == len(lines) - 2


def test_a_file_replaced_with_the_same_modification_time_is_read_again(data_copy):
    folder = data_copy
    path = folder / "gdp.csv"
    before = data.load("gdp", data_dir=folder)
    stat, pkg_stat = path.stat(), (folder / "datapackage.json").stat()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    record_checksum(folder, "gdp")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.utime(folder / "datapackage.json", ns=(pkg_stat.st_atime_ns, pkg_stat.st_mtime_ns))
    after = data.load("gdp", data_dir=folder)
    assert len(after) == len(before) - 1
    pd.testing.assert_frame_equal(after, before.iloc[:-1])


@pytest.mark.parametrize("path", ["../../../../../../etc/passwd", "/etc/passwd", "sub/../../x.csv"])
def test_a_resource_path_out_of_the_data_folder_is_refused_unread(data_copy, path):
    folder = data_copy

    def edit(res):
        res["gdp"]["path"] = path

    edit_descriptor(folder, edit)
    (p,) = problems(lambda: data.load("gdp", data_dir=folder))
    assert p.file == str(folder / "datapackage.json")
    assert p.expected == "a path inside the data folder for table gdp" and p.found == path


def test_a_link_to_a_file_outside_is_refused_and_its_content_not_shown(data_copy, tmp_path):
    folder = data_copy
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP-SECRET-LINE\n", encoding="utf-8")
    (folder / "gdp.csv").unlink()
    (folder / "gdp.csv").symlink_to(secret)
    with pytest.raises(DataError) as err:
        data.load("gdp", data_dir=folder)
    assert "TOP-SECRET" not in str(err.value)
    assert err.value.problems[0].found == "a link to a file outside it"


def test_a_symbolic_link_loop_is_a_data_error(data_copy):
    folder = data_copy
    (folder / "gdp.csv").unlink()
    (folder / "gdp.csv").symlink_to(folder / "gdp.csv")
    (p,) = problems(lambda: data.load("gdp", data_dir=folder))
    assert p.file == str(folder / "gdp.csv") and p.found == "a symbolic link loop"
    (p,) = problems(lambda: validate_file(folder / "gdp.csv", table="gdp"))
    assert p.found == "a symbolic link loop"


def test_rows_after_a_quoted_line_break_keep_their_physical_line(tmp_path):
    text = (DATA_DIR / "gdp.csv").read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:6]
    rows[0] = rows[0].replace(",wdi_gdp", ',"wdi\n_gdp"')
    rows[3] = rows[3].replace(",wdi_gdp", ",nowhere")
    path = tmp_path / "gdp.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    found = problems(lambda: validate_file(path, table="gdp"))
    bad = next(p for p in found if p.found == "'nowhere'")
    # Header on line 1, the first row on lines 2-3, so the fourth row is on line 6.
    assert bad.row == 6
    assert any(p.row == 2 and "line break inside a quoted cell" in p.found for p in found)


def test_problems_are_listed_in_line_order(tmp_path):
    lines = (DATA_DIR / "gdp.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",wdi_gdp", ",nowhere")
    lines[2] = lines[2] + ",extra"
    path = tmp_path / "gdp.csv"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    rows = [p.row for p in problems(lambda: validate_file(path, table="gdp"))]
    assert rows == sorted(rows) and rows[0] == 3 and len(rows) == 3


def test_a_gzip_file_cut_short_is_a_data_error(tmp_path):
    import gzip

    path = tmp_path / "gdp.csv.gz"
    path.write_bytes(gzip.compress((DATA_DIR / "gdp.csv").read_bytes())[:-20])
    found = problems(lambda: data.read_csv_text(path))
    assert found[0].expected == "a complete gzip file"


def test_validation_reads_a_large_file_in_batches(tmp_path, monkeypatch):
    # Batches of 7 rows: keys and problems must still be found across batches.
    monkeypatch.setattr(data, "CHUNK_ROWS", 7)
    lines = (DATA_DIR / "gdp.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "gdp.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    (p,) = problems(lambda: validate_file(path, table="gdp"))
    assert p.row == len(lines) + 1 and p.expected == "a unique key (first seen on row 2)"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert validate_file(path, table="gdp") == ("gdp", len(lines) - 1)


# Mutations a careless editor or a hostile file makes to a real row. Each returns the new
# row text, or None when it does not apply to this row.
def _space_in_key(row, cell, pos):
    cells = row.split(",")
    cells[cell] = cells[cell] + " " if pos % 2 else " " + cells[cell]
    return ",".join(cells)


def _invisible_in_key(row, cell, pos):
    cells = row.split(",")
    text = cells[cell]
    cells[cell] = text[: pos % (len(text) + 1)] + "\u200b" + text[pos % (len(text) + 1) :]
    return ",".join(cells)


def _nul(row, cell, pos):
    return row[: pos % len(row)] + "\x00" + row[pos % len(row) :]


MUTATIONS = {"space": _space_in_key, "invisible": _invisible_in_key, "nul": _nul}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.sampled_from(TABLES),
    kind=st.sampled_from([*MUTATIONS, "duplicate", "none"]),
    row=st.integers(0, 10_000),
    cell=st.integers(0, 100),
    pos=st.integers(0, 1000),
)
def test_a_mutated_real_row_gives_a_clear_error_or_the_same_table(
    tmp_path_factory, table, kind, row, cell, pos
):
    """Mutate one row of a curated table in a copy: a DataError naming that line, or (only
    for no mutation) exactly the table the committed file gives."""
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == table)
    source = (DATA_DIR / res["path"]).read_text(encoding="utf-8").splitlines()
    key = res["schema"]["primaryKey"]
    header = source[0].split(",")
    i = 1 + row % (len(source) - 1)
    lines = list(source)
    if kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind in MUTATIONS:
        if '"' in lines[i]:
            return  # quoted cells would need a real CSV writer; the other rows suffice
        lines[i] = MUTATIONS[kind](lines[i], header.index(key[cell % len(key)]), pos)
    path = tmp_path_factory.mktemp("m") / res["path"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if kind == "none":
        header_, rows = data.read_csv_text(path)
        out = data.parse_table(header_, rows, res["schema"], file=str(path))
        pd.testing.assert_frame_equal(out, data.load(table))
        return
    with pytest.raises(DataError) as err:
        validate_file(path, table=table)
    # The mutated line is named (for a duplicate: the second copy, the line after it).
    named = i + 2 if kind == "duplicate" else i + 1
    assert named in {p.row for p in err.value.problems}
    assert all(p.file == str(path) for p in err.value.problems)


@pytest.mark.parametrize("text", ["Türkiye", "Côte d'Ivoire", "Curaçao", "São Tomé", "€ 5"])
def test_clean_accented_text_is_accepted(text):
    assert data.text_problem(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("TÃ¼rkiye", "UTF-8 text decoded once"), ("CÃ´te", "UTF-8 text decoded once"),
     ("Tu\u0308rkiye", "text in Unicode NFC form (composed accents)")],
)  # fmt: skip
def test_mojibake_and_decomposed_text_are_named(text, expected):
    assert data.text_problem(text)[0] == expected


def test_the_package_check_names_every_changed_or_missing_table_before_any_load(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    data.check_package(folder)
    (folder / "gdp.csv").write_text("changed\n", encoding="utf-8")
    (folder / "aid_by_donor.csv").unlink(missing_ok=True)
    found = problems(lambda: data.check_package(folder))
    named = {Path(p.file).name for p in found}
    assert "gdp.csv" in named
    assert ("aid_by_donor.csv" in named) == any(
        r["path"] == "aid_by_donor.csv" for r in DESCRIPTOR["resources"]
    )
