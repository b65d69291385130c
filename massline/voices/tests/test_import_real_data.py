"""Importing the real TipDM 2020 message-board files (read from ../shared/data, never copied)."""

import io

import pytest
from django.core.management import CommandError, call_command

from massline.org.importing import import_reference
from massline.voices.models import Voice


def run(*args) -> str:
    out = io.StringIO()
    call_command("import", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_all_messages_with_replies_import_with_the_reply_kept_and_a_second_run_adds_none(db, tipdm):
    path = tipdm / "messages_with_replies.xlsx"

    assert "2816 rows, created 2816" in run(path)
    assert "created 0, 2816 already there" in run(path)

    assert Voice.objects.count() == 2816
    voice = Voice.objects.get(external_id="2549")
    assert voice.extra["答复意见"].startswith("现将网友")
    assert "答复时间" in voice.extra
    assert voice.body == voice.body.strip() and voice.name
    assert not Voice.objects.filter(body__startswith="\n").exists()


def test_labelled_messages_need_the_taxonomy_then_import_skipping_the_repeated_id(db, tipdm):
    path = tipdm / "messages_labelled.xlsx"
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert import_reference("taxonomy", tipdm / "taxonomy.xlsx").ok

    with pytest.raises(CommandError):  # the repeated id is an error unless skipped
        call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    out = run(path, "--skip-duplicate-ids")

    assert "495 rows, created 494, 0 already there, 1 skipped" in out
    assert "skipped row 312, 留言编号: Id “37042” is also on row 100" in out
    tops = set(Voice.objects.values_list("category__name", flat=True))
    assert len(tops) == 7 and "城乡建设" in tops
