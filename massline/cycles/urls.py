"""Staff pages of cycles: verification of decisions and the cycle reports."""

urlpatterns: list = []
