"""The one registry of rules: every code the code can emit is registered and documented."""

from __future__ import annotations

import importlib
import re

from conftest import REPO

from generator.findings import RULES, Severity

EMITTED = re.compile(r"""emit\(\s*["'](ZC\d{3})["']""")


def emitted_codes() -> set[str]:
    return {code for path in (REPO / "generator").glob("*.py")
            for code in EMITTED.findall(path.read_text())}


def test_every_emitted_code_is_registered() -> None:
    codes = emitted_codes()
    assert len(codes) >= 15
    assert codes <= set(RULES)


def test_every_rule_has_a_family_a_unique_name_and_a_reason() -> None:
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))
    for code, rule in RULES.items():
        assert rule.code == code and re.fullmatch(r"ZC[1-4]\d\d", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.reason.endswith(".") and len(rule.reason) > 20
        assert isinstance(rule.severity, Severity)


def test_the_public_surface_resolves_every_name_lazily() -> None:
    import generator

    assert sorted(generator.__all__) == sorted(generator._HOMES)
    for name in generator.__all__:
        home = importlib.import_module(f"generator.{generator._HOMES[name]}")
        assert getattr(generator, name) is getattr(home, name)
