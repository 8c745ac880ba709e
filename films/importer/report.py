"""What an import did, per synopsis and per file: the command's summary and its JSON output."""

from dataclasses import dataclass, field

from ..models import ReviewStatus
from .knowledge import KnowledgeSummary
from .stages import StageSeconds


class Action:
    CREATED = "created"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    KEPT = "kept"
    DUPLICATE = "duplicate"


@dataclass
class SynopsisReport:
    first_line: int
    last_line: int
    blocks: int
    language: str
    language_confidence: float
    language_uncertain: bool
    film: dict | None
    match_confidence: float
    evidence: str
    candidates: list[dict]
    status: str
    action: str = ""
    note: str = ""
    best: dict | None = None  # the film chosen at any confidence (docs/matching.md)
    checksum: str = ""
    # The text this synopsis had before the import changed it (or the editor's version kept
    # beside the new one): the progress view shows the difference.
    previous_text: str = ""
    # Its new text, kept in the report only beside a ``previous_text``.
    text: str = ""

    def as_dict(self) -> dict:
        return {
            "lines": [self.first_line, self.last_line],
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "film": self.film,
            "match_confidence": self.match_confidence,
            "evidence": self.evidence,
            "status": self.status,
            "action": self.action,
            "blocks": self.blocks,
            "note": self.note,
            "candidates": self.candidates,
            "best": self.best,
            "checksum": self.checksum,
            "previous_text": self.previous_text,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SynopsisReport":
        """The report of one synopsis back from :meth:`as_dict` (an admin import stores that)."""
        first_line, last_line = data["lines"]
        return cls(
            first_line=first_line,
            last_line=last_line,
            blocks=data["blocks"],
            language=data["language"],
            language_confidence=data["language_confidence"],
            language_uncertain=False,
            film=data["film"],
            match_confidence=data["match_confidence"],
            evidence=data["evidence"],
            candidates=data["candidates"],
            status=data["status"],
            action=data["action"],
            note=data["note"],
            checksum=data.get("checksum", ""),
            previous_text=data.get("previous_text", ""),
            text=data.get("text", ""),
            best=data.get("best"),
        )


@dataclass
class FileReport:
    path: str
    status: str = "imported"
    error: str = ""
    synopses: list[SynopsisReport] = field(default_factory=list)
    # Why each synopsis over the length limit was not imported (films/importer/analysis.py).
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error or None,
            "synopses": [synopsis.as_dict() for synopsis in self.synopses],
            "refused": self.refused,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "FileReport":
        return cls(
            path=data["path"],
            status=data["status"],
            error=data["error"] or "",
            synopses=[SynopsisReport.from_dict(entry) for entry in data["synopses"]],
        )


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    knowledge: KnowledgeSummary | None = None
    dry_run: bool = False
    stages: StageSeconds = field(default_factory=StageSeconds)

    @property
    def failed(self) -> list[FileReport]:
        return [report for report in self.files if report.status == "failed"]

    @property
    def totals(self) -> dict[str, int]:
        synopses = [synopsis for report in self.files for synopsis in report.synopses]
        totals = {
            "files": len(self.files),
            "failed": len(self.failed),
            "blocks": sum(synopsis.blocks for synopsis in synopses),
            "synopses": len(synopses),
            "films": len({s.film["slug"] for s in synopses if s.film}),
            # Only what is stored waits in the queue: not a duplicate of another synopsis.
            "for_review": sum(
                1
                for s in synopses
                if s.status == ReviewStatus.PENDING and s.action != Action.DUPLICATE
            ),
        }
        for action in (Action.CREATED, Action.UNCHANGED, Action.UPDATED, Action.KEPT):
            totals[action] = sum(1 for s in synopses if s.action == action)
        totals[Action.DUPLICATE] = sum(1 for s in synopses if s.action == Action.DUPLICATE)
        totals["refused"] = sum(len(report.refused) for report in self.files)
        return totals

    def summary(self) -> str:
        """The one-line summary the import command prints (and the admin's import page shows)."""
        totals = self.totals
        prefix = "Dry run (nothing saved): " if self.dry_run else ""
        return (
            f"{prefix}{totals['files']} files, {totals['blocks']} synopsis blocks → "
            f"{totals['synopses']} synopses of {totals['films']} films: "
            f"{totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged, {totals['kept']} kept (edited), "
            f"{totals['duplicate']} duplicates, {totals['refused']} refused (too long), "
            f"{totals['for_review']} for review, {totals['failed']} files failed."
        )

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "files": [report.as_dict() for report in self.files],
            "totals": self.totals,
            "stage_seconds": self.stages.as_dict(),
        }
