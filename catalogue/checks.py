"""System checks for a production configuration (``manage.py check --deploy``)."""

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string
from whitenoise.storage import CompressedManifestStaticFilesStorage


@register(Tags.staticfiles, deploy=True)
def static_manifest_exists(app_configs, **kwargs) -> list[Error]:
    """Hashed static files need collectstatic's manifest, or every page answers 500.

    With ``DJANGO_DEBUG=0`` the static storage is whitenoise's manifest storage, whose
    ``{% static %}`` raises "Missing staticfiles manifest entry" for any file not in
    ``staticfiles.json``; docs/production.md, "Static files".
    """
    backend = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    if not issubclass(backend, CompressedManifestStaticFilesStorage):
        return []
    manifest = staticfiles_storage.path(staticfiles_storage.manifest_name)
    hint = (
        "Run `manage.py collectstatic --noinput` (make serve does), or set "
        "DJANGO_STATIC_USE_FINDERS=1 to serve unhashed files from the source folders."
    )
    try:
        with open(manifest, encoding="utf-8") as handle:
            paths = json.load(handle).get("paths", {})
    except FileNotFoundError:
        return [
            Error(
                f"No static files manifest at {manifest}: every HTML page would answer 500.",
                hint=hint,
                id="catalogue.E001",
            )
        ]
    except (OSError, ValueError) as error:
        return [Error(f"Unreadable static files manifest {manifest}: {error}", hint=hint,
                      id="catalogue.E002")]  # fmt: skip
    missing = sorted(source_static_files() - paths.keys())
    if missing:
        return [
            Error(
                f"The static files manifest lacks {len(missing)} files ({', '.join(missing[:3])}"
                f"{', …' if len(missing) > 3 else ''}): it is out of date.",
                hint=hint,
                id="catalogue.E003",
            )
        ]
    return []


def source_static_files() -> set[str]:
    """Every static file the apps and the project hold, by the path templates name it."""
    return {
        path.replace("\\", "/")
        for finder in finders.get_finders()
        for path, _storage in finder.list(["CVS", ".*", "*~"])
    }
