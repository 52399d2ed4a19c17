"""Chinese labels and display helpers for the console templates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from api.cases.queries import as_utc
from api.cases.sla import duration_text
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
    "request_human": "要求人工",
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
    "low_confidence": "未能准确理解问题",
    "low_retrieval_confidence": "未找到可靠的法律依据",
}


def reason_label(reason: str) -> str:
    if reason in _REASON_LABELS:
        return _REASON_LABELS[reason]
    if reason.startswith("risk:"):
        risks = {risk.name: risk.description for risk in load_table().risks}
        return f"风险：{risks.get(reason[5:], reason[5:])}"
    return reason


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic) if topic else "—"


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def beijing_time(moment: datetime | None) -> str:
    moment = as_utc(moment)
    return moment.astimezone(BEIJING).strftime("%m-%d %H:%M") if moment else ""


def waited(moment: datetime | None, now: datetime) -> str:
    return duration_text(now - as_utc(moment)) if moment else ""
