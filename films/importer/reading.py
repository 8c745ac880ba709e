"""Read synopsis source files into text, or say in one line why a file cannot be read."""

import codecs
import unicodedata
from pathlib import Path

from ..text import strip_controls

_CONTROL_ALLOWED = {"\t", "\n", "\r", "\f"}


class SourceError(Exception):
    """A source file that cannot be imported; the message says why, for a person."""


def check_encoding(encoding: str) -> str:
    """Return the codec's canonical name, or raise SourceError for an unknown encoding."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as error:
        raise SourceError(f"unknown encoding {encoding!r}") from error


def decode_source(data: bytes, *, encoding: str | None = None) -> str:
    """Decode a file's bytes to text with LF line endings, or raise SourceError."""
    if not data:
        raise SourceError("the file is empty")
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise SourceError("the file is UTF-16, not UTF-8; pass --encoding utf-16 to read it")
        if b"\x00" in data:
            raise SourceError("the file holds binary data (NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            bad = data[error.start : error.start + 1].hex()
            raise SourceError(
                f"not valid UTF-8 (byte 0x{bad} at offset {error.start}); if the file is in "
                "another encoding, pass it with --encoding, e.g. --encoding cp1252"
            ) from error
    else:
        try:
            text = data.decode(check_encoding(encoding))
        except UnicodeDecodeError as error:
            raise SourceError(
                f"cannot be decoded as {encoding} (offset {error.start}); check --encoding"
            ) from error
        text = text.removeprefix("\ufeff")
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in _CONTROL_ALLOWED
    )
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise SourceError("the file holds binary data (control characters), not text")
    # The few control characters a text file may carry are dropped, the search's markers
    # U+0002/U+0003 among them (docs/importing.md, "Limits").
    text = strip_controls(text)
    if not text.strip():
        raise SourceError("the file holds only blank lines")
    return unicodedata.normalize("NFC", text)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def check_source(path: Path, *, max_bytes: int, follow_symlinks: bool) -> None:
    """Refuse, before reading a byte, a symbolic link (unless followed) or an oversized file.

    A link could make an import read anything the importing user can (``/etc/passwd``); a
    huge file holds the import's memory and write transaction for minutes.
    """
    if path.is_symlink() and not follow_symlinks:
        raise SourceError("a symbolic link; pass --follow-symlinks to import what it points to")
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_source names the reason
    if path.is_file() and size > max_bytes:
        raise SourceError(
            f"{megabytes(size)}, over the limit of {megabytes(max_bytes)} "
            "(DJANGO_IMPORT_MAX_FILE_MB); split the file or raise the limit"
        )


def read_source(path: Path, *, encoding: str | None = None) -> str:
    """Read and decode one source file, or raise SourceError naming the reason."""
    if not path.exists():
        raise SourceError("no such file")
    if not path.is_file():
        raise SourceError("not a regular file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot be read ({error.strerror})") from error
    return decode_source(data, encoding=encoding)
