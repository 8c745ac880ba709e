from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from .search.fts import register_functions


class FilmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "films"
    verbose_name = _("Film catalogue")

    def ready(self) -> None:
        # import here: signals connect once the app registry is ready (AppConfig.ready()).
        from django.db.models.signals import post_delete, post_save

        from .caching import catalogue_changed
        from .models import Film, FilmKnowledge, FilmTitle, Franchise, Synopsis

        # Proxy models (the review queue) send signals with their own class as sender.
        for model in (Franchise, Film, FilmTitle, FilmKnowledge, Synopsis):
            proxies = [m for m in self.get_models() if m._meta.proxy_for_model is model]
            for sender in (model, *proxies):
                post_save.connect(catalogue_changed, sender=sender)
                post_delete.connect(catalogue_changed, sender=sender)

        # SQLite's full-text index is kept by triggers that call a Python function: every
        # connection needs it, including one opened before this ran (films/search/fts.py).
        connection_created.connect(_register_search_functions)
        for connection in connections.all(initialized_only=True):
            _register_search_functions(sender=type(connection), connection=connection)


def _register_search_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite" and connection.connection is not None:
        register_functions(connection.connection)
