"""Background tasks of the notifications (run by ``massline db_worker``).

- :func:`send_notification` sends one message; after a failure it enqueues itself again
  after the next delay of ``MASSLINE_NOTIFY_RETRY`` until the message goes or is given up.
- :func:`check_deadlines` reminds departments and flags overdue cases (and commitments'
  owners, see ``massline.decisions.deadlines``), then schedules itself
  to run again after ``MASSLINE_DEADLINES_EVERY`` seconds: one chain, however it started
  (each dispatch makes sure it runs, see :func:`ensure_deadlines_checked`).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from massline.cases.models import Case
from massline.notifications.models import DeadlineCheck, Notification


@task()
def send_notification(notification_id: int) -> str:
    """Try to send one waiting notification; its status afterwards."""
    notification = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).first()
    if notification is None:  # sent already, or given up
        return "gone"
    if wait := notification.attempt():
        send_notification.using(run_after=timezone.now() + wait).enqueue(notification_id)
    return notification.status


@task()
def check_deadlines(run_id: int | None = None) -> dict:
    """Remind and flag cases (see ``Case.check_deadlines``) and commitments (see
    ``massline.decisions.deadlines``), then queue the next check."""
    from massline.decisions.deadlines import check_commitments  # decisions use notifications

    run = DeadlineCheck.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        run = DeadlineCheck.objects.create(run_after=timezone.now())
    run.status = DeadlineCheck.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        reminded, flagged = Case.check_deadlines()
        commitments_reminded, commitments_flagged = check_commitments()
    except Exception as error:
        run.status, run.error = DeadlineCheck.Status.FAILED, repr(error)[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    finally:
        ensure_deadlines_checked(exclude=run.pk)
    run.status, run.finished_at = DeadlineCheck.Status.DONE, timezone.now()
    run.reminded, run.flagged = len(reminded), len(flagged)
    run.save(update_fields=["status", "finished_at", "reminded", "flagged"])
    return {
        "reminded": run.reminded,
        "flagged": run.flagged,
        "commitments_reminded": len(commitments_reminded),
        "commitments_flagged": len(commitments_flagged),
    }


# A check still waiting or running an hour after it was due was lost (a worker killed):
# it no longer keeps the chain from starting again.
LOST_AFTER = timedelta(hours=1)


def ensure_deadlines_checked(exclude: int | None = None) -> DeadlineCheck | None:
    """Queue the next deadline check, unless one is already waiting or running."""
    now = timezone.now()
    waiting = DeadlineCheck.objects.filter(
        status__in=[DeadlineCheck.Status.QUEUED, DeadlineCheck.Status.RUNNING],
        run_after__gt=now - LOST_AFTER,
    ).exclude(pk=exclude)
    if waiting.exists():
        return None
    at = now + timedelta(seconds=settings.DEADLINES_EVERY)
    run = DeadlineCheck.objects.create(run_after=at)
    task_ = check_deadlines.using(run_after=at)
    transaction.on_commit(lambda: task_.enqueue(run_id=run.pk), robust=True)
    return run
