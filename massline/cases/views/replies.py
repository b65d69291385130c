"""Answering a case: the reply form with its check, and the callbacks (回访)."""

from django.http import HttpRequest

from massline.cases.models import Case


def answer_context(request: HttpRequest, case: Case) -> dict:
    """What the case page needs to show the replies, callbacks and the reply form."""
    return {}
