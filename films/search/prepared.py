"""The cursors search statements run on: bound on the server and prepared when they search the
whole catalogue on PostgreSQL, Django's own otherwise.

Django's psycopg cursors bind parameters on the client: every search sends PostgreSQL a new
text to parse and plan, and the text statement (films/search/pgtext.py ``first_matches``:
four sampled steps, each a subquery) cost 1.1-1.9 ms of parsing and planning at a million
synopses, a fifth of its time for a common word and most of it for a rare one; the title
statement (films/search/titles.py) 0.4-0.8 ms, most of its time for a title found nowhere.
Bound on the server, a statement's text is the same for every query of one shape, so psycopg
prepares it once it has run five times on a connection, and PostgreSQL plans it once,
generically: every PostgreSQL connection runs with ``plan_cache_mode = force_generic_plan``
(catalogue/settings.py), which only statements bound on the server can use. Measured at a
million synopses on the benchmark's mix, common, rare and absent words, names, titles and
Thai, the generic plans of both statements answered each as fast as or faster than a fresh
plan, with the same rows (docs/performance.md). A page's snippet texts (twelve primary keys,
an array) are read the same way.

A statement over some films only (a filter chose them) carries the filter in its text and
its values as parameters, and a generic plan cannot see those values: a year filter made the
text statement 1.6 times slower and a franchise filter the title statement 1.7 times, so
such statements keep Django's cursor and are planned for their values each time.

The rows of a statement bound on the server come back in PostgreSQL's binary format, which
psycopg loads faster than text: 0.4 ms less for the text statement's 501 rows. A rank
(``real``) then arrives as the exact value of its 32 bits (0.06079269945621490 rather than
0.0607927), which orders and ties exactly as the text does.
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


def search_cursor(connection: BaseDatabaseWrapper, films) -> CursorWrapper:
    """The cursor for a search statement over ``films`` on ``connection``: bound on the server
    (prepared, planned once) when it searches every film on PostgreSQL, else Django's."""
    if connection.vendor == "postgresql" and films.is_every_film():
        return server_binding_cursor(connection)
    return connection.cursor()
