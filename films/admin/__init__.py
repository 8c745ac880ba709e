"""Django admin for the catalogue: every model, and a review queue for what the importer left open.

Editors' changes to a synopsis (its text, film or language) mark it ``is_edited``, so no
later import overwrites them (films/review.py); actions write to the admin history like
form saves do. Importing the modules registers their admins.
"""

from . import catalogue, imports, queue, synopses

__all__ = ["catalogue", "imports", "queue", "synopses"]
