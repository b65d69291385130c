"""The demo has the year's livelihood projects and decisions on its hottest issues, and a
reset takes them away with the rest of the demo."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from massline.decisions.demo import PROJECTS
from massline.decisions.models import Commitment, Decision, Opinion, Programme


@pytest.mark.django_db
def test_the_demo_has_a_programme_and_decisions_and_a_reset_removes_them(client):
    output = StringIO()
    call_command("demo", voices=3000, stdout=output, stderr=StringIO())
    assert "livelihood projects" in output.getvalue()
    programme = Programme.objects.get()
    figures = programme.figures()
    total = figures[-1]
    assert total["projects"] == len(PROJECTS) and len(figures) - 1 == len({p[0] for p in PROJECTS})
    assert 0 < total["done"] < total["projects"] and 0 < total["progress"] < 100
    assert programme.projects.filter(status=Commitment.Status.DELAYED).exists()
    assert all(p.updates.count() >= 1 for p in programme.projects.all())
    # Projects done were done by their deadlines, as the report's 按期兑现 counts them.
    done = programme.projects.filter(status=Commitment.Status.DONE)
    assert done and all(p.kept for p in done.filter(deadline__lt=timezone.localdate()))

    # Decided days after each issue peaked, published; those whose fix fell due are done
    # and verified, the last one (two months to fix) still running.
    decisions = Decision.objects.all()
    assert decisions.count() == 3
    for decision in decisions:
        assert decision.commitments.count() == 2 and decision.published_at
        published = timezone.localdate(decision.published_at)
        assert published == min(decision.decided_on + timedelta(days=1), timezone.localdate())
        assert decision.decided_on > decision.hot_issue.start.date()
        assert decision.opinion.representative_voices.exists() and decision.opinion.agreement
    verified = decisions.filter(status=Decision.Status.VERIFIED)
    assert verified and all(d.progress == 100 for d in verified)
    assert all(d.verifications.exists() for d in verified)
    running = decisions.exclude(status=Decision.Status.VERIFIED).get()
    assert 0 < running.progress < 100 and not running.verifications.exists()

    client.force_login(User.objects.get(username="leader"))
    page = client.get(reverse("decision-list")).content.decode()
    assert all(d.title in page for d in decisions)
    page = client.get(reverse("programme-detail", args=[programme.pk])).content.decode()
    assert PROJECTS[0][1] in page

    before = {Decision: set(decisions), Opinion: set(Opinion.objects.all()), Programme: {programme}}
    call_command("demo", voices=100, reset=True, stdout=StringIO(), stderr=StringIO())
    for model, old in before.items():
        assert not old & set(model.objects.all())
