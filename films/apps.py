from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "films"
    verbose_name = _("Film catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .caching import clear_catalogue_caches
        from .models import Film, Synopsis

        for model in (Film, Synopsis):
            post_save.connect(clear_catalogue_caches, sender=model)
            post_delete.connect(clear_catalogue_caches, sender=model)
