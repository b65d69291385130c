"""A hot issue's summary by a language model behind an OpenAI-compatible endpoint
(``chat_endpoint``: a real HTTP server on 127.0.0.1, see conftest.py)."""

from massline.engine.summary import llm_summary

VOICES = ["云栖雅苑3栋电梯停运一周，老人下不了楼", "云栖雅苑电梯坏了没人修，物业说等配件"]


def test_the_endpoint_summarises_the_issue_from_its_title_and_voices(chat_endpoint):
    url, seen, _ = chat_endpoint
    summary = llm_summary("云栖雅苑 电梯停运", VOICES, url=url, model="local", api_key="k")
    assert summary == "云栖雅苑3栋电梯停运， 居民要求尽快修复。"
    request = seen[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer k"
    prompt = request["body"]["messages"][0]["content"]
    assert "云栖雅苑 电梯停运" in prompt and VOICES[1] in prompt


def test_an_endpoint_that_fails_or_is_slow_leaves_the_extractive_summary(chat_endpoint):
    url, _, behaviour = chat_endpoint
    behaviour["status"] = 500
    assert llm_summary("t", VOICES, url=url, model="m") is None
    behaviour.update(status=200, delay=1.0)
    assert llm_summary("t", VOICES, url=url, model="m", timeout=0.2) is None


def test_no_endpoint_listening_leaves_the_extractive_summary():
    assert llm_summary("t", VOICES, url="http://127.0.0.1:9/v1", model="m", timeout=1) is None
