"""Decisions for the demo city (``massline demo``): the year's livelihood projects and
decisions on the hottest issues, made by the product's own steps.

The programme is a file of projects imported as an office would import it (10 categories,
30 projects), then each project's progress is recorded by its unit's handler; the
hottest issues are drafted into opinions and decided with two commitments each.
Everything is drawn from the seed, so the same seed gives the same demo.
"""

import csv
import io
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from massline.cases.demo import department_accounts
from massline.decisions.importing import COLUMNS, import_projects
from massline.decisions.models import Commitment, Decision, Opinion, Programme
from massline.decisions.publishing import publish, publish_programme
from massline.hotissues.models import HotIssue
from massline.org.models import Department
from massline.voices.models import Voice

#: (category, project, city bureau's abbreviation, budget in 万元) of the year's programme.
PROJECTS = [
    ("教育", "新建改扩建公办幼儿园8所", "JY", 9600),
    ("教育", "中小学校舍安全改造20处", "JY", 4200),
    ("教育", "义务教育学校课后服务全覆盖", "JY", 1500),
    ("医疗卫生", "社区卫生服务中心标准化建设12家", "WJ", 3600),
    ("医疗卫生", "65岁以上老年人免费体检", "WJ", 2800),
    ("医疗卫生", "二级以上医院检查结果互认", "WJ", 600),
    ("养老服务", "新增养老床位1000张", "MZ", 5000),
    ("养老服务", "建设社区老年食堂40个", "MZ", 1200),
    ("养老服务", "困难老人家庭适老化改造800户", "MZ", 960),
    ("住房保障", "老旧小区改造60个", "ZJ", 18000),
    ("住房保障", "既有住宅加装电梯200台", "ZJ", 6000),
    ("住房保障", "筹集保障性租赁住房3000套", "ZJ", 30000),
    ("交通出行", "新开优化公交线路15条", "JT", 800),
    ("交通出行", "新增公共停车泊位5000个", "JT", 4500),
    ("交通出行", "打通断头路10条", "JT", 12000),
    ("就业创业", "城镇新增就业2万人", "RS", 2000),
    ("就业创业", "职业技能培训1.5万人次", "RS", 1800),
    ("就业创业", "建设零工市场5个", "RS", 500),
    ("城市管理", "背街小巷整治100条", "CG", 3000),
    ("城市管理", "新建改造公共厕所50座", "CG", 1500),
    ("城市管理", "生活垃圾分类示范小区200个", "CG", 1000),
    ("生态环境", "新建口袋公园30个", "ZR", 2400),
    ("生态环境", "黑臭水体整治8条", "ST", 7200),
    ("生态环境", "餐饮油烟在线监控500家", "ST", 400),
    ("文体惠民", "新建社区健身点100个", "WL", 800),
    ("文体惠民", "送戏下乡500场", "WL", 300),
    ("文体惠民", "24小时城市书房10家", "WL", 900),
    ("食品安全", "农贸市场快检室全覆盖", "SJ", 600),
    ("食品安全", "校园食堂明厨亮灶100%", "SJ", 700),
    ("政务服务", "高频事项“一网通办”200项", "ZW", 1100),
]
#: Decisions made on the hottest issues.
DECISIONS = 3


def create_demo_decisions(
    operator: User, city_code: str, seed: int = 0
) -> tuple[int, list[Decision]]:
    """The year's programme and decisions on the hottest issues: (projects, decisions)."""
    rng = random.Random(f"decisions:{seed}")
    departments = Department.objects.filter(code__in={f"{city_code}-{p[2]}" for p in PROJECTS})
    owners = department_accounts(departments)
    projects = _programme(rng, city_code, operator, owners)
    issues = HotIssue.objects.filter(status=HotIssue.Status.OPEN).order_by("-heat", "id")
    # The last one takes two months to fix, so its verification is still to come.
    decided = [
        _decide(issue, operator, rng, fix_days=60 if i == DECISIONS - 1 else 30)
        for i, issue in enumerate(issues[:DECISIONS])
    ]
    return projects, decided


def publish_demo_decisions(publisher: User) -> int:
    """Publish the demo's decisions and programme; how many people were told."""
    now = timezone.now()
    for programme in Programme.objects.filter(published_at=None):
        publish_programme(programme, publisher)
        announced = _evening(date(programme.year, 1, 1))
        Programme.objects.filter(pk=programme.pk).update(published_at=min(announced, now))
    told = 0
    for decision in Decision.objects.filter(published_at=None):
        told += len(publish(decision, publisher))
        # Published the day after it was decided, as the office would have.
        published = _evening(decision.decided_on + timedelta(days=1))
        Decision.objects.filter(pk=decision.pk).update(published_at=min(published, now))
    return told


def delete_demo_decisions(users: QuerySet[User], departments: QuerySet[Department]) -> None:
    """Delete the decisions, opinions and programmes the demo's people and units made."""
    Decision.objects.filter(Q(unit__in=departments) | Q(opinion__drafted_by__in=users)).delete()
    Opinion.objects.filter(drafted_by__in=users).delete()
    Programme.objects.filter(projects__unit__in=departments).delete()


