"""Beijing wording read by a worker in another city: offices and standards become local, Beijing-only rules go."""

from knowledge_base.locality import localise


def test_offices_and_standards_become_the_local_ones():
    assert localise("病假工资不低于北京最低工资标准的80%，以北京市人社局公布的为准。") == (
        "病假工资不低于当地最低工资标准的80%，以当地人社局公布的为准。"
    )


def test_the_short_name_of_beijing_is_localised_too():
    assert localise("离京回老家能否销户提取，请问公积金中心。") == "离开当地回老家能否销户提取，请问公积金中心。"


def test_a_beijing_only_rule_is_left_out_and_the_national_rule_stays():
    text = "给，女职工生育就享受98天产假，在北京按规定生育的还有60天延长生育假，试用期的也一样。"
    assert localise(text) == "给，女职工生育就享受98天产假，试用期的也一样。"
    assert localise("这是国家建立的保障，北京从2022年7月起试点。") == "这是国家建立的保障。"


def test_a_condition_is_not_left_without_its_rule():
    text = "可以这样用：孩子不满3周岁的，在北京父母每人每年各有5个工作日育儿假；也可以请年假。"
    assert localise(text) == "也可以请年假。"


def test_text_without_beijing_is_unchanged():
    text = "能，单位要按工资的200%支付加班费。"
    assert localise(text) == text
