"""Roles are groups with permissions, created on every migrate so a fresh install has them.

Permissions say *what* a role may do; ``Voice.objects.visible_to`` says *to which voices*.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

OPERATOR = "operator"  # 接线员: takes calls and visits, enters and imports voices
HANDLER = "handler"  # 部门承办人: answers the voices routed to their department
LEADER = "leader"  # 领导: oversees an area and owns hard cases
ADMINISTRATOR = "administrator"  # 管理员: reference data, accounts, imports
AUDITOR = "auditor"  # 审计员: reads the access log, never the clear personal data

# Hot issues: everyone reads those with voices they may see; operators, leaders and
# administrators act on them (merge, split, rename, dismiss) and run a recomputation;
# whoever reads a voice's text closely may correct its category; auditors only read.
SEE_HOT_ISSUES = ["hotissues.view_hotissue", "hotissues.view_issueaction"]
ACT_ON_HOT_ISSUES = [
    *SEE_HOT_ISSUES,
    "hotissues.change_hotissue",
    "hotissues.run_recomputation",
    "voices.add_categorycorrection",
]

# Cases: operators triage, dispatch and record phone callbacks; handlers answer their
# department's cases; leaders own cases and dispatch in their tier; figures for those who
# oversee. Everyone who sees voices sees the cases they may see.
SEE_CASES = ["cases.view_case", "cases.view_event", "cases.view_reply", "cases.view_callback"]

# Decisions: operators, leaders and administrators draft opinions, decide, import livelihood
# projects and record any commitment's progress; handlers record their department's
# commitments (see ``CommitmentQuerySet.updatable_by``); everyone else who works here reads.
SEE_DECISIONS = [
    f"decisions.view_{model}"
    for model in ("opinion", "decision", "commitment", "commitmentupdate", "milestone", "programme")
]
DECIDE = [
    *SEE_DECISIONS,
    *(
        f"decisions.{action}_{model}"
        for action in ("add", "change")
        for model in ("opinion", "decision", "commitment", "milestone", "programme")
    ),
    "decisions.update_progress",
    "decisions.import_projects",
]

# Cycles: those who oversee read the verifications and the cycle reports; operators and
# leaders verify decisions (see ``massline.cycles.models.check_can_verify``).
SEE_CYCLES = ["cycles.view_verification", "cycles.view_reopening", "cycles.view_cycle_report"]
VERIFY = [*SEE_CYCLES, "cycles.add_verification"]

PERMISSIONS = {
    OPERATOR: [
        *SEE_CASES,
        "cases.triage_case",
        "cases.dispatch_case",
        "cases.record_callback",
        "cases.view_figures",
        "voices.add_voice",
        "voices.view_voice",
        "voices.change_voice",
        "voices.reveal_person",
        "voices.import_voices",
        *ACT_ON_HOT_ISSUES,
        *DECIDE,
        *VERIFY,
    ],
    HANDLER: [
        *SEE_CASES,
        "cases.handle_case",
        "voices.view_voice",
        "voices.reveal_person",
        *SEE_HOT_ISSUES,
        "voices.add_categorycorrection",
        *SEE_DECISIONS,
        "decisions.update_progress",
    ],
    LEADER: [
        *SEE_CASES,
        "cases.own_case",
        "cases.dispatch_case",
        "cases.view_figures",
        "voices.view_voice",
        "voices.reveal_person",
        *ACT_ON_HOT_ISSUES,
        *DECIDE,
        "decisions.publish_decision",
        *VERIFY,
    ],
    ADMINISTRATOR: [
        "voices.view_voice",
        "voices.import_voices",
        "voices.add_apitoken",
        "voices.view_apitoken",
        "voices.change_apitoken",
        *ACT_ON_HOT_ISSUES,
        *DECIDE,
        "decisions.publish_decision",
        *(
            f"org.{action}_{model}"
            for action in ("add", "change", "view", "delete")
            for model in ("area", "category", "department", "staff")
        ),
        # the holidays each year's notice brings, and the office's time limits
        *(
            f"cases.{action}_{model}"
            for action in ("add", "change", "view", "delete")
            for model in ("officialday", "timelimit", "routingrule")
        ),
        *SEE_CASES,
        "cases.view_figures",
        # what was sent, what failed (and sending it again), the deadline checks
        "notifications.view_notification",
        "notifications.change_notification",
        "notifications.view_deadlinecheck",
        *SEE_CYCLES,
    ],
    AUDITOR: [
        "voices.view_voice",
        "voices.view_personaldataaccess",
        *SEE_HOT_ISSUES,
        *SEE_CASES,
        "cases.view_figures",
        *SEE_DECISIONS,
        *SEE_CYCLES,
    ],
}


def ensure_roles(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (a post_migrate hook).

    Runs after the voices app migrates; apps installed later get their permissions here
    first, so every role can name them.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, names in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


def role_of(user) -> str | None:
    """The user's role name; the first matching group in PERMISSIONS order."""
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in PERMISSIONS if role in names), None)
