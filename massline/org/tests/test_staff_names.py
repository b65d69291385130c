"""Staff names as people write them: on case pages, the status page, commitments."""

from django.contrib.auth.models import User

from massline.org.models import staff_name


def test_a_chinese_name_reads_family_name_first_without_a_space():
    assert staff_name(User(username="leader", first_name="建国", last_name="李")) == "李建国"


def test_a_western_name_keeps_given_name_first():
    assert staff_name(User(username="ann", first_name="Ann", last_name="Lee")) == "Ann Lee"


def test_no_name_is_the_user_name():
    assert staff_name(User(username="operator")) == "operator"
    assert staff_name(User(username="op", last_name="王")) == "王"
