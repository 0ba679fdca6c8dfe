"""Report: findings as `zoo check` prints them, as text, JSON or GitHub workflow commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from generator.findings import RULES, Finding, Severity

Formatter = Callable[[Sequence[Finding]], str]

_GITHUB_LEVEL: Mapping[Severity, str] = {
    Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice",
}


def as_text(findings: Sequence[Finding]) -> str:
    """One `path:line: CODE severity: message (hint: ...)` line per finding.

    Args:
        findings: The findings.

    Returns:
        The text, newline-terminated unless empty.
    """
    return "".join(f"{finding}\n" for finding in findings)


def as_json(findings: Sequence[Finding]) -> str:
    """A JSON list of `{path, line, code, severity, message, hint}`.

    Args:
        findings: The findings.

    Returns:
        The JSON text.
    """
    records = [{"path": f.path, "line": f.line, "code": f.code, "severity": str(f.severity),
                "message": f.message, "hint": f.hint} for f in findings]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def as_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands, which annotate the file and line in a pull request.

    Args:
        findings: The findings.

    Returns:
        One `::error file=...,line=...,title=...::message` line per finding.
    """
    return "".join(f"{_github(finding)}\n" for finding in findings)


def _github(finding: Finding) -> str:
    title = f"{finding.code} {RULES[finding.code].name}" if finding.code in RULES else finding.code
    message = f"{finding.message} (hint: {finding.hint})" if finding.hint else finding.message
    properties = ",".join(f"{key}={_escape(value, property_=True)}" for key, value in (
        ("file", Path(finding.path).as_posix()), ("line", str(finding.line)), ("title", title)))
    return f"::{_GITHUB_LEVEL[finding.severity]} {properties}::{_escape(message)}"


def _escape(text: str, *, property_: bool = False) -> str:
    """Escape as GitHub's runner expects: `%`, CR and LF, and in properties `:` and `,`."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


FORMATS: Mapping[str, Formatter] = {"text": as_text, "json": as_json, "github": as_github}
"""Every `--format` of `zoo check`, by name."""


def count_line(findings: Iterable[Finding]) -> str:
    """A summary such as `2 errors, 1 warning, 0 infos`.

    Args:
        findings: The findings.

    Returns:
        The text.
    """
    found = list(findings)
    counts = [(sum(f.severity is s for f in found), str(s)) for s in Severity]
    return ", ".join(f"{n} {name}{'' if n == 1 else 's'}" for n, name in counts)
