"""Page sizes of the public lists: the HTML pages and the JSON API read them here."""

# Films per page of /films/ and of /api/films/: the API pages like the list it mirrors.
PAGE_SIZE = 12
# Films per page of a franchise (each a row of its film × language grid).
FRANCHISE_PAGE_SIZE = 50
