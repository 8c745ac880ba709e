"""Hostile files: symbolic links, oversized files and synopses, control characters, repeats."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from films.importer.reading import decode_source
from films.models import ReviewStatus, Synopsis
from tests.factories import SynopsisFactory

pytestmark = pytest.mark.django_db

BLOCK = (
    "Folge {}: Ein Bäcker aus Hamburg steht jeden Morgen um vier Uhr auf, backt Brot für das "
    "ganze Viertel und träumt davon, eines Tages ans Meer zu ziehen."
)


def import_command(*args: str) -> tuple[dict, str, CommandError | None]:
    """Run the command; return its JSON report, its stderr and the error it exits with."""
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_synopses", *args, "--format", "json", "--workers", "1", stdout=out, stderr=err
        )
    except CommandError as error:
        return json.loads(out.getvalue()), err.getvalue(), error
    return json.loads(out.getvalue()), err.getvalue(), None


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(BLOCK.format("geheim"), encoding="utf-8")
    return path


def test_a_symbolic_link_is_refused_by_name(tmp_path, secret):
    link = tmp_path / "synopses.txt"
    link.symlink_to(secret)
    report, err, error = import_command(str(link))
    [file_report] = report["files"]
    assert file_report["path"].endswith("synopses.txt")
    assert file_report["status"] == "failed"
    assert "symbolic link" in file_report["error"] and "--follow-symlinks" in file_report["error"]
    assert error is not None and error.returncode == 1
    assert "symbolic link" in err
    assert not Synopsis.objects.exists()


def test_links_inside_a_folder_are_refused_and_the_rest_imported(tmp_path, secret):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "real.txt").write_text(BLOCK.format(1), encoding="utf-8")
    (folder / "to-file.txt").symlink_to(secret)
    (folder / "to-folder").symlink_to(secret.parent, target_is_directory=True)
    report, _, error = import_command(str(folder))
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert by_name.keys() == {"real.txt", "to-file.txt", "to-folder"}
    assert by_name["real.txt"]["status"] == "imported"
    assert by_name["to-file.txt"]["status"] == by_name["to-folder"]["status"] == "failed"
    assert error is not None
    assert [text.split(":")[0] for text in Synopsis.objects.values_list("text", flat=True)] == [
        "Folge 1"
    ]


def test_follow_symlinks_imports_what_links_point_to(tmp_path, secret):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "to-file.txt").symlink_to(secret)
    (folder / "to-folder").symlink_to(secret.parent, target_is_directory=True)
    report, _, error = import_command(str(folder), "--follow-symlinks")
    assert error is None
    assert report["totals"]["created"] == 1 and report["totals"]["duplicate"] == 1


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1_000
    path = tmp_path / "big.txt"
    path.write_text("\n\n".join(BLOCK.format(n) for n in range(20)), encoding="utf-8")
    report, _, error = import_command(str(path))
    [file_report] = report["files"]
    assert file_report["status"] == "failed"
    assert ", over the limit of 1,000 bytes (DJANGO_IMPORT_MAX_FILE_MB)" in file_report["error"]
    assert "DJANGO_IMPORT_MAX_FILE_MB" in file_report["error"]
    assert error is not None and error.returncode == 1
    assert not Synopsis.objects.exists()


def test_an_over_long_synopsis_is_refused_and_the_others_imported(tmp_path, settings):
    settings.IMPORT_MAX_SYNOPSIS_CHARS = 500
    path = tmp_path / "names.txt"
    giant = " ".join(["Rocky IV Ivan Drago Apollo Creed"] * 100)  # one line, 3,300 characters
    path.write_text(f"{BLOCK.format(1)}\n\n{giant}\n\n{BLOCK.format(2)}\n", encoding="utf-8")
    report, err, error = import_command(str(path))
    [file_report] = report["files"]
    assert file_report["status"] == "imported"
    [reason] = file_report["refused"]
    assert reason.startswith("lines 3-3: 3,299 characters, over the limit of 500")
    assert report["totals"]["refused"] == 1 and report["totals"]["created"] == 2
    assert error is not None and error.returncode == 1
    assert "1 synopses were refused: longer than 500 characters" in str(error)
    assert reason in err
    assert Synopsis.objects.count() == 2
    assert max(len(text) for text in Synopsis.objects.values_list("text", flat=True)) < 500


def test_consecutive_blocks_are_never_joined_past_the_limit(tmp_path, settings):
    settings.IMPORT_MAX_SYNOPSIS_CHARS = 1_000
    prose = (
        "Rocky Balboa trains in the Siberian snow for his fight against Ivan Drago, the Soviet "
        "boxer who killed Apollo Creed in the ring. "
    )
    path = tmp_path / "rocky.txt"
    path.write_text("\n\n".join([prose * 3] * 6), encoding="utf-8")  # 6 blocks of ~390
    report, _, error = import_command(str(path))
    assert error is None
    assert max(len(text) for text in Synopsis.objects.values_list("text", flat=True)) <= 1_000


def test_repeats_within_a_file_are_duplicates(tmp_path):
    path = tmp_path / "repeats.txt"
    texts = [BLOCK.format(n % 4) for n in range(40)]
    path.write_text("\n\n".join(texts), encoding="utf-8")
    report, _, error = import_command(str(path))
    totals = report["totals"]
    assert (totals["created"], totals["updated"], totals["duplicate"]) == (4, 0, 36)
    assert totals["for_review"] == Synopsis.objects.filter(review_status="pending").count()
    notes = [s["note"] for s in report["files"][0]["synopses"] if s["action"] == "duplicate"]
    assert notes[0] == "same text as line 1 of this file"
    assert Synopsis.objects.count() == 4
    assert sorted(Synopsis.objects.values_list("source_first_line", flat=True)) == [1, 3, 5, 7]


def test_a_file_is_written_in_bounded_batches(tmp_path, settings):
    settings.IMPORT_BATCH_SIZE = 3
    path = tmp_path / "many.txt"
    path.write_text("\n\n".join(BLOCK.format(n) for n in range(10)), encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        report, _, error = import_command(str(path))
    assert error is None and report["totals"]["created"] == 10
    inserts = [
        q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "films_synopsis"')
    ]
    assert len(inserts) == 4  # 3 + 3 + 3 + 1, one transaction each
    assert sorted(Synopsis.objects.values_list("source_first_line", flat=True)) == list(
        range(1, 20, 2)
    )
    # Importing again in batches changes nothing.
    again, _, _ = import_command(str(path))
    assert again["totals"]["unchanged"] == 10


@pytest.mark.parametrize("control", ["\u0002", "\u0003", "\u0007", "\u001b", "\u0085"])
def test_control_characters_are_stripped_on_import(tmp_path, control):
    path = tmp_path / "controls.txt"
    path.write_text(BLOCK.format(f"{control}eins{control}"), encoding="utf-8")
    report, _, error = import_command(str(path))
    assert error is None
    text = Synopsis.objects.get().text
    assert text.startswith("Folge eins:") and control not in text


def test_decoding_keeps_tabs_and_turns_form_feeds_into_line_breaks():
    assert decode_source("a\tb\fc\u0002d\r\ne".encode()) == "a\tb\ncd\ne"


def test_control_characters_are_stripped_on_any_save():
    # The admin's change form saves through Synopsis.save(), like every other writer.
    synopsis = SynopsisFactory(text="Rocky \u0002wins\u0003 \u001b[31mred\u0000")
    synopsis.refresh_from_db()
    assert synopsis.text == "Rocky wins [31mred"
    synopsis.text = "Drago\u0002 loses"
    synopsis.save(update_fields=["text"])
    synopsis.refresh_from_db()
    assert synopsis.text == "Drago loses"
    assert synopsis.review_status in ReviewStatus.values
