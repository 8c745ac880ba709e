"""An editor's import in Debian's chromium at 1,280 px, with the real background worker.

Log in, upload two files (one UTF-8, one Latin-1 with the encoding chosen), watch the
progress reach 100%, open the queue from the report, assign an entry with the keyboard, see
its History on the synopsis page; upload a changed file and see what changed. The worker is
django-tasks-db's own loop, in a thread (the live server's database is this process's).
Screenshots go to test-artifacts/.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.db.backends.signals import connection_created
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

from films.models import KnowledgeKind, ReviewStatus, Synopsis

from ..factories import FilmKnowledgeFactory, make_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a-long-test-password"
ENGLISH = "Rocky trains again in Philadelphia and climbs the museum steps before one more fight.\n"
# A name two films share and nothing else: the matcher leaves it to an editor.
GERMAN = "Apollo Creed kämpft wieder um den Titel und gewinnt nach zwölf harten Runden.\n"


@pytest.fixture
def worker(transactional_db):
    """Run the database worker's own loop while ``until`` waits (``run(until)``).

    In batch mode: it stops as soon as no task is left, so it is not polling when the page,
    seeing the import done, reloads. On SQLite the live server and the worker share one
    in-memory database, which refuses a second writer at once ("database table is locked",
    no busy timeout): a reload that met the worker's poll answered 503.
    """
    started = []
    # Readers of the shared in-memory database take table locks a writer cannot wait for:
    # the page's progress polls made the import's own writes fail. Uncommitted reads take none.
    connection_created.connect(_read_uncommitted)
    _read_uncommitted(connection)

    def run(until) -> None:
        loop = Worker(
            queue_names=["default"],
            interval=0.2,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="browser-test",
            excluded_queue_names=[],
        )

        def target() -> None:
            try:
                while True:
                    try:
                        loop.run()
                        return
                    except OperationalError as error:
                        # The worker retries a locked database inside its transaction, not
                        # when the shared in-memory database refuses its BEGIN.
                        if not is_locked_database_exception(error):
                            raise
                        time.sleep(0.2)
            finally:
                connections.close_all()  # the thread's own connection, or the test database stays

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        started.append((loop, thread))
        try:
            until()
        finally:
            loop.running = False
            thread.join(timeout=30)

    yield run
    for loop, thread in started:
        loop.running = False
        thread.join(timeout=30)
    connection_created.disconnect(_read_uncommitted)


def _read_uncommitted(connection, **kwargs) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


def test_an_editor_imports_reviews_and_sees_history(
    live_server, page, screenshot, worker, tmp_path, django_user_model
):
    films = make_catalogue()
    for slug in ("rocky", "rocky-ii"):
        FilmKnowledgeFactory(film=films[slug], text="Apollo Creed", kind=KnowledgeKind.CHARACTER)
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    (tmp_path / "english.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "german-latin1.txt").write_bytes(GERMAN.encode("latin-1"))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.click("#import-link")

    page.set_input_files("#id_files", [tmp_path / "english.txt", tmp_path / "german-latin1.txt"])
    page.select_option("#id_encoding", "latin-1")
    screenshot("editors-import-page")
    page.click("#import-upload-form input[type=submit]")

    # Queued, nothing imported yet: the worker is not running.
    page.wait_for_selector("#import-bar")
    assert page.text_content("#import-percent") == "0%"
    screenshot("editors-progress-queued")
    # The page polls, and reloads when every file is done.
    worker(lambda: page.wait_for_selector("#import-summary", timeout=60_000))
    assert page.text_content("#import-percent") == "100%"
    assert "2 files, 2 synopsis blocks → 2 synopses" in page.text_content("#import-summary")
    screenshot("editors-progress-done", full_page=True)
    german = Synopsis.objects.get(source_file="upload:german-latin1.txt")
    assert "kämpft" in german.text

    page.click("#open-queue")
    page.wait_for_selector("#result_list")
    overflow = page.evaluate(
        "(() => { const t = document.getElementById('result_list');"
        " return t.scrollWidth - t.closest('.results').clientWidth; })()"
    )
    assert overflow <= 0, f"the queue's columns overflow their box by {overflow} px"
    screenshot("editors-queue")

    page.click(f'a[href$="/reviewqueueentry/{german.pk}/change/"]')
    page.wait_for_selector("button.assign-candidate")
    candidate = page.text_content("ol.match-candidates li a")
    page.keyboard.press("1")  # assign the first candidate
    page.wait_for_load_state()
    page.wait_for_selector(".messagelist .success")
    german.refresh_from_db()
    assert german.review_status == ReviewStatus.REVIEWED
    assert german.film is not None and str(german.film) == candidate

    page.goto(f"{live_server.url}/admin/films/synopsis/{german.pk}/change/")
    history = page.text_content(".field-history_display")
    assert f"Assigned to film “{german.film}”" in history
    assert "Imported from upload:german-latin1.txt" in history
    screenshot("editors-synopsis-history", full_page=True)

    # A changed file: the report shows, per synopsis, what changed.
    changed = ENGLISH.replace("one more fight", "a last fight against the champion")
    (tmp_path / "english.txt").write_text(changed, encoding="utf-8")
    page.goto(f"{live_server.url}/admin/films/importbatch/add/")
    page.set_input_files("#id_files", [tmp_path / "english.txt"])
    page.click("#import-upload-form input[type=submit]")
    # The batch's page, so its task is queued: the worker, in batch mode, exits at once if it
    # starts before the upload has been saved, and the import would never run.
    page.wait_for_selector("#import-bar")
    worker(lambda: page.wait_for_selector("#import-summary", timeout=60_000))
    diff = page.text_content(".import-diff")
    assert page.text_content(".import-diff del") == "one more fight."
    assert "a last fight against the champion." in diff
    screenshot("editors-reimport-diff", full_page=True)
