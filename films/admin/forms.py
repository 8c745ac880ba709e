"""Forms of the synopsis admin and its actions."""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from ..importer.storing import checksum
from ..languages import LANGUAGES, to_bcp47
from ..models import Film, Synopsis
from ..review import EDITOR_FIELDS

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _value(value: object) -> object:
    return value.pk if isinstance(value, Model) else value


def touched_editor_fields(form: forms.ModelForm) -> set[str]:
    """The editor fields whose value really changed (not only their spelling in the form)."""
    return {
        name
        for name in EDITOR_FIELDS
        if name in form.changed_data
        and _value(form.cleaned_data.get(name)) != _value(form.initial.get(name))
    }


class LanguageTagInput(forms.TextInput):
    """A tag box offering the table's languages (films/languages/table.py) as it is typed in;
    any other BCP 47 tag may still be typed, for a language outside the table."""

    template_name = "admin/films/widgets/language_tag.html"

    def __init__(self, attrs=None):
        super().__init__({"size": 12, "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-languages"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["languages"] = [
            (language.tag, f"{language.own_name} · {language.english_name}")
            for language in sorted(LANGUAGES, key=lambda language: language.english_name)
        ]
        return context


def clean_language_tag(value: str) -> str:
    tag = to_bcp47(value or "")
    if not _LANGUAGE_TAG.match(tag):
        raise forms.ValidationError(
            _("Enter a BCP 47 language tag such as “da”, “th” or “pt-BR”."), code="invalid"
        )
    return tag


# What visitors see of a synopsis' origin; editing it does not mark the text edited.
ATTRIBUTION_FIELDS = ("source_name", "source_url", "licence")


class SynopsisForm(forms.ModelForm):
    class Meta:
        model = Synopsis
        fields = ["text", "film", "language", *ATTRIBUTION_FIELDS]
        widgets = {"language": LanguageTagInput()}
        # Django 6's default; an address typed without a scheme is taken as https.

    source_url = forms.URLField(
        label=_("source URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown to visitors as a link."),
    )

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the catalogue stores LF.
        return self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")

    def clean_language(self) -> str:
        return clean_language_tag(self.cleaned_data["language"])

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text")
        is_new = self.instance.pk is None
        if is_new and text and Synopsis.objects.filter(source_checksum=checksum(text)).exists():
            raise forms.ValidationError(
                _("This exact text is already in the catalogue."), code="duplicate"
            )
        return cleaned


class AssignFilmForm(forms.Form):
    candidate = forms.TypedChoiceField(
        label=_("One of the importer's candidates"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = candidates
        if not candidates:
            del self.fields["candidate"]
        self.fields["film"] = forms.ModelChoiceField(
            label=_("Or any film"),
            queryset=Film.objects.all(),
            required=False,
            help_text=_("Type a title in any language or script."),
            widget=AutocompleteSelect(Synopsis._meta.get_field("film"), admin_site),
        )

    def clean(self):
        cleaned = super().clean()
        candidate, film = cleaned.get("candidate"), cleaned.get("film")
        if candidate and film and candidate != film.pk:
            raise forms.ValidationError(_("Choose a candidate or another film, not both."))
        if film is None and candidate:
            film = Film.objects.filter(pk=candidate).first()
            if film is None:
                raise forms.ValidationError(_("That film is no longer in the catalogue."))
        if film is None:
            raise forms.ValidationError(_("Choose the film these synopses describe."))
        cleaned["chosen"] = film
        return cleaned


class SetLanguageForm(forms.Form):
    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        widget=LanguageTagInput(),
        help_text=_(
            "Pick one of the catalogue's languages, or type any BCP 47 tag such as “nb” or “pt-BR”."
        ),
    )

    def clean_language(self) -> str:
        return clean_language_tag(self.cleaned_data["language"])
