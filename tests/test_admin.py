"""The admin, driven through its real views and forms with the test client."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from films.importer.services import import_synopses
from films.models import (
    Film,
    FilmKind,
    FilmKnowledge,
    FilmTitle,
    Franchise,
    ImportBatch,
    ImportFile,
    KnowledgeKind,
    OutsideWork,
    ReviewQueueEntry,
    ReviewStatus,
    Synopsis,
    TitleKind,
)

from .factories import (
    FilmFactory,
    FilmKnowledgeFactory,
    FilmTitleFactory,
    FranchiseFactory,
    ReviewEntryFactory,
    SynopsisFactory,
    candidate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # admin_client's user is created per test; the default hasher takes most of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "films"),
    key=lambda model: model._meta.model_name,
)
MODEL_NAMES = [model._meta.model_name for model in REGISTERED]

DRAGO_TEXT = (
    "Ivan Drago, the Soviet boxer, kills Apollo Creed in the ring. Rocky Balboa travels "
    "to Moscow for a fight on Christmas Day, trains in the snow and wins over the crowd."
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:films_{model._meta.model_name}_{view}", args=args)


def changelist_results(client, model, query: dict | None = None) -> list:
    response = client.get(admin_url(model, "changelist"), query or {})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def action(client, model, name: str, objects, **data):
    return client.post(
        admin_url(model, "changelist"),
        {"action": name, "_selected_action": [obj.pk for obj in objects], **data},
    )


@pytest.fixture
def catalogue():
    """A small catalogue: a franchise, two films with titles and names, synopses of each kind."""
    rocky = FranchiseFactory(name="Rocky", slug="rocky")
    rocky_iv = FilmFactory(
        title="Rocky IV", slug="rocky-iv", year=1985, franchise=rocky, franchise_position=4
    )
    creed = FilmFactory(
        title="Creed", slug="creed", year=2015, franchise=rocky, franchise_position=7
    )
    jagten = FilmFactory(title="Jagten", slug="jagten", year=2012, original_language="da")
    FilmTitleFactory(film=rocky_iv, title="ร็อคกี้ 4", language="th")
    FilmTitleFactory(film=jagten, title="The Hunt", language="en")
    FilmTitleFactory(film=creed, title="Creed: L'héritage de Rocky Balboa", language="fr")
    FilmKnowledgeFactory(film=rocky_iv, text="Ivan Drago", kind=KnowledgeKind.CHARACTER)
    FilmKnowledgeFactory(film=jagten, text="Mads Mikkelsen", kind=KnowledgeKind.ACTOR)
    auto = SynopsisFactory(
        film=rocky_iv, language="en", text="Rocky fights Ivan Drago in Moscow on Christmas."
    )
    danish = SynopsisFactory(
        film=jagten,
        language="da",
        text="Lucas er pædagog i en lille by, og en løgn vender byen mod ham.",
        is_edited=True,
        review_status=ReviewStatus.REVIEWED,
    )
    thai = SynopsisFactory(film=rocky_iv, language="th", text="ร็อคกี้ต้องต่อสู้กับอีวาน ดราโก้")
    pending = ReviewEntryFactory(
        language="en",
        text="A boxer and his old rival meet again for one more fight.",
        match_candidates=[
            candidate(creed, score=2.5, evidence=("Adonis",)),
            candidate(rocky_iv, score=1.5, evidence=("boxer",)),
        ],
    )
    unsure = SynopsisFactory(
        film=jagten,
        language="no",
        language_confidence=0.62,
        language_uncertain=True,
        review_status=ReviewStatus.PENDING,
        text="Lucas blir beskyldt for noe han ikke har gjort.",
    )
    return {
        "franchise": rocky,
        "rocky_iv": rocky_iv,
        "creed": creed,
        "jagten": jagten,
        "auto": auto,
        "danish": danish,
        "thai": thai,
        "pending": pending,
        "unsure": unsure,
    }


def example_object(model, catalogue):
    return {
        Franchise: catalogue["franchise"],
        Film: catalogue["rocky_iv"],
        FilmTitle: FilmTitle.objects.first(),
        FilmKnowledge: FilmKnowledge.objects.first(),
        Synopsis: catalogue["auto"],
        ReviewQueueEntry: ReviewQueueEntry.objects.get(pk=catalogue["pending"].pk),
        OutsideWork: OutsideWork.objects.get_or_create(title="Cobra Kai", year=2018)[0],
        ImportBatch: ImportBatch.objects.create(encoding=""),
    }[model]


# --- Every page answers ---


def test_every_films_model_is_registered():
    assert set(REGISTERED) == {
        Franchise,
        Film,
        FilmTitle,
        FilmKnowledge,
        Synopsis,
        ReviewQueueEntry,
        OutsideWork,
        ImportBatch,
    }


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_NAMES)
def test_changelist_change_and_add_pages_answer(admin_client, catalogue, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    obj = example_object(model, catalogue)
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    history = admin_client.get(admin_url(model, "history", obj.pk))
    if model is ReviewQueueEntry:  # one history per synopsis, on the synopsis itself
        assert history["Location"] == admin_url(Synopsis, "history", obj.pk)
    else:
        assert history.status_code == 200
    expected_add = 403 if model is ReviewQueueEntry else 200
    assert admin_client.get(admin_url(model, "add")).status_code == expected_add


def test_admin_index_lists_the_review_queue(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert admin_url(ReviewQueueEntry, "changelist") in response.content.decode()


def anonymous_urls() -> list[tuple[str, str]]:
    urls = [("index", "/admin/")]
    for model in REGISTERED:
        name = model._meta.model_name
        urls += [
            (f"{name}-changelist", admin_url(model, "changelist")),
            (f"{name}-add", admin_url(model, "add")),
            (f"{name}-change", admin_url(model, "change", 1)),
            (f"{name}-history", admin_url(model, "history", 1)),
            (f"{name}-delete", admin_url(model, "delete", 1)),
        ]
    urls += [
        ("synopsis-assign", admin_url(Synopsis, "assign", 1, 1)),
        ("reviewqueueentry-assign", admin_url(ReviewQueueEntry, "assign", 1, 1)),
        ("autocomplete", reverse("admin:autocomplete")),
    ]
    return urls


@pytest.mark.parametrize(("name", "url"), anonymous_urls(), ids=[n for n, _ in anonymous_urls()])
def test_anonymous_user_is_sent_to_login(client, catalogue, name, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permissions_cannot_change_synopses(client, django_user_model, catalogue):
    user = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(admin_url(Synopsis, "changelist")).status_code == 403
    response = client.post(
        admin_url(Synopsis, "assign", catalogue["pending"].pk, catalogue["creed"].pk)
    )
    assert response.status_code == 403


# --- Search and filters ---


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Film, {"q": "rocky iv"}, {"rocky-iv"}),
        (Film, {"q": "Rocky 4"}, {"rocky-iv"}),  # title key: numerals
        (Film, {"q": "ROCKY Ⅳ"}, {"rocky-iv"}),
        (Film, {"q": "ร็อคกี้"}, {"rocky-iv"}),  # a Thai title
        (Film, {"q": "The Hunt"}, {"jagten"}),  # an English title of a Danish film
        (Film, {"q": "heritage"}, {"creed"}),  # accents folded: héritage
        (Film, {"q": "Mikkelsen"}, {"jagten"}),  # matching knowledge
        (Film, {"q": "nothing like this"}, set()),
        (Film, {"kind__exact": FilmKind.RELEASED}, {"rocky-iv", "creed", "jagten"}),
        (Film, {"franchise__id__exact": "ROCKY"}, {"rocky-iv", "creed"}),
        (Film, {"original_language": "da"}, {"jagten"}),
        (Film, {"synopsis_language": "th"}, {"rocky-iv"}),
        (Film, {"synopsis_language": "no"}, {"jagten"}),
        (Film, {"q": "rocky", "synopsis_language": "en"}, {"rocky-iv"}),
    ],
)
def test_film_search_and_filters(admin_client, catalogue, model, query, expected):
    query = {
        key: str(catalogue["franchise"].pk) if value == "ROCKY" else value
        for key, value in query.items()
    }
    assert {film.slug for film in changelist_results(admin_client, model, query)} == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Moscow"}, {"auto"}),
        ({"q": "pædagog"}, {"danish"}),
        ({"q": "ดราโก้"}, {"thai"}),  # Thai synopsis text
        ({"q": "ร็อคกี้ 4"}, {"auto", "thai"}),  # the film's Thai title
        ({"q": "Jagten"}, {"danish", "unsure"}),
        ({"q": "test.txt"}, {"auto", "danish", "thai", "pending", "unsure"}),
        ({"language": "da"}, {"danish"}),
        ({"language": "th"}, {"thai"}),
        ({"review_status__exact": ReviewStatus.PENDING}, {"pending", "unsure"}),
        ({"review_status__exact": ReviewStatus.REVIEWED}, {"danish"}),
        ({"is_edited__exact": "1"}, {"danish"}),
        ({"language_uncertain__exact": "1"}, {"unsure"}),
        ({"film__franchise__id__exact": "ROCKY"}, {"auto", "thai"}),
        ({"film__kind__exact": FilmKind.RELEASED}, {"auto", "danish", "thai", "unsure"}),
        ({"language": "en", "review_status__exact": ReviewStatus.AUTO}, {"auto"}),
    ],
)
def test_synopsis_search_and_filters(admin_client, catalogue, query, expected):
    query = {
        key: str(catalogue["franchise"].pk) if value == "ROCKY" else value
        for key, value in query.items()
    }
    names = {catalogue[name].pk: name for name in ("auto", "danish", "thai", "pending", "unsure")}
    results = changelist_results(admin_client, Synopsis, query)
    assert {names[synopsis.pk] for synopsis in results} == expected


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (FilmTitle, {"q": "ร็อคกี้"}, {"ร็อคกี้ 4"}),
        (FilmTitle, {"language": "fr"}, {"Creed: L'héritage de Rocky Balboa"}),
        (FilmTitle, {"q": "jagten"}, {"The Hunt"}),
        (FilmKnowledge, {"q": "drago"}, {"Ivan Drago"}),
        (FilmKnowledge, {"kind__exact": KnowledgeKind.ACTOR}, {"Mads Mikkelsen"}),
        (Franchise, {"q": "rock"}, {"Rocky"}),
    ],
)
def test_titles_knowledge_and_franchise_search(admin_client, catalogue, model, query, expected):
    results = changelist_results(admin_client, model, query)
    assert {
        getattr(row, "title", None) or getattr(row, "text", None) or row.name for row in results
    } == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"pending", "unsure"}),
        ({"reason": "film"}, {"pending"}),
        ({"reason": "language"}, {"unsure"}),
        ({"language": "no"}, {"unsure"}),
        ({"q": "rival"}, {"pending"}),
    ],
)
def test_review_queue_holds_what_the_importer_could_not_decide(
    admin_client, catalogue, query, expected
):
    names = {catalogue[name].pk: name for name in ("auto", "danish", "thai", "pending", "unsure")}
    results = changelist_results(admin_client, ReviewQueueEntry, query)
    assert {names[entry.pk] for entry in results} == expected


def test_film_changelist_columns(admin_client, catalogue):
    body = admin_client.get(admin_url(Film, "changelist")).content.decode()
    assert '<span lang="th">ร็อคกี้ 4</span>' in body
    assert '<code title="ไทย">th</code>' in body
    assert '<td class="field-synopsis_count">2</td>' in body  # Rocky IV: en and th


def test_autocomplete_finds_films_by_any_title(admin_client, catalogue):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "films", "model_name": "synopsis", "field_name": "film", "term": "ร็อคกี้"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Rocky IV (1985)"]


# --- Fixed query counts ---


def populate(count: int) -> None:
    """``count`` rows in every changelist: franchises, films, titles, names, synopses, queue,
    works outside the catalogue."""
    for _ in range(count):
        franchise = FranchiseFactory()
        film = FilmFactory(franchise=franchise, franchise_position=1)
        FilmTitleFactory(film=film, language="th", title=f"ภาพยนตร์ {film.pk}")
        FilmKnowledgeFactory(film=film)
        SynopsisFactory(film=film)
        ReviewEntryFactory(match_candidates=[candidate(film, evidence=("a name",))])
        OutsideWork.objects.create(title=f"Outside {film.pk}", franchise=franchise, names="A B")
        batch = ImportBatch.objects.create(encoding="")
        ImportFile.objects.create(
            batch=batch, position=1, name="a.txt", source_file="upload:a.txt", text="A", size=1
        )


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_NAMES)
def test_changelist_costs_the_same_queries_for_3_and_30_rows(
    admin_client, model, django_assert_max_num_queries
):
    url = admin_url(model, "changelist")
    admin_client.get(url)  # warm caches (content types, session) before counting
    populate(3)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    populate(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count >= 30


# --- Working the review queue ---


def test_a_candidate_button_assigns_the_entry(admin_client, admin_user, catalogue):
    pending, creed = catalogue["pending"], catalogue["creed"]
    page = admin_client.get(admin_url(ReviewQueueEntry, "change", pending.pk)).content.decode()
    assign = admin_url(ReviewQueueEntry, "assign", pending.pk, creed.pk)
    assert f'formaction="{assign}"' in page
    assert "Creed (2015)" in page
    assert "Adonis" in page

    response = admin_client.post(assign)

    assert response.status_code == 302
    # The next entry opens, or the list once the queue is empty.
    following = ReviewQueueEntry.objects.in_review_queue().order_by("source_file").first()
    expected = (
        admin_url(ReviewQueueEntry, "change", following.pk)
        if following
        else admin_url(ReviewQueueEntry, "changelist")
    )
    assert response["Location"] == expected
    pending.refresh_from_db()
    assert pending.film == creed
    assert pending.review_status == ReviewStatus.REVIEWED
    assert pending.is_edited
    entry = LogEntry.objects.get(object_id=str(pending.pk))
    assert entry.user == admin_user and entry.action_flag == CHANGE
    assert "Creed" in entry.get_change_message()
    assert pending.pk not in {e.pk for e in changelist_results(admin_client, ReviewQueueEntry)}


def test_the_assign_button_only_accepts_post(admin_client, catalogue):
    url = admin_url(ReviewQueueEntry, "assign", catalogue["pending"].pk, catalogue["creed"].pk)
    assert admin_client.get(url).status_code == 405


def test_assign_action_shows_candidates_then_assigns(admin_client, catalogue):
    pending, creed = catalogue["pending"], catalogue["creed"]
    form_page = action(admin_client, ReviewQueueEntry, "assign_film", [pending])
    assert form_page.status_code == 200
    body = form_page.content.decode()
    assert "Creed (2015) · score 2.5" in body
    assert "admin-autocomplete" in body  # any film, found by typing

    done = action(
        admin_client, ReviewQueueEntry, "assign_film", [pending], apply="1", candidate=creed.pk
    )

    assert done.status_code == 302
    pending.refresh_from_db()
    assert (pending.film, pending.review_status) == (creed, ReviewStatus.REVIEWED)
    assert LogEntry.objects.filter(object_id=str(pending.pk), action_flag=CHANGE).exists()


def test_assign_action_takes_any_film(admin_client, catalogue):
    pending, jagten = catalogue["pending"], catalogue["jagten"]
    action(admin_client, ReviewQueueEntry, "assign_film", [pending], apply="1", film=jagten.pk)
    pending.refresh_from_db()
    assert pending.film == jagten


def test_assign_action_without_a_choice_asks_again(admin_client, catalogue):
    response = action(
        admin_client, ReviewQueueEntry, "assign_film", [catalogue["pending"]], apply="1"
    )
    assert response.status_code == 200
    assert "Choose the film these synopses describe." in response.content.decode()
    catalogue["pending"].refresh_from_db()
    assert catalogue["pending"].film is None


def test_set_language_action(admin_client, catalogue):
    unsure = catalogue["unsure"]
    response = action(
        admin_client, ReviewQueueEntry, "set_language", [unsure], apply="1", language="NB"
    )
    assert response.status_code == 302
    unsure.refresh_from_db()
    assert (unsure.language, unsure.language_uncertain, unsure.is_edited) == ("nb", False, True)
    assert (
        unsure.review_status == ReviewStatus.REVIEWED
    )  # it had a film; only the language was open
    assert "no → nb" in LogEntry.objects.get(object_id=str(unsure.pk)).get_change_message()


def test_set_language_rejects_what_is_not_a_tag(admin_client, catalogue):
    response = action(
        admin_client,
        ReviewQueueEntry,
        "set_language",
        [catalogue["unsure"]],
        apply="1",
        language="Norwegian!",
    )
    assert response.status_code == 200
    assert "BCP 47" in response.content.decode()


def test_mark_reviewed_action(admin_client, catalogue):
    unsure = catalogue["unsure"]
    action(admin_client, ReviewQueueEntry, "mark_reviewed", [unsure])
    unsure.refresh_from_db()
    assert (unsure.review_status, unsure.language_uncertain) == (ReviewStatus.REVIEWED, False)
    assert LogEntry.objects.filter(object_id=str(unsure.pk)).exists()


def test_rematch_redetects_the_language(admin_client, catalogue):
    entry = ReviewEntryFactory(
        language="und",
        language_confidence=0.0,
        language_uncertain=True,
        text=(
            "Ivan Drago, the Soviet boxer, kills an old champion in an exhibition bout. "
            "The hero travels to Moscow, trains in the snow and wins over the crowd."
        ),
    )
    response = action(admin_client, ReviewQueueEntry, "rematch", [entry])
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.language, entry.language_uncertain) == ("en", False)
    assert entry.film == catalogue["rocky_iv"]
    assert entry.review_status == ReviewStatus.AUTO
    assert LogEntry.objects.filter(object_id=str(entry.pk)).exists()


def test_rematch_keeps_an_editors_language_and_decision(admin_client, catalogue):
    danish = catalogue["danish"]
    edited = ReviewEntryFactory(
        language="nb", is_edited=True, text="Ivan Drago fights in Moscow on Christmas Day."
    )
    action(admin_client, Synopsis, "rematch", [danish, edited])
    danish.refresh_from_db()
    edited.refresh_from_db()
    assert (danish.film, danish.review_status) == (catalogue["jagten"], ReviewStatus.REVIEWED)
    assert edited.language == "nb"  # matched again, not re-detected
    assert edited.film == catalogue["rocky_iv"]


def test_new_matching_knowledge_lets_the_queue_resolve_itself(admin_client, catalogue):
    """An editor adds a name to a film in admin; re-running matching places the entry."""
    text = (
        "Adonis Johnson, son of a famous champion, asks his father's old rival to train him "
        "in Philadelphia before a title fight in Liverpool."
    )
    entry = ReviewEntryFactory(language="en", text=text)
    action(admin_client, ReviewQueueEntry, "rematch", [entry])
    entry.refresh_from_db()
    assert (entry.film, entry.review_status) == (None, ReviewStatus.PENDING)

    response = admin_client.post(
        admin_url(FilmKnowledge, "add"),
        {
            "film": catalogue["creed"].pk,
            "text": "Adonis Johnson",
            "kind": KnowledgeKind.CHARACTER,
            "language": "",
        },
    )
    assert response.status_code == 302
    queue = changelist_results(admin_client, ReviewQueueEntry)
    action(admin_client, ReviewQueueEntry, "rematch", queue)

    entry.refresh_from_db()
    assert (entry.film, entry.review_status) == (catalogue["creed"], ReviewStatus.AUTO)
    assert "Adonis Johnson" in entry.match_evidence
    assert entry.pk not in {e.pk for e in changelist_results(admin_client, ReviewQueueEntry)}


# --- Editing synopses ---


def synopsis_form(synopsis: Synopsis, **changes) -> dict:
    data = {
        "text": synopsis.text.replace("\n", "\r\n"),  # as a browser sends a textarea
        "film": synopsis.film_id or "",
        "language": synopsis.language,
    }
    return {**data, **changes}


def test_saving_an_unchanged_form_is_not_an_edit(admin_client, catalogue):
    auto = catalogue["auto"]
    auto.text = "First paragraph.\n\nSecond paragraph about Ivan Drago."
    auto.save()
    response = admin_client.post(admin_url(Synopsis, "change", auto.pk), synopsis_form(auto))
    assert response.status_code == 302
    auto.refresh_from_db()
    assert not auto.is_edited
    assert auto.review_status == ReviewStatus.AUTO
    assert "\r" not in auto.text


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"text": "A corrected synopsis of Rocky IV."}, ReviewStatus.AUTO),
        ({"language": "en-GB"}, ReviewStatus.REVIEWED),
        ({"film": "CREED"}, ReviewStatus.REVIEWED),
        ({"film": ""}, ReviewStatus.PENDING),
    ],
)
def test_an_edit_in_admin_marks_the_synopsis_edited(admin_client, catalogue, changes, status):
    auto = catalogue["auto"]
    changes = {k: catalogue["creed"].pk if v == "CREED" else v for k, v in changes.items()}
    response = admin_client.post(
        admin_url(Synopsis, "change", auto.pk), synopsis_form(auto, **changes)
    )
    assert response.status_code == 302
    auto.refresh_from_db()
    assert auto.is_edited
    assert auto.review_status == status
    log = LogEntry.objects.get(object_id=str(auto.pk))
    assert log.action_flag == CHANGE


def test_saving_the_queue_form_with_a_film_resolves_the_entry(admin_client, catalogue):
    pending = catalogue["pending"]
    response = admin_client.post(
        admin_url(ReviewQueueEntry, "change", pending.pk),
        synopsis_form(pending, film=catalogue["rocky_iv"].pk),
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.film, pending.review_status, pending.is_edited) == (
        catalogue["rocky_iv"],
        ReviewStatus.REVIEWED,
        True,
    )


def test_an_editor_can_type_in_a_synopsis(admin_client, admin_user, catalogue):
    response = admin_client.post(
        admin_url(Synopsis, "add"),
        {"text": "Written by hand.", "film": catalogue["creed"].pk, "language": "en"},
    )
    assert response.status_code == 302
    synopsis = Synopsis.objects.get(text="Written by hand.")
    assert synopsis.source_file == f"admin:{admin_user.username}"
    assert (synopsis.is_edited, synopsis.review_status) == (True, ReviewStatus.REVIEWED)
    again = admin_client.post(
        admin_url(Synopsis, "add"), {"text": "Written by hand.", "film": "", "language": "en"}
    )
    assert "already in the catalogue" in again.content.decode()


def test_film_page_has_inlines_prepopulated_slug_and_franchise_autocomplete(
    admin_client, catalogue
):
    body = admin_client.get(admin_url(Film, "change", catalogue["rocky_iv"].pk)).content.decode()
    assert 'id="titles-group"' in body
    assert 'id="knowledge-group"' in body
    assert 'id="synopses-group"' in body
    assert "prepopulated_fields" in body or "data-prepopulated-field" in body
    assert 'class="admin-autocomplete' in body and 'name="franchise"' in body
    # Each synopsis: language code and native name, confidence, provenance, evidence.
    assert '<span lang="th" title="Thai">ไทย</span>' in body
    assert catalogue["thai"].source_checksum[:12] in body
    assert "synopses/test.txt</code>, lines" in body


def test_a_film_with_titles_and_knowledge_can_be_added(admin_client, catalogue):
    data = {
        "title": "Rocky V",
        "slug": "rocky-v",
        "year": 1990,
        "kind": FilmKind.RELEASED,
        "original_language": "en",
        "franchise": catalogue["franchise"].pk,
        "franchise_position": 5,
        "titles-TOTAL_FORMS": 1,
        "titles-INITIAL_FORMS": 0,
        "titles-0-title": "ร็อคกี้ 5",
        "titles-0-language": "th",
        "titles-0-kind": TitleKind.LOCALIZED,
        "titles-0-script": "",
        "knowledge-TOTAL_FORMS": 1,
        "knowledge-INITIAL_FORMS": 0,
        "knowledge-0-text": "Tommy Gunn",
        "knowledge-0-kind": KnowledgeKind.CHARACTER,
        "knowledge-0-language": "",
        "synopses-TOTAL_FORMS": 0,
        "synopses-INITIAL_FORMS": 0,
    }
    response = admin_client.post(admin_url(Film, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    film = Film.objects.get(slug="rocky-v")
    assert film.titles.get().script == "Thai"
    assert film.knowledge.get().key == "tommy gunn"


@pytest.mark.parametrize("model", [Synopsis, ReviewQueueEntry], ids=["synopsis", "queue"])
def test_synopsis_text_is_escaped_everywhere(admin_client, catalogue, model):
    hostile = '<script>alert("x")</script> <b>bold</b>'
    entry = ReviewEntryFactory(
        text=hostile,
        language_uncertain=True,
        match_candidates=[
            {
                "film_id": catalogue["creed"].pk,
                "title": "<img src=x onerror=alert(1)>",
                "year": 2015,
                "score": 1,
                "evidence": ["<script>evil()</script>"],
            }
        ],
    )
    pages = [
        admin_client.get(admin_url(model, "changelist")),
        admin_client.get(admin_url(model, "change", entry.pk)),
        action(admin_client, model, "assign_film", [entry]),
    ]
    for page in pages:
        body = page.content.decode()
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert "<script>evil" not in body
        assert "&lt;script&gt;" in body


# --- An editor's version survives the next import ---

KNOWLEDGE = """
[[franchises]]
slug = "rocky"
name = "Rocky"

