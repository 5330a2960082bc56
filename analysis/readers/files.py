"""Open trade downloads as people have them: CSV, TSV, Excel, zip and gzip, in any encoding.

A download is recognised by its bytes, not its name: a zip archive (BACI ships its year
files and code lists in one; each member is read in place, never unpacked to disk), an
Excel workbook (``.xlsx``, read here from its XML: each sheet a table), a gzip file, or
text. Text is decoded as UTF-8 (with or without a byte-order mark), UTF-16 (with a mark,
or without one when every other byte is zero) or, failing UTF-8, Windows-1252; the field
separator (comma, tab or semicolon) is read from the first line. Each step that changes
the bytes is noted, for the file's provenance.

An Excel 97–2003 workbook (``.xls``), a file of another kind, or bytes no encoding reads
stop with a message that names the file and says what would work instead.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree as ET

from analysis.errors import DataError, Problem

__all__ = ["Table", "open_tables"]

_ZIP = b"PK\x03\x04"
_GZIP = b"\x1f\x8b"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Members of an archive that are documentation, not data (BACI ships a Readme.txt).
_DOCUMENTATION = re.compile(r"(?i)(^|/)(readme|licen[cs]e|notes?)[^/]*\.(txt|md|pdf|html?)$")
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".gz")


@dataclass
class Table:
    """One table of a download: a text file, or one sheet of a workbook.

    ``text`` holds a decoded text file (``delimiter`` its separator); ``rows`` holds the
    cells of a worksheet. ``name`` is what messages call it (``archive.zip:member.csv``,
    ``book.xlsx[Sheet]``), ``sha256`` the digest of the file as given. A large plain
    CSV file keeps its bytes in ``data`` and only its first line in ``header_line``, for a
    columnar reader; :meth:`decoded` gives its text when a strict reader needs it.
    """

    name: str
    sha256: str
    text: str | None = None
    delimiter: str = ","
    rows: list[list[str]] | None = None
    notes: list[str] = field(default_factory=list)
    data: bytes | None = None
    header_line: str | None = None

    def decoded(self) -> str:
        """Return the table's text, decoding a large file's bytes now if they were kept."""
        if self.text is None and self.data is not None:
            self.text, notes = decode(self.data, self.name)
            self.notes += notes
            self.delimiter = delimiter(self.text)
        return self.text or ""


def _refuse(name: str, expected: str, found: str) -> DataError:
    return DataError(Problem(name, None, None, expected, found))


def decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a text download and say how, refusing bytes that no supported encoding reads.

    Parameters
    ----------
    raw
        The file's bytes.
    name
        The file's name, for messages.

    Returns
    -------
    text, notes
        The text, and what was done (``byte-order mark removed``, ``decoded as …``).

    Raises
    ------
    DataError
        If the bytes are neither UTF-8, UTF-16 nor Windows-1252 text; the message gives
        the line of the first byte that cannot be read.

    Examples
    --------
    >>> decode("Côte d'Ivoire".encode("cp1252"), "f.csv")
    ("Côte d'Ivoire", ['decoded as Windows-1252 (not UTF-8)'])
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return _utf8(raw[3:], name), ["byte-order mark removed"]
    for mark, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(mark):
            return _utf16(raw[2:], codec, name), [f"decoded as UTF-16 ({codec[-2:].upper()})"]
    head = raw[:4000]
    # UTF-16 without a mark: ASCII text with a zero byte beside every character.
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * len(head[1::2]):
        return _utf16(raw, "utf-16-le", name), ["decoded as UTF-16 (LE, no byte-order mark)"]
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * len(head[0::2]):
        return _utf16(raw, "utf-16-be", name), ["decoded as UTF-16 (BE, no byte-order mark)"]
    if b"\x00" in head:
        raise _refuse(name, "a text file (CSV or TSV), an Excel .xlsx workbook, a zip or a "
                      "gzip file", "binary data (zero bytes) of another kind")  # fmt: skip
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as err:
        _mixed(raw, err, name)
    try:
        return raw.decode("cp1252"), ["decoded as Windows-1252 (not UTF-8)"]
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            Problem(name, line, None, "text in UTF-8, UTF-16 or Windows-1252",
                    f"byte 0x{raw[err.start]:02x} at offset {err.start}, which none of them "
                    "reads: save the file as UTF-8 CSV")
        ) from None  # fmt: skip


# UTF-8 encodes a character beyond ASCII as a lead byte and continuation bytes.
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _mixed(raw: bytes, err: UnicodeDecodeError, name: str) -> None:
    """Refuse a file whose text is partly UTF-8 and partly another encoding.

    Read whole as Windows-1252, its UTF-8 characters would turn into two or three
    others each (``Türkiye`` into ``TÃ¼rkiye``), which then match no name.
    """
    utf8 = _UTF8_CHARACTER.search(raw)
    if utf8 is None:
        return
    line = raw[: err.start].count(b"\n") + 1
    first = raw[: utf8.start()].count(b"\n") + 1
    raise DataError(
        Problem(name, line, None, "one encoding for the whole file (UTF-8 like line "
                f"{first})", f"byte 0x{raw[err.start]:02x}, which is not UTF-8: the file mixes "
                "encodings (lines pasted from another file?); save it again as UTF-8")
    )  # fmt: skip


def _utf8(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            Problem(name, line, None, "UTF-8 text after the UTF-8 byte-order mark",
                    f"byte 0x{raw[err.start]:02x} at offset {err.start + 3}")
        ) from None  # fmt: skip


def _utf16(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as err:
        found = f"a broken character at byte {err.start}"
        raise _refuse(name, f"{codec.upper()} text", found) from None


def delimiter(text: str) -> str:
    r"""Return the field separator of a text table: the commonest of ``,``, tab and ``;``.

    Parameters
    ----------
    text
        The decoded file (its first line is read).

    Returns
    -------
    str
        The separator; a comma when the first line has none.

    Examples
    --------
    >>> delimiter("Year\tReporter\tValue\n"), delimiter("a;b;c"), delimiter("a,b")
    ('\t', ';', ',')
    """
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


# A text file larger than this whose first bytes are plain UTF-8 is handed to a columnar
# reader as bytes (which checks the encoding itself), not decoded here as one string.
LARGE_BYTES = 2_000_000


def _text_table(name: str, sha256: str, raw: bytes, notes: list[str]) -> Table:
    if len(raw) > LARGE_BYTES and not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        head = raw[:65536]
        first = head.split(b"\n", 1)[0]
        if b"\x00" not in head and first.isascii() and b"\t" not in first and b";" not in first:
            # Only the header is decoded now; the strict reader decodes the rest if needed.
            return Table(name, sha256, text=None, notes=list(notes), data=raw,
                         header_line=first.decode("ascii").rstrip("\r"))  # fmt: skip
    text, decoded = decode(raw, name)
    sep = delimiter(text)
    word = "tabs" if sep == "\t" else repr(sep)
    more = [] if sep == "," else [f"fields separated by {word}"]
    return Table(name, sha256, text=text, delimiter=sep, notes=[*notes, *decoded, *more])


def _cell_text(cell: ET.Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
    value = cell.find(f"{_MAIN}v")
    text = "" if value is None or value.text is None else value.text
    if kind == "s" and text:
        return shared[int(text)]
    if kind == "b":
        return "TRUE" if text == "1" else "FALSE"
    if kind == "n" and text:
        # Numbers as Excel stores them: 2019 rather than 2019.0, full precision otherwise.
        number = float(text)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    return text


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    index = 0
    for ch in letters.group(0) if letters else "A":
        index = index * 26 + ord(ch) - ord("A") + 1
    return index - 1


def xlsx_sheets(raw: bytes, name: str) -> Iterator[tuple[str, list[list[str]]]]:
    """Read each worksheet of an ``.xlsx`` workbook as rows of text cells.

    Parameters
    ----------
    raw
        The workbook's bytes.
    name
        Its name, for messages.

    Yields
    ------
    sheet, rows
        The sheet's name and its rows (cells as text, blank rows kept as ``[]``, short
        rows not padded); formulas give their stored value.

    Raises
    ------
    DataError
        If the file is not a readable workbook.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
        shared: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ET.fromstring(_member(book, "xl/sharedStrings.xml", name))
            shared = ["".join(t.text or "" for t in si.iter(f"{_MAIN}t"))
                      for si in root.iter(f"{_MAIN}si")]  # fmt: skip
        workbook = ET.fromstring(_member(book, "xl/workbook.xml", name))
        rels = ET.fromstring(_member(book, "xl/_rels/workbook.xml.rels", name))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            target = targets[sheet.get(f"{_REL}id")].lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            root = ET.fromstring(_member(book, path, name))
            rows: list[list[str]] = []
            for row in root.iter(f"{_MAIN}row"):
                number = int(row.get("r", len(rows) + 1))
                if not 0 < number <= _EXCEL_ROWS:
                    raise ValueError(f"row number {number} beyond Excel's {_EXCEL_ROWS:,}")
                while len(rows) < number - 1:
                    rows.append([])
                cells: list[str] = []
                for cell in row.iter(f"{_MAIN}c"):
                    at = _column_index(cell.get("r", "")) if cell.get("r") else len(cells)
                    if at >= _EXCEL_COLUMNS:
                        raise ValueError(f"column {at + 1} beyond Excel's {_EXCEL_COLUMNS:,}")
                    cells.extend([""] * (at - len(cells)))
                    cells.append(_cell_text(cell, shared))
                rows.append(cells)
            yield sheet.get("name", "sheet"), rows
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError) as err:
        found = f"a damaged workbook ({err})"
        raise _refuse(name, "an Excel workbook (.xlsx) that opens", found) from None


