"""Roles are groups with permissions, created on every migrate so a fresh install has them.

Permissions say *what* a role may do; ``Voice.objects.visible_to`` says *to which voices*.
"""

from django.contrib.auth.models import Group, Permission

OPERATOR = "operator"  # 接线员: takes calls and visits, enters and imports voices
HANDLER = "handler"  # 部门承办人: answers the voices routed to their department
LEADER = "leader"  # 领导: oversees an area and owns hard cases
ADMINISTRATOR = "administrator"  # 管理员: reference data, accounts, imports
AUDITOR = "auditor"  # 审计员: reads the access log, never the clear personal data

PERMISSIONS = {
    OPERATOR: [
        "voices.add_voice",
        "voices.view_voice",
        "voices.change_voice",
        "voices.reveal_person",
        "voices.import_voices",
    ],
    HANDLER: ["voices.view_voice", "voices.reveal_person"],
    LEADER: ["voices.view_voice", "voices.reveal_person"],
    ADMINISTRATOR: [
        "voices.view_voice",
        "voices.import_voices",
        "voices.add_apitoken",
        "voices.view_apitoken",
        "voices.change_apitoken",
        *(
            f"org.{action}_{model}"
            for action in ("add", "change", "view", "delete")
            for model in ("area", "category", "department", "staff")
        ),
    ],
    AUDITOR: ["voices.view_voice", "voices.view_personaldataaccess"],
}


def ensure_roles(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (a post_migrate hook)."""
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
