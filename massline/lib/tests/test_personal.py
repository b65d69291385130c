import pytest
from cryptography.exceptions import InvalidTag

from massline.lib.personal import (
    blind_index,
    decrypt,
    encrypt,
    mask_address,
    mask_name,
    mask_phone,
    normalise_phone,
)


def test_encrypted_text_round_trips_and_never_contains_the_clear_text():
    token = encrypt("王秀英 13912345678")
    assert "13912345678" not in token and "王秀英" not in token
    assert decrypt(token) == "王秀英 13912345678"


def test_the_same_text_encrypts_differently_each_time():
    assert encrypt("13912345678") != encrypt("13912345678")


def test_a_tampered_value_is_refused_rather_than_misread():
    token = encrypt("13912345678")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises((InvalidTag, ValueError)):
        decrypt(tampered)


def test_empty_stays_empty_so_anonymous_stays_visible():
    assert encrypt("") == "" and decrypt("") == ""


@pytest.mark.parametrize(
    ("given", "digits"),
    [
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("0571-8765 4321", "057187654321"),
    ],
)
def test_phone_numbers_written_differently_are_one_number(given, digits):
    assert normalise_phone(given) == digits
    assert blind_index("phone", normalise_phone(given)) == blind_index("phone", digits)


def test_blind_index_does_not_reveal_the_number():
    assert "13912345678" not in blind_index("phone", "13912345678")
    assert blind_index("phone", "13912345678") != blind_index("phone", "13912345679")


def test_masks_hide_all_but_what_a_clerk_needs_to_tell_callers_apart():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("12345") == "***45"
    assert mask_name("王秀英") == "王**"
    assert mask_address("江北区望江路18号3栋") == "江北区望江路****"
    assert mask_name("") == mask_phone("") == mask_address("") == ""
