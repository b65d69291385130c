"""Importing from the browser: upload, map columns, a background task, progress, result.

The task really goes through the database queue and is run by django-tasks-db's own
worker, in this process; these tests use real transactions (the importer commits).
"""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from massline.voices.models import ImportBatch, Voice
from massline.voices.tests.test_import import board_export, message, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(people["operator"])
    return client


def upload(client, path, **fields):
    with open(path, "rb") as file:
        return client.post(
            reverse("import-list"),
            {"file": file, "source": "import", "channel": "import", **fields},
        )


def test_an_operator_uploads_maps_and_sees_the_import_finish(operator, tmp_path, run_worker):
    path = board_export(tmp_path / "board.xlsx", message(1), message(2), message(3))

    response = upload(operator, path)
    assert response.status_code == 302
    mapping_url = response["Location"]
    page = operator.get(mapping_url).content.decode()
    assert '<option value="body" selected>' in page  # 留言详情 guessed as the body
    assert "A****" in page and "A0001" not in page  # sample names are masked
    assert "路灯坏了 1" in page

    response = operator.post(
        mapping_url,
        {
            f"map-{i}": f
            for i, f in enumerate(["external_id", "name", "subject", "received_at", "body", ""])
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "import-detail", args=[batch.pk]
    )
    assert DBTaskResult.objects.count() == 1 and Voice.objects.count() == 0  # queued, not run

    progress = operator.get(response["Location"]).content.decode()
    assert "<progress" in progress and "Waiting to start" in progress
    poll = operator.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in poll.content.decode()

    run_worker()

    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.checked_rows, batch.total_rows) == (
        "done",
        3,
        3,
        3,
    )
    assert operator.get(response["Location"], HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    result = operator.get(response["Location"]).content.decode()
    assert "3 rows: 3 new voices created, 0 were already there." in result
    assert Voice.objects.filter(import_batch=batch).count() == 3
    assert set(Voice.objects.values_list("extra__答复意见", flat=True)) == {"已转交处理。"}


def test_a_second_upload_of_the_same_file_reports_existing_voices(operator, tmp_path, run_worker):
    path = board_export(tmp_path / "board.xlsx", message(1), message(2))
    for _ in range(2):
        mapping_url = upload(operator, path)["Location"]
        operator.post(mapping_url, {"map-0": "external_id", "map-4": "body"})
        run_worker()

    latest = ImportBatch.objects.first()
    page = operator.get(reverse("import-detail", args=[latest.pk])).content.decode()
    assert "2 rows: 0 new voices created, 2 were already there." in page
    assert Voice.objects.count() == 2


def test_a_failed_import_lists_each_problem_by_row_and_column_and_saves_nothing(
    operator, tmp_path, run_worker
):
    path = board_export(
        tmp_path / "b.xlsx", message(1), message(2, when="下周一"), message(3, body=" ")
    )
    operator.post(
        upload(operator, path)["Location"],
        {"map-0": "external_id", "map-3": "received_at", "map-4": "body"},
    )

    run_worker()

    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and Voice.objects.count() == 0
    page = operator.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "2 problems were found" in page
    assert "<td>3</td><td>留言时间</td><td>“下周一” is not a date and time" in page
    assert "<td>4</td><td>留言详情</td><td>The body is empty" in page


def test_skipping_duplicate_ids_from_the_form_lists_the_skipped_rows(
    operator, tmp_path, run_worker
):
    path = board_export(tmp_path / "b.xlsx", message(5), message(5, body="重复"))
    mapping_url = upload(operator, path)["Location"]
    operator.post(
        mapping_url, {"map-0": "external_id", "map-4": "body", "skip_duplicate_ids": "on"}
    )

    run_worker()

    page = operator.get(
        reverse("import-detail", args=[ImportBatch.objects.get().pk])
    ).content.decode()
    assert "Skipped rows" in page and "Id “5” is also on row 2 (rows 2 and 3)" in page
    assert Voice.objects.count() == 1


def test_a_mapping_without_a_body_is_refused_before_anything_is_queued(operator, tmp_path):
    mapping_url = upload(operator, board_export(tmp_path / "b.xlsx", message(1)))["Location"]

    response = operator.post(mapping_url, {"map-0": "external_id", "map-2": "subject"})

    assert response.status_code == 400
    assert "No column holds what the person said" in response.content.decode()
    assert DBTaskResult.objects.count() == 0


def test_a_broken_file_is_refused_at_upload_with_the_reason(operator, tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")

    response = upload(operator, tmp_path / "broken.xlsx")

    assert response.status_code == 400
    assert "not a readable Excel workbook" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_clearly(operator, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024
    path = board_export(tmp_path / "big.xlsx", *(message(n) for n in range(50)))

    response = upload(operator, path)

    assert response.status_code == 400
    assert "files to import may be at most 1.0\xa0KB" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("who", ["housing_handler", "leader", "auditor", "nobody"])
def test_people_without_the_import_permission_are_forbidden(
    client, people, who, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people[who])

    assert client.get(reverse("import-list")).status_code == 403
    path = xlsx(tmp_path / "x.xlsx", [["内容"], ["路灯坏了"]])
    assert upload(client, path).status_code == 403
    assert ImportBatch.objects.count() == 0


def test_someone_elses_upload_cannot_be_mapped(operator, people, client, tmp_path):
    mapping_url = upload(operator, board_export(tmp_path / "b.xlsx", message(1)))["Location"]
    client.force_login(people["admin"])

    assert client.get(mapping_url).status_code == 404
    assert client.post(mapping_url, {"map-4": "body"}).status_code == 404


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("import-list"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
