import pytest

from films.importer.segmenting import parse_header, split_blocks, split_documents

DANISH_LIKE = """Første afsnit om en film.

Andet afsnit om en anden film.
Med en linje mere.



Tredje afsnit.
"""

STORY = """ROCKY 7: First Trailer (2026) Sylvester Stallone, Mike Tyson | Concept Trailer
.
.
One More Round
Chapter One: The Weight of Time
They say every fighter knows.

Mike Tyson was a legend.
"""


def test_blank_line_blocks_keep_their_line_numbers():
    blocks = split_blocks(DANISH_LIKE)
    assert [(b.first_line, b.last_line) for b in blocks] == [(1, 1), (3, 4), (8, 8)]
    assert blocks[1].text == "Andet afsnit om en anden film.\nMed en linje mere."


def test_a_file_without_blank_lines_is_one_block():
    text = "Line one.\nLine two.\nLine three."
    assert len(split_documents(text)) == 1
    assert split_documents(text)[0].last_line == 3


def test_header_is_metadata_and_opens_a_document_over_following_blocks():
    documents = split_documents(STORY)
    assert len(documents) == 1
    document = documents[0]
    assert (document.first_line, document.last_line) == (1, 8)
    assert document.header.title == "ROCKY 7"
    assert document.header.year == 2026
    assert document.header.unofficial is True
    assert "Concept Trailer" not in document.text
    assert "\n.\n" not in document.text  # noise lines are dropped
    assert document.text.startswith("One More Round\nChapter One: The Weight of Time")
    assert "They say every fighter knows.\n\nMike Tyson was a legend." in document.text


@pytest.mark.parametrize(
    ("line", "title", "year", "unofficial"),
    [
        ("Rocky IV (1985)", "Rocky IV", 1985, False),
        ("Rocky Balboa (2006) | Official synopsis", "Rocky Balboa", 2006, False),
        ("Karate Kid Returns (2027) | Fan-made trailer", "Karate Kid Returns", 2027, True),
    ],
)
def test_parse_header(line, title, year, unofficial):
    header = parse_header(line)
    assert (header.title, header.year, header.unofficial) == (title, year, unofficial)


@pytest.mark.parametrize(
    "line",
    [
        "En marzo de 2006 apareció el primer teaser-trailer (trailer no definitivo) en internet.",
        "Chapter One: The Weight of Time",
        "Rocky (1976) is the story of a small-time boxer who gets a title shot.",
    ],
)
def test_prose_is_not_a_header(line):
    assert parse_header(line) is None
