"""A hot issue's summary by a language model behind an OpenAI-compatible endpoint."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from massline.engine.summary import llm_summary

VOICES = ["云栖雅苑3栋电梯停运一周，老人下不了楼", "云栖雅苑电梯坏了没人修，物业说等配件"]


@pytest.fixture
def endpoint():
    """A real HTTP server on 127.0.0.1 answering as a chat completion endpoint would."""
    seen: list[dict] = []
    behaviour = {"status": 200, "delay": 0.0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append({"path": self.path, "body": body, "auth": self.headers["Authorization"]})
            time.sleep(behaviour["delay"])
            answer = {
                "choices": [{"message": {"content": " 云栖雅苑3栋电梯停运，\n居民要求尽快修复。"}}]
            }
            payload = json.dumps(answer).encode()
            self.send_response(behaviour["status"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", seen, behaviour
    server.shutdown()


def test_the_endpoint_summarises_the_issue_from_its_title_and_voices(endpoint):
    url, seen, _ = endpoint
    summary = llm_summary("云栖雅苑 电梯停运", VOICES, url=url, model="local", api_key="k")
    assert summary == "云栖雅苑3栋电梯停运， 居民要求尽快修复。"
    request = seen[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer k"
    prompt = request["body"]["messages"][0]["content"]
    assert "云栖雅苑 电梯停运" in prompt and VOICES[1] in prompt


def test_an_endpoint_that_fails_or_is_slow_leaves_the_extractive_summary(endpoint):
    url, _, behaviour = endpoint
    behaviour["status"] = 500
    assert llm_summary("t", VOICES, url=url, model="m") is None
    behaviour.update(status=200, delay=1.0)
    assert llm_summary("t", VOICES, url=url, model="m", timeout=0.2) is None


def test_no_endpoint_listening_leaves_the_extractive_summary():
    assert llm_summary("t", VOICES, url="http://127.0.0.1:9/v1", model="m", timeout=1) is None
