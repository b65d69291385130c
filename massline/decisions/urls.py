"""Staff pages of decisions: concentrated opinions, decisions, commitments, livelihood projects."""

urlpatterns: list = []
