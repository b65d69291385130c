"""A hot issue's summary by a language model, when the deployment has one.

Offices run local models behind an OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp's
server …). Nothing here is required: without an endpoint, or when it fails or is slow,
the caller keeps the engine's extractive summary (:attr:`HotIssue.summary`). Plain
standard library (``urllib``), no Django, no SDK.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

PROMPT = (
    "你是政府部门的分析员。下面是群众就同一个问题的多条反映，问题是“{title}”。"
    "请用一到两句话、不超过80字，客观概括：在什么地方、什么人群、反映了什么问题、有什么诉求。"
    "不要加入反映中没有的内容，不要出现人名和电话。\n\n{voices}"
)
MAX_VOICES = 5
MAX_CHARS = 300  # of each voice: the opening says most, and prompts stay small


def llm_summary(
    title: str,
    voices: Sequence[str],
    *,
    url: str,
    model: str,
    api_key: str = "",
    timeout: float = 20.0,
) -> str | None:
    """Ask an OpenAI-compatible chat endpoint to summarise a hot issue.

    Parameters
    ----------
    title
        The hot issue's title ("place + problem").
    voices
        Its representative voices, most typical first (at most :data:`MAX_VOICES` are sent,
        each cut to :data:`MAX_CHARS`). Pass texts without personal data.
    url
        The endpoint's base URL, e.g. ``http://127.0.0.1:8000/v1``.
    model, api_key, timeout
        As the endpoint expects; a local server usually needs no key.

    Returns
    -------
    str or None
        The summary, or ``None`` if the endpoint is unreachable, slow, or answers with
        anything but a chat completion: the caller keeps its extractive summary.
    """
    listed = "\n".join(f"{i}. {v[:MAX_CHARS]}" for i, v in enumerate(voices[:MAX_VOICES], 1))
    body = {
        "model": model,
        "messages": [{"role": "user", "content": PROMPT.format(title=title, voices=listed)}],
        "temperature": 0.2,
        "max_tokens": 200,
    }
    request = urllib.request.Request(  # noqa: S310 - the URL is the deployment's own setting
        url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {api_key}"} if api_key else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.load(response)
        text = answer["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError, urllib.error.URLError):
        return None
    text = " ".join(str(text).split())
    return text or None
