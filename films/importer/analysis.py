"""Per document and per file: language and film worked out, before anything is stored.

Needs no database, so worker processes can do it (films/importer/workers.py): a file is
planned (read, cut into documents, repeats set aside), its distinct documents analysed, in
shares by several workers when it is large, and then finished (repeats, merges) in order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings

from ..models import ReviewStatus
from ..review import automatic_status
from ..search.analysis import SearchColumns, search_columns
from .language import LanguageGuess, detect_language, detect_languages
from .matching import FilmMatcher, MatchResult
from .reading import SourceError, read_source
from .segmenting import Document, Header, split_documents
from .stages import StageSeconds


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
    stages: StageSeconds = field(default_factory=StageSeconds)


@dataclass
class FilePlan:
    """A file cut into documents, before any analysis: which distinct ones to analyse."""

    documents: list[Document]  # kept: within the length limit
    refused: list[tuple[int, int, int]]
    distinct: list[Document]  # the first of each repeated document, in file order
    stages: StageSeconds = field(default_factory=StageSeconds)


def _repeat_key(document: Document) -> tuple[str, int | str]:
    return (document.text, document.header.line if document.header else "")


def plan_file(path: Path, *, encoding: str | None) -> FilePlan | FileAnalysis:
    """Read and segment one file (a FileAnalysis with its error when it cannot be read)."""
    stages = StageSeconds()
    with stages.timing("reading"):
        try:
            text = read_source(path, encoding=encoding)
        except SourceError as error:
            return FileAnalysis(error=str(error), stages=stages)
    return plan_text(text, stages=stages)


def plan_text(text: str, *, stages: StageSeconds | None = None) -> FilePlan | FileAnalysis:
    """Segment a file's decoded text (an admin upload is decoded when it arrives)."""
    stages = stages or StageSeconds()
    with stages.timing("reading"):
        documents = split_documents(text)
    del text
    if not documents:
        return FileAnalysis(error="no synopsis text found (only headers or symbols)", stages=stages)
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
    # The store counts repeats as duplicates (storing.py): each distinct document is analysed
    # once (analysing 100,000 copies of 32 texts cost a minute and half a gigabyte).
    first: dict[tuple[str, int | str], Document] = {}
    for document in kept:
        first.setdefault(_repeat_key(document), document)
    return FilePlan(kept, refused, list(first.values()), stages)


def analyse_documents(
    documents: Sequence[Document], *, matcher: FilmMatcher, stages: StageSeconds
) -> list[SynopsisAnalysis]:
    """Language, film and search columns of each document: the work workers share out.

    The languages are weighed together (films/importer/language.py, detect_languages).
    """
    with stages.timing("language"):
        languages = detect_languages([document.text for document in documents])
    analyses = []
    for document, language in zip(documents, languages, strict=True):
        analysis = _analysed(
            document.text,
            header=document.header,
            first_line=document.first_line,
            last_line=document.last_line,
            blocks=len(document.blocks),
            matcher=matcher,
            stages=stages,
            language=language,
        )
        _add_search_columns(analysis, stages=stages)
        analyses.append(analysis)
    return analyses


def _analysed(
    text: str,
    *,
    header: Header | None,
    first_line: int,
    last_line: int,
    blocks: int,
    matcher: FilmMatcher,
    stages: StageSeconds,
    language: LanguageGuess | None = None,
) -> SynopsisAnalysis:
    if language is None:
        with stages.timing("language"):
            language = detect_language(text)
    with stages.timing("matching"):
        match = matcher.match(text, header=header, language=language.language)
    return SynopsisAnalysis(
        text=text,
        first_line=first_line,
        last_line=last_line,
        blocks=blocks,
        header=header,
        language=language,
        match=match,
    )


def _add_search_columns(analysis: SynopsisAnalysis, *, stages: StageSeconds) -> None:
    # The one place an import segments a synopsis's Thai (films/languages/thai.py).
    with stages.timing("search_columns"):
        analysis.search = search_columns(text=analysis.text, language=analysis.language.language)


def merge_consecutive(
    analyses: Sequence[SynopsisAnalysis],
    matcher: FilmMatcher,
    *,
    max_chars: int | None = None,
    stages: StageSeconds | None = None,
) -> list[SynopsisAnalysis]:
    """Join consecutive blocks that are confidently about the same film, in the same language.

    Never into a synopsis longer than ``max_chars``.
    """
    stages = stages or StageSeconds()
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
            merged[-1] = _analysed(
                f"{previous.text}\n\n{current.text}",
                header=previous.header,
                first_line=previous.first_line,
                last_line=current.last_line,
                blocks=previous.blocks + current.blocks,
                matcher=matcher,
                stages=stages,
            )
        else:
            merged.append(current)
    return merged


def finish_file(
    plan: FilePlan, analysed: Sequence[SynopsisAnalysis], *, matcher: FilmMatcher
) -> FileAnalysis:
    """The file's analysis from its distinct documents' (``analysed``, in their order)."""
    stages = plan.stages
    first = {
        _repeat_key(document): analysis
        for document, analysis in zip(plan.distinct, analysed, strict=True)
    }
    analyses = []
    for document in plan.documents:
        analysis = first[_repeat_key(document)]
        if analysis.first_line != document.first_line:  # a repeat: where it stands
            analysis = replace(
                analysis,
                first_line=document.first_line,
                last_line=document.last_line,
                blocks=len(document.blocks),
            )
        analyses.append(analysis)
    limit = settings.IMPORT_MAX_SYNOPSIS_CHARS
    analyses = merge_consecutive(analyses, matcher, max_chars=limit, stages=stages)
    for analysis in analyses:
        if analysis.search is None:  # a merged synopsis
            _add_search_columns(analysis, stages=stages)
    return FileAnalysis(analyses, refused=plan.refused, stages=stages)


def analyse_file(path: Path, *, matcher: FilmMatcher, encoding: str | None) -> FileAnalysis:
    """Read, segment and analyse one file: all the work of an import that needs no database."""
    plan = plan_file(path, encoding=encoding)
    return plan if isinstance(plan, FileAnalysis) else _analyse_plan(plan, matcher)


def analyse_text(text: str, *, matcher: FilmMatcher) -> FileAnalysis:
    """Segment and analyse a file's decoded text (an admin upload is decoded when it arrives)."""
    plan = plan_text(text)
    return plan if isinstance(plan, FileAnalysis) else _analyse_plan(plan, matcher)


def _analyse_plan(plan: FilePlan, matcher: FilmMatcher) -> FileAnalysis:
    analysed = analyse_documents(plan.distinct, matcher=matcher, stages=plan.stages)
    return finish_file(plan, analysed, matcher=matcher)
