"""Chinese labels and display helpers for the console templates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from api.cases.sla import duration_text
from api.core.db import as_utc
from api.triage.table import load_table

BEIJING = timezone(timedelta(hours=8))
STATUS_LABELS = {"open": "待认领", "claimed": "处理中", "closed": "已结案"}
STATUS_FILTERS = {
    "active": "未结案",
    "open": "待认领",
    "claimed": "处理中",
    "closed": "已结案",
    "all": "全部",
}
PRIORITY_LABELS = {"urgent": "紧急", "high": "优先", "normal": "一般"}
CHANNEL_LABELS = {"web": "网页", "wechat": "微信"}
# Short names of the taxonomy intents (../shared/taxonomy.yml) as a case topic.
TOPIC_LABELS = {
    "wage_arrears": "工资拖欠",
    "overtime_hours": "加班与工时",
    "labor_contract": "劳动合同",
    "dismissal": "辞退与解除",
    "social_insurance": "社保与公积金",
    "work_injury": "工伤",
    "leave": "休假",
    "women_protection": "女职工保护",
    "gig_platform": "新就业形态",
    "dispute_procedure": "争议处理程序",
    "union_membership": "工会会员",
    "union_services": "工会服务",
    "workplace_safety": "劳动安全",
    "out_of_scope": "其他问题",
}
AUTHOR_LABELS = {"worker": "职工", "bot": "智能助手", "lawyer": "律师", "system": "系统"}
AUDIT_LABELS = {
    "open": "立案",
    "reopen_request": "职工再次请求人工",
    "claim": "认领",
    "release": "释放",
    "transfer": "转交",
    "reply": "回复职工",
    "note": "内部备注",
    "close": "结案",
    "view_full": "查看完整信息",
    "worker_message": "职工留言",
    "feedback": "职工评价",
}
_REASON_LABELS = {
    "user_request": "职工要求人工服务",
    "low_confidence": "智能助手没能确定答案",
    "not_helpful": "职工认为回答没有帮助",
    "low_score": "职工给回答打了低分",
}
FACT_LABELS = {
    "money": "金额",
    "duration": "时长",
    "date": "日期",
    "headcount": "人数",
    "district": "区",
    "city": "城市",
    "employer_type": "单位类型",
    "phone": "电话",
    "id_number": "身份证号",
    "disability_grade": "伤残等级",
    "calculator": "计算器",
}
_ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(\d+(?:\.\d+)?)H)?$")


def reason_label(reason: str) -> str:
    if reason in _REASON_LABELS:
        return _REASON_LABELS[reason]
    if reason.startswith("risk:"):
        risks = {risk.name: risk.description for risk in load_table().risks}
        return f"风险：{risks.get(reason[5:], reason[5:])}"
    return reason


def topic_label(topic: str) -> str:
    """Only the taxonomy's topics have a label; anything else (a dialogue intent) is no topic."""
    return TOPIC_LABELS.get(topic, "—") if topic else "—"


def fact_label(entity: str) -> str:
    return FACT_LABELS.get(entity, "其他")


def fact_value(entity: str, value) -> str:
    """A fact as a lawyer reads it: P3Y6M → 3年6个月, 8000 → 8000元, 2025-03-01 → 2025年3月1日, 30+ → 30多人."""
    text = str(value)
    if entity == "duration" and (m := _ISO_DURATION.match(text)):
        years, months, days, hours = m.groups()
        parts = [
            f"{years}年" if years else "",
            f"{months}个月" if months else "",
            f"{days}天" if days else "",
            f"{hours}小时" if hours else "",
        ]
        return "".join(parts) or text
    if entity == "money":
        return f"{text}元"
    if entity == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = (int(x) for x in text.split("-"))
        return f"{year}年{month}月{day}日"
    if entity == "headcount":
        return text.replace("+", "多").replace("~", "约") + "人"
    return text


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def beijing_time(moment: datetime | None) -> str:
    moment = as_utc(moment)
    return moment.astimezone(BEIJING).strftime("%m-%d %H:%M") if moment else ""


def waited(moment: datetime | None, now: datetime) -> str:
    return duration_text(now - as_utc(moment)) if moment else ""
