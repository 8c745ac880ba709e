from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
