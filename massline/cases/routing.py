"""A routing table derived from what the departments say they answer for.

Each department lists its categories and its areas; :func:`routing_from_departments` turns
those into :class:`~massline.cases.models.RoutingRule` rows, for administrators to correct
afterwards. Two choices make the result sensible:

- A department that answers for every top-level category (a street office, a catch-all)
  gets a rule only where no specialist department answers for that category in its area
  or above it: otherwise, since the narrowest area wins, it would take every case of its
  street from the bureaus that are meant to answer them.
- Where two departments answer the same category in the same area, the more local tier
  wins, then the one answering fewer categories (the specialist), then the name.

Rules already in the table are kept: an administrator's edit is never overwritten.
"""

from django.db import transaction

from massline.cases.models import RoutingRule
from massline.org.models import Area, Category, Department


@transaction.atomic
def routing_from_departments() -> list[RoutingRule]:
    """Fill the routing table from ``Department.categories`` × ``Department.areas``; the
    rules it added."""
    tops = set(Category.objects.filter(parent=None).values_list("pk", flat=True))
    paths = dict(Area.objects.values_list("pk", "path"))
    departments = sorted(
        Department.objects.prefetch_related("categories", "areas"),
        key=lambda d: (-d.tier, len(d.categories.all()), d.name),
    )
    catch_all = {
        d.pk for d in departments if len(tops) > 1 and tops <= {c.pk for c in d.categories.all()}
    }
    # Where specialists answer: category → the paths of their areas.
    specialists: dict[int, list[str]] = {}
    for department in departments:
        if department.pk not in catch_all:
            for category in department.categories.all():
                specialists.setdefault(category.pk, []).extend(
                    paths[area.pk] for area in department.areas.all()
                )
    taken = set(RoutingRule.objects.values_list("category_id", "area_id"))
    new = []
    for department in departments:
        for category in department.categories.all():
            for area in department.areas.all():
                covered = any(
                    paths[area.pk].startswith(path) for path in specialists.get(category.pk, [])
                )
                if department.pk in catch_all and covered:
                    continue
                if (category.pk, area.pk) in taken:
                    continue
                taken.add((category.pk, area.pk))
                new.append(RoutingRule(category=category, area=area, department=department))
    return RoutingRule.objects.bulk_create(new)
