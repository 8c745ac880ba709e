"""Loading curated film knowledge (fixtures/catalogue.toml's shape) into the database."""

from pathlib import Path

import pytest

from films.importer.knowledge import KnowledgeError, load_knowledge
from films.models import Film, FilmKind, FilmKnowledge, FilmTitle, Franchise, KnowledgeKind

pytestmark = pytest.mark.django_db

KNOWLEDGE = """
[[franchises]]
slug = "rocky"
name = "Rocky"

[[films]]
slug = "rocky"
title = "Rocky"
knowledge = [{text = "Apollo Creed", kind = "character"}]
year = 1976
franchise = "rocky"
position = 1

[[films]]
slug = "rocky-iv"
title = "Rocky IV"
titles = [
    {language = "th", title = "ร็อคกี้ 4"},
    {language = "de", title = "Rocky 4", kind = "alias"},
]
year = 1985
kind = "released"
knowledge = [
    {text = "Ivan Drago", kind = "character"},
    {text = "อีวาน ดราโก้", kind = "character", language = "th"},
]
original_language = "en"
franchise = "rocky"
position = 4

[[films]]
slug = "jagten"
title = "Jagten"
year = 2012
kind = "unofficial"
original_language = "da"
"""


def knowledge_file(tmp_path: Path, text: str = KNOWLEDGE) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fresh_database_gets_every_row(tmp_path):
    summary = load_knowledge(knowledge_file(tmp_path))
    assert (summary.franchises, summary.films, summary.titles, summary.knowledge) == (1, 3, 2, 3)
    assert summary.created == 1 + 3 + 2 + 3
    rocky_iv = Film.objects.get(slug="rocky-iv")
    assert (rocky_iv.franchise.name, rocky_iv.franchise_position, rocky_iv.year) == (
        "Rocky",
        4,
        1985,
    )
    assert rocky_iv.title_key == "rocky 4"
    jagten = Film.objects.get(slug="jagten")
    assert (jagten.kind, jagten.original_language, jagten.franchise) == (
        FilmKind.UNOFFICIAL,
        "da",
        None,
    )
    assert Film.objects.get(slug="rocky").kind == FilmKind.RELEASED  # the default
    titles = {(t.language, t.title, t.kind, t.script, t.title_key) for t in rocky_iv.titles.all()}
    assert titles == {
        ("th", "ร็อคกี้ 4", "localized", "Thai", "ร็อคกี้ 4"),
        ("de", "Rocky 4", "alias", "Latn", "rocky 4"),
    }
    names = {(k.text, k.key, k.language) for k in rocky_iv.knowledge.all()}
    assert names == {("Ivan Drago", "ivan drago", ""), ("อีวาน ดราโก้", "อีวาน ดราโก้", "th")}


def test_a_second_load_adds_nothing(tmp_path):
    path = knowledge_file(tmp_path)
    load_knowledge(path)
    rows = (Franchise.objects.count(), Film.objects.count(), FilmTitle.objects.count())
    again = load_knowledge(path)
    assert again.created == 0
    assert (Franchise.objects.count(), Film.objects.count(), FilmTitle.objects.count()) == rows
    assert FilmKnowledge.objects.count() == 3


def test_what_editors_changed_is_kept_and_only_missing_rows_are_added(tmp_path):
    path = knowledge_file(tmp_path)
    load_knowledge(path)
    Franchise.objects.filter(slug="rocky").update(name="Rocky (edited)")
    Film.objects.filter(slug="rocky-iv").update(title="Rocky IV (director's cut)", year=1986)
    FilmTitle.objects.filter(language="th").update(kind="alias")
    FilmKnowledge.objects.filter(text="Apollo Creed").update(language="en")
    FilmKnowledge.objects.filter(text="Ivan Drago").delete()  # an editor's deletion

    summary = load_knowledge(path)

    assert summary.created == 1  # the deleted name comes back while the file lists it
    assert Franchise.objects.get().name == "Rocky (edited)"
    film = Film.objects.get(slug="rocky-iv")
    assert (film.title, film.year) == ("Rocky IV (director's cut)", 1986)
    assert FilmTitle.objects.get(language="th").kind == "alias"
    assert FilmKnowledge.objects.get(text="Apollo Creed").language == "en"
    assert film.knowledge.filter(key="ivan drago").exists()


def test_a_name_spelled_differently_is_not_added_twice(tmp_path):
    load_knowledge(knowledge_file(tmp_path))
    respelled = KNOWLEDGE.replace('text = "Ivan Drago"', 'text = "IVAN DRÁGO"')
    assert load_knowledge(knowledge_file(tmp_path, respelled)).created == 0
    assert FilmKnowledge.objects.filter(key="ivan drago").count() == 1


def test_an_existing_film_gets_the_new_titles_and_names_of_the_file(tmp_path):
    load_knowledge(knowledge_file(tmp_path))
    grown = KNOWLEDGE + '[[films.titles]]\nlanguage = "da"\ntitle = "Jagten"\n'
    grown += '[[films.knowledge]]\ntext = "Mads Mikkelsen"\nkind = "actor"\n'
    assert load_knowledge(knowledge_file(tmp_path, grown)).created == 2
    jagten = Film.objects.get(slug="jagten")
    assert [title.title for title in jagten.titles.all()] == ["Jagten"]
    assert jagten.knowledge.get().kind == KnowledgeKind.ACTOR


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[films]]\nslug = ", "not valid TOML"),
        (
            '[[films]]\nslug = "a"\ntitle = "A"\nyear = 2000\n'
            '[[films]]\nslug = "a"\ntitle = "B"\nyear = 2001\n',
            "film slugs used twice: a",
        ),
        ('[[films]]\nslug = "a"\nyear = 2000\n', "film a: missing 'title'"),
        ('[[films]]\ntitle = "A"\nyear = 2000\n', "film: missing 'slug'"),
        ('[[franchises]]\nslug = "x"\n', "franchise x: missing 'name'"),
        (
            '[[films]]\nslug = "a"\ntitle = "A"\nyear = 2000\nfranchise = "nope"\n',
            "film a: unknown franchise 'nope'",
        ),
        ('[[films]]\nslug = "a"\ntitle = "A"\nyear = 2000\nkind = "bootleg"\n', "kind must be"),
        (
            '[[films]]\nslug = "a"\ntitle = "A"\nyear = 2000\n'
            '[[films.knowledge]]\ntext = "X"\nkind = "rumour"\n',
            "knowledge kind 'rumour' is not one of",
        ),
        (
            '[[films]]\nslug = "a"\ntitle = "A"\nyear = 2000\n[[films.titles]]\nlanguage = "de"\n',
            "film a: missing 'title'",
        ),
    ],
    ids=[
        "toml",
        "duplicate slug",
        "no title",
        "no slug",
        "no franchise name",
        "unknown franchise",
        "kind",
        "knowledge kind",
        "title text",
    ],
)
def test_a_malformed_file_is_an_error_and_writes_nothing(tmp_path, text, message):
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(knowledge_file(tmp_path, text))
    assert not Film.objects.exists()
    assert not Franchise.objects.exists()


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(KnowledgeError, match="no such file"):
        load_knowledge(tmp_path / "absent.toml")
