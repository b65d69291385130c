#!/usr/bin/env python3
"""How fast does the text engine read voices?

    .venv/bin/python bench/engine_text.py [--voices 20000] [--seed 0]

Times, on the synthetic corpus (``massline.synthetic.generate_voices``) and on the real
messages in ``../shared/data/tipdm2020/messages_with_replies.xlsx`` if they are there
(read at run time, never copied): ``normalise`` alone, ``normalise`` + ``tokens``,
``learn_places``, ``extract_place`` with the learned names and ``read`` (tokens, place,
group and kind of each voice in one pass), each in characters per
second of raw text (subject and body). For scale: Python jieba alone segments about
170–400k characters/s on this machine (depending on load), rjieba, which the engine uses,
about 7M. Prints one line per step and corpus.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tipdm2020" / "messages_with_replies.xlsx"

from massline.engine.places import extract_place, learn_places, read  # noqa: E402
from massline.engine.text import Tokenizer, default_tokenizer, normalise, tokens  # noqa: E402
from massline.synthetic import generate_voices  # noqa: E402


def timed(label: str, texts: list[str], step: Callable[[list[str]], object]) -> float:
    """Run ``step`` over ``texts``; print and return characters per second."""
    chars = sum(map(len, texts))
    start = time.perf_counter()
    step(texts)
    seconds = time.perf_counter() - start
    print(f"  {label:<28} {seconds:7.2f} s  {chars / seconds / 1000:8.0f}k chars/s")
    return chars / seconds


def measure(name: str, texts: list[str]) -> None:
    chars = sum(map(len, texts))
    print(f"{name}: {len(texts):,} voices, {chars:,} characters")
    timed("normalise", texts, lambda ts: [normalise(t) for t in ts])
    timed("normalise + tokens", texts, lambda ts: [tokens(t) for t in ts])
    learned: list[str] = []
    timed("learn_places", texts, lambda ts: learned.extend(learn_places(ts)))
    tokenizer = Tokenizer(learned)
    places: list[str | None] = []
    timed(
        "extract_place (learned)",
        texts,
        lambda ts: places.extend(extract_place(t, tokenizer) for t in ts),
    )
    timed("read (all at once, learned)", texts, lambda ts: [read(t, tokenizer) for t in ts])
    share = sum(p is not None for p in places) / len(texts)
    print(f"  {len(learned)} names learned; a place found in {share:.1%} of voices")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    default_tokenizer()  # jieba's dictionary loads once, not inside the first timing
    print(f"tokenizer ready in {time.perf_counter() - start:.2f} s")

    voices = generate_voices(args.voices, seed=args.seed)
    measure("synthetic", [f"{v.subject}。{v.body}" for v in voices])
    if DATA.is_file():
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(DATA).get_sheet_by_index(0).to_python()[1:]
        measure("real (messages_with_replies)", [f"{row[2]}。{row[4]}" for row in rows])
    else:
        print(f"real data: {DATA} is not here, skipped")


if __name__ == "__main__":
    main()
