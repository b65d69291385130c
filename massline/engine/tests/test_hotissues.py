"""Hot issues: many people, one place or group, one problem, within days."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from massline.engine.hotissues import (
    Concentrator,
    VoiceRecord,
    find_hot_issues,
    heat,
    idf_table,
    name_known_places,
    read_all,
)
from massline.synthetic import generate_voices

DAY = datetime(2025, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))

# Five people about the lifts of one compound, each in their own words.
LIFT = [
    "云栖雅苑3栋电梯又坏了，一直停运没人修，老人下不了楼",
    "我住云栖雅苑3栋，电梯停运好几天了，物业说在等配件",
    "云栖雅苑的电梯停运一个星期了，每天爬十几层楼，孩子上学太辛苦",
    "云栖雅苑小区3栋电梯故障停运，物业不管，请督促维修",
    "投诉云栖雅苑电梯长期停运，前几天还困过人，太危险了",
]
# Everyday chatter: each about a different place and problem.
CHATTER = [
    "建设路的路灯坏了好几盏，晚上一片漆黑",
    "请问新生儿医保在哪里办理，需要什么材料",
    "幸福里菜市场门口乱停车，早上堵得走不动",
    "东山公园的健身器材坏了，希望尽快维修",
    "希望增加夜间公交班次，下晚班回家不方便",
    "滨江小学门口的斑马线看不清了，请重新划线",
]


def background():
    """A city's everyday voices from months before: what makes a word common or rare."""
    return [
        VoiceRecord(v.external_id, f"{v.subject}。{v.body}", v.received_at, v.phone)
        for v in generate_voices(3000, seed=7, start=date(2025, 1, 1), days=90)
    ]


def records(texts, start=DAY, person_prefix="p", step=timedelta(hours=20)):
    return [
        VoiceRecord(f"{person_prefix}{i}", text, start + i * step, f"{person_prefix}{i}")
        for i, text in enumerate(texts)
    ]


def test_five_people_about_one_compounds_lift_are_one_hot_issue_ranked_first():
    voices = records(LIFT, person_prefix="lift") + records(CHATTER, person_prefix="c")
    issues = find_hot_issues(background() + voices, since=DAY)
    assert len(issues) == 1
    lift = issues[0]
    assert sorted(lift.voice_ids) == [f"lift{i}" for i in range(5)]
    assert lift.title.startswith("云栖雅苑")
    assert "电梯" in lift.title
    assert lift.people == 5
    assert 3 <= len(lift.representatives) <= 5
    assert len(set(lift.representatives)) == len(lift.representatives)
    assert sum(n for _, n in lift.trend) == 5
    assert lift.trend[0][0] == DAY.date() and lift.trend[-1][0] == lift.end.date()
    assert "5人反映" in lift.why
    assert "电梯" in lift.summary


def test_one_problem_at_two_places_is_two_issues():
    other = [t.replace("云栖雅苑", "枫丹名邸") for t in LIFT]
    voices = records(LIFT, person_prefix="a") + records(other, person_prefix="b")
    issues = find_hot_issues(background() + voices, since=DAY)
    places = sorted(issue.place for issue in issues)
    assert len(issues) == 2
    assert places[0].startswith("云栖雅苑") and places[1].startswith("枫丹名邸")


def test_variants_of_a_place_name_are_one_place():
    variants = [
        "伊景园滨河苑开发商捆绑销售车位，不买车位就不给办理交房",
        "滨河苑捆绑销售车位，业主被迫多花十几万",
        "伊景园滨河苑强制业主购买车位，否则不交房",
        "滨河苑交房时要求必须买车位，这是捆绑销售",
    ]
    issues = find_hot_issues(background() + records(variants), since=DAY)
    assert len(issues) == 1
    assert issues[0].voices == 4


def test_one_person_posting_again_and_again_is_not_a_hot_issue():
    voices = [VoiceRecord(i, LIFT[i % 5], DAY + timedelta(hours=i), "same") for i in range(8)]
    assert find_hot_issues(voices) == []


def test_one_persons_posts_in_one_week_are_no_burst_that_splits_an_issue():
    same = [VoiceRecord(f"s{i}", LIFT[i], DAY + timedelta(days=i), "same") for i in range(3)]
    later = [
        VoiceRecord("a", LIFT[3], DAY + timedelta(days=40), "a"),
        VoiceRecord("b", LIFT[4], DAY + timedelta(days=75), "b"),
        VoiceRecord("b2", LIFT[0], DAY + timedelta(days=76), "b"),
    ]
    issues = find_hot_issues(background() + same + later, since=DAY, window=timedelta(days=60))
    assert [(issue.people, issue.voices) for issue in issues] == [(3, 6)]


def test_a_place_named_by_road_and_number_joins_the_voices_naming_it_alone():
    texts = [
        "翠微星都小区门口要建垃圾中转站，业主强烈反对",
        "反对在翠微星都门口建垃圾中转站，臭气影响孩子",
        "反映井岗路369号翠微星都门口建垃圾中转站的问题，离住户太近",
    ]
    issues = find_hot_issues(background() + records(texts), since=DAY)
    assert [(issue.place[:4], issue.people) for issue in issues] == [("翠微星都", 3)]


def test_a_project_and_its_kindergarten_are_the_place_people_name():
    readings = read_all(
        records(
            [
                "投诉恒瑞城项目配套幼儿园迟迟不开办公立园",
                "恒瑞城幼儿园公立转私立，家长不满",
                "请求接收“恒瑞城”小区配套幼儿园并开办公立园",
            ]
        )
    )
    assert name_known_places(readings) == 3
    assert {r.anchor for r in readings} == {"恒瑞城"}


