"""The one way every input file is read: size limit, encoding, NUL and control characters.

Inventories, rulesets, catalogues, mapping files, templates, results files (for `diff`), tables
(CSV and workbooks) and discovery exports all come through `read_bytes` (a regular, readable
file within the size limit) and text through `decode` / `read_text`. Every refusal is an
`InputError` whose diagnostic names the file and, where it applies, the line and column.

Two kinds of text:
- structured text (YAML, JSON, templates, results): UTF-8, with or without BOM, as YAML 1.2
  §5.2 and RFC 8259 §8.1 ask of the files we read. Anything else is refused, saying what the
  file looks like (UTF-16, Windows-1252…) and to save it as UTF-8. NUL is refused here; other
  control characters are the parsers' to refuse (a YAML or JSON parser names them, located).
- tables (`western=True`): what spreadsheet programs save — UTF-8 with or without BOM, UTF-16
  with BOM, else the likeliest Western single-byte encoding (Windows-1252 first, through
  charset-normalizer). The encoding found is returned, for the reader to say it. NUL and every
  C0 control but tab, line feed and carriage return, and DEL, are refused, located.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from re import Pattern
from typing import TYPE_CHECKING, Any

from bleu_assess.errors import Diagnostic, InputError

if TYPE_CHECKING:
    import zipfile  # the archives are opened by their readers (intake), which import it

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 (BOM)"
NUL_ONLY: Pattern[str] = re.compile("\x00")
CONTROLS: Pattern[str] = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The characters CONTROLS refuses, as the bytes UTF-8 writes them (each is ASCII, one byte, and
# no other character's UTF-8 contains such a byte): deleting them from the encoded text tells in
# one pass whether there is any, several times faster than the pattern's search on a large export.
_CONTROL_BYTES = bytes(b for b in range(128) if CONTROLS.fullmatch(chr(b)))
# Encodings a spreadsheet program saves text in besides UTF-8 and UTF-16 (which are told by
# their byte-order mark): charset-normalizer chooses among these only, so a short French file is
# never read as, say, Cyrillic.
_SINGLE_BYTE = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
# A workbook is a zip of XML parts: refuse one whose parts would unpack to more than this many
# times the input size limit, or any large part compressed beyond this ratio (a zip bomb).
UNZIPPED_FACTOR = 4
MAX_RATIO = 200
_RATIO_FLOOR = 16 * 1024 * 1024
_NAMES = {"cp1252": "Windows-1252", "iso8859_15": "ISO-8859-15", "mac_roman": "Mac Roman", "cp850": "DOS (CP850)"}


# A zip (xlsx, xlsm, ods) and an OLE2 compound file (xls): a workbook whatever its name.
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".ods", ".xls")


def max_bytes() -> int:
    """The input size limit in bytes: BLEU_ASSESS_MAX_INPUT_MB, default 256 MiB (a
    100,000-application estate is some 70 MiB)."""
    value = os.environ.get("BLEU_ASSESS_MAX_INPUT_MB")
    try:
        return int(float(value) * 1024 * 1024) if value else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


def refusal(file: str, code: str, line: int | None = None, column: int | None = None, **params: Any) -> InputError:
    """The error for a file that cannot be read, located at its line and column when known: the
    code `input.<code>` of templates/i18n/input.<lang>.yaml with `params`, worded in the reader's
    language when printed (render/words.py); its message is the English words until then."""
    said = diagnostic(file, code, line, column, **params)
    return InputError(said.message, [said])


def diagnostic(file: str, code: str, line: int | None = None, column: int | None = None, path: str = "",
               **params: Any) -> Diagnostic:
    """A problem of an input file as the code `input.<code>` of templates/i18n/input.<lang>.yaml
    with `params` (a `hint`: a likely name, or ''), at `line`, `column` and field `path`: worded
    in the reader's language when printed (render/words.py), in English until then."""
    return Diagnostic(file, line, column, path, english(code, params), code=f"input.{code}",
                      params=tuple(params.items()))


