"""The dashboard of the figures (考核): rankings of departments, areas and categories, the
trend, and from every count the list of cases behind it; each also as an Excel file.

Figures cover the cases the user may see (``Case.objects.visible_to``); a leader's cover
their area. The counting is in :mod:`massline.cases.figures`; the drill-down lists the same
condition the count counted.
"""

from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from massline.cases import figures
from massline.cases.figures import COUNT_LABELS, COUNTS, FIGURES, Row
from massline.cases.models import Callback, Case
from massline.lib import excel
from massline.org import roles
from massline.org.models import Area, Category, Department
from massline.voices.forms import AreaChoiceField
from massline.voices.models import Voice
from massline.voices.views.staff import paginate

#: The most rows a drill-down exports: more is a filter too wide to read in a spreadsheet.
EXPORT_MAX_ROWS = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Tables of the dashboard: their name, the query parameter that sorts them, their heading.
RANKINGS = {
    "department": gettext_lazy("Departments"),
    "area": gettext_lazy("Areas"),
    "category": gettext_lazy("Categories"),
}
PART_LABELS = {
    "met": gettext_lazy("met"),
    "missed": gettext_lazy("not met"),
    "all": gettext_lazy("all counted"),
}


def leader_area(user) -> Area | None:
    """The area a leader answers for: their figures cover it and nothing else."""
    staff = getattr(user, "staff", None)
    if roles.role_of(user) == roles.LEADER and staff is not None:
        return staff.area
    return None


