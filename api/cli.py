"""`laborbot`: the operator's command-line tool."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import typer
from rich.console import Console

from api.core.settings import get_settings
from api.users.models import Role

app = typer.Typer(help="laborbot 职工法律服务助手 运维工具", no_args_is_help=True)
user_app = typer.Typer(help="管理工作人员账号", no_args_is_help=True)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")
console = Console()


def _mount_kb() -> None:
    from knowledge_base.cli import kb_app

    app.add_typer(kb_app, name="kb")


_mount_kb()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """升级数据库结构（Alembic 迁移）。"""
    from api.core.migrate import upgrade_database

    upgrade_database(get_settings().sqlalchemy_url)
    console.print("[green]数据库已是最新版本[/green]")


@user_app.command("add")
def user_add(
    username: str = typer.Option(..., "--username", help="登录名"),
    role: Role = typer.Option(..., "--role", help="staff / lawyer / admin"),
) -> None:
    """新建账号；密码取自环境变量 LABORBOT_PASSWORD，未设置时提示输入。"""
    from api.core.db import make_sessions
    from api.core.migrate import upgrade_database
    from api.users.service import UserExistsError, create_user

    password = os.environ.get("LABORBOT_PASSWORD") or typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        console.print("[red]密码至少 8 位[/red]")
        raise typer.Exit(2)
    url = get_settings().sqlalchemy_url
    upgrade_database(url)
    with make_sessions(url)() as db:
        try:
            create_user(db, username, password, role)
        except UserExistsError:
            console.print(f"[red]账号 {username} 已存在[/red]")
            raise typer.Exit(1) from None
    console.print(f"[green]已创建账号 {username}（{role.value}）[/green]")


@app.command()
def train(force: bool = typer.Option(False, help="即使训练数据未变化也重新训练")) -> None:
    """训练语言理解模型（训练数据或配置有变化时才训练）。"""
    path, trained = _train(get_settings(), force)
    console.print(f"[green]{'已训练' if trained else '模型已是最新'}[/green]: {path}")


def _train(settings, force: bool = False):
    from api.ops.training import train_if_needed

    log_file = settings.log_dir / "train.log"
    with console.status("训练语言理解模型（训练数据或配置有变化时才训练，约 3–8 分钟）…"):
        try:
            return train_if_needed(force=force, log_file=log_file)
        except subprocess.CalledProcessError:
            console.print(f"[red]训练失败，请查看日志 {log_file}[/red]")
            raise typer.Exit(1) from None


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


@app.command()
def run(
    rasa_replicas: int = typer.Option(
        None, "--rasa-replicas", min=1, max=16, help="Rasa 服务的副本数（每个约占一个 CPU 核；默认读取配置，为 1）"
    ),
    workers: int = typer.Option(
        None, "--workers", min=1, max=32, help="网站服务的进程数（多于 1 个时建议配置 PostgreSQL 与 Redis；默认为 1）"
    ),
) -> None:
    """准备所需的一切并在 127.0.0.1 上启动全部服务（Ctrl-C 停止）。"""
    from api.core.migrate import upgrade_database
    from api.ops.launcher import RestartBudget, Supervisor
    from knowledge_base.cli import build_if_needed

    settings = get_settings()
    chosen = {"rasa_replicas": rasa_replicas, "workers": workers}
    settings = settings.model_copy(update={k: v for k, v in chosen.items() if v is not None})
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.sqlalchemy_url)
    model, _ = _train(settings)
    build_if_needed(settings)

    supervisor = Supervisor(settings)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        supervisor.start(model)
        with console.status("启动 Rasa、动作服务器和网站…"):
            healthy = supervisor.wait_healthy()
        if not healthy:
            console.print(f"[red]启动失败，请查看日志 {settings.log_dir}[/red]")
            raise typer.Exit(1)
        base = f"http://{settings.host}:{settings.port}"
        console.print(f"[green]laborbot 已启动[/green]  {base}/healthz   日志: {settings.log_dir}  (Ctrl-C 停止)")
        restarts = RestartBudget()
        while True:  # a process that dies is started again, unless it keeps dying
            time.sleep(1.0)
            for name in supervisor.crashed():
                if not restarts.allow(name):
                    console.print(f"[red]{name} 反复退出，已停止全部服务；请查看日志 {settings.log_dir}[/red]")
                    raise typer.Exit(1)
                console.print(f"[yellow]{name} 意外退出，正在重新启动（日志 {settings.log_dir}）[/yellow]")
                supervisor.restart(name)
    except KeyboardInterrupt:
        console.print("正在停止…")
    finally:
        supervisor.stop()
