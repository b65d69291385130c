"""Synthetic data for demos and benchmarks: a fictional city and what its people say.

Django-free on purpose (benchmarks and tests use it without a database); channel and
kind values are the plain strings of ``Voice.Channel`` and ``Voice.Kind``.
"""

from massline.synthetic.city import (
    Area,
    City,
    Department,
    Leaf,
    Place,
    default_taxonomy,
    generate_city,
)
from massline.synthetic.voices import SyntheticVoice, generate_voices

__all__ = [
    "Area",
    "City",
    "Department",
    "Leaf",
    "Place",
    "SyntheticVoice",
    "default_taxonomy",
    "generate_city",
    "generate_voices",
]