class FiguresForm(forms.Form):
    """Which cases the figures are of: a period, an area, a department, a category; and, for
    the list behind a figure, which figure and which part of it."""

    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Trend by"), required=False, choices=figures.PERIODS.items()
    )
    area = AreaChoiceField(label=gettext_lazy("Area"), required=False, empty_label=None)
    department = forms.ModelChoiceField(
        Department.objects.all(),
        label=gettext_lazy("Department"),
        required=False,
        empty_label=gettext_lazy("all"),
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(level__lte=2).select_related("parent"),
        label=gettext_lazy("Category"),
        required=False,
        empty_label=gettext_lazy("all"),
    )
    # The drill-down's own fields, hidden on the dashboard.
    figure = forms.ChoiceField(
        required=False, choices=[(k, k) for k in [*FIGURES, *COUNTS]], widget=forms.HiddenInput
    )
    part = forms.ChoiceField(
        required=False, choices=[(p, p) for p in figures.PARTS], widget=forms.HiddenInput
    )
    via = forms.ChoiceField(
        required=False, choices=[("", ""), *Callback.Via.choices], widget=forms.HiddenInput
    )

    def __init__(self, data, user):
        super().__init__(data)
        self.root = leader_area(user)
        areas = self.fields["area"]
        if self.root:
            areas.queryset = areas.queryset.filter(path__startswith=self.root.path)
        else:
            areas.empty_label = _("all")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["until"] = until = data.get("until") or today
        first = (until.replace(day=1) - timedelta(days=335)).replace(day=1)  # 12 months
        data["since"] = since = data.get("since") or first
        data["period"] = period = data.get("period") or "month"
        data["area"] = data.get("area") or self.root
        data["part"] = data.get("part") or "all"
        if since > until:
            raise forms.ValidationError(_("The period ends before it starts."))
        if len(figures.buckets(since, until, period)) > figures.MAX_BUCKETS:
            raise forms.ValidationError(
                _("More than %(max)s points of trend: choose a longer step or a shorter period.")
                % {"max": figures.MAX_BUCKETS}
            )
        return data

    def span(self) -> tuple[datetime, datetime]:
        """The first moment of the period and the first after it."""
        data = self.cleaned_data
        return figures.day_start(data["since"]), figures.day_start(data["until"] + timedelta(1))

    def querysets(self, user, period: bool = True):
        """The cases and the voices the figures are of (of any time, unless ``period``)."""
        data = self.cleaned_data
        cases, voices = Case.objects.visible_to(user), Voice.objects.visible_to(user)
        if self.root:  # a leader's: their area, chosen below, is within what they may see
            cases, voices = Case.objects.all(), Voice.objects.all()
        cases = cases.filter(figures.HANDLED)
        if period:
            start, end = self.span()
            cases = cases.filter(accepted_at__gte=start, accepted_at__lt=end)
            voices = voices.filter(received_at__gte=start, received_at__lt=end)
        # Areas and categories by their ids: a short list, where a join on the area's path
        # or the category's parents would make the database read every row.
        if area := data["area"]:
            areas = list(area.subtree().values_list("pk", flat=True))
            cases, voices = cases.filter(area__in=areas), voices.filter(area__in=areas)
        if department := data["department"]:
            cases = cases.filter(department=department)
            voices = voices.filter(department=department)
        if category := data["category"]:
            below = Q(pk=category.pk) | Q(parent=category) | Q(parent__parent=category)
            categories = list(Category.objects.filter(below).values_list("pk", flat=True))
            cases = cases.filter(category__in=categories)
            voices = voices.filter(category__in=categories)
        return cases, voices

    def kept_scope(self, user) -> int | None:
        """Which kept counts add up to the figures asked for (``figures.kept_counts``): 0's
        for every case of the period (no filter but the period, and a user who sees every
        case), a district's for its cases (a leader's district, or one chosen), none (None)
        for any other choice, counted from the record."""
        data = self.cleaned_data
        if data["department"] or data["category"]:
            return None
        if not self.root and Case.objects.visible_to(user).query.has_filters():
            return None
        if (area := data["area"]) is None:
            return 0
        return area.pk if figures.is_district(area) else None

    def scope_params(self) -> dict:
        """The filters as query parameters, for links to the cases behind a count."""
        data, params = self.cleaned_data, {}
        params["since"], params["until"] = data["since"].isoformat(), data["until"].isoformat()
        for name in ("area", "department", "category"):
            if data[name]:
                params[name] = data[name].pk
        return params


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """``rows`` by a figure or a count (``-`` first: largest first); rows with nothing to
    count last whatever the direction."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key in FIGURES:
        value = lambda row: row[key].value  # noqa: E731
    elif key in COUNTS:
        value = lambda row: row.counts[key]  # noqa: E731
    else:
        return sorted(rows, key=lambda row: row.label, reverse=descending)
    counted = [row for row in rows if value(row) is not None]
    return sorted(counted, key=value, reverse=descending) + [r for r in rows if value(r) is None]


def percent(rate: figures.Rate) -> str:
    return "—" if rate.value is None else f"{100 * rate.value:.1f} %"


def annotate(rows: list[Row], scope: dict, param: str | None) -> list[Row]:
    """Give each row its links to the cases behind its counts, narrowed to that row."""
    base = reverse("cases-figures-list") + "?"
    for row in rows:
        narrowed = {**scope, param: row.key} if param else scope
        if param == "period":
            start, end = row.label
            narrowed = {**scope, "since": start.isoformat(), "until": end.isoformat()}
        # The row's scope encoded once; figure, part and via are plain words added to it.
        link = base + urlencode(narrowed) + "&figure="
        row.cells = [
            {
                "figure": f,
                "rate": row[key],
                "percent": percent(row[key]),
                **{part: f"{link}{key}&part={part}" for part in figures.PARTS},
            }
            for key, f in FIGURES.items()
        ]
        row.count_cells = [(COUNT_LABELS[n], row.counts[n], link + n) for n in COUNTS]
        row.table_cells = table_cells(row, escape(link))
        row.via_cells = [
            (
                label,
                [
                    (rate, percent(rate), f"{link}{key}&part=met&via={via}")
                    for key, rate in row.via[via].items()
                ],
            )
            for via, label in Callback.Via.choices
        ]
    return rows


def table_cells(row: Row, link: str) -> tuple[str, str]:
    """A row's count cells and figure cells in a table of the dashboard, as HTML.

    Written here rather than in the template: the dashboard's tables have a couple of hundred
    rows of nine cells, and the template language took about half the page's time for them.
    ``link``: the row's link to the cases behind it up to ``figure=``, HTML-escaped."""
    counts = "".join(
        f'<td class="num"><a href="{link}{name}">{row.counts[name]}</a></td>' for name in COUNTS
    )
    cells = []
    for key in FIGURES:
        rate = row[key]
        if rate.of:
            cells.append(
                f'<td class="num"><a href="{link}{key}&amp;part=met">{percent(rate)}</a><br>'
                f'<a class="muted" href="{link}{key}&amp;part=all">{rate.met} / {rate.of}</a></td>'
            )
        else:
            cells.append('<td class="num"><span class="muted">—</span></td>')
    return mark_safe(counts), mark_safe("".join(cells))  # noqa: S308 (escaped above)


