"""The text engine: plain Python (rjieba/jieba, scikit-learn, numpy), never Django.

- :mod:`massline.engine.text` — ``normalise`` and ``tokens``, and the ``Tokenizer`` they use;
- :mod:`massline.engine.places` — the place, group and kind of a voice, and place names
  learned from the voices themselves.

Nothing here imports Django or a massline app, so the engine runs in the CLI, in background
workers and in benchmarks alike (a test checks this).
"""