[[films]]
slug = "rocky-iv"
title = "Rocky IV"
year = 1985
kind = "released"
original_language = "en"
franchise = "rocky"
position = 4
[[films.titles]]
language = "th"
title = "ร็อคกี้ 4"
kind = "localized"
[[films.knowledge]]
text = "Ivan Drago"
kind = "character"
"""


def test_an_admin_edit_survives_a_reimport(admin_client, tmp_path: Path):
    knowledge = tmp_path / "catalogue.toml"
    knowledge.write_text(KNOWLEDGE, encoding="utf-8")
    source = tmp_path / "synopses.txt"
    source.write_text(f"{DRAGO_TEXT}\n", encoding="utf-8")

    first = import_synopses(paths=[source], knowledge_file=knowledge)
    assert first.totals["created"] == 1
    synopsis = Synopsis.objects.get()
    assert synopsis.film.slug == "rocky-iv"

    edited_text = f"{DRAGO_TEXT}\n\nAn editor's note: the fight is on Christmas Day."
    response = admin_client.post(
        admin_url(Synopsis, "change", synopsis.pk), synopsis_form(synopsis, text=edited_text)
    )
    assert response.status_code == 302

    second = import_synopses(paths=[source], knowledge_file=knowledge)

    assert second.totals["kept"] == 1
    assert second.totals["created"] == second.totals["updated"] == 0
    assert second.files[0].synopses[0].action == "kept"
    synopsis.refresh_from_db()
    assert synopsis.text == edited_text
    assert synopsis.is_edited
    assert Synopsis.objects.count() == 1
    assert LogEntry.objects.filter(object_id=str(synopsis.pk)).exists()


def test_readme_says_how_to_create_the_first_editor():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "## Editors" in readme
    assert ".venv/bin/python manage.py createsuperuser" in readme
