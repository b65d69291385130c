"""Reference data: where (areas), who answers (departments, staff) and what about (categories)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """An administrative area in the tree 市 → 区县 → 街道乡镇 → 社区村 → 网格."""

    class Level(models.IntegerChoices):
        CITY = 1, _("City (市)")
        DISTRICT = 2, _("District or county (区县)")
        STREET = 3, _("Street or town (街道乡镇)")
        COMMUNITY = 4, _("Community or village (社区村)")
        GRID = 5, _("Grid (网格)")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Materialised path of codes ("/3301/330102/"), so "this area and everything under it"
    # is one indexed prefix query.
    path = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """市/区/街道 names joined, e.g. "临江市江北区望江街道"."""
        names, area = [], self
        while area:
            names.append(area.name)
            area = area.parent
        return "".join(reversed(names))

    def subtree(self) -> models.QuerySet["Area"]:
        return Area.objects.filter(path__startswith=self.path)


class Category(models.Model):
    """A node of the three-level content taxonomy (一级/二级/三级分类)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"), editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent=None), name="category_unique_top_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.level = self.parent.level + 1 if self.parent else 1
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.parent.full_name} / {self.name}" if self.parent else self.name

    def top(self) -> "Category":
        return self.parent.top() if self.parent else self

    def subtree(self, field: str = "category") -> models.Q:
        """Rows whose ``field`` is this category or one below it (the taxonomy has three
        levels), for ``queryset.filter(category.subtree())``."""
        return (
            models.Q(**{field: self})
            | models.Q(**{f"{field}__parent": self})
            | models.Q(**{f"{field}__parent__parent": self})
        )


class Department(models.Model):
    """A unit that answers voices: a street office, a district bureau, a city commission."""

    class Tier(models.IntegerChoices):
        STREET = 3, _("Street or town (街道乡镇)")
        DISTRICT = 2, _("District or county (区县)")
        CITY = 1, _("City (市)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="departments", verbose_name=_("areas")
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="departments", verbose_name=_("categories")
    )
    phone = models.CharField(_("public phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A user's place in the organisation; their role is their group (see ``roles``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff")
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("department"),
    )
    area = models.ForeignKey(
        Area,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("area of responsibility"),
    )
    title = models.CharField(_("title"), max_length=60, blank=True)
    # A case returned twice goes to its dispatcher's supervisor (see cases.Case.send_back).
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervisor"),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return staff_name(self.user)


def staff_name(user) -> str:
    """``user``'s name as people write it: family name first and no space in Chinese
    (李建国, where Django's ``get_full_name`` gives "建国 李"), given name first otherwise;
    the user name when no name is set."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return last + first
    return f"{first} {last}".strip()
