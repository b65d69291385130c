"""Labelled voices for the category classifier, staff corrections included ("kept and used").

``massline.engine.classify.CategoryClassifier`` learns from ``(text, label)`` pairs: the
voices whose category nobody corrected train it with :meth:`fit`, the corrected ones then
count more with :meth:`correct`.
"""

from collections.abc import Iterator

from massline.engine.classify import CategoryClassifier
from massline.voices.models import CategoryCorrection, Voice

Pair = tuple[tuple[str, str], str]


def label_of(category, level: int) -> str:
    """The name of ``category``'s ancestor at ``level`` (1: the top), or its own if higher."""
    chain = [category]
    while chain[-1].parent_id:
        chain.append(chain[-1].parent)
    chain.reverse()
    return chain[min(level, len(chain)) - 1].name


def training_pairs(
    level: int = 1, corrected: bool | None = None, newest: int | None = None
) -> Iterator[Pair]:
    """``((subject, body), label)`` of every voice with a category (of the ``newest`` ones).

    ``corrected`` True gives only voices whose category a person corrected (their current,
    corrected category), False only the others, None all of them.
    """
    voices = Voice.objects.exclude(category=None).select_related("category__parent__parent__parent")
    corrections = CategoryCorrection.objects.values("voice_id")
    if corrected is True:
        voices = voices.filter(pk__in=corrections)
    elif corrected is False:
        voices = voices.exclude(pk__in=corrections)
    voices = voices.only("subject", "body", "category")
    voices = voices.order_by("-pk")[:newest] if newest else voices.order_by("pk")
    for voice in voices.iterator(2000):
        yield (voice.subject, voice.body), label_of(voice.category, level)


def train_classifier(level: int = 1, newest: int | None = None, **params) -> CategoryClassifier:
    """A classifier fitted on the labelled voices (the ``newest`` ones: fitting takes
    seconds per thousand), then given the corrections."""
    plain = list(training_pairs(level, corrected=False, newest=newest))
    fixed = list(training_pairs(level, corrected=True))
    if not plain:
        plain, fixed = fixed, []
    classifier = CategoryClassifier(**params).fit(
        [t for t, _ in plain], [label for _, label in plain]
    )
    if fixed:
        classifier.correct([t for t, _ in fixed], [label for _, label in fixed])
    return classifier
