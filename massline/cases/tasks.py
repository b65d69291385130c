"""Background tasks of the cases (run by ``massline db_worker``)."""

from datetime import date

from django_tasks import task

from massline.cases import figures


@task()
def count_months(months: list[str]) -> int:
    """Count the figures of ``months`` (ISO dates of their first days) again and keep them,
    those that changed since they were last counted; returns how many were counted."""
    return sum(figures.count_month(date.fromisoformat(month)) is not None for month in months)