@cache
def _texts(area: str = "input") -> dict[str, str]:
    import yaml

    from bleu_assess.resources import templates_dir

    return yaml.safe_load((templates_dir() / "i18n" / f"{area}.en.yaml").read_text(encoding="utf-8"))


def english(code: str, params: dict[str, Any], area: str = "input") -> str:
    """The English words of a refusal, `<area>.<code>` (read here: the base stage does not
    import the renderer, which words it in the reader's language when it is printed): a tuple
    as a list, `hint` (a likely name, or '') as « (did you mean 'x'?) »."""
    values = {name: ", ".join(map(str, value)) if isinstance(value, tuple) else value for name, value in params.items()}
    if "hint" in values:
        values["hint"] = _texts("validate")["did_you_mean"].format(name=values["hint"]) if values["hint"] else ""
    return _texts(area)[code].format(**values)


def read_bytes(path: Path, display: str, limit: int | None = None) -> bytes:
    """The bytes of one input file, shown to the user as `display`: refused (InputError) when it
    is not a readable regular file or is over `limit` bytes (default `max_bytes()`), checked
    before reading and while reading (a file growing, /dev/zero)."""
    limit = max_bytes() if limit is None else limit
    mib = round(limit / 1048576)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise refusal(display, "not_a_file")
        if size > limit:
            raise refusal(display, "too_large", size=round(size / 1048576, 1), limit=mib)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise refusal(display, "over_limit", limit=mib)
        return data
    except FileNotFoundError:
        raise refusal(display, "no_such_file") from None
    except PermissionError:
        raise refusal(display, "permission_denied") from None
    except IsADirectoryError:
        raise refusal(display, "is_a_directory") from None
    except OSError as exc:
        raise refusal(display, "cannot_read", error=str(exc.strerror or exc)) from None


