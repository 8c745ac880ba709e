"""List filters of the admin: languages with their native names, and the review queue's reasons."""

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..languages import native_name
from ..models import Synopsis


class LanguageFilter(admin.SimpleListFilter):
    """The languages present in the data, each with its native name."""

    title = _("language")
    parameter_name = "language"
    field_name = "language"

    def tag_queryset(self, model_admin: admin.ModelAdmin) -> QuerySet:
        return model_admin.model._default_manager.all()

    def lookups(self, request, model_admin):
        tags = (
            self.tag_queryset(model_admin)
            .filter(**{f"{self.field_name}__isnull": False})
            .exclude(**{self.field_name: ""})
            .values_list(self.field_name, flat=True)
            .distinct()
            .order_by(self.field_name)
        )
        return [(tag, f"{tag} · {native_name(tag)}") for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class OriginalLanguageFilter(LanguageFilter):
    title = _("original language")
    parameter_name = "original_language"
    field_name = "original_language"


class SynopsisLanguageFilter(LanguageFilter):
    """Films with at least one synopsis in a language."""

    title = _("synopsis language")
    parameter_name = "synopsis_language"

    def tag_queryset(self, model_admin):
        return Synopsis.objects.all()

    def queryset(self, request, queryset):
        if self.value():
            films = Synopsis.objects.filter(language=self.value()).values("film_id")
            return queryset.filter(pk__in=films)
        return queryset


class QueueReasonFilter(admin.SimpleListFilter):
    title = _("why it waits")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [("film", _("No film yet")), ("language", _("Language unsure"))]

    def queryset(self, request, queryset):
        if self.value() == "film":
            return queryset.filter(film__isnull=True)
        if self.value() == "language":
            return queryset.filter(language_uncertain=True)
        return queryset
