"""The import_synopses command end to end, on the real fixtures and on files made here."""

import contextlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from films.importer.stages import STAGES
from films.models import Film, ReviewStatus, Synopsis

SEEDS = Path(settings.FIXTURES_ROOT) / "synopses"

# Which film each seed block describes, by the block's first words: the seed files'
# names and line numbers are not what the importer keys on, their content is.
EXPECTED_SEED_FILMS = {
    "Está coprotagonizada": ("rocky-balboa", "es"),
    "เมื่อสามสิบปีก่อน": ("rocky-balboa", "th"),
    "One More Round": ("rocky-7", "en"),
    "Klubbokseren Rocky fra Philadelphia": ("rocky", "da"),
    "Efter klubbokseren Rocky Balboas sejr": ("rocky-ii", "da"),
    "Daniel er flyttet til Californien": ("the-karate-kid", "da"),
    "Rocky må se sin gamle ven": ("rocky-iv", "da"),
    "Rocky Balboa nyder sin rigdom": ("rocky-iii", "da"),
    "Harold Abrahams vil bevise": ("chariots-of-fire", "da"),
    "Efter at Rocky er vendt hjem": ("rocky-v", "da"),
    "Den professionelle pokerspiller": ("lucky-you", "da"),
}


def run_import(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    # A failed file makes the command exit 1; the JSON report is on stdout all the same.
    with contextlib.suppress(CommandError):
        call_command("import_synopses", *args, "--format", "json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


@pytest.fixture
def seed_report(db):
    report, _ = run_import()
    return report


def test_seed_files_import_without_review(seed_report):
    totals = seed_report["totals"]
    assert totals["failed"] == 0
    assert totals["blocks"] == 12
    assert totals["synopses"] == 11  # the English story's two blocks are one synopsis
    assert totals["films"] == 10
    assert totals["for_review"] == 0
    assert Synopsis.objects.awaiting_review().count() == 0


@pytest.mark.parametrize(("opening", "expected"), EXPECTED_SEED_FILMS.items())
def test_each_seed_block_lands_on_its_film_in_its_language(seed_report, opening, expected):
    slug, language = expected
    synopsis = Synopsis.objects.get(text__startswith=opening)
    assert (synopsis.film.slug, synopsis.language) == (slug, language)
    assert synopsis.review_status == ReviewStatus.AUTO
    assert synopsis.match_evidence


def test_the_eight_danish_blocks_go_to_eight_films(seed_report):
    danish = Synopsis.objects.filter(language="da")
    assert danish.count() == 8
    assert danish.values("film").distinct().count() == 8


def test_provenance_is_kept(seed_report):
    story = Synopsis.objects.get(film__slug="rocky-7")
    assert story.source_file.endswith(".txt")
    assert story.source_file.startswith("fixtures/synopses/")
    assert story.source_first_line == 1
    assert story.source_last_line == 88
    assert story.source_header.startswith("ROCKY 7: First Trailer (2026)")
    assert "Chapter Twelve: The Decision" in story.text
    assert len(story.source_checksum) == 64
    danish_lines = sorted(
        (s.source_first_line, s.source_last_line) for s in Synopsis.objects.filter(language="da")
    )
    assert danish_lines == [(n, n) for n in range(1, 16, 2)]


def test_json_report_shape(seed_report):
    file_report = seed_report["files"][0]
    assert set(file_report) >= {"path", "status", "error", "synopses"}
    synopsis = file_report["synopses"][0]
    assert set(synopsis) >= {
        "lines",
        "language",
        "language_confidence",
        "film",
        "match_confidence",
        "evidence",
        "status",
        "action",
    }
    assert set(synopsis["film"]) == {"slug", "title", "year"}
    assert {"created", "unchanged", "kept", "for_review", "failed"} <= set(seed_report["totals"])


def test_a_second_import_changes_nothing(seed_report):
    before = list(Synopsis.objects.order_by("pk").values())
    report, _ = run_import()
    assert report["totals"]["unchanged"] == 11
    assert report["totals"]["created"] == 0
    assert list(Synopsis.objects.order_by("pk").values()) == before
    assert Film.objects.count() == Film.objects.values("slug").distinct().count()


def test_an_import_that_stores_synopses_changes_the_pages_etag(client, db, tmp_path):
    """Bulk writes send no post_save: the importer itself must bump the generation."""
    from films.caching import catalogue_generation

    run_import()
    before = catalogue_generation().value
    etag = client.get("/en/films/").headers["ETag"]
    changed = tmp_path / "changed.txt"
    changed.write_text("En helt ny dansk tekst om Rocky Balboa og Apollo Creed.\n")
    run_import(str(changed))
    assert catalogue_generation().value > before
    assert client.get("/en/films/").headers["ETag"] != etag
    unchanged = catalogue_generation().value
    run_import()  # nothing new: the pages stay cached
    assert catalogue_generation().value == unchanged


def test_an_editors_change_is_kept(seed_report):
    synopsis = Synopsis.objects.get(film__slug="rocky-iv", language="da")
    synopsis.text = "Redigeret af en redaktør."
    synopsis.is_edited = True
    synopsis.save()
    report, _ = run_import()
    assert report["totals"]["kept"] == 1
    synopsis.refresh_from_db()
    assert synopsis.text == "Redigeret af en redaktør."
    assert Synopsis.objects.filter(language="da").count() == 8


def test_dry_run_saves_nothing(db):
    report, _ = run_import("--dry-run")
    assert report["dry_run"] is True
    assert report["totals"]["created"] == 11
    assert Synopsis.objects.count() == 0
    assert Film.objects.count() == 0


def test_text_summary(db):
    out = StringIO()
    call_command("import_synopses", stdout=out)
    summary = out.getvalue()
    assert "12 synopsis blocks" in summary
    assert "11 synopses of 10 films" in summary
    assert "0 for review" in summary


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "Decisión dividida en Filadelfia.".encode("latin-1"), "--encoding"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"\n   \n\t\n", "blank"),
    ],
)
def test_bad_files_are_named_skipped_and_the_rest_imported(db, tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(
        "Rocky muss mit ansehen, wie sein Freund Apollo Creed im Ring von dem sowjetischen "
        "Boxer Ivan Drago totgeschlagen wird. Er reist nach Moskau, um gegen Drago zu kämpfen.",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_synopses", str(bad), str(good), stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    lines = [line for line in err.getvalue().splitlines() if name in line]
    assert len(lines) == 1
    assert reason in lines[0]
    assert Synopsis.objects.get().film.slug == "rocky-iv"


def test_missing_path_is_named(db, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_synopses", str(tmp_path / "nowhere.txt"), stdout=StringIO(), stderr=err
        )
    assert "nowhere.txt: no such file" in err.getvalue()
    assert Synopsis.objects.count() == 0


def test_wrong_encoding_is_read_with_the_encoding_option(db, tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes(
        "Rocky debe ver morir a su amigo Apollo Creed a manos del boxeador soviético Ivan "
        "Drago, y decide enfrentarse a él en Moscú el día de Navidad.".encode("cp1252")
    )
    call_command("import_synopses", str(path), "--encoding", "cp1252", stdout=StringIO())
    synopsis = Synopsis.objects.get()
    assert "soviético" in synopsis.text
    assert synopsis.language == "es"


def test_unknown_encoding_option_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="unknown encoding"):
        call_command("import_synopses", str(tmp_path), "--encoding", "klingon")


def test_crlf_and_bom_files_import_like_plain_ones(db, tmp_path):
    text = (
        "Harold Abrahams und Eric Liddell laufen bei den Olympischen Spielen 1924 in Paris.\r\n"
        "\r\n"
        "Huck Cheever spielt bei der World Series of Poker gegen seinen Vater.\r\n"
    )
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report, _ = run_import(str(path))
    synopses = report["files"][0]["synopses"]
    assert [s["lines"] for s in synopses] == [[1, 1], [3, 3]]
    assert [s["film"]["slug"] for s in synopses] == ["chariots-of-fire", "lucky-you"]


def test_worker_processes_report_and_store_what_one_process_does(db, tmp_path):
    files = sorted(SEEDS.glob("*.txt"))
    for index, path in enumerate(files):
        (tmp_path / f"copy{index}.txt").write_bytes(path.read_bytes())
    (tmp_path / "empty.txt").write_text("\n")

    def stored() -> list[tuple]:
        return list(
            Synopsis.objects.order_by("source_checksum").values_list(
                "source_checksum", "language", "film__slug", "review_status", "search_text"
            )
        )

    inline, _ = run_import(str(tmp_path), "--workers", "1")
    inline_rows = stored()
    Synopsis.objects.all().delete()
    pooled, _ = run_import(str(tmp_path), "--workers", "2")
    # Seconds differ from run to run; every stage did some work in both.
    for report in (inline, pooled):
        stages = report.pop("stage_seconds")
        assert all(stages[stage] > 0 for stage in STAGES), stages
    assert pooled == inline
    assert stored() == inline_rows
    assert pooled["totals"]["failed"] == 1
    assert pooled["totals"]["created"] == 11


def test_one_large_file_is_shared_among_workers_and_imported_as_by_one_process(db, tmp_path):
    """Its distinct documents go to the workers in shares; the result is the file's, in order."""
    from benchmark.corpus import CatalogueSpec, iter_synopses
    from films.importer.workers import _DOCUMENTS_PER_TASK, _shares

    generated = iter_synopses(CatalogueSpec(synopses=400, seed=3), stream="import", count=120)
    texts = [item.text for item in generated]
    texts += texts[:5]  # repeats: duplicates
    assert len(_shares(texts)) >= 2
    assert max(map(len, _shares(texts))) <= _DOCUMENTS_PER_TASK
    (tmp_path / "large.txt").write_text("\n\n".join(texts) + "\n", encoding="utf-8")

    # Real imports (a dry run's knowledge would take new film ids on PostgreSQL).
    inline, _ = run_import(str(tmp_path), "--workers", "1")
    Synopsis.objects.all().delete()
    pooled, _ = run_import(str(tmp_path), "--workers", "2")
    for report in (inline, pooled):
        report.pop("stage_seconds")
    assert pooled == inline
    assert pooled["totals"]["synopses"] == len(texts)
    assert pooled["totals"]["duplicate"] == 5
    assert len({synopsis["language"] for synopsis in pooled["files"][0]["synopses"]}) >= 10


def test_workers_must_be_positive(db):
    with pytest.raises(CommandError, match="--workers"):
        call_command("import_synopses", "--workers", "0")


# Blocks about no catalogued film are never joined: each stays a synopsis of its own.
_BLOCK = (
    "Folge {}: Ein Bäcker aus Hamburg steht jeden Morgen um vier Uhr auf, backt Brot für das "
    "ganze Viertel und träumt davon, eines Tages ans Meer zu ziehen."
)


@pytest.mark.parametrize(
    ("first", "second", "totals", "texts"),
    [
        # A block rewritten in place: its row takes the new text.
        (["a", "b", "c"], ["a", "B", "c"], {"unchanged": 2, "updated": 1}, ["a", "B", "c"]),
        # Blocks moved: the same rows, at their new lines.
        (["a", "b", "c"], ["c", "a", "b"], {"updated": 3}, ["c", "a", "b"]),
        # A block added.
        (["a", "b"], ["a", "b", "d"], {"unchanged": 2, "created": 1}, ["a", "b", "d"]),
        # The same text twice in a file is one synopsis, where it first appears; the repeat
        # is counted as a duplicate.
        (["a"], ["a", "a"], {"unchanged": 1, "duplicate": 1, "updated": 0}, ["a"]),
        (["b"], ["a", "a", "a"], {"updated": 1, "duplicate": 2, "created": 0}, ["a"]),
    ],
)
def test_a_changed_file_updates_its_rows(db, tmp_path, first, second, totals, texts):
    path = tmp_path / "episodes.txt"
    for version in (first, second):
        path.write_text("\n\n".join(_BLOCK.format(name) for name in version), encoding="utf-8")
        report, _ = run_import(str(path))
    assert {key: value for key, value in report["totals"].items() if key in totals} == totals
    stored = Synopsis.objects.order_by("source_first_line").values_list("text", flat=True)
    assert [text.split(":")[0] for text in stored] == [f"Folge {name}" for name in texts]


def test_the_same_text_in_another_file_is_a_duplicate(db, tmp_path):
    (tmp_path / "a.txt").write_text(_BLOCK.format(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(_BLOCK.format(1), encoding="utf-8")
    report, _ = run_import(str(tmp_path))
    assert [s["action"] for f in report["files"] for s in f["synopses"]] == ["created", "duplicate"]
    assert Synopsis.objects.count() == 1
