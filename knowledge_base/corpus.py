"""Parse statute Markdown (LawRefBook format) and union-policy documents into articles.

LawRefBook files look like::

    # 中华人民共和国劳动合同法
    2007年6月29日 …通过            <- history lines
    <!-- INFO END -->
    ## 第一章 总则
    第一条 为了……                 <- one article per paragraph, continuation paragraphs follow
    （一）……                        <- items of the current article

Texts without numbered articles (typical cases, notices) are split into sections instead; a section
is searchable but never citable (its ``number`` is None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlu.numerals import to_int

_CN_NUM = "零〇一二三四五六七八九十百千两"

ARTICLE_RE = re.compile(rf"^第([{_CN_NUM}]+|\d+)条(?:之([{_CN_NUM}]+))?[\s\u3000]+")
CHAPTER_RE = re.compile(rf"^#{{2,3}}\s*(第[{_CN_NUM}\d]+[编章节].*)$")
ITEM_RE = re.compile(rf"^[（(]([{_CN_NUM}]+)[）)]")
LAW_PREFIX = "中华人民共和国"
INFO_END = "<!-- INFO END -->"


def cn_to_int(text: str) -> int:
    """Chinese (or Arabic) numeral -> int: 四十七 -> 47, 一百零八 -> 108, 十 -> 10."""
    value = to_int(text)
    if value is None:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    return value


def short_title(title: str) -> str:
    return title[len(LAW_PREFIX) :] if title.startswith(LAW_PREFIX) else title


@dataclass
class Article:
    """One citable article (``number`` set) or one uncitable section of a text without articles."""

    law: str  # document short title
    number: int | None  # 第四十七条 -> 47; None for sections
    label: str  # "第四十七条", "第十条之一", or the section heading
    text: str  # full text as quoted, starting with the label for articles
    chapter: str | None = None
    items: list[str] = field(default_factory=list)
    sub: int = 0  # 第十条之一 -> 1

    @property
    def key(self) -> tuple[str, int | None, int, str]:
        return (self.law, self.number, self.sub, self.label if self.number is None else "")


@dataclass
class Document:
    title: str
    short_title: str
    doc_type: str
    status: str
    effective_date: str | None
    source_path: str  # relative to its root directory (corpus dir or kb docs dir)
    history: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    note: str = ""
    source: str = ""  # where a team-written document's facts come from
    review_date: str | None = None

    @property
    def citable(self) -> bool:
        return self.status == "in_force"


@dataclass
class ParsedText:
    title: str
    history: list[str]
    articles: list[Article]


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster where available


def load_yaml(text: str):
    """yaml.safe_load semantics, with the C loader when PyYAML was built with it."""
    return yaml.load(text, Loader=_YAML_LOADER)


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter between leading '---' lines (policy docs, LawRefBook case pages)."""
    if not text.startswith("---"):
        return {}, text
    parts = text.split("\n")
    for i in range(1, len(parts)):
        if parts[i].startswith("---"):
            meta = load_yaml("\n".join(parts[1:i])) or {}
            rest = parts[i][3:] + "\n" + "\n".join(parts[i + 1 :])
            return (meta if isinstance(meta, dict) else {}), rest.lstrip()
    return {}, text


def parse_markdown(text: str, law: str | None = None) -> ParsedText:
    """Split one Markdown text into title, history lines and articles (or sections)."""
    _, body = split_front_matter(text)
    lines = [ln.strip().strip("\u3000") for ln in body.splitlines()]
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
    law = law or short_title(title)
    history: list[str] = []
    if INFO_END in lines:
        end = lines.index(INFO_END)
        history = [ln for ln in lines[:end] if ln and not ln.startswith("#")]
        lines = lines[end + 1 :]
    else:
        lines = [ln for ln in lines if not ln.startswith("# ")]
    articles = _parse_articles(lines, law)
    if not articles:
        articles = _parse_sections(lines, law, title)
    return ParsedText(title=title, history=history, articles=articles)


def _parse_articles(lines: list[str], law: str) -> list[Article]:
    articles: list[Article] = []
    chapter: str | None = None
    current: Article | None = None
    for line in lines:
        if not line:
            continue
        if m := CHAPTER_RE.match(line):
            chapter = m.group(1).strip()
            current = None
            continue
        if line.startswith("#"):
            current = None
            continue
        if m := ARTICLE_RE.match(line):
            sub = cn_to_int(m.group(2)) if m.group(2) else 0
            label = line[: m.end()].strip()
            current = Article(law=law, number=cn_to_int(m.group(1)), sub=sub, label=label, text=line, chapter=chapter)
            articles.append(current)
            continue
        if current is None:
            continue  # preamble text before the first article
        current.text += "\n" + line
        if ITEM_RE.match(line):
            current.items.append(line)
    return articles


def _parse_sections(lines: list[str], law: str, title: str) -> list[Article]:
    """Texts without numbered articles: one uncitable chunk per '## heading' (or one for all)."""
    sections: list[Article] = []
    heading, buf = title or law, []

    def flush() -> None:
        if buf:
            sections.append(Article(law=law, number=None, label=heading, text="\n".join(buf)))

    for line in lines:
        if not line or line == "---":
            continue
        if line.startswith("#"):
            flush()
            heading, buf = line.lstrip("#").strip(), []
        else:
            buf.append(line)
    flush()
    return sections


def load_policy_document(path: Path, root: Path) -> Document:
    """A team-written union-policy Markdown document with YAML front matter."""
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    title = str(meta.get("title") or path.stem)
    law = str(meta.get("short_title") or short_title(title))
    parsed = parse_markdown(f"# {title}\n\n{INFO_END}\n\n{body}", law=law)
    return Document(
        title=title,
        short_title=law,
        doc_type=str(meta.get("doc_type", "union_policy")),
        status=str(meta.get("status", "in_force")),
        effective_date=_opt_str(meta.get("effective_date")),
        source_path=str(path.relative_to(root)),
        articles=parsed.articles,
        source=str(meta.get("source", "")),
        review_date=_opt_str(meta.get("review_date")),
    )


def _opt_str(value) -> str | None:
    return None if value in (None, "") else str(value)
