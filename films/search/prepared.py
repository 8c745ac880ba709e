"""A cursor whose statements PostgreSQL may prepare: for the search's one heavy statement.

Django's psycopg cursors bind parameters on the client: every search sends PostgreSQL a new
text to parse and plan, and the text search statement (films/search/queries.py
``_pg_text_hits``: four sampled steps, each a subquery) cost 1.2-1.6 ms of parsing and
planning at a million synopses, a third of its time for a common word and most of it for a
rare one. Bound on the server, its text is the same for every query of one shape (the
language filter and the other filters change it), so psycopg prepares it once it has run
five times on a connection, and PostgreSQL then plans it once: measured at a million
synopses, its generic plan answered every word of the benchmark's mix as fast as a fresh
plan did (docs/performance.md). Other statements keep Django's client-side binding.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


def server_binding_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A Django cursor over psycopg's server-binding ``Cursor``, on ``connection`` (PostgreSQL).

    Wrapped as Django wraps its own (execute wrappers, query logging in DEBUG and tests), so
    the statement is timed, logged and routed like any other.
    """
    # import here: PostgreSQL's backend, which a SQLite catalogue never loads
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
