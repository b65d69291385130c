from django.contrib.auth.models import Group

from massline.org import roles


def test_every_role_exists_after_migrate_with_its_permissions(db):
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(groups) >= set(roles.PERMISSIONS)
    for role, wanted in roles.PERMISSIONS.items():
        have = {f"{p.content_type.app_label}.{p.codename}" for p in groups[role].permissions.all()}
        assert have == set(wanted), role


def test_only_roles_that_serve_people_may_reveal_personal_data(people):
    can = {name for name, user in people.items() if user.has_perm("voices.reveal_person")}
    assert can == {"operator", "housing_handler", "ecology_handler", "leader"}


def test_a_user_with_no_role_sees_no_voice(people, voice):
    from massline.voices.models import Voice

    assert not Voice.objects.visible_to(people["nobody"]).exists()
    assert Voice.objects.visible_to(people["operator"]).exists()
