"""Uploaded files (Markdown, plain text, Word .docx) -> union-policy Markdown with YAML front matter.

The policy format (knowledge_base/documents/policy/*.md): front matter (title, short_title, doc_type,
status, effective_date, review_date, source), "## 第一章 …" headings and one "第一条 …" article per
paragraph. Text without numbered articles gets them, one per paragraph, because only numbered articles
can be quoted in answers.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import yaml

from knowledge_base.corpus import ARTICLE_RE, split_front_matter
from nlu.numerals import to_chinese

FRONT_MATTER_KEYS = ("title", "short_title", "doc_type", "status", "effective_date", "review_date", "source")
MAX_PARAGRAPHS = 3000  # a policy document is a few dozen articles; more is not a policy document
MAX_UNZIPPED_BYTES = 20 << 20  # a .docx is a zip: refuse what would unpack beyond this
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ConversionError(ValueError):
    """A file staff cannot upload as it is; the message says why, in Chinese."""


@dataclass
class Converted:
    meta: dict
    body: str

    def markdown(self) -> str:
        return render(self.meta, self.body)


def render(meta: dict, body: str) -> str:
    # The document's own key order is kept, so a version diff shows only what changed.
    ordered = {k: v for k, v in meta.items() if k in FRONT_MATTER_KEYS and v not in (None, "")}
    for key in ("effective_date", "review_date"):  # plain YAML dates, as in the repo documents
        if isinstance(ordered.get(key), str) and _DATE.match(ordered[key]):
            ordered[key] = date.fromisoformat(ordered[key])
    front = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000).strip()
    return f"---\n{front}\n---\n\n{body.strip()}\n"


def convert_upload(filename: str, data: bytes, form_meta: dict) -> Converted:
    """Parse one upload; ``form_meta`` (title, short_title, dates, source) fills or overrides the file's own."""
    if not data:
        raise ConversionError("文件是空的。")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in ("md", "markdown"):
        meta, lines = _markdown_lines(_decode(data))
    elif suffix == "txt":
        meta, lines = {}, [ln.strip() for ln in _decode(data).splitlines()]
    elif suffix == "docx":
        meta, lines = {}, _docx_lines(data)
    else:
        raise ConversionError("只支持 Markdown（.md）、纯文本（.txt）和 Word（.docx）文件。")
    if meta.get("doc_type", "union_policy") != "union_policy":
        raise ConversionError("只能上传工会政策文档（doc_type 须为 union_policy）；法规文本由技术人员放入语料目录。")
    title_line = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
    lines = [ln for ln in lines if not ln.startswith("# ")]
    meta = {**meta, **{k: v for k, v in form_meta.items() if v}}
    meta["title"] = str(meta.get("title") or title_line or _first_text(lines) or "").strip()
    if not meta["title"]:
        raise ConversionError("无法确定文档标题，请在表单中填写标题。")
    meta["short_title"] = str(meta.get("short_title") or meta["title"]).strip()
    meta["doc_type"], meta["status"] = "union_policy", str(meta.get("status") or "in_force")
    for key in ("effective_date", "review_date"):
        if meta.get(key) not in (None, "") and not _DATE.match(str(meta[key])):
            raise ConversionError(f"日期格式应为 YYYY-MM-DD：{meta[key]}")
        if meta.get(key) not in (None, ""):
            meta[key] = str(meta[key])
    meta = {k: meta[k] for k in FRONT_MATTER_KEYS if k in meta}
    body = _policy_body(meta["title"], lines)
    if "第一条" not in body:
        raise ConversionError("文件没有可用的正文内容。")
    return Converted(meta=meta, body=body)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConversionError("无法识别文件编码，请另存为 UTF-8 编码的文本。")


def _markdown_lines(text: str) -> tuple[dict, list[str]]:
    if text.startswith("---"):
        try:
            meta, body = split_front_matter(text)
        except yaml.YAMLError as exc:
            raise ConversionError(f"文件开头的 YAML 信息格式有误：{str(exc).splitlines()[0]}") from None
        if body.startswith("---"):
            raise ConversionError("文件开头的 YAML 信息缺少结束行“---”。")
    else:
        meta, body = {}, text
    return {k: v for k, v in meta.items() if k in FRONT_MATTER_KEYS}, [ln.strip() for ln in body.splitlines()]


def _docx_lines(data: bytes) -> list[str]:
    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError

    unreadable = ConversionError("无法读取该 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ConversionError("Word 文件解开后太大，请删掉图片或拆分后再上传。")
        document = WordDocument(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise unreadable from None
    if len(document.paragraphs) > MAX_PARAGRAPHS:
        raise ConversionError(f"文件太长（超过 {MAX_PARAGRAPHS} 段），请拆分后再上传。")
    lines = []
    for para in document.paragraphs:
        text, style = para.text.strip(), (para.style.name if para.style is not None else "")
        if not text:
            continue
        if style == "Title" or style == "Heading 1":
            lines.append(f"# {text}")
        elif style.startswith("Heading"):
            lines.append(f"## {text}")
        else:
            lines.append(text)
    return lines


def _first_text(lines: list[str]) -> str:
    return next((ln.lstrip("#").strip() for ln in lines if ln.strip()), "")


def _policy_body(title: str, lines: list[str]) -> str:
    """Headings become '## …'; paragraphs become numbered articles unless the text numbers them itself."""
    paragraphs = [ln for ln in lines if ln and ln != title and ln != "---"]
    numbered = any(ARTICLE_RE.match(ln) for ln in paragraphs)
    out, n = [f"# {title}", ""], 0
    for line in paragraphs:
        if line.startswith("#"):
            out += ["", "## " + line.lstrip("#").strip(), ""]
        elif numbered or ARTICLE_RE.match(line):
            out += [line, ""]
        else:
            n += 1
            out += [f"第{to_chinese(n)}条 {line}", ""]
    return "\n".join(out).strip()
