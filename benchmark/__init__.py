"""How fast the catalogue is at a given size: a synthetic catalogue, import, pages and search.

``python manage.py benchmark`` is the way in; the logic is here, in plain functions:
corpus (the deterministic generator), loading (into the database), importing, pages
(pages and search through the test client) and report (the JSON figures and tables).
"""
