"""The category classifier: learns a deployment's categories, says how sure it is, takes
corrections, copes with few labels, and is measured on real messages."""

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from massline.engine.classify import CategoryClassifier, taxonomy_hints

# Invented voices, five per category.
CORPUS = {
    "交通": [
        "幸福路口的红绿灯坏了三天，早晚高峰车辆堵成一片",
        "建议在学府大道增设公交站台，居民坐公交要走很远",
        "长途客运站附近出租车拒载绕路，乘客投诉无门",
        "滨江路大货车超速行驶，晚上噪声大还容易出车祸",
        "地铁二号线换乘通道太窄，上下班高峰非常拥挤",
    ],
    "教育": [
        "孩子上小学划片不合理，离家很近的学校却不能就读",
        "某中学周末强制补课并收取补课费，学生和家长都很累",
        "幼儿园学位紧张，新建小区没有配套幼儿园",
        "学校食堂饭菜质量差，价格还不断上涨，学生吃不饱",
        "希望教育局公开中考招生名额分配办法，家长很关心",
    ],
    "环境": [
        "化工厂夜间偷排废水，河里的鱼大量死亡，水面发黑发臭",
        "工地扬尘严重，附近居民窗户都不敢开，空气质量很差",
        "垃圾中转站臭气熏天，夏天蚊蝇成群，影响周边居民",
        "养猪场粪水直排农田，村里的井水都被污染了",
        "烧烤摊油烟扰民，整条街晚上都是烟雾，呛得人难受",
    ],
    "医疗": [
        "医院挂号排队几个小时，看病难的问题什么时候能解决",
        "社区卫生服务中心缺少医生，老人慢性病开药很不方便",
        "医保报销比例太低，住院花费大部分都要自己承担",
        "药店高价出售常用药品，比医院贵了一倍还多",
        "乡镇卫生院设备陈旧，村民做个检查都要跑到县城医院",
    ],
}
TEXTS = [text for texts in CORPUS.values() for text in texts]
LABELS = [label for label, texts in CORPUS.items() for _ in texts]

# New voices, one per category, worded differently from the corpus.
UNSEEN = {
    "交通": "人民路公交车班次太少，等车要等半个小时，路口还经常堵车",
    "教育": "学校乱收费，要求学生购买指定的教辅资料，家长负担重",
    "环境": "小区旁边的工厂排放废气，气味刺鼻，居民担心空气污染",
    "医疗": "县医院看病排队太久，医生态度差，检查费用太高",
}


def svm() -> CategoryClassifier:
    """The invented corpus is small: let the SVM start at 3 voices per category, not 15."""
    return CategoryClassifier(min_per_class=3)


@pytest.fixture(scope="module")
def classifier():
    return svm().fit(TEXTS, LABELS)


def test_it_files_new_voices_under_the_right_category(classifier):
    assert classifier.mode_ == "svm"
    assert list(classifier.predict(list(UNSEEN.values()))) == list(UNSEEN)


def test_probabilities_cover_the_known_categories_and_sum_to_one(classifier):
    probabilities = classifier.predict_proba(list(UNSEEN.values()))

    assert list(classifier.classes_) == sorted(CORPUS)
    assert probabilities.shape == (4, 4)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert (probabilities >= 0).all()


def test_top_k_lists_the_most_probable_categories_first(classifier):
    top = classifier.top_k(UNSEEN["环境"], k=3)

    assert len(top) == 3
    assert top[0][0] == "环境"
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert len(classifier.top_k(UNSEEN["环境"], k=10)) == 4


def test_a_voice_may_come_as_subject_and_body():
    subjects = [text[:8] for text in TEXTS]
    classifier = svm().fit(list(zip(subjects, TEXTS, strict=True)), LABELS)

    assert classifier.predict([("工厂排放废气", UNSEEN["环境"])])[0] == "环境"
    assert classifier.predict([("", UNSEEN["教育"])])[0] == "教育"


