"""Background tasks of the hot issues (run by ``massline db_worker``).

- :func:`recompute_hot_issues` reads the recent period again, then schedules itself to run
  again after ``MASSLINE_HOTISSUES_EVERY`` seconds (3600): one chain, however it started.
- :func:`attach_voice` places one new voice; it is enqueued when a voice is saved (see
  :func:`enqueue_attach`, connected in ``apps.py``).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from massline.hotissues import finding
from massline.hotissues.models import Recomputation
from massline.voices.models import Voice

logger = logging.getLogger(__name__)

DAYS = 90


def every() -> timedelta:
    """How often the hot issues are recomputed: ``MASSLINE_HOTISSUES_EVERY`` seconds."""
    return timedelta(seconds=settings.HOTISSUES_EVERY)


@task()
def recompute_hot_issues(days: int = DAYS, run_id: int | None = None) -> dict:
    """Recompute the hot issues of the last ``days`` (see ``finding.recompute``)."""
    run = Recomputation.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        run = Recomputation.objects.create(days=days)
    try:
        run = finding.recompute(days, run=run)
        finding.summarise()  # with the deployment's language model, if it has one
    except Exception as error:
        Recomputation.objects.filter(pk=run.pk).update(
            status=Recomputation.Status.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
        )
        raise
    finally:
        ensure_scheduled(exclude=run.pk)
    return {"voices": run.voices_read, "found": run.found, "created": run.created}


@task()
def attach_voice(voice_id: int) -> int | None:
    """Place one new voice into a hot issue or a new candidate; the issue's id, or None."""
    voice = Voice.objects.filter(pk=voice_id).first()
    if voice is None:
        return None
    issue = finding.attach(voice)
    ensure_scheduled()
    return issue.pk if issue else None


def request_recomputation(user, days: int = DAYS) -> Recomputation:
    """A person asked for a recomputation now: record it and enqueue it."""
    run = Recomputation.objects.create(days=days, requested_by=user)
    transaction.on_commit(lambda: recompute_hot_issues.enqueue(days=days, run_id=run.pk))
    return run


def ensure_scheduled(exclude: int | None = None) -> Recomputation | None:
    """Queue the next scheduled recomputation, unless one is already waiting or running."""
    waiting = Recomputation.objects.filter(
        status__in=[Recomputation.Status.QUEUED, Recomputation.Status.RUNNING], scheduled=True
    ).exclude(pk=exclude)
    if waiting.exists():
        return None
    at = timezone.now() + every()
    run = Recomputation.objects.create(days=DAYS, scheduled=True, run_after=at)
    task_ = recompute_hot_issues.using(run_after=at)
    transaction.on_commit(lambda: task_.enqueue(days=DAYS, run_id=run.pk))
    return run


def enqueue_attach(sender, instance: Voice, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of a Voice: attach it once it is committed (bulk imports skip this; the
    next recomputation reads them)."""
    if created and not raw:
        transaction.on_commit(lambda: attach_voice.enqueue(instance.pk), robust=True)
