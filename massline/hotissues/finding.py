"""Finding hot issues among the stored voices, and keeping staff decisions while doing it.

Two ways in: :func:`recompute` reads the recent period again with the engine and reconciles
what it finds with the stored issues; :func:`attach` places one new voice between two
recomputations, with the word weights of the last one.
"""

from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from massline.engine import hotissues as engine
from massline.engine.hotissues import (
    Concentrator,
    VoiceRecord,
    concentrate,
    reading_of,
)
from massline.engine.summary import MAX_VOICES, llm_summary
from massline.hotissues.models import (
    MIN_PEOPLE,
    HotIssue,
    IssueAction,
    Membership,
    Recomputation,
    _summed,
    cosine,
)
from massline.org.models import Category
from massline.voices.models import Voice

#: The longest quiet gap within one issue.
WINDOW = timedelta(days=30)
#: Clusters of fewer people are not kept at all; from MIN_PEOPLE on they are hot issues.
CANDIDATE_PEOPLE = 2

FIELDS = ("id", "subject", "body", "received_at", "person_key", "likes", "dislikes", "category_id")


def record_of(row: dict) -> VoiceRecord:
    """A voice as the engine reads it; the category is its id, so it maps straight back."""
    return VoiceRecord(
        id=row["id"],
        text=f"{row['subject']}。{row['body']}",
        at=row["received_at"],
        person=row["person_key"],
        likes=row["likes"],
        dislikes=row["dislikes"],
        category=str(row["category_id"]) if row["category_id"] else None,
    )


def records(since, until) -> list[VoiceRecord]:
    rows = Voice.objects.filter(received_at__gte=since, received_at__lte=until).values(*FIELDS)
    return [record_of(row) for row in rows.order_by("received_at").iterator(5000)]


def recompute(days: int = 90, *, now=None, run: Recomputation | None = None) -> Recomputation:
    """Find the hot issues of the last ``days`` again and reconcile them with the stored ones.

    - A found issue sharing most voices with a stored one updates it: a staff title, a
      dismissal and voices staff moved stay as they are.
    - Otherwise it is stored as new: a hot issue from :data:`MIN_PEOPLE` people on, a
      candidate below.
    - A stored issue no longer found becomes a candidate again; an untouched candidate no
      longer found is deleted. Nothing staff touched, nor anything an opinion was drafted
      on, is ever deleted.
    """
    now = now or timezone.now()
    since = now - timedelta(days=days)
    run = run or Recomputation.objects.create(days=days)
    Recomputation.objects.filter(pk=run.pk).update(
        status=Recomputation.Status.RUNNING, started_at=timezone.now()
    )
    voices = records(since, now)
    concentrator = concentrate(voices, since=since, until=now, window=WINDOW)
    found = concentrator.hot_issues(until=now, min_people=CANDIDATE_PEOPLE)
    idf, documents = concentrator.idf, concentrator.documents
    created, updated = reconcile(found, since, now)
    run.status, run.finished_at = Recomputation.Status.DONE, timezone.now()
    run.voices_read, run.found, run.created, run.updated = len(voices), len(found), created, updated
    run.idf, run.documents = idf, documents
    run.days = days
    run.save()
    # Only the latest weights are used; older runs keep their figures, not their words.
    Recomputation.objects.exclude(pk=run.pk).exclude(idf={}).update(idf={})
    return run