def test_with_two_voices_per_category_it_still_answers_but_is_not_sure():
    texts = [text for texts in CORPUS.values() for text in texts[:2]]
    classifier = CategoryClassifier().fit(texts, [label for label in CORPUS for _ in range(2)])

    assert classifier.mode_ == "centroid"
    assert list(classifier.predict(list(UNSEEN.values()))) == list(UNSEEN)
    probabilities = classifier.predict_proba(list(UNSEEN.values()))
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert probabilities.max() < 0.6


def test_with_one_voice_per_category_it_is_even_less_sure():
    classifier = CategoryClassifier().fit([texts[0] for texts in CORPUS.values()], list(CORPUS))

    label, probability = classifier.top_k(UNSEEN["环境"], k=1)[0]
    assert label in CORPUS
    assert probability < 0.5


def test_with_a_single_category_every_voice_gets_it():
    classifier = CategoryClassifier().fit(CORPUS["交通"][:2], ["交通", "交通"])

    assert classifier.top_k(UNSEEN["医疗"]) == [("交通", 1.0)]


def test_a_category_nobody_has_labelled_gets_no_probability():
    hints = {"交通": ["出租车管理", "公交线路"], "住房": ["物业管理", "房屋租赁"]}
    classifier = CategoryClassifier(hints=hints).fit(TEXTS, LABELS)

    assert "住房" not in classifier.classes_
    assert "住房" not in dict(classifier.top_k("小区物业管理混乱，房屋租赁纠纷", k=10))


def test_a_staff_correction_changes_the_prediction(classifier):
    voice = "学校门口的马路没有红绿灯，学生过马路很危险"
    before = classifier.predict([voice])[0]
    after = "教育" if before != "教育" else "交通"

    classifier = svm().fit(TEXTS, LABELS).correct([voice], [after])

    assert classifier.predict([voice])[0] == after
    assert classifier.weights_[-1] == classifier.correction_weight


def test_a_correction_replaces_the_earlier_label_of_the_same_voice():
    voice = CORPUS["交通"][0]
    classifier = svm().fit(TEXTS, LABELS).correct([voice], ["环境"])

    assert len(classifier.examples_) == len(TEXTS)
    assert classifier.labels_.count("交通") == 4
    assert classifier.predict([voice])[0] == "环境"


def test_a_correction_may_name_a_new_category(classifier):
    voice = "小区物业乱收停车费，业主委员会成立不了"
    corrected = svm().fit(TEXTS, LABELS).correct([voice], ["住房"])

    assert "住房" in corrected.classes_
    assert corrected.top_k(voice, k=1)[0][0] == "住房"


def test_bad_training_data_is_refused_with_the_row_named():
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        CategoryClassifier().fit(TEXTS[:3], LABELS[:2])
    with pytest.raises(ValueError, match="label 1: a category name is required"):
        CategoryClassifier().fit(TEXTS[:2], ["交通", " "])
    with pytest.raises(TypeError, match="text 1: expected a string or a"):
        CategoryClassifier().fit([TEXTS[0], 42], ["交通", "交通"])
    with pytest.raises(ValueError, match="no text to learn from"):
        CategoryClassifier().fit(["", "  "], ["交通", "教育"])
    with pytest.raises(ValueError, match="no labelled voices"):
        CategoryClassifier().fit([], [])


def test_taxonomy_paths_become_hints_without_the_catch_all_names():
    rows = [
        ("交通运输", "出租车管理", "网约车问题"),
        ("交通运输", "其他", "其他"),
        ("环境保护", "环境污染", "其他"),
    ]

    assert taxonomy_hints(rows) == {"交通运输": ["出租车管理 网约车问题"], "环境保护": ["环境污染"]}


def test_on_real_messages_it_beats_the_target_macro_f1(tipdm):
    from bench.classify_tipdm import read_hints, read_messages

    texts, labels = read_messages(tipdm)
    hints, y = read_hints(tipdm), np.array(labels)
    predicted = np.empty_like(y)
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, y):
        model = CategoryClassifier(hints=hints).fit([texts[i] for i in train], y[train])
        predicted[test] = model.predict([texts[i] for i in test])

    assert f1_score(y, predicted, average="macro") > 0.82
