"""The routing table derived from the departments, by command and from the admin site."""

from io import StringIO

import pytest
from django.core.management import call_command

from massline.cases.models import RoutingRule
from massline.org.models import Department


@pytest.fixture
def street_office(city):
    """A street office answering for everything in its street (a catch-all)."""
    office = Department.objects.create(name="望江街道办事处", code="WJ-JD", tier=3)
    office.areas.add(city["north_street"])
    office.categories.add(city["urban"], city["environment"])
    return office


def test_the_derived_table_sends_each_case_to_the_department_that_answers_for_it(
    city, street_office
):
    out = StringIO()
    call_command("routing_from_departments", stdout=out)
    assert "Added 3 routing rules" in out.getvalue()
    # The bureau answers property complaints in its district, streets included…
    assert RoutingRule.propose(city["property"], city["north_street"]) == city["housing"]
    assert RoutingRule.propose(city["noise"], city["south_street"]) == city["ecology"]
    # …and the street office what no bureau answers for there.
    assert RoutingRule.propose(city["noise"], city["north_street"]) == street_office
    assert RoutingRule.propose(city["property"], city["south"]) is None


def test_deriving_again_keeps_the_administrators_rules(city, street_office):
    RoutingRule.objects.create(
        category=city["urban"], area=city["north"], department=city["ecology"]
    )
    call_command("routing_from_departments", stdout=StringIO())
    call_command("routing_from_departments", stdout=StringIO())
    assert RoutingRule.propose(city["property"], city["north_street"]) == city["ecology"]
    assert RoutingRule.objects.count() == 3


def test_an_administrator_derives_the_table_from_the_routing_rules_page(client, people, city):
    client.force_login(people["admin"])
    page = client.get("/admin/cases/routingrule/")
    assert "Add rules from the departments" in page.content.decode()
    assert client.get("/admin/cases/routingrule/derive/").status_code == 405
    response = client.post("/admin/cases/routingrule/derive/", follow=True)
    assert "Added 2 routing rules." in response.content.decode()
    assert RoutingRule.propose(city["property"], city["north"]) == city["housing"]


def test_only_who_may_add_rules_derives_them(client, people, city):
    people["auditor"].is_staff = True
    people["auditor"].save()
    client.force_login(people["auditor"])
    assert client.post("/admin/cases/routingrule/derive/").status_code == 403
    assert not RoutingRule.objects.exists()