def peek(path: Path, size: int) -> bytes:
    """At most the first `size` bytes of a regular file, b"" when it cannot be read: for a glance
    (an inventory's country, to word its diagnostics), never for reading an input."""
    try:
        if not path.is_file():
            return b""
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def check_archive(archive: zipfile.ZipFile, display: str) -> None:
    """Refuse a zip archive (xlsx, ods, docx) before anything is unpacked when its parts would
    unpack to more than UNZIPPED_FACTOR × the size limit, or a large part is compressed more than
    MAX_RATIO times (a zip bomb). Sizes are those the archive's central directory declares."""
    limit = max_bytes() * UNZIPPED_FACTOR
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refusal(display, "zip_bomb", part=info.filename,
                          ratio=info.file_size // max(info.compress_size, 1))
        if total > limit:
            raise refusal(display, "unzips_too_large", limit=round(limit / 1048576))


def decode(raw: bytes, file: str, western: bool = False, refuse: Pattern[str] = NUL_ONLY) -> tuple[str, str]:
    """(text, encoding name) of `raw`, the content of `file`. Structured text must be UTF-8
    (a BOM allowed); with `western`, UTF-16 with BOM and Western single-byte encodings are read
    too. Characters matching `refuse` (default: NUL) are refused at their line and column."""
    if raw.startswith(b"\xef\xbb\xbf"):
        text, name = _utf8(raw[3:], file, "bom"), UTF8_BOM
    elif western and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, name = raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise refusal(file, "bad_utf16") from None
    elif western and not _decodes(raw, "utf-8"):
        text, name = _western(raw, file)
    else:
        text, name = _utf8(raw, file), UTF8
    _check(text, file, refuse)
    return text, name


def read_text(path: Path, display: str, western: bool = False, refuse: Pattern[str] = NUL_ONLY) -> tuple[str, str]:
    """`decode(read_bytes(path, display), …)`: (text, encoding name) of one input file."""
    return decode(read_bytes(path, display), display, western, refuse)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _utf8(raw: bytes, file: str, what: str | None = None) -> str:
    """`raw` as UTF-8, else refused saying `what` the file seems to be (by default worked out
    then, `_looks_like`: guessing decodes the file again, for the refusal only)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if what is None:
            what = _looks_like(raw)
        line, column = position(raw, exc.start)
        byte = f"0x{raw[exc.start]:02x}"
        if what.startswith("looks:"):
            raise refusal(file, "bad_utf8_looks_like", line, column, byte=byte, encoding=what[6:]) from None
        raise refusal(file, f"bad_utf8_{what}" if what else "bad_utf8", line, column, byte=byte) from None


def _looks_like(raw: bytes) -> str:
    """What a file that is not UTF-8 seems to be, to say so in the refusal: `utf16`,
    `looks:ENCODING`, or "" when unclear."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in raw:
        return ""
    best = _guess(raw)
    return f"looks:{_NAMES.get(best, best)}" if best else ""


def _guess(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    match = from_bytes(raw, cp_isolation=_SINGLE_BYTE).best()
    if match is None:
        return None
    # Windows-1252 is what French Excel writes; Latin-9 and it agree on letters, and only cp1252
    # gives « € » and curly quotes their usual bytes. With few non-ASCII bytes the detector's
    # guess turns on the rest of the text: cp1252 stays the reading when it makes more letters of
    # those bytes (0xC0 is « À » there, a box-drawing piece in CP850), or as many letters but more
    # of them small, as accented letters in words mostly are (0xE9 is « é » there, Mac Roman's
    # « È »; Mac Roman's « é », 0x8E, is cp1252's « Ž »).
    encoding: str = match.encoding
    if encoding == "cp1252" or not _decodes(raw, "cp1252"):
        return encoding
    if encoding in ("iso8859_15", "latin_1") or _letters(raw, "cp1252") > _letters(raw, encoding):
        return "cp1252"
    return encoding


def _letters(raw: bytes, encoding: str) -> tuple[int, int]:
    """How many of `raw`'s non-ASCII bytes read as letters in the single-byte `encoding`, and
    how many of those as small letters."""
    high = bytes(byte for byte in raw if byte > 127).decode(encoding, errors="replace")
    return sum(char.isalpha() for char in high), sum(char.islower() for char in high)


def _western(raw: bytes, file: str) -> tuple[str, str]:
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise refusal(file, "nul_no_bom", raw.count(b"\n", 0, offset) + 1)
    encoding = _guess(raw)
    if encoding is None:
        raise refusal(file, "not_western")
    return raw.decode(encoding), _NAMES.get(encoding, encoding)


def _check(text: str, file: str, refuse: Pattern[str]) -> None:
    if refuse is CONTROLS:
        encoded = text.encode("utf-8", "surrogatepass")
        if len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded):
            return  # none: the search below only locates the first one
    found = refuse.search(text)
    if found:
        line, column = position(text, found.start())
        if found.group() == "\0":
            raise refusal(file, "nul", line, column)
        raise refusal(file, "control", line, column, character=f"U+{ord(found.group()):04X}")


def looks_like_table(raw: bytes, name: str, parsed: bool = True) -> bool:
    """Whether a file `name` of content `raw`, given as an inventory, is a table: a workbook's
    signature or a table's name whatever it holds; when it did not parse as an inventory
    (`parsed` False: a syntax error, or no mapping at the top), a first line split by commas,
    semicolons or tabs that is no YAML key, list item, flow collection or comment."""
    if raw.startswith(WORKBOOK_SIGNATURES) or name.lower().endswith(TABLE_SUFFIXES):
        return True
    if parsed:
        return False
    first = next((line.strip() for line in raw[:4096].decode("utf-8", "replace").splitlines() if line.strip()), "")
    if first.startswith(("#", "-", "{", "[", "%")) or ": " in first or first.endswith(":"):
        return False
    return any(sep in first for sep in (",", ";", "\t"))


def table_refusal(raw: bytes, file: str) -> InputError:
    """The error for a table given as an inventory: a workbook or a CSV table, to import first
    (the CLI names the importer that reads it: intake/recognise.py)."""
    return refusal(file, "table_workbook" if raw.startswith(WORKBOOK_SIGNATURES) else "table_csv")


def position(data: Any, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of `offset` in `data` (bytes or str)."""
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1
    return line, offset - (data.rfind(newline, 0, offset) + 1) + 1