def test_a_voice_about_a_compound_does_not_move_to_the_road_it_is_on():
    readings = read_all(
        records(["井岗路上的翠湖花园电梯坏了", "井岗路修路太吵", "井岗路晚上施工扰民"])
    )
    name_known_places(readings)
    assert [r.anchor for r in readings] == ["翠湖花园", "井岗路", "井岗路"]


def test_a_long_letter_is_about_what_its_subject_says():
    subjects = [
        "反映枫林雅苑电梯长期停运的问题",
        "枫林雅苑电梯停运没人修",
        "投诉枫林雅苑电梯停运一个月",
    ]
    others = [
        f"{v.subject}。{v.body}"
        for v in generate_voices(180, seed=11, start=date(2025, 4, 1), days=30)
    ]
    # open letters of some 5,000 characters, each going on about sixty other matters
    letters = [f"{s}。尊敬的领导：" + "另外，".join(others[i::3]) for i, s in enumerate(subjects)]
    issues = find_hot_issues(background() + records(letters), since=DAY)
    assert [(issue.place, issue.people) for issue in issues] == [("枫林雅苑", 3)]


def test_a_problem_raised_every_week_for_months_is_chronic_and_a_burst_is_sudden():
    weekly = [
        VoiceRecord(f"w{i}", LIFT[i % 5], DAY + timedelta(days=7 * i), f"w{i}") for i in range(16)
    ]
    burst = records(
        [t.replace("云栖雅苑", "枫丹名邸") for t in LIFT], start=DAY + timedelta(days=50)
    )
    issues = find_hot_issues(background() + weekly + burst, since=DAY)
    kinds = {issue.place[:4]: issue.chronic for issue in issues}
    assert kinds == {"云栖雅苑": True, "枫丹名邸": False}


def test_a_hot_issue_needs_its_voices_close_in_time():
    spread = records(LIFT, step=timedelta(days=45))
    assert find_hot_issues(background() + spread, since=DAY, window=timedelta(days=30)) == []
    assert len(find_hot_issues(background() + spread, since=DAY, window=timedelta(days=60))) == 1


def test_only_the_period_asked_for_is_concentrated():
    voices = background() + records(LIFT)
    assert find_hot_issues(voices, since=DAY + timedelta(days=10)) == []
    assert len(find_hot_issues(voices, since=DAY, until=DAY + timedelta(days=10))) == 1


def test_distinct_people_weigh_more_than_posts():
    ten_people = heat(10, 10, 10, 0, 2.0, 0.0, 0)
    three_posting_thirty_times = heat(3, 3, 30, 0, 2.0, 0.0, 0)
    assert ten_people > three_posting_thirty_times


def test_a_burst_outranks_a_chronic_problem_and_safety_adds_heat():
    assert heat(10, 10, 10, 0, 8.0, 0.0, 0) > heat(10, 10, 10, 0, 1.0, 0.0, 0)
    assert heat(10, 10, 10, 0, 2.0, 1.0, 0) > heat(10, 10, 10, 0, 2.0, 0.0, 0)
    assert heat(10, 10, 10, 0, 2.0, 0.0, 0) > heat(10, 10, 10, 0, 2.0, 0.0, 90)
    assert heat(10, 10, 10, 500, 2.0, 0.0, 0) > heat(10, 10, 10, 0, 2.0, 0.0, 0)


def test_a_new_voice_is_attached_to_its_open_issue_as_it_arrives():
    idf, n = idf_table(read_all(background()))
    concentrator = Concentrator(idf, n, window=timedelta(days=30))
    first = {id(concentrator.add(r)) for r in records(LIFT)}
    assert len(first) == 1
    then = DAY + timedelta(days=9)
    later = VoiceRecord("new", "云栖雅苑3栋电梯还是停运，物业一直拖着不修", then, "n")
    assert id(concentrator.add(later)) in first
    other = VoiceRecord("other", "云栖雅苑门口的垃圾站臭气熏天，夏天苍蝇成群", then)
    assert id(concentrator.add(other)) not in first
    praise = VoiceRecord("thanks", "表扬云栖雅苑物业，电梯修得很快，点赞", then)
    assert concentrator.add(praise) is None


def test_the_planted_hot_issues_of_a_synthetic_year_are_found_and_ranked_high():
    voices = list(generate_voices(20000, seed=0))
    label = {v.external_id: v.hot_issue for v in voices}
    planted = Counter(v.hot_issue for v in voices if v.hot_issue)
    issues = find_hot_issues(
        VoiceRecord(v.external_id, f"{v.subject}。{v.body}", v.received_at, v.phone, v.likes)
        for v in voices
    )

    def found(k):
        hits = set()
        for issue in issues[:k]:
            name, n = Counter(label[i] for i in issue.voice_ids).most_common(1)[0]
            if name and n > issue.voices / 2 and n >= planted[name] / 2:
                hits.add(name)
        return hits

    assert len(found(10)) >= 7
    assert len(found(20)) == len(planted)


def test_on_real_messages_most_hand_found_hot_issues_are_in_the_top_ten(tipdm):
    from bench.hotissues_compare import real_corpus
    from bench.hotissues_truth import load_truth, score

    corpus = real_corpus(tipdm / "messages_with_replies.xlsx")
    voices = [
        VoiceRecord(*row)
        for row in zip(corpus.ids, corpus.texts, corpus.at, corpus.people, strict=True)
    ]
    issues = find_hot_issues(voices, window=timedelta(days=365))
    result = score([set(issue.voice_ids) for issue in issues], load_truth(), k=10)
    # bench/hotissues_truth.md: 12 issues of 3-6 people among 2,816 messages over nine years
    assert result["recall_at_k"] >= 0.6
    assert result["precision_at_k"] >= 0.8
