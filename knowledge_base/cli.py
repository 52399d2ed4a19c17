"""Staff tools: `laborbot kb build | add | update | retire | list | search | rollback` (Typer app ``kb_app``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import index as kb_index
from .cards import read_card_file
from .corpus import load_policy_document, split_front_matter
from .manifest import atomic_write_text, load_manifest, save_manifest

kb_app = typer.Typer(help="知识库管理：构建索引、增删文档、检索测试。", no_args_is_help=True)
console = Console()


def _settings():
    from api.core.settings import get_settings

    return get_settings()


def build_if_needed(settings) -> None:
    """Used by `laborbot run`: build (incrementally) only when sources changed since the serving version."""
    if not kb_index.is_up_to_date(kb_index.Sources.from_settings(settings), settings.index_dir):
        _build(settings=settings)


def _build(full: bool = False, settings=None, progress_file: Path | None = None) -> kb_index.BuildReport:
    settings = settings or _settings()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))
            if progress_file is not None:  # read by the /admin job page while this process runs
                atomic_write_text(
                    progress_file, json.dumps({"stage": stage, "done": done, "total": total}, ensure_ascii=False)
                )

        try:
            report = kb_index.build_index(
                kb_index.Sources.from_settings(settings), settings.index_dir, progress=progress, full=full
            )
        except kb_index.BuildError as exc:
            console.print(f"[red]构建失败，仍使用原版本 {kb_index.current_version(settings.index_dir)}：{exc}")
            raise typer.Exit(1) from exc
    vectors = "；".join(f"{b} 新向量化 {report.embedded[b]}、复用 {report.reused[b]}" for b in report.embedded)
    console.print(
        f"[green]已启用 {report.version}[/]：{report.chunks} 个片段（{vectors}），用时 {report.seconds:.1f} 秒"
    )
    return report


@kb_app.command()
def build(
    full: bool = typer.Option(False, "--full", help="不复用旧向量，全部重新计算"),
    progress_file: Path = typer.Option(None, "--progress-file", help="把进度以 JSON 写入此文件"),
) -> None:
    """构建新版本索引并原子切换（失败时旧版本继续服务）。"""
    _build(full, progress_file=progress_file)


def _install(path: Path, must_exist: bool) -> None:
    settings = _settings()
    if path.suffix == ".md":
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if meta.get("doc_type", "union_policy") != "union_policy":
            console.print(
                "[red]只能添加工会政策文档（doc_type: union_policy）；法规文本请放入语料目录并登记 manifest.yml"
            )
            raise typer.Exit(2)
        target = settings.kb_docs_dir / "policy" / path.name
        load_policy_document(path, path.parent)  # parse before copying: a broken file never lands
    elif path.suffix in (".yml", ".yaml"):
        target = settings.kb_docs_dir / "faq" / path.name
        if not read_card_file(path, path.name):  # the build then validates every linked article
            console.print("[red]文件中没有 cards")
            raise typer.Exit(2)
    else:
        console.print("[red]支持 .md（工会政策文档）或 .yml（FAQ 卡片）")
        raise typer.Exit(2)
    if must_exist != target.exists():
        console.print(f"[red]{target.name} {'不存在，请用 add' if must_exist else '已存在，请用 update'}")
        raise typer.Exit(2)
    backup = target.read_bytes() if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.resolve() != target.resolve():
        shutil.copyfile(path, target)
    try:
        _build()
    except typer.Exit:
        if backup is None:
            target.unlink()
        else:
            target.write_bytes(backup)
        raise


@kb_app.command()
def add(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """添加工会政策文档（.md）或 FAQ 卡片文件（.yml），并增量重建索引。"""
    _install(path, must_exist=False)


@kb_app.command()
def update(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """用新文件替换同名的政策文档或 FAQ 文件，并增量重建索引（更新期间旧版本继续服务）。"""
    _install(path, must_exist=True)


@kb_app.command()
def retire(short_title: str = typer.Argument(..., help="文档简称，如 劳动合同法 或 工会法律援助服务指南")) -> None:
    """将文档标记为失效（法规：repealed；政策文档：retired），保留为历史，不再被引用。"""
    settings = _settings()
    entries = load_manifest()
    for entry in entries:
        if entry.short_title == short_title:
            entry.status = "repealed"
            save_manifest(entries)
            break
    else:
        for path in sorted((settings.kb_docs_dir / "policy").glob("*.md")):
            doc = load_policy_document(path, settings.kb_docs_dir)
            if doc.short_title == short_title:
                text = path.read_text(encoding="utf-8")
                atomic_write_text(path, text.replace(f"status: {doc.status}", "status: retired", 1))
                break
        else:
            console.print(f"[red]找不到文档：{short_title}")
            raise typer.Exit(2)
    _build()


@kb_app.command("list")
def list_documents() -> None:
    """列出当前版本中的全部文档及其状态。"""
    settings = _settings()
    version = kb_index.current_version(settings.index_dir)
    if version is None:
        console.print("[yellow]尚未构建索引，请先运行 kb build")
        raise typer.Exit(1)
    manifest = json.loads((settings.index_dir / version / "manifest.json").read_text(encoding="utf-8"))
    table = Table(title=f"知识库 {version}（{manifest['created']}）")
    for col in ("简称", "类型", "状态", "施行/复核日期", "条数", "备注"):
        table.add_column(col)
    colours = {"in_force": "green", "repealed": "red"}
    for d in manifest["documents"]:
        status = f"[{colours.get(d['status'], 'yellow')}]{d['status']}[/]"
        table.add_row(
            d["short_title"],
            d["doc_type"],
            status,
            d.get("review_date") or d.get("effective_date") or "",
            str(d["articles"]),
            d.get("note") or "",
        )
    console.print(table)
    console.print(f"版本：{', '.join(kb_index.list_versions(settings.index_dir))}（当前 {version}）")


@kb_app.command()
def search(
    question: str,
    intent: str = typer.Option(None, help="意图名（taxonomy.yml），用于意图先验"),
    k: int = typer.Option(5, min=1, max=20),
    all_status: bool = typer.Option(False, "--all", help="也显示已废止或待核实的条文"),
) -> None:
    """检索测试：显示得分、置信度以及每条结果的排名理由。"""
    settings = _settings()
    version = kb_index.current_version(settings.index_dir)
    if version is None:
        console.print("[yellow]尚未构建索引，请先运行 kb build")
        raise typer.Exit(1)
    from .retriever import Retriever

    result = Retriever(settings.index_dir / version).search(question, intent=intent, k=k, include_uncitable=all_status)
    flag = "[red]低，将转人工" if result.low_confidence else "[green]足够"
    console.print(f"置信度 {result.confidence:.2f}（{flag}[/]）  扩展词：{'、'.join(result.expansions) or '无'}")
    table = Table(show_lines=True)
    for col in ("#", "条文", "得分", "状态", "理由"):
        table.add_column(col)
    for i, hit in enumerate(result.hits, 1):
        table.add_row(str(i), f"《{hit.law}》{hit.label}\n{hit.text[:80]}", f"{hit.score:.4f}", hit.status, hit.why)
    console.print(table)


@kb_app.command()
def rollback(version: str = typer.Argument(None, help="目标版本，如 v0003；默认上一个版本")) -> None:
    """切换回旧版本索引。"""
    settings = _settings()
    try:
        target = kb_index.rollback(settings.index_dir, version)
    except kb_index.BuildError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    console.print(f"[green]当前版本：{target}")


if __name__ == "__main__":
    kb_app()
