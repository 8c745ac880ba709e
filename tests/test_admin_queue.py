"""The review queue and the synopsis admin as editors work them: history, permissions, wording.

Every editorial action must leave an entry in the synopsis's own history (its concrete
content type): the table below names every action and view, and a test fails when an
admin grows an action the table does not cover.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from films.importer.storing import checksum
from films.models import ReviewQueueEntry, ReviewStatus, Synopsis

from .factories import FilmFactory, ReviewEntryFactory, SynopsisFactory, candidate

pytestmark = pytest.mark.django_db


def url(model, view: str, *args) -> str:
    return reverse(f"admin:films_{model._meta.model_name}_{view}", args=args)


def history_of(synopsis: Synopsis) -> list[str]:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Synopsis), object_id=str(synopsis.pk)
    )
    return [entry.get_change_message() for entry in entries]


@pytest.fixture
def film():
    return FilmFactory(title="Rocky IV", year=1985)


@pytest.fixture
def entry(film):
    return ReviewEntryFactory(
        language="da",
        language_uncertain=True,
        match_candidates=[candidate(film, score=0.8, evidence=("Ivan Drago",))],
    )


def post_action(client, model, action: str, entry, **data):
    return client.post(
        url(model, "changelist"),
        {"action": action, "_selected_action": [entry.pk], "apply": "1", **data},
    )


def with_proposal(entry):
    entry.proposed_text = entry.text + " A new sentence from the source."
    entry.proposed_checksum = checksum(entry.proposed_text)
    entry.is_edited = True
    entry.save()
    return entry


# (admin model, what the editor does) → the history line it must leave on the synopsis.
ACTIONS = {
    "assign_film": lambda c, m, e, f: post_action(c, m, "assign_film", e, candidate=f.pk),
    "set_language": lambda c, m, e, f: post_action(c, m, "set_language", e, language="nb"),
    "rematch": lambda c, m, e, f: _rematch_changing(c, m, e),
    "mark_reviewed": lambda c, m, e, f: post_action(c, m, "mark_reviewed", e),
    "delete_selected": lambda c, m, e, f: c.post(
        url(m, "changelist"),
        {"action": "delete_selected", "_selected_action": [e.pk], "post": "yes"},
    ),
    "assign_view": lambda c, m, e, f: c.post(url(m, "assign", e.pk, f.pk)),
    "change_form": lambda c, m, e, f: c.post(
        url(m, "change", e.pk), {"text": e.text + " Edited.", "film": f.pk, "language": "da"}
    ),
    "accept_proposal": lambda c, m, e, f: c.post(url(m, "proposal", with_proposal(e).pk, "accept")),
    "dismiss_proposal": lambda c, m, e, f: c.post(
        url(m, "proposal", with_proposal(e).pk, "dismiss")
    ),
}


def _rematch_changing(client, model, entry):
    # Re-matching logs what changed: make the language differ from what detection finds.
    Synopsis.objects.filter(pk=entry.pk).update(language="fi")
    return post_action(client, model, "rematch", entry)


@pytest.mark.parametrize("model", [Synopsis, ReviewQueueEntry], ids=["synopses", "queue"])
def test_the_table_covers_every_action_of_the_admin(rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    actions = set(admin.site._registry[model].get_actions(request))
    assert actions <= set(ACTIONS), f"add the new action to ACTIONS: {actions - set(ACTIONS)}"


@pytest.mark.parametrize("model", [Synopsis, ReviewQueueEntry], ids=["synopses", "queue"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_editorial_action_leaves_history_on_the_synopsis(
    admin_client, model, action, entry, film
):
    response = ACTIONS[action](admin_client, model, entry, film)
    assert response.status_code == 302, getattr(response, "context", None) and [
        str(m) for m in response.context["messages"]
    ]
    assert history_of(entry), f"{action} from {model.__name__} left no history"
    # Never under the queue's proxy, where the synopsis's History cannot see it.
    proxy = ContentType.objects.get_for_model(ReviewQueueEntry, for_concrete_model=False)
    assert not LogEntry.objects.filter(content_type=proxy).exists()


def test_history_stays_visible_after_the_entry_left_the_queue(admin_client, entry, film):
    admin_client.post(url(ReviewQueueEntry, "assign", entry.pk, film.pk))
    page = admin_client.get(url(Synopsis, "history", entry.pk)).content.decode()
    assert "Assigned to film “Rocky IV (1985)”" in page
    queue_history = admin_client.get(url(ReviewQueueEntry, "history", entry.pk))
    assert queue_history["Location"] == url(Synopsis, "history", entry.pk)
    change_page = admin_client.get(url(Synopsis, "change", entry.pk)).content.decode()
    assert "Assigned to film" in change_page  # the History section of the synopsis page


@pytest.fixture
def staff_viewer(django_user_model):
    """Staff who may view synopses, and change queue entries (the proxy), but not synopses."""
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_synopsis", "change_reviewqueueentry", "view_reviewqueueentry"]
        )
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [Synopsis, ReviewQueueEntry], ids=["synopses", "queue"])
def test_staff_without_change_synopsis_cannot_assign(staff_viewer, model, entry, film):
    listing = staff_viewer.get(url(model, "changelist"))
    assert listing.status_code == 200
    assert "assign_film" not in listing.content.decode()
    post_action(staff_viewer, model, "assign_film", entry, candidate=film.pk)
    assert staff_viewer.post(url(model, "assign", entry.pk, film.pk)).status_code == 403
    accept = staff_viewer.post(url(model, "proposal", with_proposal(entry).pk, "accept"))
    assert accept.status_code == 403
    entry.refresh_from_db()
    assert entry.film is None and entry.review_status == ReviewStatus.PENDING
    assert history_of(entry) == []


def test_actions_and_assign_need_the_csrf_token(admin_user, entry, film):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(url(ReviewQueueEntry, "assign", entry.pk, film.pk)).status_code == 403
    refused = post_action(client, ReviewQueueEntry, "assign_film", entry, candidate=film.pk)
    assert refused.status_code == 403
    entry.refresh_from_db()
    assert entry.film is None


def test_plural_wording_of_the_queue(admin_client, entry):
    page = admin_client.get(url(ReviewQueueEntry, "changelist")).content.decode()
    assert "Delete selected review queue entries" in page
    assert "1 review queue entry" in page
    assert "review queue</" not in page.lower().replace("review queue entries</", "")


@pytest.mark.parametrize(
    ("waiting", "text"), [(0, "0 entries wait"), (1, "1 entry waits"), (2, "2 entries wait")]
)
def test_the_waiting_count_is_in_the_header_and_on_the_index(admin_client, waiting, text):
    for _ in range(waiting):
        ReviewEntryFactory()
    SynopsisFactory(review_status=ReviewStatus.AUTO)  # not waiting
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert index.count(f"{text} for review") == 2  # the header's badge and the index's box
    film_list = admin_client.get(url(Synopsis, "changelist")).content.decode()
    assert f"{text} for review" in film_list


def test_the_queue_entry_page_offers_the_next_entry_and_keys(admin_client, entry, film):
    second = ReviewEntryFactory(source_file="zz.txt")
    page = admin_client.get(url(ReviewQueueEntry, "change", entry.pk)).content.decode()
    assert f'href="{url(ReviewQueueEntry, "change", second.pk)}" id="next-entry"' in page
    assert 'data-key="1"' in page and "films/queue-keys.js" in page
    film_link = (
        f'href="{url(type(film), "change", film.pk)}" title="Ivan Drago">Rocky IV (1985)</a>'
    )
    assert film_link in page  # each candidate links to its film, its evidence beside it

    saved = admin_client.post(
        url(ReviewQueueEntry, "change", entry.pk),
        {"text": entry.text, "film": film.pk, "language": "da", "_save": "Save"},
    )
    assert saved["Location"] == url(ReviewQueueEntry, "change", second.pk)


def test_the_language_box_offers_the_language_table(admin_client, entry):
    page = admin_client.get(url(ReviewQueueEntry, "change", entry.pk)).content.decode()
    assert 'list="id_language-languages"' in page
    assert '<option value="th">' in page and '<option value="da">' in page
    # A tag outside the table is still accepted.
    admin_client.post(
        url(Synopsis, "change", entry.pk), {"text": entry.text, "film": "", "language": "gsw"}
    )
    entry.refresh_from_db()
    assert entry.language == "gsw"


def test_accepting_the_new_text_keeps_the_synopsis_the_editors(admin_client, entry):
    with_proposal(entry)
    new_text = entry.proposed_text
    page = admin_client.get(url(Synopsis, "change", entry.pk)).content.decode()
    assert "<ins>A new sentence from the source.</ins>" in page
    admin_client.post(url(Synopsis, "proposal", entry.pk, "accept"))
    entry.refresh_from_db()
    assert entry.text == new_text and entry.proposed_text == ""
    assert entry.source_checksum == checksum(new_text) and entry.is_edited


def test_dismissing_keeps_the_version_and_remembers_the_text(admin_client, entry):
    with_proposal(entry)
    before = entry.text
    admin_client.post(url(Synopsis, "proposal", entry.pk, "dismiss"))
    entry.refresh_from_db()
    assert entry.text == before and entry.proposed_text == ""
    assert entry.proposed_checksum  # the same text is not offered again
