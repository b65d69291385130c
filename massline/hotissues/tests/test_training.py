"""Category corrections are kept and used: the classifier trained from the database learns
from them, and a correction changes what it predicts."""

from massline.voices.models import Voice
from massline.voices.training import train_classifier, training_pairs

PROPERTY = [
    "小区电梯坏了物业不修",
    "物业费上涨没有公示",
    "物业不打扫楼道卫生",
    "小区停车位被物业出租",
    "物业公司不管绿化",
    "小区门禁坏了物业拖着不修",
]
NOISE = [
    "工地夜里打桩噪音扰民",
    "广场舞音响声音太大",
    "酒吧夜里噪音睡不着",
    "马路上汽车鸣笛噪音大",
    "装修电钻噪音中午不停",
    "工厂机器轰鸣噪音扰民",
]
ODD = ("地下车库排风机夜里轰鸣", "地下车库的排风机每天夜里轰鸣不停。")


def labelled(subject: str, category) -> Voice:
    return Voice.objects.create(channel="web", subject=subject, body=subject, category=category)


def test_a_correction_is_a_training_pair_and_changes_the_prediction(city, people):
    for subject in PROPERTY:
        labelled(subject, city["property"])
    for subject in NOISE:
        labelled(subject, city["noise"])
    odd = Voice.objects.create(
        channel="web", subject=ODD[0], body=ODD[1], category=city["property"]
    )
    before = train_classifier(level=1).predict([ODD])[0]
    assert before == "城乡建设"

    odd.correct_category(people["operator"], city["noise"])
    pairs = list(training_pairs(level=1, corrected=True))
    assert pairs == [(ODD, "环境保护")]
    assert len(list(training_pairs(level=2))) == 13
    after = train_classifier(level=1)
    assert after.predict([ODD])[0] == "环境保护"
    assert after.examples_[-1] == ODD and after.weights_[-1] == after.correction_weight