def _programme(rng: random.Random, city_code: str, operator: User, owners) -> int:
    """Import the year's projects at a first progress, then record where each stands."""
    today = timezone.localdate()
    codes = {d.code: d for d in Department.objects.filter(code__startswith=f"{city_code}-")}
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(COLUMNS)
    finals = []
    for category, title, abbr, budget in PROJECTS:
        unit = codes[f"{city_code}-{abbr}"]
        # Deadlines from nine months ago to four months ahead, whenever the demo is loaded.
        deadline = today + timedelta(days=rng.randrange(-270, 120))
        final = _final_progress(rng, deadline, today)
        finals.append(final)
        owner = owners[unit.pk].get_username()
        writer.writerow([category, title, unit.name, owner, deadline, f"{budget}万", final // 2])
    result = import_projects(
        io.BytesIO(file.getvalue().encode()),
        name="民生实事.csv",
        programme=f"{today.year}年民生实事",
        year=today.year,
        user=operator,
    )
    if not result.ok:  # the demo's own file: a failure here is a bug, say it
        raise ValueError("; ".join(map(str, result.errors)))
    for project, final in zip(
        result.programme.projects.order_by("id").select_related("owner"), finals, strict=True
    ):
        if final:
            status = _status(final, project.deadline, today)
            project.record(project.owner, final, status, _NOTES[status])
            if status == Commitment.Status.DONE and project.deadline < today:
                # Announced at the start of the year, done by its deadline (kept).
                start = min(date(today.year, 1, 1), project.deadline - timedelta(days=30))
                _dated(project, start, project.deadline - timedelta(days=project.pk % 15))
    return result.created


def _final_progress(rng: random.Random, deadline: date, today: date) -> int:
    if deadline < today:  # most of the past deadlines were met, a few are behind
        return 100 if rng.random() < 0.75 else rng.randrange(50, 95, 5)
    return rng.randrange(10, 100, 5)


def _status(progress: int, deadline: date, today: date) -> str:
    """Done at 100 %; short of it, delayed once the deadline has passed."""
    if progress == 100:
        return Commitment.Status.DONE
    return Commitment.Status.DELAYED if deadline < today else Commitment.Status.ON_TRACK


_NOTES = {
    Commitment.Status.DONE: "已完成并通过验收。",
    Commitment.Status.ON_TRACK: "按计划推进中。",
    Commitment.Status.DELAYED: "进度滞后，已督办。",
}


def _decide(issue: HotIssue, operator: User, rng: random.Random, fix_days: int) -> Decision:
    """Draft the issue's opinion and decide, as an office would have: three days after the
    day most people raised it, check within a week and fix within ``fix_days``, each step
    done when it fell due (so a decision can be verified once its fix is due)."""
    opinion = Opinion.draft(issue, operator)
    unit = _unit_of(issue)
    owner = department_accounts(Department.objects.filter(pk=unit.pk))[unit.pk]
    today = timezone.localdate()
    peak = max(issue.trend, key=lambda day: day[1])[0] if issue.trend else today.isoformat()
    on = min(date.fromisoformat(peak) + timedelta(days=3), today)
    # The issue's title is "place problem" (春晓公寓 电梯故障): the problem in its words.
    problem = issue.title.removeprefix(issue.place).strip() or "、".join(issue.keywords[:2])
    decision = opinion.decide(
        operator,
        title=f"{issue.place}{problem}问题整治",
        text=(
            f"针对群众反映的{issue.place}{problem}问题，由{unit.name}牵头，"
            f"一周内现场核查、制定整改方案，{fix_days}天内整改到位，并向群众公开进度、回访听取意见。"
        ),
        unit=unit,
        commitments=[
            {
                "title": "现场核查并制定整改方案",
                "owner": owner,
                "unit": unit,
                "deadline": on + timedelta(days=7),
                "milestones": [
                    (on + timedelta(days=3), "现场核查"),
                    (on + timedelta(days=7), "整改方案公示"),
                ],
            },
            {
                "title": "整改到位并回访群众",
                "owner": owner,
                "unit": unit,
                "deadline": on + timedelta(days=fix_days),
                "budget": rng.randrange(10, 60) * 10000,
                "milestones": [
                    (on + timedelta(days=fix_days // 2), "开工整改"),
                    (on + timedelta(days=fix_days), "完工回访"),
                ],
            },
        ],
    )
    Decision.objects.filter(pk=decision.pk).update(decided_on=on)
    decision.decided_on = on
    for commitment in decision.commitments.order_by("deadline"):
        if commitment.deadline <= today:
            commitment.record(
                owner, 100, Commitment.Status.DONE, "已按期完成。", commitment.milestones.all()
            )
            _dated(commitment, on, commitment.deadline - timedelta(days=1))
        else:
            due = commitment.milestones.filter(due_on__lte=today)
            commitment.record(owner, 50, Commitment.Status.ON_TRACK, "按计划推进中。", due)
    return decision


def _dated(commitment: Commitment, on: date, day: date) -> None:
    """Date the demo's history of ``commitment`` as its story goes — promised ``on``, done
    ``day`` — for recording always says today."""
    done, *promised = commitment.updates.all()  # newest first
    commitment.updates.filter(pk__in=[u.pk for u in promised]).update(at=_evening(on))
    commitment.updates.filter(pk=done.pk).update(at=_evening(day))
    commitment.milestones.update(done_on=day)
    Commitment.objects.filter(pk=commitment.pk).update(done_on=day)


def _evening(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17)))


def _unit_of(issue: HotIssue) -> Department:
    """The department most of the issue's voices went to."""
    counts = (
        Voice.objects.filter(hot_issues=issue)
        .exclude(department=None)
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n", "department")
    )
    return Department.objects.get(pk=counts[0]["department"])
