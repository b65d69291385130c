"""Staff pages of publishing a decision: publish, and the notices to the people who raised it."""

urlpatterns: list = []
