"""Confidence calibration, fitted per index version on the team's own questions (never the eval sets).

Each in-scope question names articles a lawyer would cite; out-of-scope questions have none. A logistic
model maps retrieval signals to P(an acceptable article is in the top 3); the build stores its
coefficients in the version manifest, so confidence stays calibrated when backends or documents change.
"""

from __future__ import annotations

import numpy as np

# (question in a worker's words, its topic intent, acceptable (law, article) answers)
IN_SCOPE: list[tuple[str, str, list[tuple[str, int]]]] = [
    ("公司把我辞退了，我干了三年，能拿多少补偿", "dismissal", [("劳动合同法", 47), ("劳动合同法", 46)]),
    (
        "老板突然说明天不用来了，什么理由都没给",
        "dismissal",
        [("劳动合同法", 48), ("劳动合同法", 87), ("劳动合同法", 39), ("劳动合同法", 40)],
    ),
    (
        "进厂半年了老板一直拖着不跟我签合同",
        "labor_contract",
        [("劳动合同法", 82), ("劳动合同法", 10), ("劳动合同法实施条例", 6)],
    ),
    ("试用期能不能定一年那么长", "labor_contract", [("劳动合同法", 19)]),
    ("下班骑电动车回家路上被车撞了，这算工伤吗", "work_injury", [("工伤保险条例", 14)]),
    (
        "伤残等级是谁给评的，去哪里申请鉴定",
        "work_injury",
        [("工伤保险条例", 23), ("工伤保险条例", 21), ("工伤保险条例", 22)],
    ),
    ("工伤休养期间单位还要给我发工资吗", "work_injury", [("工伤保险条例", 33)]),
    ("我怀孕三个月，公司想找理由把我辞了", "women_protection", [("劳动合同法", 42), ("女职工劳动保护特别规定", 5)]),
    ("生孩子能休多少天产假", "women_protection", [("女职工劳动保护特别规定", 7)]),
    ("孩子还在吃奶，上班期间能有时间回去喂奶吗", "women_protection", [("女职工劳动保护特别规定", 9)]),
    ("工作满五年了一年能休几天年假", "leave", [("职工带薪年休假条例", 3)]),
    ("周六周日叫我们去加班，一分钱加班费都没有", "overtime_hours", [("劳动法", 44), ("工资支付暂行规定", 13)]),
    ("一天干十二个小时，一个月只歇两天，合法吗", "overtime_hours", [("劳动法", 36), ("劳动法", 41), ("劳动法", 38)]),
    ("到手工资比最低工资标准还低", "wage_arrears", [("劳动法", 48), ("劳动合同法", 85)]),
    (
        "公司一直没给我交社保，我能怎么办",
        "social_insurance",
        [("社会保险法", 58), ("社会保险法", 86), ("社会保险法", 84), ("劳动合同法", 38), ("社会保险法", 63)],
    ),
    ("被裁了以后失业金怎么领，要满足什么条件", "social_insurance", [("社会保险法", 45), ("失业保险条例", 14)]),
    ("申请劳动仲裁有没有时间限制，过了多久就不能告了", "dispute_procedure", [("劳动争议调解仲裁法", 27)]),
    ("入职的时候公司扣了我的身份证，还要交五百块押金", "labor_contract", [("劳动合同法", 9), ("劳动合同法", 84)]),
    ("我想辞职，要提前多少天跟公司说", "dismissal", [("劳动合同法", 37)]),
    ("离职后竞业限制最长能限制我几年", "labor_contract", [("劳动合同法", 24), ("劳动合同法", 23)]),
    ("派遣来的工人跟正式工干一样的活，工资能一样吗", "labor_contract", [("劳动合同法", 63)]),
    ("公司说效益不好要一次裁掉三十个人", "dismissal", [("劳动合同法", 41)]),
    ("公司被别的公司合并了，我原来的合同还算数吗", "labor_contract", [("劳动合同法", 34), ("劳动合同法", 33)]),
    ("合同到期公司不跟我续签了，有没有补偿", "dismissal", [("劳动合同法", 46), ("劳动合同法", 44)]),
    ("在一个单位干满十年了能要求签长期合同吗", "labor_contract", [("劳动合同法", 14)]),
    (
        "包工头卷钱跑了，工地上几十个人的工钱找谁要",
        "wage_arrears",
        [("保障农民工工资支付条例", 36), ("保障农民工工资支付条例", 30), ("劳动合同法", 94)],
    ),
    (
        "老板拖了我们三个月工资，能去哪里投诉",
        "wage_arrears",
        [
            ("劳动合同法", 30),
            ("劳动合同法", 85),
            ("劳动保障监察条例", 26),
            ("保障农民工工资支付条例", 3),
            ("劳动法", 50),
        ],
    ),
    ("车间主任逼着我们违章操作，我能不能不干", "workplace_safety", [("安全生产法", 54), ("劳动法", 56)]),
    (
        "我们厂想成立工会，老板不让",
        "union_membership",
        [("工会法", 3), ("工会法", 11), ("北京市实施《中华人民共和国工会法》办法", 6)],
    ),
    ("单位说我没转正可以随时开除", "dismissal", [("劳动合同法", 21), ("劳动合同法", 39)]),
]

