"""The catalogue's models: films and their knowledge, synopses and their review, uploads.

Models import only the text analysis (films/text.py, films/languages/, films/search/analysis.py):
the search's queries (films/search/queries.py) and the caches (films/caching.py) import these
models, never the other way round.
"""

from .catalogue import (
    Film,
    FilmKind,
    FilmKnowledge,
    FilmQuerySet,
    FilmTitle,
    Franchise,
    KnowledgeKind,
    OutsideWork,
    TitleKind,
    attach_synopsis_languages,
)
from .imports import ImportBatch, ImportFile, ImportStatus
from .synopses import (
    CatalogueGeneration,
    RegConfigField,
    ReviewQueueEntry,
    ReviewStatus,
    Synopsis,
    SynopsisQuerySet,
    SynopsisSearchVector,
)

__all__ = [
    "CatalogueGeneration",
    "Film",
    "FilmKind",
    "FilmKnowledge",
    "FilmQuerySet",
    "FilmTitle",
    "Franchise",
    "ImportBatch",
    "ImportFile",
    "ImportStatus",
    "KnowledgeKind",
    "OutsideWork",
    "RegConfigField",
    "ReviewQueueEntry",
    "ReviewStatus",
    "Synopsis",
    "SynopsisQuerySet",
    "SynopsisSearchVector",
    "TitleKind",
    "attach_synopsis_languages",
]
