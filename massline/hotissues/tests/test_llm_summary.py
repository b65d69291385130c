"""An office with a local language model gets its hot issues summarised by it; without one,
or when it fails, the engine's extractive summary stays."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from massline.hotissues.finding import recompute, summarise
from massline.hotissues.models import HotIssue
from massline.hotissues.tests import stories

SUMMARY = "望江花园多栋楼电梯停运，居民要求物业尽快维修。"


@pytest.fixture
def model_server():
    """A real HTTP server on 127.0.0.1 that answers like an OpenAI-compatible endpoint."""
    prompts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompts.append(body["messages"][0]["content"])
            payload = json.dumps({"choices": [{"message": {"content": SUMMARY}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1", prompts
    server.shutdown()


def test_the_hottest_issues_are_summarised_by_the_offices_model(city, settings, model_server):
    url, prompts = model_server
    stories.background()
    stories.lifts(city)
    recompute(90)
    lifts = HotIssue.objects.get(anchor="望江花园")
    extractive = lifts.summary
    assert extractive and extractive != SUMMARY

    settings.LLM_URL, settings.LLM_MODEL = url, "local-model"
    assert summarise() >= 1
    lifts.refresh_from_db()
    assert (lifts.summary, lifts.summary_model) == (SUMMARY, "local-model")
    assert any(lifts.title in prompt and "电梯" in prompt for prompt in prompts)

    recompute(90)  # the same voices: the model's summary stands
    lifts.refresh_from_db()
    assert lifts.summary == SUMMARY


def test_without_a_model_or_when_it_is_down_the_summary_stays_extractive(city, settings):
    stories.background()
    stories.lifts(city)
    recompute(90)
    before = HotIssue.objects.get(anchor="望江花园").summary
    settings.LLM_URL = ""
    assert summarise() == 0
    settings.LLM_URL = "http://127.0.0.1:9/v1"  # nothing listens there
    assert summarise() == 0
    after = HotIssue.objects.get(anchor="望江花园")
    assert (after.summary, after.summary_model) == (before, "")
