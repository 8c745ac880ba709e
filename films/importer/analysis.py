"""Per document and per file: language and film worked out, before anything is stored.

Needs no database, so worker processes can do it (films/importer/workers.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings

from ..models import ReviewStatus
from ..review import automatic_status
from ..search.analysis import SearchColumns, search_columns
from .language import LanguageGuess, detect_language
from .matching import FilmMatcher, MatchResult
from .reading import SourceError, read_source
from .segmenting import Document, Header, split_documents


@dataclass
class SynopsisAnalysis:
    """One synopsis candidate with its language and film worked out, before it is stored."""

    text: str
    first_line: int
    last_line: int
    blocks: int
    header: Header | None
    language: LanguageGuess
    match: MatchResult
    # The synopsis's search columns, worked out with the rest (in a worker, if any).
    search: SearchColumns | None = None

    @property
    def status(self) -> str:
        return automatic_status(
            film_found=self.match.film is not None, language_uncertain=self.language.uncertain
        )


@dataclass
class FileAnalysis:
    """A file's synopses with their language, film and search columns, or why it failed."""

    analyses: list[SynopsisAnalysis] = field(default_factory=list)
    error: str = ""
    # Documents longer than settings.IMPORT_MAX_SYNOPSIS_CHARS, never analysed nor stored:
    # (first line, last line, characters).
    refused: list[tuple[int, int, int]] = field(default_factory=list)


def analyse(document: Document, matcher: FilmMatcher) -> SynopsisAnalysis:
    return _analyse_text(
        document.text,
        header=document.header,
        first_line=document.first_line,
        last_line=document.last_line,
        blocks=len(document.blocks),
        matcher=matcher,
    )


def _analyse_text(
    text: str,
    *,
    header: Header | None,
    first_line: int,
    last_line: int,
    blocks: int,
    matcher: FilmMatcher,
) -> SynopsisAnalysis:
    return SynopsisAnalysis(
        text=text,
        first_line=first_line,
        last_line=last_line,
        blocks=blocks,
        header=header,
        language=(language := detect_language(text)),
        match=matcher.match(text, header=header, language=language.language),
    )


def merge_consecutive(
    analyses: Sequence[SynopsisAnalysis], matcher: FilmMatcher, *, max_chars: int | None = None
) -> list[SynopsisAnalysis]:
    """Join consecutive blocks that are confidently about the same film, in the same language.

    Never into a synopsis longer than ``max_chars``.
    """
    merged: list[SynopsisAnalysis] = []
    for current in analyses:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and (max_chars is None or len(previous.text) + 2 + len(current.text) <= max_chars)
            and current.header is None
            and previous.status == ReviewStatus.AUTO
            and current.status == ReviewStatus.AUTO
            and previous.match.film.film_id == current.match.film.film_id
            and previous.language.language == current.language.language
        ):
            merged[-1] = _analyse_text(
                f"{previous.text}\n\n{current.text}",
                header=previous.header,
                first_line=previous.first_line,
                last_line=current.last_line,
                blocks=previous.blocks + current.blocks,
                matcher=matcher,
            )
        else:
            merged.append(current)
    return merged


def analyse_file(path: Path, *, matcher: FilmMatcher, encoding: str | None) -> FileAnalysis:
    """Read, segment and analyse one file: all the work of an import that needs no database."""
    try:
        text = read_source(path, encoding=encoding)
    except SourceError as error:
        return FileAnalysis(error=str(error))
    return analyse_text(text, matcher=matcher)


def analyse_text(text: str, *, matcher: FilmMatcher) -> FileAnalysis:
    """Segment and analyse a file's decoded text (an admin upload is decoded when it arrives)."""
    documents = split_documents(text)
    del text
    if not documents:
        return FileAnalysis(error="no synopsis text found (only headers or symbols)")
    # An over-long "synopsis" (a 3 MB line of names) is refused before the costly language
    # and film analysis, and never published: docs/importing.md, "Limits".
    limit = settings.IMPORT_MAX_SYNOPSIS_CHARS
    refused, kept = [], []
    for document in documents:
        length = len(document.text)
        if length > limit:
            refused.append((document.first_line, document.last_line, length))
        else:
            kept.append(document)
    analyses = merge_consecutive(analyse_once_each(kept, matcher), matcher, max_chars=limit)
    columns: dict[tuple[str, str], SearchColumns] = {}
    for analysis in analyses:
        key = (analysis.text, analysis.language.language)
        if key not in columns:
            columns[key] = search_columns(text=analysis.text, language=analysis.language.language)
        analysis.search = columns[key]
    return FileAnalysis(analyses, refused=refused)


def analyse_once_each(
    documents: Sequence[Document], matcher: FilmMatcher
) -> list[SynopsisAnalysis]:
    """Analyse each distinct document once; a repeat shares its first occurrence's results.

    The store counts repeats as duplicates (storing.py); analysing 100,000 copies of 32 texts
    cost a minute and half a gigabyte for nothing.
    """
    first: dict[tuple[str, str], SynopsisAnalysis] = {}
    analyses = []
    for document in documents:
        key = (document.text, document.header.line if document.header else "")
        if key in first:
            analyses.append(
                replace(
                    first[key],
                    first_line=document.first_line,
                    last_line=document.last_line,
                    blocks=len(document.blocks),
                )
            )
        else:
            first[key] = analyse(document, matcher)
            analyses.append(first[key])
    return analyses
