"""Files editors upload in the admin, imported by the background worker (docs/editors.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """Files an editor uploaded together in admin; a background worker imports them."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
    )
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class ImportFile(models.Model):
    """One uploaded file, already decoded; imported whole, in one transaction, or not at all."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("file name"), max_length=255)
    source_file = models.CharField(_("source file"), max_length=500)
    text = models.TextField(_("text"))
    size = models.PositiveIntegerField(_("bytes"))
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # "host:pid" of the worker importing it, so a dead worker's file can be tried again.
    worker = models.CharField(_("worker"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="importfile_position_unique")
        ]
        indexes = [
            models.Index(
                fields=["status"],
                condition=Q(status__in=["queued", "running"]),
                name="importfile_open_idx",
            )
        ]

    def __str__(self) -> str:
        return self.name
