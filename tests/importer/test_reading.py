import codecs

import pytest

from films.importer.reading import SourceError, decode_source, read_source


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Rocky boxes.\n", "Rocky boxes.\n"),
        (codecs.BOM_UTF8 + b"Rocky boxes.\n", "Rocky boxes.\n"),
        (b"Line one.\r\nLine two.\r\n", "Line one.\nLine two.\n"),
        (b"Old Mac.\rLine two.", "Old Mac.\nLine two."),
        ("Decisión dividida".encode(), "Decisión dividida"),
        ("ร็อคกี้".encode(), "ร็อคกี้"),
    ],
)
def test_decode_accepts_utf8_with_or_without_bom_and_any_line_ending(data, text):
    assert decode_source(data) == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n \t\n", "only blank lines"),
        ("Decisión dividida".encode("latin-1"), "--encoding"),
        ("Rocky".encode("utf-16"), "--encoding utf-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 10, "binary"),
    ],
)
def test_decode_rejects_bad_input_with_a_reason(data, message):
    with pytest.raises(SourceError, match=message.replace("-", r"\-")):
        decode_source(data)


def test_decode_with_an_explicit_encoding():
    assert decode_source("Decisión".encode("cp1252"), encoding="cp1252") == "Decisión"


def test_unknown_encoding_is_named():
    with pytest.raises(SourceError, match="unknown encoding 'klingon'"):
        decode_source(b"x", encoding="klingon")


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "absent.txt")
