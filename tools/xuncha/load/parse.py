"""Bytes → data, with every hazard of a hand-edited YAML file turned into a finding.

Pure: takes the file's relative path and its bytes, returns the data (or None)
and the findings. Never raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import yaml

from xuncha.load.yamlsafe import Data, Locator, NodeProblem, build
from xuncha.model.findings import Finding, at
from xuncha.model.ondisk import RECORD_NAMED_FOLDER, Refused, TooLarge

BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every control byte _CONTROL finds → 0, every other byte → 1: a translation and a search
# for 0 tell whether there is one at all several times faster than the regular expression.
_CONTROL_MAP = bytes(0 if _CONTROL.match(bytes([b])) else 1 for b in range(256))
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


@dataclass(frozen=True)
class Loaded:
    """One parsed file: its data when it could be read, and what was wrong with it."""

    file: str
    data: Data
    findings: tuple[Finding, ...]


def load_bytes(file: str, raw: bytes) -> Loaded:
    """Decode and parse one YAML file; the first blocking hazard stops there."""
    findings: list[Finding] = []
    text = _decode(file, raw, findings)
    if text is None:
        return Loaded(file, None, tuple(findings))
    data = _parse(file, text, findings)
    return Loaded(file, data, tuple(findings))


def unreadable(file: str, error: OSError) -> Finding:
    """Why a file of the data tree was not read: not a regular file (XC013), too large (XC014),
    or refused by the system (XC000)."""
    if isinstance(error, Refused):
        return at(
            file,
            "XC013",
            f"这是{error.kind}，不是普通文件：没有读取，也不能留在数据目录中",
            "把文件夹改名：以 .yaml 结尾的名字只用于记录文件。"
            if error.kind == RECORD_NAMED_FOLDER
            else "rounds/ 和 units/ 中只能放普通文件：删除它，需要的记录或佐证放真正的文件（不是链接）。",
            line=1,
            column=1,
        )
    if isinstance(error, TooLarge):
        return at(
            file,
            "XC014",
            f"文件过大（{error.size:,} 字节，上限 {error.limit:,} 字节），没有读取",
            "记录文件只写要点；长篇材料作为佐证附件放在 evidence/ 下。"
            "确需更大的记录，在 pyproject.toml 的 [tool.xuncha] 中调整 record_max_mb。",
            line=1,
            column=1,
        )
    return at(file, "XC000", f"无法读取文件：{error.strerror}", "检查文件权限。", line=1, column=1)


def _decode(file: str, raw: bytes, findings: list[Finding]) -> str | None:
    if raw.startswith(BOM):
        findings.append(
            at(
                file,
                "XC002",
                "文件开头带有 UTF-8 BOM（字节顺序标记）",
                "用编辑器另存为“UTF-8（无 BOM）”。",
                line=1,
                column=1,
            )
        )
        raw = raw[len(BOM) :]
    junk = _CONTROL.search(raw) if 0 in raw.translate(_CONTROL_MAP) else None
    if junk:
        line = raw.count(b"\n", 0, junk.start()) + 1
        findings.append(
            at(
                file,
                "XC003",
                f"文件含有不可见的控制字符或二进制内容（0x{junk.group()[0]:02x}）",
                "这可能不是文本文件，或从其他软件粘贴时带入了乱码；请删除该字符或重新录入这一行。",
                line=line,
                column=1,
            )
        )
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        findings.append(
            at(
                file,
                "XC001",
                _not_utf8_message(raw),
                "用编辑器“另存为”，编码选择 UTF-8。",
                line=line,
                column=1,
            )
        )
        return None


def _not_utf8_message(raw: bytes) -> str:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "文件不是 UTF-8 编码"
    return "文件不是 UTF-8 编码（可能是 GBK/GB18030）：请另存为 UTF-8"


def _parse(file: str, text: str, findings: list[Finding]) -> Data:
    tab = _TAB_INDENT.search(text) if "\t" in text else None
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        findings.append(
            at(
                file,
                "XC005",
                "缩进中使用了制表符（Tab）",
                "YAML 只能用空格缩进：把 Tab 换成两个空格。",
                line=line,
                column=tab.end() - tab.start(),
            )
        )
        return None
    try:
        data, problems = build(text)
    except yaml.YAMLError as error:
        finding = _syntax_finding(file, error)
        last_line = max(1, len(text.splitlines()))
        findings.append(replace(finding, line=min(finding.line, last_line)))
        return None
    except RecursionError:  # libyaml stops at 1,000 levels; building the data, Python sooner
        findings.append(
            at(
                file,
                "XC015",
                "括号或缩进嵌套的层次过深，无法读取",
                "记录只需要几层缩进：检查是否多写了方括号“[”、花括号“{”或缩进。",
                line=1,
                column=1,
            )
        )
        return None
    findings.extend(_node_finding(file, problem) for problem in problems)
    if any(problem.kind == "alias-bomb" for problem in problems):
        return None
    if data is None:
        findings.append(
            at(
                file,
                "XC004",
                "文件是空的（没有任何内容）",
                "填写记录内容，或删除这个文件。",
                line=1,
                column=1,
            )
        )
    elif not isinstance(data, dict):
        findings.append(
            at(
                file,
                "XC010",
                "文件顶层应为“键: 值”的映射，而不是列表或单个值",
                "每个记录文件以 `id:`、`round:` 等字段开头，不要以 “- ” 开头。",
                line=1,
                column=1,
            )
        )
        return None
    return None if any(f.code in ("XC008", "XC009") for f in findings) else data


_NODE_PROBLEMS = {
    "duplicate-key": ("XC007", "重复的键“{}”", "同一层级中每个键只能出现一次：删除或合并重复的一项。"),
    "tag": (
        "XC008",
        "不允许的 YAML 标签或写法：{}",
        "记录文件只允许普通的文本、数字、列表和映射；删除 “!!” 标签、“<<” 合并键。",
    ),
    "alias-bomb": (
        "XC009",
        "锚点/别名展开过大：{}",
        "不要用锚点（&）和别名（*）复制大量内容，直接写出需要的内容。",
    ),
}


def _node_finding(file: str, problem: NodeProblem) -> Finding:
    code, message, hint = _NODE_PROBLEMS[problem.kind]
    return at(file, code, message.format(problem.detail), hint, line=problem.line, column=problem.column)


_SYNTAX_HINTS = (
    (
        "mapping values are not allowed",
        "此处不能出现“冒号+空格”",
        '值里含有冒号时，请给整个值加引号，例如 note: "时间：6月"。',
    ),
    (
        "could not find expected ':'",
        "缺少冒号，或上一行的引号没有闭合",
        "检查这一行和上一行：键后面要有“: ”，引号要成对。",
    ),
    ("did not find expected key", "缩进不一致", "同一层级的键要左对齐；列表项以 “- ” 开头。"),
    ("did not find expected '-' indicator", "列表项缩进不一致", "同一列表的各项 “- ” 要左对齐。"),
    ("found undefined alias", "使用了未定义的别名（*）", "删除别名，直接写出内容。"),
    (
        "exceeded maximum nesting depth",
        "括号或缩进嵌套的层次过深",
        "记录只需要几层缩进：检查是否多写了方括号“[”、花括号“{”或缩进。",
    ),
    ("did not find expected ','", "方括号或花括号没有闭合", "检查 [ ] 与 { } 是否成对，各项之间用逗号分隔。"),
    (
        "did not find expected node content",
        "缺少内容（列表或映射没有写完）",
        "补全这一行的内容，或检查括号是否成对。",
    ),
    ("found unexpected end of stream", "文件在引号或括号中意外结束", "检查引号、方括号、花括号是否成对。"),
    ("expected <document start>", "文件结构有误（可能多了一段没有缩进的内容）", "检查这一行的缩进和冒号。"),
    (
        "but found another document",
        "文件中有多个 YAML 文档（---）",
        "一个文件只写一个记录，删除多余的 “---”。",
    ),
)


# Where libyaml notices these, the file may already have ended: point at what was left open.
_UNCLOSED = ("quoted scalar", "simple key", "flow sequence", "flow mapping")


def _syntax_finding(file: str, error: yaml.YAMLError) -> Finding:
    mark = getattr(error, "problem_mark", None)
    if any(what in str(getattr(error, "context", "")) for what in _UNCLOSED):
        mark = getattr(error, "context_mark", None) or mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = f"{getattr(error, 'problem', '')} {getattr(error, 'context', '')}"
    for needle, message, hint in _SYNTAX_HINTS:
        if needle in problem:
            return at(file, "XC006", f"YAML 语法错误：{message}", hint, line=line, column=column)
    detail = (getattr(error, "problem", None) or str(error)).strip()
    return at(
        file,
        "XC006",
        f"YAML 语法错误（{detail}）",
        "检查这一行的缩进、冒号和引号。",
        line=line,
        column=column,
    )


def located(findings: Iterable[Finding], raw_of: Callable[[str], bytes | None]) -> list[Finding]:
    """The findings in their order, each one that carries only a data path (line 0) given its
    line and column. A file's bytes (``raw_of(file)``; None: not at hand, 1:1) are read and
    composed once, and only for a file with such a finding."""
    locators: dict[str, Locator | None] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.line == 0:
            if finding.file not in locators:
                raw = raw_of(finding.file)
                text = None if raw is None else raw.removeprefix(BOM).decode("utf-8", "replace")
                locators[finding.file] = None if text is None else Locator(text)
            locator = locators[finding.file]
            line, column = locator.locate(finding.path) if locator else (1, 1)
            finding = replace(finding, line=line, column=column)
        out.append(finding)
    return out
