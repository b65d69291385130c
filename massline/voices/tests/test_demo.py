"""`massline demo`: a fictional city, a year of its voices and an account per role."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from massline.org import roles
from massline.org.models import Area, Category, Department, Staff
from massline.voices.models import PersonalDataAccess, Voice

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "operator": roles.OPERATOR,
    "handler": roles.HANDLER,
    "handler2": roles.HANDLER,
    "handler3": roles.HANDLER,
    "leader": roles.LEADER,
    "admin": roles.ADMINISTRATOR,
    "auditor": roles.AUDITOR,
}
PASSWORD = "massline"


def demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_the_demo_loads_a_city_and_its_voices_from_every_channel():
    output = demo(voices=500)
    assert "临江市" in output and "http://127.0.0.1:8000/" in output
    assert Voice.objects.count() == 500
    assert set(Voice.objects.values_list("channel", flat=True)) == set(Voice.Channel.values)
    assert Area.objects.filter(level=Area.Level.COMMUNITY).count() > 100
    assert Department.objects.filter(tier=Department.Tier.STREET).count() > 30
    assert Category.objects.filter(level=3).count() > 100
    assert not Voice.objects.filter(area=None).exists()
    assert not Voice.objects.filter(department=None).exists()
    assert set(Voice.objects.values_list("category__level", flat=True)) == {3}
    newest, oldest = Voice.objects.first(), Voice.objects.last()
    assert newest.status != Voice.Status.CLOSED or oldest.status == Voice.Status.CLOSED
    # Personal data is stored encrypted, and callers can be found again by phone.
    caller = Voice.objects.exclude(phone="").first()
    assert caller.phone.startswith("1") and caller in Voice.objects.of_person(caller.phone)


def test_every_demo_account_logs_in_with_the_printed_password(client):
    output = demo(voices=300)
    for username, role in ACCOUNTS.items():
        assert f"{role}" in output and f" {username} " in output and PASSWORD in output
        response = client.post("/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/staff/", username
        user = User.objects.get(username=username)
        assert client.session["_auth_user_id"] == str(user.pk)
        assert roles.role_of(user) == role and user.staff
        assert client.get("/staff/").status_code == 200
        client.logout()


def test_a_handler_sees_only_the_voices_of_their_department(client):
    demo(voices=2000)
    handler = User.objects.get(username="handler")
    theirs = Voice.objects.filter(department=handler.staff.department)
    other = Voice.objects.exclude(department=handler.staff.department).first()
    assert theirs.exists()
    client.force_login(handler)
    assert client.get(f"/staff/voices/{theirs.first().pk}/").status_code == 200
    assert client.get(f"/staff/voices/{other.pk}/").status_code == 404


def test_a_second_run_creates_nothing_new_and_prints_the_accounts_again():
    demo(voices=200)
    counts = [Voice.objects.count(), Area.objects.count(), User.objects.count()]
    output = demo(voices=200)
    assert "already loaded" in output and "operator" in output and PASSWORD in output
    assert [Voice.objects.count(), Area.objects.count(), User.objects.count()] == counts


def test_reset_deletes_the_demo_and_loads_it_afresh(client):
    demo(voices=200)
    operator = User.objects.get(username="operator")
    old = Voice.objects.first()
    old.reveal(operator, purpose="call back")  # the access log must not block the reset
    output = demo(voices=100, reset=True)
    assert "Deleted the demo data" in output
    assert Voice.objects.count() == 100 and not Voice.objects.filter(pk=old.pk).exists()
    assert not PersonalDataAccess.objects.exists()
    assert client.login(username="operator", password=PASSWORD)


def test_it_does_not_take_over_an_existing_account_and_writes_nothing():
    User.objects.create_user("admin", password="a real admin's password")
    with pytest.raises(CommandError, match="admin"):
        demo(voices=100)
    assert not Area.objects.exists() and not Voice.objects.exists()
    assert not User.objects.filter(username="operator").exists()


def test_reset_refuses_and_keeps_everything_when_real_data_uses_the_demo_city():
    demo(voices=100)
    real = User.objects.create_user("wang", password="a real password")
    Staff.objects.create(user=real, department=Department.objects.get(name="江北区教育局"))
    with pytest.raises(CommandError, match="other data still uses it"):
        demo(voices=100, reset=True)
    assert Voice.objects.count() == 100 and User.objects.filter(username="operator").exists()
