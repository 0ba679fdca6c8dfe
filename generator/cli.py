"""`zoo`: the command line, a thin adapter over the same functions the site build uses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `zoo` with the given arguments.

    Args:
        argv: The arguments, without the program name; `sys.argv[1:]` when None.

    Returns:
        The exit code: 0 success, 1 findings or unreadable input, 2 usage errors.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    command: Command = args.command
    return command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoo",
        description="Build, check and inspect an ONNX model zoo of Markdown model cards.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    _add_inspect(commands)
    _add_check(commands)
    return parser


def _add_inspect(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    inspect = commands.add_parser(
        "inspect",
        help="read ONNX files: metadata, graph and mixed-precision profile",
        description="Read ONNX files without running them (one streaming pass, external data "
        "never followed) and print their facts: precision combination, weights per dtype, "
        "quantization, casts, inputs and outputs.",
    )
    inspect.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="an .onnx file")
    inspect.add_argument("--json", action="store_true",
                         help="print one JSON object per model (an array for several paths)")
    inspect.set_defaults(command=_inspect)


def _inspect(args: argparse.Namespace) -> int:
    from generator.inspect import InspectError, ModelFacts, facts_to_dict, inspect_model

    found: list[ModelFacts] = []
    status = 0
    for path in args.paths:
        try:
            found.append(inspect_model(path))
        except InspectError as error:
            print(f"zoo inspect: {error}", file=sys.stderr)
            status = 1
    if args.json:
        data = [facts_to_dict(facts) for facts in found]
        if len(args.paths) > 1 or data:
            print(json.dumps(data if len(args.paths) > 1 else data[0], indent=2))
    else:
        for facts in found:
            _print_summary(facts)
    return status


def _print_summary(facts: object) -> None:
    from rich.console import Console

    from generator.inspect import ModelFacts
    from generator.inspect_summary import print_summary

    assert isinstance(facts, ModelFacts)
    print_summary(facts, Console())


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="cross-check every card against its model",
        description="Check every model card in a content folder against its ONNX file.",
    )
    check.add_argument("content", nargs="?", type=Path, default=Path("content"),
                       help="the content folder (default: content)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.set_defaults(command=_check)


def _check(args: argparse.Namespace) -> int:
    from generator.findings import ZooError, has_errors
    from generator.zoo import load_zoo

    try:
        zoo = load_zoo(args.content)
    except ZooError as error:
        print(f"zoo check: {error}", file=sys.stderr)
        return 1
    for finding in zoo.findings:
        print(finding)
    return 1 if has_errors(zoo.findings, strict=args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