OUT_OF_SCOPE: list[str] = [
    "我老公出轨了，离婚的时候房子怎么分",
    "开车追尾了，对方全责，保险公司怎么赔",
    "网上买的衣服质量有问题，商家不给退",
    "今天晚上吃点什么好",
    "楼上邻居天天半夜装修吵得睡不着",
    "孩子上小学报名要准备哪些材料",
    "借给朋友的两万块钱他一直不还",
    "明天北京会不会下雨",
    "推荐几部好看的电影",
    "股票跌了这么多还要不要补仓",
    "被邻居家的狗咬了要不要打疫苗",
    "父母留下的房子兄弟姐妹怎么分",
    "信用卡逾期了会不会坐牢",
    "怎么才能学好英语口语",
    "手机屏幕摔碎了去哪修便宜",
]

FEATURES = ("dense_top", "agreement", "bm25_coverage", "prior_top", "oos_top")
# Used only when a version cannot be fitted (e.g. a tiny test corpus where every question fails).
DEFAULT_COEFS = {
    "bias": -4.0,
    "dense_top": 4.0,
    "agreement": 2.0,
    "bm25_coverage": 2.0,
    "prior_top": 1.0,
    "oos_top": -3.0,
}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(coefs: dict[str, float], features: dict[str, float]) -> float:
    z = coefs["bias"] + sum(coefs[name] * features[name] for name in FEATURES)
    return float(sigmoid(z))


def fit_logistic(
    x: np.ndarray, y: np.ndarray, names: tuple[str, ...], l2: float = 0.05, steps: int = 3000
) -> dict[str, float]:
    """L2-regularised logistic regression by gradient descent (a few thousand rows at most), returned as
    coefficients in raw feature units plus "bias"."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    mu, sd = x.mean(0), x.std(0) + 1e-6
    xs = (x - mu) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = sigmoid(xs @ w + b)
        w -= 0.1 * (xs.T @ (p - y) / len(y) + l2 * w)
        b -= 0.1 * float((p - y).mean())
    coefs = {name: float(w[i] / sd[i]) for i, name in enumerate(names)}
    coefs["bias"] = float(b - sum(w[i] * mu[i] / sd[i] for i in range(len(names))))
    return coefs


def calibrate(retriever) -> dict[str, float]:
    """Fit coefficients for this retriever from the questions above, asked as the bot asks them (with intent)."""
    rows, labels = [], []
    for question, intent, acceptable in IN_SCOPE:
        result = retriever.search(question, intent=intent, k=3)
        rows.append(result.features)
        labels.append(int(any((h.law, h.article) in acceptable for h in result.hits)))
    for question in OUT_OF_SCOPE:
        rows.append(retriever.search(question, intent="out_of_scope", k=3).features)
        labels.append(0)
    if len(set(labels)) < 2:
        return dict(DEFAULT_COEFS)
    return fit_logistic(np.array([[r[f] for f in FEATURES] for r in rows]), np.array(labels), FEATURES)
