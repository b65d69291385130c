"""An office with a local language model gets its hot issues summarised by it; without one,
or when it fails, the engine's extractive summary stays (``chat_endpoint``: conftest.py)."""

from massline.hotissues.finding import recompute, summarise
from massline.hotissues.models import HotIssue
from massline.hotissues.tests import stories

SUMMARY = "望江花园多栋楼电梯停运，居民要求物业尽快维修。"


def test_the_hottest_issues_are_summarised_by_the_offices_model(city, settings, chat_endpoint):
    url, seen, behaviour = chat_endpoint
    behaviour["answer"] = SUMMARY
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
    prompts = [request["body"]["messages"][0]["content"] for request in seen]
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
