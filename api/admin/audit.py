"""The /admin audit trail: one row per change (who, when, what)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.models import AdminAuditEntry
from api.users.models import User

ACTION_LABELS = {
    "upload": "上传文档",
    "edit_meta": "修改文档信息",
    "retire": "停用/废止",
    "restore": "恢复",
    "faq_save": "保存答案卡片",
    "faq_retire": "停用答案卡片",
    "faq_restore": "恢复答案卡片",
    "build_start": "开始重建索引",
    "build_done": "索引重建完成",
    "build_failed": "索引重建失败",
    "rollback": "回滚索引版本",
}


def record(db: Session, actor: User | None, action: str, target: str, **detail) -> None:
    db.add(AdminAuditEntry(actor_id=actor.id if actor else None, action=action, target=target[:300], detail=detail))


def recent(db: Session, limit: int = 200) -> list[tuple[AdminAuditEntry, User | None]]:
    rows = db.execute(
        select(AdminAuditEntry, User)
        .outerjoin(User, User.id == AdminAuditEntry.actor_id)
        .order_by(AdminAuditEntry.id.desc())
        .limit(limit)
    ).all()
    return [(entry, user) for entry, user in rows]
