"""The admin's "Import synopses" page and an import's progress view, through the test client."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from films.models import ImportBatch, ImportStatus

from .factories import make_catalogue

pytestmark = pytest.mark.django_db(transaction=True)

ADD = reverse("admin:films_importbatch_add")
GERMAN = "Rocky Balboa kämpft in Moskau gegen Ivan Drago und gewinnt nach zwölf Runden."


def upload(client, *files, encoding=""):
    return client.post(
        ADD, {"files": [SimpleUploadedFile(n, d) for n, d in files], "encoding": encoding}
    )


def test_the_import_page_offers_files_and_encodings(admin_client):
    page = admin_client.get(ADD).content.decode()
    assert 'type="file" name="files"' in page and "multiple" in page
    assert '<option value="latin-1">Latin-1 (ISO-8859-1)</option>' in page
    assert "Up to 20 files of at most 5.0" in page


def test_an_upload_is_queued_then_reported_with_links_into_the_queue(admin_client):
    make_catalogue()
    response = upload(
        admin_client,
        ("de.txt", GERMAN.encode("latin-1")),
        ("vague.txt", b"A boxer trains hard and fights a champion in a faraway city."),
        encoding="latin-1",
    )
    batch = ImportBatch.objects.get()
    progress_url = reverse("admin:films_importbatch_change", args=[batch.pk])
    json_url = reverse("admin:films_importbatch_progress", args=[batch.pk])
    assert response["Location"] == progress_url
    queued = admin_client.get(json_url).json()
    assert (queued["files"], queued["files_done"], queued["percent"], queued["finished"]) == (
        2,
        0,
        0,
        False,
    )
    assert "films/import-progress.js" in admin_client.get(progress_url).content.decode()

    call_command("import_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    done = admin_client.get(json_url).json()
    assert (done["files_done"], done["percent"], done["finished"]) == (2, 100, True)
    assert done["synopses"]["created"] == 2 and done["synopses"]["for_review"] >= 1
    page = admin_client.get(progress_url).content.decode()
    assert "2 files, 2 synopsis blocks → 2 synopses" in page  # the command's summary line
    assert 'class="queue-link"' in page and 'id="open-queue"' in page
    assert "films/import-progress.js" not in page  # finished: nothing to poll


@pytest.mark.parametrize(
    ("files", "encoding", "message"),
    [
        ((("de.txt", GERMAN.encode("latin-1")),), "", "de.txt: not valid UTF-8"),
        ((("x.bin", b"\x00\x00\x01binary\x02"),), "", "x.bin: the file holds binary data"),
        ((("big.txt", b"a" * 3000),), "", "more than the limit of 2,048 bytes"),
    ],
)
def test_a_refused_upload_says_why_and_stores_nothing(
    admin_client, settings, files, encoding, message
):
    settings.IMPORT_UPLOAD_MAX_BYTES = 2048
    response = upload(admin_client, ("good.txt", b"Rocky fights again."), *files, encoding=encoding)
    assert response.status_code == 200
    assert "Nothing was stored:" in response.content.decode()
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_no_file_is_a_form_error(admin_client):
    response = admin_client.post(ADD, {"encoding": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_staff_without_add_synopsis_cannot_upload(django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_synopsis"))
    client = Client()
    client.force_login(user)
    assert client.get(ADD).status_code == 403
    assert upload(client, ("a.txt", b"Rocky.")).status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_needs_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert upload(client, ("a.txt", b"Rocky.")).status_code == 403


def test_a_failed_file_is_shown_with_its_reason(admin_client):
    upload(admin_client, ("symbols.txt", b"*** --- ***\n"))
    call_command("import_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.files.get().status == ImportStatus.FAILED
    page = admin_client.get(reverse("admin:films_importbatch_change", args=[batch.pk]))
    assert "no synopsis text found" in page.content.decode()
