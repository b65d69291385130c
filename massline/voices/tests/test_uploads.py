"""Attachments on the public form: photos and PDFs, checked by their content, never by name."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from massline.voices.models import Attachment, Voice
from massline.voices.tests import samples
from massline.voices.tests.samples import voice_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def submit(client, *files: tuple[str, bytes]):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post("/submit/", voice_form(attachments=uploads))


def attachment_errors(response) -> list[str]:
    # Sizes are written with non-breaking spaces ("2.1\xa0KB"); compare them as plain spaces.
    return [error.replace("\xa0", " ") for error in response.context["form"].errors["attachments"]]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("路灯.jpg", samples.JPEG, "image/jpeg"),
        ("路灯.png", samples.png(), "image/png"),
        ("路灯.webp", samples.WEBP, "image/webp"),
        ("通知.pdf", samples.PDF, "application/pdf"),
    ],
)
def test_a_photo_or_pdf_is_kept_with_the_voice(client, media, name, content, content_type):
    assert submit(client, (name, content)).status_code == 303
    attachment = Attachment.objects.get()
    assert attachment.voice == Voice.objects.get()
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.file.read() == content
    assert name not in attachment.file.name  # stored under a random name


def test_the_type_comes_from_the_content_not_the_name(client):
    submit(client, ("scan.jpg", samples.PDF))
    assert Attachment.objects.get().content_type == "application/pdf"


def test_several_photos_are_kept_together(client, media):
    assert submit(client, ("a.png", samples.png()), ("b.jpg", samples.JPEG)).status_code == 303
    assert Voice.objects.get().attachments.count() == 2
    assert len(files_in(media)) == 2


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (samples.WINDOWS_PROGRAM, "it is a Windows program"),
        (samples.LINUX_PROGRAM, "it is a Linux program"),
        (samples.SCRIPT, "it is a script"),
        (samples.ZIP, "it is a zip archive"),
        (b"just some text, not a picture", "its content is not a JPEG, PNG or WebP photo"),
    ],
)
def test_a_program_renamed_as_a_photo_is_refused_by_name_and_why(client, media, content, why):
    response = submit(client, ("照片.jpg", content))
    assert response.status_code == 200
    [error] = attachment_errors(response)
    assert error.startswith("“照片.jpg” was refused: " + why)
    assert why in response.content.decode()
    assert Voice.objects.count() == 0 and files_in(media) == []


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(client, media):
    response = submit(client, ("big.pdf", samples.PDF + b" " * 2000))
    assert attachment_errors(response) == [
        "“big.pdf” is 2.1 KB; each file may be at most 1000 bytes."
    ]
    assert Voice.objects.count() == 0 and files_in(media) == []


@override_settings(UPLOAD_MAX_FILES=2)
def test_more_files_than_allowed_are_refused(client, media):
    response = submit(client, *[(f"{n}.png", samples.png()) for n in range(3)])
    assert attachment_errors(response) == ["You attached 3 files; at most 2 files are allowed."]
    assert Voice.objects.count() == 0 and files_in(media) == []


def test_the_form_says_how_many_files_of_which_kinds_and_sizes_are_allowed(client):
    page = client.get("/submit/").content.decode().replace("\xa0", " ")
    assert "Up to 5 photos (JPEG, PNG, WebP) or PDF files, each at most 10.0 MB." in page
    assert 'accept="image/jpeg,image/png,image/webp,application/pdf"' in page
    assert "multiple" in page


def test_one_bad_file_among_good_ones_saves_nothing_and_names_only_the_bad_one(client, media):
    response = submit(
        client,
        ("a.png", samples.png()),
        ("setup.jpg", samples.WINDOWS_PROGRAM),
        ("b.pdf", samples.PDF),
    )
    [error] = attachment_errors(response)
    assert "setup.jpg" in error and "a.png" not in error and "b.pdf" not in error
    assert "Attach your files again" in response.content.decode()
    assert Voice.objects.count() == 0 and Attachment.objects.count() == 0
    assert files_in(media) == []


def test_an_empty_file_is_refused(client):
    response = submit(client, ("empty.png", b""))
    assert "The submitted file is empty." in attachment_errors(response)
    assert Voice.objects.count() == 0


def test_when_the_disk_fails_no_voice_is_kept_without_its_photos(settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    browser = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = submit(browser, ("a.png", samples.png()))
    assert response.status_code == 500
    assert Voice.objects.count() == 0 and Attachment.objects.count() == 0