def dashboard_figures(request: HttpRequest, form: FiguresForm) -> dict:
    """Everything the dashboard shows, counted."""
    data = form.cleaned_data
    querysets = form.querysets(request.user, period=False)
    now, span = timezone.now(), form.span()
    scope = form.scope_params()
    kept = None
    if (kept_scope := form.kept_scope(request.user)) is not None:
        kept = figures.kept_counts(data["since"], data["until"], kept_scope)
    trend = figures.summarise(
        figures.by_period(data["since"], data["until"], data["period"]),
        *querysets,
        now=now,
        span=span,
        kept=kept,
    )
    overall = annotate([figures.total(trend, _("All"))], scope, None)[0]
    departments = Department.objects.all()
    if data["department"]:
        departments = [data["department"]]
    groupings = {
        "department": figures.by_department(departments),
        "area": figures.by_area(data["area"]),
        "category": figures.by_category(data["category"]),
    }
    rankings = []
    for name, grouping in groupings.items():
        rows = [
            row
            for row in figures.summarise(grouping, *querysets, now=now, span=span, kept=kept)
            if row.counts["cases"] or row["repeat"].of
        ]
        sort = request.GET.get(f"sort_{name}", "-satisfaction")
        rankings.append(
            {
                "name": name,
                "title": RANKINGS[name],
                "sort": sort,
                "rows": annotate(sort_rows(rows, sort), scope, name),
            }
        )
    annotate(trend, scope, "period")
    return {"overall": overall, "rankings": rankings, "trend": trend, "scope": scope}


def trend_chart(trend: list[Row]) -> dict:
    """The trend as the chart script reads it: a label per period, a percentage per figure."""

    def percent(rate):
        return None if rate.value is None else round(100 * rate.value, 1)

    return {
        "labels": [start.isoformat() for start, _end in (row.label for row in trend)],
        "cases": [row.counts["cases"] for row in trend],
        "casesLabel": str(COUNT_LABELS["cases"]),
        "series": [
            {"name": str(f.label), "data": [percent(row[key]) for row in trend]}
            for key, f in FIGURES.items()
        ],
    }


def sort_links(request: HttpRequest, ranking: dict) -> list[tuple[str, str, str]]:
    """A ranking's sortable headers: (label, link, arrow); a second click reverses."""
    param, current = f"sort_{ranking['name']}", ranking["sort"]
    query = {k: v for k, v in request.GET.items() if k != param}
    headers = [("", "name", "")] + [(label, name, "") for name, label in COUNT_LABELS.items()]
    headers += [(f.label, key, "") for key, f in FIGURES.items()]
    out = []
    for label, key, _arrow in headers:
        # Figures and counts sort largest first on the first click; names A to Z.
        first = key if key == "name" else f"-{key}"
        descending = current.startswith("-")
        if current.lstrip("-") == key:
            sort, arrow = (key, "▼") if descending else (f"-{key}", "▲")
        else:
            sort, arrow = first, ""
        out.append((label or ranking["title"], "?" + urlencode({**query, param: sort}), arrow))
    return out


