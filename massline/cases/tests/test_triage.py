"""The operator's triage queue: voices without a case, what helps decide, and the three
outcomes — accepted, merged, declined — each refused cleanly on bad input."""

import pytest
from django.test import Client

from massline.cases import suggestions
from massline.cases.models import Case
from massline.voices.models import CategoryCorrection, Voice


def new_voice(city, subject="望江花园小区电梯又坏了", **fields) -> Voice:
    defaults = {
        "channel": Voice.Channel.WEB,
        "body": f"{subject}，请尽快处理。",
        "area": city["north_street"],
    }
    return Voice.objects.create(subject=subject, **{**defaults, **fields})


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["operator"])
    return client


def test_the_queue_lists_untriaged_voices_newest_first_and_filters_them(
    operator_client, city, voice, people
):
    older = new_voice(city, "滨湖街道噪音扰民", area=city["south_street"], channel="letter")
    Voice.objects.filter(pk=older.pk).update(received_at=voice.received_at.replace(year=2020))
    triaged = new_voice(city, "已经受理的诉求")
    Case.accept(triaged, people["operator"])

    page = operator_client.get("/staff/cases/triage/").content.decode()
    assert "2 voices waiting" in page
    assert page.index(voice.subject) < page.index(older.subject)
    assert "已经受理的诉求" not in page

    south = operator_client.get(f"/staff/cases/triage/?area={city['south'].pk}").content.decode()
    assert older.subject in south and voice.subject not in south
    letters = operator_client.get("/staff/cases/triage/?channel=letter").content.decode()
    assert older.subject in letters and voice.subject not in letters
    by_category = operator_client.get(f"/staff/cases/triage/?category={city['urban'].pk}")
    assert voice.subject in by_category.content.decode()
    assert (
        "No voice is waiting"
        in operator_client.get("/staff/cases/triage/?channel=nonsense").content.decode()
    )


def test_a_repeat_caller_and_similar_open_cases_are_offered_as_merge_targets(
    operator_client, city, voice, people
):
    first = Case.accept(voice, people["operator"])
    again = new_voice(city, "电梯还没修好", phone="139-1234-5678", name="王秀英")
    same_place = new_voice(city, "三栋电梯停运", place="望江花园3栋")
    page = operator_client.get("/staff/cases/triage/").content.decode()
    card = page[page.index(f'id="voice-{again.pk}"') :]
    assert "Repeat caller: the same person has an open case" in card.split("</article>")[0]
    assert f'value="{first.pk}" checked' in card.split("</article>")[0]
    other = page[page.index(f'id="voice-{same_place.pk}"') :].split("</article>")[0]
    assert voice.tracking_code in other and "Repeat caller" not in other


def test_accepting_with_a_corrected_category_and_area_makes_a_case_to_dispatch(
    operator_client, city, voice, people
):
    response = operator_client.post(
        f"/staff/cases/triage/{voice.pk}/accept/",
        {"urgency": "urgent", "category": city["noise"].pk, "area": city["south_street"].pk},
    )
    case = Case.objects.get(voice=voice)
    assert response.status_code == 302 and response.url == f"/staff/cases/{case.pk}/"
    assert (case.status, case.urgency) == (Case.Status.ACCEPTED, "urgent")
    assert (case.category, case.area) == (city["noise"], city["south_street"])
    correction = CategoryCorrection.objects.get(voice=voice)  # it trains the classifier
    assert (correction.old, correction.new) == (city["property"], city["noise"])
    # the card is gone from the queue
    assert voice.subject not in operator_client.get("/staff/cases/triage/").content.decode()