# What a download may inflate to: a BACI year is about 350 MB of text and a Comtrade bulk
# file a few GB; a file that inflates past these is refused before it fills the memory.
MAX_INFLATED_BYTES = 6 * 2**30
# Text compresses some 5 to 20 times; past this ratio (beyond the first megabytes) the
# archive is a decompression bomb, not a download.
MAX_RATIO = 200
_RATIO_FROM_BYTES = 32 * 2**20
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384
_CHUNK = 1 << 24


def inflate(stream: BinaryIO, packed: int, name: str) -> bytes:
    """Read a decompressing stream, refusing output past the size and ratio limits.

    Parameters
    ----------
    stream
        The stream (a gzip file, or a zip archive's member), read in chunks.
    packed
        The compressed size, for the ratio.
    name
        The file's name, for messages.

    Returns
    -------
    bytes
        The decompressed bytes.

    Raises
    ------
    DataError
        If the output passes :data:`MAX_INFLATED_BYTES`, or :data:`MAX_RATIO` times the
        compressed size (beyond its first 32 MB).
    """
    chunks, total = [], 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > MAX_INFLATED_BYTES or (
            total > _RATIO_FROM_BYTES and total > MAX_RATIO * max(packed, 1)
        ):
            raise _refuse(name, f"a compressed file that inflates to at most "
                          f"{MAX_INFLATED_BYTES / 2**30:.0f} GiB and {MAX_RATIO} times its size",
                          f"more than {total / 2**20:,.0f} MiB from {packed / 2**20:,.1f} MiB "
                          "(a decompression bomb?): reading stopped")  # fmt: skip
        chunks.append(chunk)
    return b"".join(chunks)


