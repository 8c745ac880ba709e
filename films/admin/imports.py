"""Admin of imports: the "Import synopses" upload page, and each import's progress and report.

The request only checks and stores the files (films/importer/uploads.py); a background
worker imports them. The progress page polls a small JSON view (static/films/import-progress.js;
the CSP allows no inline script) and shows the import command's report once every file is done.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..importer.report import FileReport, ImportReport
from ..importer.uploads import (
    Upload,
    UploadError,
    check_size,
    create_batch,
    resume_interrupted,
)
from ..models import ImportBatch, ImportFile, ImportStatus
from .display import text_diff

# The encodings editors meet, most likely first; "" is UTF-8 (with or without a BOM).
ENCODINGS = [
    ("", _("UTF-8 (the default)")),
    ("cp1252", _("Windows-1252 (Western European)")),
    ("latin-1", _("Latin-1 (ISO-8859-1)")),
    ("iso8859-15", _("Latin-9 (ISO-8859-15)")),
    ("cp1250", _("Windows-1250 (Central European)")),
    ("iso8859-2", _("Latin-2 (ISO-8859-2)")),
    ("cp1251", _("Windows-1251 (Cyrillic)")),
    ("koi8-r", _("KOI8-R (Russian)")),
    ("cp874", _("Windows-874 / TIS-620 (Thai)")),
    ("utf-16", _("UTF-16")),
    ("shift_jis", _("Shift JIS (Japanese)")),
    ("gb18030", _("GB 18030 (Chinese)")),
    ("big5", _("Big5 (Traditional Chinese)")),
    ("euc-kr", _("EUC-KR (Korean)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Synopsis files"),
        help_text=_("Plain-text files, one or more synopses each, in any language."),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=ENCODINGS,
        required=False,
        help_text=_(
            "Of the files that are not UTF-8 (those that are stay UTF-8). Choose another "
            "when a file is refused."
        ),
    )


def batch_report(batch: ImportBatch) -> ImportReport:
    return ImportReport(
        files=[FileReport.from_dict(file.report) for file in batch.files.all() if file.report]
    )


def batch_progress(batch: ImportBatch) -> dict:
    """What the progress page shows, as JSON: files done, and the synopses' outcome so far."""
    files = list(batch.files.all())
    done = sum(1 for file in files if file.status in (ImportStatus.DONE, ImportStatus.FAILED))
    totals = batch_report(batch).totals
    return {
        "files": len(files),
        "files_done": done,
        "files_failed": sum(1 for file in files if file.status == ImportStatus.FAILED),
        "percent": round(100 * done / len(files)) if files else 100,
        "finished": done == len(files),
        "synopses": {
            key: totals[key]
            for key in ("created", "updated", "unchanged", "kept", "duplicate", "for_review")
        },
        "rows": [
            {
                "name": file.name,
                "status": file.status,
                "status_label": str(file.get_status_display()),
                "attempts": file.attempts,
                "error": file.error,
            }
            for file in files
        ],
    }


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Uploads and their imports; adding one is the "Import synopses" page."""

    list_display = ("__str__", "created_by", "file_count", "status_summary")
    list_select_related = ("created_by",)

    class Media:
        css = {"all": ["films/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files")

    # Uploading adds synopses: the permission of the synopses themselves decides.
    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("films.add_synopsis")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("films.view_synopsis") or request.user.has_perm(
            "films.add_synopsis"
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("files"))
    def file_count(self, batch: ImportBatch) -> int:
        return len(batch.files.all())

    @admin.display(description=_("status"))
    def status_summary(self, batch: ImportBatch) -> str:
        progress = batch_progress(batch)
        return _("%(done)d of %(files)d done, %(failed)d failed") % {
            "done": progress["files_done"],
            "files": progress["files"],
            "failed": progress["files_failed"],
        }

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:batch_id>/progress.json",
                self.admin_site.admin_view(self.progress_json),
                name=f"{opts.app_label}_{opts.model_name}_progress",
            ),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "media": self.media,
            **extra,
        }

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        error = ""
        if request.method == "POST" and form.is_valid():
            files = form.cleaned_data["files"]
            try:
                # A file over the limit is refused before it is read into memory.
                for file in files:
                    check_size(file.name, file.size)
                uploads = [Upload(file.name, file.read()) for file in files]
                batch = create_batch(
                    uploads=uploads, encoding=form.cleaned_data["encoding"], user=request.user
                )
            except UploadError as refused:
                error = str(refused)
            else:
                count = len(uploads)
                message = ngettext(
                    "%(count)d file queued for import.", "%(count)d files queued for import.", count
                )
                self.message_user(request, message % {"count": count}, messages.SUCCESS)
                return HttpResponseRedirect(self._progress_url(batch))
        context = self._context(
            request,
            title=_("Import synopses"),
            form=form,
            upload_error=error,
            max_bytes=self._max_bytes(),
        )
        return TemplateResponse(request, "admin/films/importbatch/upload.html", context)

    @staticmethod
    def _max_bytes():
        return {
            "bytes": settings.IMPORT_UPLOAD_MAX_BYTES,
            "files": settings.IMPORT_UPLOAD_MAX_FILES,
        }

    def _progress_url(self, batch: ImportBatch) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[batch.pk]
        )

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        progress = batch_progress(batch)
        report = batch_report(batch)
        files = [{"file": file, "synopses": self._synopses(file)} for file in batch.files.all()]
        context = self._context(
            request,
            title=_("Import #%(id)s") % {"id": batch.pk},
            batch=batch,
            progress=progress,
            summary=report.summary() if progress["finished"] else "",
            files=files,
            progress_url=reverse(
                f"{self.admin_site.name}:films_importbatch_progress", args=[batch.pk]
            ),
        )
        return TemplateResponse(request, "admin/films/importbatch/progress.html", context)

    @staticmethod
    def _synopses(file: ImportFile) -> list[dict]:
        rows = []
        for entry in file.report.get("synopses", []):
            previous = entry.get("previous_text") or ""
            rows.append(
                {**entry, "diff": text_diff(previous, entry.get("text", "")) if previous else ""}
            )
        return rows

    def progress_json(self, request: HttpRequest, batch_id: int) -> JsonResponse:
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        # A worker that died mid-file hands its file back to the queue (or fails it) here too,
        # so a long-running worker picks it up without a restart.
        resume_interrupted()
        return JsonResponse(batch_progress(batch))
