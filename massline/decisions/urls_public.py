"""The public site (no account): published decisions, commitments, livelihood projects, replies."""

urlpatterns: list = []
