"""Cut a source text into candidate synopses: blank-line blocks, header lines, documents.

A header line ("ROCKY 7: First Trailer (2026) Sylvester Stallone | Concept Trailer") is
metadata, not prose: it names a title, a year and sometimes the kind of work, and
opens a document that runs over the following blocks until the next header.
"""

import re
from dataclasses import dataclass, field

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_YEAR_IN_PARENS = re.compile(r"\(\s*(1[89]\d\d|20\d\d)\s*\)")
_SENTENCE_END = re.compile(r"[.!?…;,]\s*$")
_WORD = re.compile(r"\w", re.UNICODE)
# Words in a header that mark an unofficial work rather than a released film.
_UNOFFICIAL_MARKERS = re.compile(
    r"\b(concept|fan[- ]?made|fan[- ]film|fan[- ]fiction|fanfic|unofficial|parody|mock[- ]?up)\b",
    re.IGNORECASE,
)
MAX_HEADER_LENGTH = 160


@dataclass(frozen=True)
class Header:
    line: str
    title: str
    year: int | None
    unofficial: bool


@dataclass
class Block:
    """A run of non-blank lines; line numbers are 1-based and inclusive."""

    first_line: int
    last_line: int
    lines: list[str]
    header: Header | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Document:
    """Blocks that form one synopsis candidate: one block, or a header and what follows it."""

    blocks: list[Block] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.blocks[0].first_line

    @property
    def last_line(self) -> int:
        return self.blocks[-1].last_line

    @property
    def header(self) -> Header | None:
        return self.blocks[0].header

    @property
    def text(self) -> str:
        # Paragraph breaks between blocks survive as blank lines.
        return "\n\n".join(block.text for block in self.blocks if block.lines)


def is_noise(line: str) -> bool:
    """A line with no letters or digits ("." or "***") carries nothing."""
    return not _WORD.search(line)


def parse_header(line: str) -> Header | None:
    """Return the header a line stands for, or None when it is prose."""
    stripped = line.strip()
    looks_like_prose = len(stripped) > MAX_HEADER_LENGTH or _SENTENCE_END.search(stripped)
    if looks_like_prose and not (_YEAR_IN_PARENS.search(stripped) and "|" in stripped):
        return None
    year_match = _YEAR_IN_PARENS.search(stripped)
    if not year_match and "|" not in stripped:
        return None
    title = re.split(r"[:(|]", stripped, maxsplit=1)[0].strip()
    if not title:
        return None
    year = int(year_match.group(1)) if year_match else None
    if year is None and (bare := _YEAR.search(stripped)):
        year = int(bare.group(1))
    return Header(
        line=stripped,
        title=title,
        year=year,
        unofficial=bool(_UNOFFICIAL_MARKERS.search(stripped)),
    )


def split_blocks(text: str) -> list[Block]:
    """Split text into blank-line blocks, dropping noise lines and lifting header lines."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if current is None:
            current = Block(first_line=number, last_line=number, lines=[])
            blocks.append(current)
        current.last_line = number
        if is_noise(line):
            continue
        if not current.lines and current.header is None and (header := parse_header(line)):
            current.header = header
            continue
        current.lines.append(line)
    return [block for block in blocks if block.lines or block.header]


def split_documents(text: str) -> list[Document]:
    """Group blocks into documents: a header block opens one that takes the blocks after it."""
    documents: list[Document] = []
    open_document: Document | None = None
    for block in split_blocks(text):
        if block.header is not None:
            open_document = Document(blocks=[block])
            documents.append(open_document)
        elif open_document is not None:
            open_document.blocks.append(block)
        else:
            documents.append(Document(blocks=[block]))
    return [document for document in documents if document.text.strip()]
