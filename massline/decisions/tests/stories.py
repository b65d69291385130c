"""Data for the decision tests: the lifts of 望江花园 as a hot issue (with one person who
suggests rather than complains, and a phone number in a voice's text), an opinion drafted
from it and a decision with two commitments."""

from datetime import date

from massline.decisions.models import Decision, Opinion
from massline.hotissues import finding
from massline.hotissues.models import HotIssue
from massline.hotissues.tests import stories
from massline.voices.models import Voice

SUGGESTION = (
    "13900000009",
    "望江花园电梯的建议",
    "建议望江花园电梯停运时维保公司公示维修进度，有事可打13912345678。",
)


def lifts_issue(city) -> HotIssue:
    """The hot issue of the lifts of 望江花园: five people, six voices, one a suggestion."""
    stories.background()
    stories.lifts(city)
    (suggestion,) = stories.said(
        [SUGGESTION],
        area=city["north_street"],
        department=city["housing"],
        category=city["property"],
        start=2,
    )
    Voice.objects.filter(pk=suggestion.pk).update(kind=Voice.Kind.SUGGESTION)
    finding.recompute(90)
    return HotIssue.objects.get(anchor="望江花园")


def decision(city, people, issue: HotIssue | None = None) -> Decision:
    """A decision on the lifts with two commitments: the housing bureau's repair (with
    milestones) and the ecology bureau's check."""
    opinion = Opinion.draft(issue or lifts_issue(city), people["operator"])
    return opinion.decide(
        people["operator"],
        title="望江花园电梯全面检修",
        text="住建局组织维保单位三个月内检修全部电梯，逐栋公示进度。",
        unit=city["housing"],
        commitments=[
            {
                "title": "检修全部电梯",
                "owner": people["housing_handler"],
                "unit": city["housing"],
                "deadline": date(2027, 3, 31),
                "budget": 300000,
                "milestones": [(date(2027, 1, 15), "开工"), (date(2027, 3, 31), "完工")],
            },
            {
                "title": "检查维保单位",
                "owner": people["ecology_handler"],
                "unit": city["ecology"],
                "deadline": date(2027, 2, 28),
                "budget": 100000,
            },
        ],
    )
