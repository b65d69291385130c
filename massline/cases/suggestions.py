"""The classifier's category suggestion, with its confidence, for voices being triaged.

Fitting the classifier takes seconds (2–5 s on 2,000 voices, 6–23 s on 10,000 on a shared
2-core machine: ``bench/triage_suggestions.py``), far too slow for a request. So the task
:func:`fit_classifier` fits it on the newest labelled voices and stores it
(:class:`~massline.cases.models.FittedClassifier`, 2–3 MB); each process keeps the newest
one it has loaded (40–75 ms to load; a page of 20 suggestions then takes 10–25 ms) and
asks for a new fit when there is none or it is older than :data:`REFIT_AFTER`, so
corrections made at triage count within hours.
"""

import pickle
import time
import zlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from massline.cases.models import FittedClassifier
from massline.engine.classify import CategoryClassifier, taxonomy_hints
from massline.org.models import Category
from massline.voices.models import Voice
from massline.voices.training import train_classifier

TRAIN_ON = 5000  # newest labelled voices: accuracy levels off long before, time does not
REFIT_AFTER = timedelta(hours=6)
ASK_AGAIN_AFTER = 600  # seconds: a fit asked for and not yet done is not asked for again

_loaded: dict = {"key": None, "classifier": None, "asked": float("-inf")}


@task()
def fit_classifier() -> int:
    """Fit the classifier on the labelled voices and store it; how many voices it used."""
    if not Voice.objects.exclude(category=None).exists():
        return 0
    started = time.perf_counter()
    classifier = train_classifier(newest=TRAIN_ON, hints=taxonomy_hints(_category_paths()))
    seconds = time.perf_counter() - started
    with transaction.atomic():
        FittedClassifier.objects.all().delete()  # only the newest is ever used
        FittedClassifier.objects.create(
            voices=len(classifier.labels_),
            seconds=seconds,
            model=zlib.compress(pickle.dumps(classifier)),
        )
    return len(classifier.labels_)


def _category_paths() -> list[tuple[str, ...]]:
    paths = []
    for category in Category.objects.select_related("parent__parent"):
        path, node = [], category
        while node is not None:
            path.insert(0, node.name)
            node = node.parent
        paths.append(tuple(path))
    return paths


def current_classifier() -> CategoryClassifier | None:
    """The newest fitted classifier, if there is one; asks for a fit when it is missing
    or old (done in the background: the caller never waits for it)."""
    latest = FittedClassifier.objects.values("pk", "fitted_at").order_by("-fitted_at").first()
    if latest is None or latest["fitted_at"] < timezone.now() - REFIT_AFTER:
        _ask_for_fit()
    if latest is None:
        return None
    key = (latest["pk"], latest["fitted_at"])
    if _loaded["key"] != key:
        blob = FittedClassifier.objects.values_list("model", flat=True).get(pk=latest["pk"])
        # Our own task wrote it to our own database: unpickling it is safe.
        _loaded.update(key=key, classifier=pickle.loads(zlib.decompress(blob)))  # noqa: S301
    return _loaded["classifier"]


def _ask_for_fit() -> None:
    if time.monotonic() - _loaded["asked"] < ASK_AGAIN_AFTER:
        return
    _loaded["asked"] = time.monotonic()
    transaction.on_commit(fit_classifier.enqueue, robust=True)


def suggest(voices: list[Voice]) -> dict[int, tuple[Category, float]]:
    """The most likely top-level category of each voice, with its probability, by voice id
    (none while no classifier has been fitted yet)."""
    classifier = current_classifier()
    if classifier is None or not voices:
        return {}
    probabilities = classifier.predict_proba([(v.subject, v.body) for v in voices])
    tops = {c.name: c for c in Category.objects.filter(parent=None, name__in=classifier.classes_)}
    suggestions = {}
    for voice, row in zip(voices, probabilities, strict=True):
        best = int(row.argmax())
        if category := tops.get(str(classifier.classes_[best])):
            suggestions[voice.pk] = (category, float(row[best]))
    return suggestions
