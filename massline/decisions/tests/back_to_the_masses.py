"""The story the publishing tests share: the lifts of 望江花园 keep stopping, six people
raise it (one twice), and the housing bureau decides to replace them.

Who asked to be told, and how they can be reached:

- 王秀英 (13900000001, with an email), twice: told once, by email, of her first voice;
- 刘强 (13900000002, no email): told by SMS;
- 陈立 (13900000003): did not ask;
- 赵敏 (a landline only): asked, but no SMS reaches a landline;
- an anonymous person with only an email: told by email;
- 孙伟 (13900000006): asked, about another issue.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from massline.decisions.models import Commitment, Decision, Milestone, Opinion
from massline.hotissues.models import HotIssue, Membership
from massline.voices.models import Voice

WANG_EMAIL = "wang.xiuying@example.com"
ANONYMOUS_EMAIL = "lift.neighbour@example.com"

# (name, phone, email, consent, subject, days ago)
LIFT_VOICES = [
    ("王秀英", "13900000001", WANG_EMAIL, True, "望江花园5栋电梯又停运了", 12),
    ("刘强", "13900000002", "", True, "望江花园电梯经常停运", 10),
    ("陈立", "13900000003", "", False, "望江花园电梯停运困人", 9),
    ("王秀英", "13900000001", WANG_EMAIL, True, "望江花园电梯还是停运", 7),
    ("赵敏", "057188886666", "", True, "望江花园电梯老化", 5),
    ("", "", ANONYMOUS_EMAIL, True, "望江花园电梯抖动异响", 3),
]


def raise_voice(city, name, phone, email, consent, subject, days_ago) -> Voice:
    return Voice.objects.create(
        channel=Voice.Channel.HOTLINE,
        kind=Voice.Kind.COMPLAINT,
        subject=subject,
        body=f"{subject}，住在望江路18号，电话{phone or '没有'}，请尽快处理。",
        place="望江花园",
        area=city["north_street"],
        category=city["property"],
        department=city["housing"],
        name=name,
        phone=phone,
        email=email,
        consent_to_follow_up=consent,
        received_at=timezone.now() - timedelta(days=days_ago),
    )


def hot_issue_of(voices: list[Voice], title: str, city) -> HotIssue:
    issue = HotIssue(
        title=title,
        anchor=voices[0].place,
        start=voices[0].received_at,
        end=voices[-1].received_at,
        category=city["property"],
        summary="望江花园多部电梯频繁停运，维保不及时，老人和孩子出行受影响。",
    )
    issue.save()
    for voice in voices:
        Membership.objects.create(issue=issue, voice=voice)
    issue.refresh()
    issue.save()
    return issue


def lift_issue(city) -> HotIssue:
    """The hot issue of the lifts, with its six voices; and 孙伟's voice in another one."""
    voices = [raise_voice(city, *row) for row in LIFT_VOICES]
    other = raise_voice(city, "孙伟", "13900000006", "", True, "望江路路灯不亮", 4)
    hot_issue_of([other], "望江路路灯不亮", city)
    return hot_issue_of(voices, "望江花园电梯频繁停运", city)


def lift_decision(issue: HotIssue, people, city, **fields) -> Decision:
    """A draft decision about ``issue`` with two commitments, the first in two parts."""
    opinion = Opinion.objects.create(
        hot_issue=issue,
        title=issue.title,
        summary="望江花园电梯老化，居民反映停运、困人、维保不到位。联系电话13900000001。",
    )
    decision = Decision.objects.create(
        opinion=opinion,
        title=fields.pop("title", "更换望江花园老旧电梯，维保单位限时到场"),
        text="区住建局牵头，年内更换望江花园3部老旧电梯；\n维保单位接报后30分钟内到场。",
        unit=city["housing"],
        decided_by=people["leader"],
        **fields,
    )
    owner = people["housing_handler"]
    today = timezone.localdate()
    replace = Commitment.objects.create(
        decision=decision,
        title="更换3部老旧电梯",
        owner=owner,
        unit=city["housing"],
        deadline=today + timedelta(days=120),
        budget=Decimal("1800000"),
    )
    for n, progress in ((1, 60), (2, 20)):
        Commitment.objects.create(
            decision=decision,
            parent=replace,
            title=f"第{n}批电梯更换",
            owner=owner,
            unit=city["housing"],
            deadline=today + timedelta(days=60 * n),
            budget=Decimal("900000"),
            progress=progress,
            status=Commitment.Status.ON_TRACK,
        )
    replace.roll_up(people["leader"])
    response = Commitment.objects.create(
        decision=decision,
        title="维保单位30分钟内到场",
        owner=owner,
        unit=city["housing"],
        deadline=today + timedelta(days=30),
    )
    Milestone.objects.create(
        commitment=response,
        title="签订维保考核协议",
        due_on=today - timedelta(days=1),
        done_on=today,
    )
    Milestone.objects.create(
        commitment=response, title="公布维保值班电话", due_on=date(today.year + 1, 1, 15)
    )
    return decision
