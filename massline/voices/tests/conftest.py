"""Fixtures of the voices tests, beside the project-wide ones in the top conftest.py."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from massline.voices.tests.samples import PDF


@pytest.fixture
def attachment(voice, settings, tmp_path):
    """A PDF letter attached to ``voice``, stored in a temporary media folder."""
    from massline.voices.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    item = Attachment(
        voice=voice,
        original_name="电梯维修申请.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    item.file.save("upload", ContentFile(PDF))
    return item


@pytest.fixture
def south_voice(city):
    """A south-side noise complaint, routed to the ecology bureau."""
    from massline.voices.models import Voice

    return Voice.objects.create(
        channel=Voice.Channel.WEB,
        kind=Voice.Kind.COMPLAINT,
        subject="滨湖路夜间施工噪音扰民",
        body="滨湖路工地每天夜里施工到两点。",
        area=city["south_street"],
        category=city["noise"],
        department=city["ecology"],
        name="陈立",
        phone="13700001111",
    )
