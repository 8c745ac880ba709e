"""Search of titles and synopses: text analysis (analysis.py, no models) and queries (queries.py).

Nothing is imported here, so importing films.search.analysis never loads the models.
"""
