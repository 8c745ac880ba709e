"""Search of titles and synopses: text analysis (analysis.py, no models), queries (queries.py),
title matches (titles.py) and SQLite's full-text index (fts.py).

Nothing is imported here, so importing films.search.analysis never loads the models.
"""