def _member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, name: str) -> bytes:
    """Read one member of a zip archive within the limits of :func:`inflate`."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    with archive.open(info) as stream:
        return inflate(stream, info.compress_size, f"{name}:{info.filename}")


def _is_workbook(raw: bytes) -> bool:
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except zipfile.BadZipFile:
        return False


def _tables(raw: bytes, name: str, sha256: str, notes: list[str], depth: int) -> list[Table]:
    """Return the tables of one file or archive member, recursing into archives."""
    if raw.startswith(_OLE):
        raise _refuse(name, "a CSV file or an Excel .xlsx workbook",
                      "an Excel 97–2003 workbook (.xls), which is not read: open it and save "
                      "it as .xlsx or CSV")  # fmt: skip
    if raw.startswith(_ZIP):
        if _is_workbook(raw):
            sheets = [(s, rows) for s, rows in xlsx_sheets(raw, name) if any(rows)]
            return [Table(f"{name}[{s}]", sha256, rows=rows, notes=[*notes, f"Excel sheet {s!r}"])
                    for s, rows in sheets]  # fmt: skip
        if depth > 1:
            raise _refuse(name, "an archive of data files", "an archive inside an archive")
        return _archive(raw, name, sha256, notes, depth)
    if raw.startswith(_GZIP):
        try:
            inner = inflate(gzip.GzipFile(fileobj=io.BytesIO(raw)), len(raw), name)
        except (OSError, EOFError, zlib.error) as err:
            raise _refuse(name, "a complete gzip file", str(err)) from None
        return _tables(inner, name, sha256, [*notes, "gzip decompressed"], depth + 1)
    if not raw or raw.isspace():
        raise _refuse(name, "a header row", "an empty file")
    return [_text_table(name, sha256, raw, notes)]


def _archive(raw: bytes, name: str, sha256: str, notes: list[str], depth: int) -> list[Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile as err:
        raise _refuse(name, "a complete zip archive", str(err)) from None
    tables: list[Table] = []
    skipped = []
    for member in sorted(members, key=lambda m: m.filename):
        base = member.filename.rsplit("/", 1)[-1]
        if base.startswith(".") or "__MACOSX" in member.filename:
            continue
        if _DOCUMENTATION.search(member.filename) or not base.lower().endswith(_DATA_SUFFIXES):
            skipped.append(member.filename)
            continue
        note = f"read in place from the zip archive {Path(name).name}"
        try:
            inner = _member(archive, member, name)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as err:
            raise _refuse(f"{name}:{member.filename}", "a readable zip member", str(err)) from None
        tables += _tables(inner, f"{name}:{member.filename}", sha256, [*notes, note], depth + 1)
    if not tables:
        listed = ", ".join(m.filename for m in members[:8]) or "nothing"
        raise _refuse(name, "a zip archive holding CSV, TSV or .xlsx files", listed)
    if skipped:
        tables[0].notes.append(f"archive members not read (not data): {', '.join(skipped)}")
    return tables


def open_tables(path: Path) -> list[Table]:
    r"""Open a download and return its tables: one per text file, worksheet or archive member.

    Parameters
    ----------
    path
        The file, of any supported kind whatever its name.

    Returns
    -------
    list of Table
        The tables, in archive order; each names where it comes from.

    Raises
    ------
    DataError
        If the file does not exist, is empty, or is of a kind not read (the message says
        which kinds are).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.tsv"
    >>> _ = f.write_bytes("Year\tValue\n2020\t1\n".encode("utf-16"))
    >>> t = open_tables(f)[0]
    >>> t.delimiter, t.notes
    ('\t', ['decoded as UTF-16 (LE)', 'fields separated by tabs'])
    """
    name = str(path)
    if path.is_dir():
        raise _refuse(name, "a file", "a folder")
    try:
        raw = path.read_bytes()
    except OSError as err:
        # A missing file, a symlink loop, no permission: the system's own words say which.
        raise _refuse(name, "a file that can be read", err.strerror or str(err)) from None
    return _tables(raw, name, hashlib.sha256(raw).hexdigest(), [], 0)