@require_GET
@login_required
@permission_required("cases.view_figures", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures of the chosen period and scope, ranked, with their trend."""
    form = FiguresForm(request.GET, request.user)
    context = {
        "form": form,
        "figures": FIGURES.values(),
        "count_labels": COUNT_LABELS.values(),
        "via_figures": [f for f in FIGURES.values() if f.model is Callback],
    }
    if not form.is_valid():
        return render(request, "cases/figures.html", context, status=400)
    context.update(dashboard_figures(request, form))
    if request.GET.get("export") == "xlsx":
        return workbook_response(dashboard_workbook(context), form, "figures")
    context["chart"] = trend_chart(context["trend"])
    context["export_query"] = urlencode({**request.GET.dict(), "export": "xlsx"})
    for ranking in context["rankings"]:
        ranking["headers"] = sort_links(request, ranking)
    return render(request, "cases/figures.html", context)


@require_GET
@login_required
@permission_required("cases.view_figures", raise_exception=True)
def figure_cases(request: HttpRequest) -> HttpResponse:
    """The cases (or, for the repeat-voice rate, the voices) behind one count."""
    form = FiguresForm(request.GET, request.user)
    if not form.is_valid() or not form.cleaned_data["figure"]:
        if form.is_valid():
            form.add_error(None, _("Choose a figure: follow a link on the dashboard."))
        return render(request, "cases/figure_cases.html", {"form": form}, status=400)
    data = form.cleaned_data
    cases, voices = form.querysets(request.user)
    figure, part, via = data["figure"], data["part"], data["via"]
    if figure == "repeat":
        rows = figures.behind_voices(part, voices).select_related("area", "category", "department")
        rows = rows.defer("body", "address", "extra", "name", "phone")
    else:
        rows = figures.behind_cases(figure, part, cases, via=via).select_related(
            "voice", "department", "area", "category"
        )
        rows = rows.defer(
            "voice__body", "voice__address", "voice__extra", "voice__name", "voice__phone"
        )
    title = FIGURES[figure].label if figure in FIGURES else COUNT_LABELS[figure]
    context = {
        "form": form,
        "title": title,
        "part": PART_LABELS[part] if figure in FIGURES else "",
        "via": dict(Callback.Via.choices).get(via, ""),
        "voices": figure == "repeat",
        "dashboard": reverse("cases-figures") + "?" + urlencode(form.scope_params()),
        "export_query": urlencode({**request.GET.dict(), "export": "xlsx"}),
    }
    if request.GET.get("export") == "xlsx":
        if (count := rows.count()) > EXPORT_MAX_ROWS:
            form.add_error(
                None,
                _("%(count)s rows are too many for one file (at most %(max)s): narrow the filters.")
                % {"count": count, "max": EXPORT_MAX_ROWS},
            )
            return render(request, "cases/figure_cases.html", context, status=400)
        return workbook_response(list_workbook(rows, context), form, figure)
    return render(request, "cases/figure_cases.html", {**context, **paginate(request, rows)})


# ---- Excel ---------------------------------------------------------------------------------


def workbook_response(workbook: Workbook, form: FiguresForm, name: str) -> HttpResponse:
    out = BytesIO()
    workbook.save(out)
    data = form.cleaned_data
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    filename = f"{name}-{data['since']:%Y%m%d}-{data['until']:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def figures_header(first: str) -> list[str]:
    header = [first, *(str(label) for label in COUNT_LABELS.values())]
    for f in FIGURES.values():
        header += [str(f.label), _("met"), _("counted")]
    for label in Callback.Via.labels:
        header += [f"{FIGURES['satisfaction'].label} · {label}", _("counted")]
    return header


def figures_cells(sheet, label, row: Row) -> list:
    cells = [excel.cell(sheet, label), *(excel.cell(sheet, n) for n in row.counts.values())]
    for key in FIGURES:
        rate = row[key]
        cells += [_percent_cell(sheet, rate.value), excel.cell(sheet, rate.met)]
        cells.append(excel.cell(sheet, rate.of))
    for via in Callback.Via.values:
        rate = row.via[via]["satisfaction"]
        cells += [_percent_cell(sheet, rate.value), excel.cell(sheet, rate.of)]
    return cells


def _percent_cell(sheet, value: float | None):
    cell = excel.cell(sheet, value)
    cell.number_format = "0.0%"
    return cell


def dashboard_workbook(context: dict) -> Workbook:
    """The dashboard's tables, a sheet each: all, each ranking as shown, the trend."""
    workbook = Workbook(write_only=True)
    widths = [28, 8, 8, 8] + [10, 8, 8] * len(FIGURES) + [10, 8] * 2
    sheet = excel.table_sheet(workbook, _("All"), figures_header(""), widths)
    sheet.append(figures_cells(sheet, _("All"), context["overall"]))
    for ranking in context["rankings"]:
        sheet = excel.table_sheet(
            workbook, str(ranking["title"]), figures_header(str(ranking["title"])), widths
        )
        for row in ranking["rows"]:
            sheet.append(figures_cells(sheet, row.label, row))
    sheet = excel.table_sheet(workbook, _("Trend"), figures_header(_("Period")), widths)
    for row in context["trend"]:
        start, end = row.label
        label = start.isoformat() if start == end else f"{start} – {end}"
        sheet.append(figures_cells(sheet, label, row))
    return workbook


def list_workbook(rows, context: dict) -> Workbook:
    """The cases (or voices) behind a count, one row each."""
    workbook = Workbook(write_only=True)
    title = str(context["title"])[:31]
    if context["voices"]:
        header = [_("Tracking code"), _("Received"), _("Subject"), _("Area"), _("Category")]
        header.append(_("Department"))
        sheet = excel.table_sheet(workbook, title, header, [14, 18, 50, 16, 16, 28])
        for v in rows.iterator(chunk_size=2000):
            values = [v.tracking_code, v.received_at, v.subject, v.area, v.category, v.department]
            sheet.append([excel.cell(sheet, _text(value)) for value in values])
        return workbook
    header = [
        _("Tracking code"),
        _("Subject"),
        _("Status"),
        _("Urgency"),
        _("Department"),
        _("Area"),
        _("Category"),
        _("Triaged"),
        _("Contact the person by"),
        _("Person contacted"),
        _("Reply due"),
        _("Replied"),
        _("Closed"),
        _("Times reopened"),
    ]
    sheet = excel.table_sheet(workbook, title, header, [14, 50, 12, 10, 28, 16, 16] + [18] * 6)
    for case in rows.iterator(chunk_size=2000):
        values = [
            case.voice.tracking_code,
            case.voice.subject,
            case.get_status_display(),
            case.get_urgency_display(),
            case.department,
            case.area,
            case.category,
            case.accepted_at,
            case.respond_by,
            case.contacted_at,
            case.reply_by,
            case.replied_at,
            case.closed_at,
            case.reopened,
        ]
        sheet.append([excel.cell(sheet, _text(value)) for value in values])
    return workbook


def _text(value):
    """Model instances by their name; numbers, dates and text as they are."""
    if value is None or isinstance(value, int | str | date):
        return value
    return getattr(value, "name", str(value))