@transaction.atomic
def reconcile(found: list[engine.HotIssue], since, now) -> tuple[int, int]:
    """Store the engine's issues, keeping staff decisions (see :func:`recompute`)."""
    scope = list(HotIssue.objects.live().filter(end__gte=since).select_for_update())
    by_id = {issue.pk: issue for issue in scope}
    rows = Membership.objects.filter(issue__in=scope).values_list(
        "voice_id", "issue_id", "added_by"
    )
    members: dict[int, set[int]] = defaultdict(set)
    placed: dict[int, int] = {}
    by_staff: set[int] = set()
    for voice_id, issue_id, added_by in rows:
        members[issue_id].add(voice_id)
        placed[voice_id] = issue_id
        if added_by == Membership.AddedBy.STAFF:
            by_staff.add(voice_id)
    took_merges = set(
        IssueAction.objects.filter(
            issue__in=scope, action=IssueAction.Action.MERGE, details__has_key="merged"
        ).values_list("issue_id", flat=True)
    )

    targets: dict[int, list[engine.HotIssue]] = defaultdict(list)
    new: list[tuple[HotIssue, engine.HotIssue]] = []
    for cluster in found:
        ids = set(cluster.voice_ids)
        shared = Counter(placed[v] for v in ids if v in placed)
        match = next(
            (
                issue_id
                for issue_id, n in shared.most_common()
                if (2 * n >= len(ids) or 2 * n >= len(members[issue_id]))
                and (issue_id not in targets or issue_id in took_merges)
            ),
            None,
        )
        if match is not None:
            targets[match].append(cluster)
        else:
            issue = HotIssue(status=HotIssue.Status.CANDIDATE)
            apply(issue, cluster)
            issue.save()
            new.append((issue, cluster))

    # The engine places its voices afresh; staff placements stay.
    claimed = {v for cluster in found for v in cluster.voice_ids}
    Membership.objects.filter(issue__in=scope, added_by=Membership.AddedBy.ENGINE).filter(
        voice_id__in=claimed
    ).delete()
    Membership.objects.filter(issue_id__in=targets, added_by=Membership.AddedBy.ENGINE).delete()
    pairs = [(by_id[i], c) for i, clusters in targets.items() for c in clusters] + new
    Membership.objects.bulk_create(
        [
            Membership(issue=issue, voice_id=v, representative=v in set(cluster.representatives))
            for issue, cluster in pairs
            for v in cluster.voice_ids
            if v not in by_staff
        ],
        ignore_conflicts=True,
    )

    for issue_id, clusters in targets.items():
        issue = by_id[issue_id]
        apply(issue, clusters[0])
        for other in clusters[1:]:
            issue.terms = _summed(issue.terms, other.terms)
            issue.burst = max(issue.burst, other.burst)
            issue.severity = max(issue.severity, other.severity)
        issue.refresh(now)  # staff-placed voices and several clusters: count the members
        if len(clusters) == 1 and set(clusters[0].voice_ids) == set(
            issue.memberships.values_list("voice_id", flat=True)
        ):
            issue.heat = clusters[0].heat  # exactly the engine's issue: its own heat
        issue.status = status_after(issue)
        issue.save()
    for issue, cluster in new:
        issue.refresh(now)
        issue.heat = cluster.heat
        issue.status = status_after(issue)
        issue.save()

    for issue in scope:
        if issue.pk in targets:
            continue
        if issue.status == HotIssue.Status.CANDIDATE and not issue.touched_by_staff():
            try:
                with transaction.atomic():
                    issue.delete()
                continue
            except ProtectedError:  # what refers to it (an opinion drafted on it) keeps it
                pass
        issue.refresh(now)
        if issue.status == HotIssue.Status.OPEN:
            issue.status = HotIssue.Status.CANDIDATE
        issue.save()
    return len(new), len(targets)


def summarise(limit: int = 20) -> int:
    """Have the deployment's language model summarise the hottest issues that still carry
    the extractive summary (``MASSLINE_LLM_URL``; nothing happens without one). Returns how
    many summaries it wrote; an issue the model fails on keeps its extractive summary."""
    if not settings.LLM_URL:
        return 0
    written = 0
    issues = HotIssue.objects.filter(status=HotIssue.Status.OPEN, summary_model="")
    for issue in issues.order_by("-heat")[:limit]:
        members = issue.memberships.select_related("voice").order_by("-representative")
        texts = [f"{m.voice.subject}。{m.voice.body}" for m in members[:MAX_VOICES]]
        summary = llm_summary(
            issue.title,
            texts,
            url=settings.LLM_URL,
            model=settings.LLM_MODEL,
            api_key=settings.LLM_API_KEY or "",
        )
        if summary:
            HotIssue.objects.filter(pk=issue.pk).update(
                summary=summary, summary_model=settings.LLM_MODEL[:100]
            )
            written += 1
    return written