def test_with_htmx_an_action_replaces_the_card_in_place(operator_client, city, voice):
    response = operator_client.post(
        f"/staff/cases/triage/{voice.pk}/accept/",
        {"urgency": "normal", "category": city["property"].pk, "area": city["north_street"].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"voice-{voice.pk}",
    )
    page = response.content.decode()
    assert response.status_code == 200 and f'id="voice-{voice.pk}"' in page
    assert "Dispatch now" in page and "<html" not in page
    assert not CategoryCorrection.objects.exists()  # the category was right


def test_declining_needs_a_reason_and_an_empty_one_changes_nothing(operator_client, voice):
    response = operator_client.post(f"/staff/cases/triage/{voice.pk}/decline/", {"reason": " "})
    assert response.status_code == 400
    assert "Say why the voice is declined" in response.content.decode()
    assert not Case.objects.exists()
    voice.refresh_from_db()
    assert voice.status == Voice.Status.RECEIVED

    response = operator_client.post(
        f"/staff/cases/triage/{voice.pk}/decline/", {"reason": "属于诉讼程序，请向法院起诉。"}
    )
    assert response.status_code == 302 and response.url == "/staff/cases/triage/"
    case = Case.objects.get(voice=voice)
    assert (case.status, case.decline_reason) == (
        Case.Status.DECLINED,
        "属于诉讼程序，请向法院起诉。",
    )


def test_merging_joins_an_open_case_by_tracking_code_and_refuses_an_unknown_one(
    operator_client, city, voice, people
):
    into = Case.accept(voice, people["operator"])
    repeat = new_voice(city, "电梯问题同上")
    response = operator_client.post(
        f"/staff/cases/triage/{repeat.pk}/merge/", {"other": "ZZZZ-ZZZZ-ZZ"}
    )
    assert response.status_code == 400
    assert "No case of yours has that number" in response.content.decode()
    assert not Case.objects.filter(voice=repeat).exists()
    response = operator_client.post(
        f"/staff/cases/triage/{repeat.pk}/merge/",
        {"other": voice.tracking_code.lower(), "reason": "同一问题"},
    )
    assert response.status_code == 302
    assert Case.objects.get(voice=repeat).merged_into == into
    assert into.events.filter(kind="merged", reason="同一问题").exists()


def test_a_closed_case_cannot_take_another_voice(operator_client, city, voice, people):
    declined = Case.decline(voice, people["operator"], "不属于受理范围")
    repeat = new_voice(city, "电梯问题同上")
    response = operator_client.post(
        f"/staff/cases/triage/{repeat.pk}/merge/",
        {"into": declined.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx: the card comes back with the reason
    assert "Only an open case can take another voice." in response.content.decode()
    assert not Case.objects.filter(voice=repeat).exists()


def test_a_voice_triaged_already_is_not_found_again(operator_client, voice, people):
    Case.accept(voice, people["operator"])
    response = operator_client.post(f"/staff/cases/triage/{voice.pk}/decline/", {"reason": "x"})
    assert response.status_code == 404
    assert Case.objects.get(voice=voice).status == Case.Status.ACCEPTED


def test_bad_triage_input_is_refused_with_its_reason(operator_client, voice):
    response = operator_client.post(
        f"/staff/cases/triage/{voice.pk}/accept/", {"urgency": "yesterday", "category": "99999"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["housing_handler", "leader", "auditor", "nobody"])
def test_only_operators_triage(client, people, voice, who):
    client.force_login(people[who])
    assert client.get("/staff/cases/triage/").status_code == 403
    assert client.post(f"/staff/cases/triage/{voice.pk}/decline/", {"reason": "x"}).status_code in (
        403,
        404,
    )
    assert not Case.objects.exists()


def test_triage_needs_a_login_and_the_csrf_token(people, voice):
    anonymous = Client()
    assert anonymous.get("/staff/cases/triage/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["operator"])
    response = strict.post(f"/staff/cases/triage/{voice.pk}/accept/", {"urgency": "normal"})
    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_classifier_suggests_a_category_with_its_confidence_once_fitted(
    client, city, people, run_worker, monkeypatch
):
    monkeypatch.setitem(suggestions._loaded, "asked", float("-inf"))
    for n in range(6):
        new_voice(city, f"小区{n}号楼电梯故障", category=city["property"])
        new_voice(city, f"工地{n}夜间施工噪音", category=city["noise"], area=city["south_street"])
    unknown = new_voice(city, "电梯故障困人", body="望江花园电梯故障困人，物业不管。")
    client.force_login(people["operator"])
    page = client.get("/staff/cases/triage/").content.decode()
    assert "The classifier is learning" in page
    run_worker()  # fits the classifier (and attaches the voices to hot issues)
    page = client.get("/staff/cases/triage/").content.decode()
    card = page[page.index(f'id="voice-{unknown.pk}"') :].split("</article>")[0]
    assert "Classifier suggests 城乡建设" in card
    assert "The classifier is learning" not in page
    # the suggestion is preselected in the accept form of a voice with no category
    assert f'<option value="{city["urban"].pk}" selected>' in card
