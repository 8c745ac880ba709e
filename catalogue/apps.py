from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """The project package as an app: only for its system checks (catalogue/checks.py)."""

    name = "catalogue"
    verbose_name = "Catalogue project"

    def ready(self) -> None:
        # import here: checks register once the app registry is ready (AppConfig.ready()).
        from . import checks  # noqa: F401