def status_after(issue: HotIssue) -> str:
    """A dismissal stands; otherwise enough people make a hot issue."""
    if issue.status == HotIssue.Status.DISMISSED:
        return issue.status
    return HotIssue.Status.OPEN if issue.people >= MIN_PEOPLE else HotIssue.Status.CANDIDATE


def apply(issue: HotIssue, found: engine.HotIssue) -> None:
    """Copy the engine's description onto a stored issue (a staff title stays)."""
    if not issue.title_edited:
        issue.title = found.title[:200]
    issue.anchor = found.anchor[:200]
    issue.keywords = list(found.keywords)
    issue.terms = dict(Counter(found.terms).most_common(len(found.terms)))
    issue.start, issue.end = found.start, found.end
    issue.heat = found.heat
    issue.people, issue.peak_people = found.people, found.peak_people
    issue.voice_count, issue.endorsements = found.voices, found.endorsements
    issue.burst, issue.severity = found.burst, found.severity
    issue.why = found.why[:300]
    if not issue.summary_model or issue.voice_count != found.voices:
        # a model's summary stands while the issue's voices stay the same
        issue.summary, issue.summary_model = found.summary, ""
    issue.trend = [[day.isoformat(), n] for day, n in found.trend]
    category = int(found.category) if found.category and found.category.isdigit() else None
    issue.category_id = category if Category.objects.filter(pk=category).exists() else None


def attach(voice: Voice, now=None) -> HotIssue | None:
    """Place one new voice: into the most similar open issue or candidate of its place or
    group (last voice within :data:`WINDOW`), or as a new candidate.

    An issue of another place its opening names counts too, if that place is as specific as
    its own (井莲路369号佳园星城 joins 佳园星城's issue; a voice about a compound does not
    join its road's). Praise, and voices naming no place or group that joins no issue,
    join nothing (``None``).
    """
    current = HotIssue.objects.live().filter(memberships__voice=voice).first()
    if current:
        return current
    idf, documents = Recomputation.weights()
    concentrator = Concentrator(idf, documents, window=WINDOW)
    row = {f: getattr(voice, f) for f in FIELDS}
    reading = reading_of(record_of(row), concentrator.tokenizer)
    own = reading.anchor
    if reading.kind == "praise":
        return None
    vector = concentrator.vector(reading)
    at = voice.received_at
    nearby = HotIssue.objects.filter(
        anchor__in={own} | engine.names_in(reading.opening) - {""},
        status__in=[HotIssue.Status.OPEN, HotIssue.Status.CANDIDATE],
        end__gte=at - WINDOW,
        start__lte=at + WINDOW,
    )
    rank = engine.place_rank(own)
    threshold = engine.THRESHOLD["group" if own.startswith("group:") else "place"]
    scored = [
        (cosine(vector, issue.terms), issue.anchor == own, issue)
        for issue in nearby
        if issue.anchor == own or engine.place_rank(issue.anchor) <= rank
    ]
    score, _, best = max(scored, key=lambda x: x[:2], default=(0.0, False, None))
    if (best is None or score < threshold) and not own:
        return None
    with transaction.atomic():
        if best is None or score < threshold:
            words = sorted(vector, key=lambda t: -vector[t])
            best = HotIssue(
                title=f"{reading.place or reading.anchor.removeprefix('group:')} "
                f"{''.join(words[:2])}".strip()[:200],
                anchor=own,
                keywords=words[:5],
                terms=vector,
                start=at,
                end=at,
                severity=reading.severity,
                category_id=voice.category_id,
                status=HotIssue.Status.CANDIDATE,
            )
            best.save()
        else:
            best.terms = _summed(best.terms, vector)
        Membership.objects.create(issue=best, voice=voice)
        best.refresh(now)
        best.save()
    return best
