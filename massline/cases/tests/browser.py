"""Steps the browser tests of cases share."""


def log_in(page, who: str) -> None:
    """Log in as a persona of conftest's ``people`` (password ``pass-<username>``)."""
    page.goto("/login/")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"pass-{who}")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
