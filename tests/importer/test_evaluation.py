"""evaluate_matching: the real importer, rolled back, judged against a key.

films/importer/evaluation.py does the work.
The texts in tests/importer/evaluation/ were written for these tests, in many languages and
scripts, with works outside the catalogue among them.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from films.models import FilmKnowledge, Synopsis

EVALUATION = Path(__file__).with_name("evaluation")

pytestmark = pytest.mark.django_db


def evaluate(*args: str) -> dict:
    out = StringIO()
    call_command("evaluate_matching", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def own_texts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return evaluate(str(EVALUATION), "--key", str(EVALUATION / "key.json"))


def test_own_texts_in_many_languages_find_their_films_and_no_wrong_one(own_texts):
    totals = own_texts["totals"]
    assert totals["blocks"] == 27
    assert totals.get("wrong", 0) == 0
    assert totals["right"] == 21
    assert totals["kept outside"] == 6
    assert totals["languages right"] == 27


def test_own_texts_per_language_and_per_film(own_texts):
    assert own_texts["by_language"]["ja"] == {"blocks": 1, "right": 1, "languages right": 1}
    assert own_texts["by_film"]["outside the catalogue"]["kept outside"] == 6
    assert own_texts["misses"] == []


def test_the_threshold_table_moves_from_recall_to_precision(own_texts):
    rows = own_texts["thresholds"]
    assert [row["threshold"] for row in rows] == sorted(row["threshold"] for row in rows)
    recalls = [row["recall"] for row in rows]
    assert recalls == sorted(recalls, reverse=True)
    assert all(row["precision"] == 1.0 for row in rows)


def test_the_evaluation_leaves_the_database_as_it_was():
    evaluate(str(EVALUATION), "--key", str(EVALUATION / "key.json"))
    assert not Synopsis.objects.exists()
    assert not FilmKnowledge.objects.exists()


def test_a_miss_is_listed_with_the_evidence_that_decided_it(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Rocky Balboa trifft Apollo Creed und Adrian in Philadelphia.\n", encoding="utf-8"
    )
    key = {"a.txt": [{"film": ["Rocky IV", 1985], "lang": "de"}]}
    (tmp_path / "key.json").write_text(json.dumps(key), encoding="utf-8")
    result = evaluate(str(tmp_path), "--key", str(tmp_path / "key.json"))
    (miss,) = result["misses"]
    assert miss["expected"] == ["Rocky IV", 1985]
    assert miss["got"] in (None, ["Rocky", 1976])
    assert any("Apollo Creed" in c["evidence"] for c in miss["candidates"])


def test_the_text_report_has_a_table_per_language_and_the_threshold_table(tmp_path):
    out = StringIO()
    call_command(
        "evaluate_matching", str(EVALUATION), "--key", str(EVALUATION / "key.json"), stdout=out
    )
    text = out.getvalue()
    assert "language  blocks  right  wrong  unassigned  kept outside  languages right" in text
    assert "Confidence threshold" in text


@pytest.mark.parametrize(
    ("key_text", "message"),
    [
        ("not json", "cannot read the key"),
        ('["a list"]', "must be an object"),
        ('{"missing.txt": []}', "not there"),
        ('{"a.txt": [{"film": null, "lang": "en"}, {"film": null, "lang": "en"}]}', "blocks"),
    ],
)
def test_a_bad_key_is_a_clear_error(tmp_path, key_text, message):
    (tmp_path / "a.txt").write_text("One block only.\n", encoding="utf-8")
    (tmp_path / "key.json").write_text(key_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_matching", str(tmp_path), "--key", str(tmp_path / "key.json"))


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("evaluate_matching", str(tmp_path / "nowhere"))
