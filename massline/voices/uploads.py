"""Attachments: photos and PDFs checked by their bytes, and saved with their voice atomically.

A file's name and the browser's content type are the sender's claims; only the first
bytes say what a file is. An executable renamed ``photo.jpg`` is refused by name, with why.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from massline.voices.models import Attachment, Voice

# Accepted types: (leading bytes, content type). WebP is RIFF....WEBP, checked separately.
ACCEPTED = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
]
# Things people are tricked into sending, named so the refusal says what the file really is.
REFUSED = [
    (b"MZ", _("it is a Windows program")),
    (b"\x7fELF", _("it is a Linux program")),
    (b"#!", _("it is a script")),
    (b"PK\x03\x04", _("it is a zip archive")),
    (b"PK\x05\x06", _("it is a zip archive")),
]
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,application/pdf"


@dataclass
class Upload:
    """An uploaded file whose content has been checked, with the type its bytes show."""

    file: UploadedFile
    content_type: str


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with ``head``, if it is one we accept."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in ACCEPTED if head.startswith(magic)), None)


def check_upload(file: UploadedFile) -> Upload:
    """``file`` as an Upload, or a ValidationError naming the file and saying why it is refused."""
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file may be at most %(max)s."),
            code="too_big",
            params={
                "name": file.name,
                "size": filesizeformat(file.size),
                "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if content_type := sniff(head):
        return Upload(file, content_type)
    why = next(
        (reason for magic, reason in REFUSED if head.startswith(magic)),
        _("its content is not a JPEG, PNG or WebP photo, nor a PDF"),
    )
    raise ValidationError(
        _(
            "“%(name)s” was refused: %(why)s. "
            "Only photos (JPEG, PNG, WebP) and PDF files are accepted."
        ),
        code="bad_type",
        params={"name": file.name, "why": why},
    )


def check_uploads(files: list[UploadedFile]) -> list[Upload]:
    """Every file checked; one error per bad file (all of them at once), or for too many files."""
    limit = settings.UPLOAD_MAX_FILES
    if len(files) > limit:
        raise ValidationError(
            ngettext(
                "You attached %(count)d files; at most %(max)d file is allowed.",
                "You attached %(count)d files; at most %(max)d files are allowed.",
                limit,
            ),
            code="too_many",
            params={"count": len(files), "max": limit},
        )
    checked, errors = [], []
    for file in files:
        try:
            checked.append(check_upload(file))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


def sha256_of(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def save_with_attachments(voice: Voice, uploads: list[Upload]) -> Voice:
    """Save ``voice`` and its attachments in one transaction: all of it is kept, or none.

    Files are written before the commit, so a committed attachment always has its file;
    if anything fails, the files already written are removed again.
    """
    written: list[Attachment] = []
    try:
        with transaction.atomic():
            voice.save()
            for upload in uploads:
                attachment = Attachment(
                    voice=voice,
                    original_name=upload.file.name[-200:],
                    content_type=upload.content_type,
                    size=upload.file.size,
                    sha256=sha256_of(upload.file),
                )
                attachment.file.save(upload.file.name, upload.file, save=False)
                written.append(attachment)
                attachment.save()
    except BaseException:
        for attachment in written:
            attachment.file.delete(save=False)
        raise
    return voice
