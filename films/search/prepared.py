"""A cursor whose statements PostgreSQL may prepare: the search's text statement, and the
texts of a page's snippets.

Django's psycopg cursors bind parameters on the client: every search sends PostgreSQL a new
text to parse and plan, and the text search statement (films/search/pgtext.py
``first_matches``: four sampled steps, each a subquery) cost 1.1-1.9 ms of parsing and
planning at a million synopses, a fifth of its time for a common word and most of it for a
rare one. Bound on the server, its text is the same for every query of one shape (the
language filter and the other filters change it), so psycopg prepares it once it has run
five times on a connection, and PostgreSQL then plans it once: measured at a million
synopses on ten words of the benchmark's mix, common, rare and absent, its generic plan
answered each faster than a fresh plan did, with the same rows (docs/performance.md).
A page's snippet texts (twelve primary keys, an array) are read the same way. Other
statements keep Django's client-side binding; the title statement must (a generic plan
cannot see its ``LIKE`` patterns, films/search/titles.py).

Its rows (up to CANDIDATE_CAP + 1 of them) come back in PostgreSQL's binary format, which
psycopg loads faster than text: 0.4 ms less for 501 rows. A rank (``real``) then arrives as
the exact value of its 32 bits (0.06079269945621490 rather than 0.0607927), which orders
and ties exactly as before.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from psycopg import pq


def server_binding_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A Django cursor over psycopg's server-binding ``Cursor``, on ``connection`` (PostgreSQL),
    its results in binary.

    Wrapped as Django wraps its own (execute wrappers, query logging in DEBUG and tests), so
    the statement is timed, logged and routed like any other.
    """
    # import here: PostgreSQL's backend, which a SQLite catalogue never loads
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    cursor.format = pq.Format.BINARY
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
