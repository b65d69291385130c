"""Concentrating (集中起来): hot issues found among the voices, and people's work on them."""
