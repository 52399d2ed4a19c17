"""One place that imports every ORM model, so Alembic and tests see the whole schema."""


def import_all_models() -> None:
    import api.admin.models  # noqa: F401
    import api.cases.models  # noqa: F401
    import api.channels.wechat.models  # noqa: F401
    import api.conversation.models  # noqa: F401
    import api.users.models  # noqa: F401
