"""`zoo`: the command line, a thin adapter over the same functions the site build uses."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.zoo import Settings

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
    _add_new(commands)
    _add_annotate(commands)
    _add_sign(commands)
    _add_verify(commands)
    _add_query(commands)
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
        description="Check every model card in a content folder against its ONNX file, and "
        "the zoo as a whole. Severities come from ./mkdocs.yml's `zoo` plugin when there is "
        "one. Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage errors.",
    )
    check.add_argument("content", nargs="?", type=Path, default=None,
                       help="the content folder (default: the one ./mkdocs.yml names, else "
                       "content)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text lines, a JSON list, or GitHub workflow annotations")
    check.set_defaults(command=_check)


def _check(args: argparse.Namespace) -> int:
    from generator.findings import ZooError, has_errors
    from generator.report import FORMATS, count_line
    from generator.zoo import load_zoo

    try:
        settings = _settings(args.content, Path("mkdocs.yml"))
        zoo = load_zoo(settings.content, severities=settings.severities, options=settings.options)
    except ZooError as error:
        print(f"zoo check: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(FORMATS[args.format](zoo.findings))
    if args.format == "text":
        print(f"zoo check: {len(zoo.records)} models, {count_line(zoo.findings)}",
              file=sys.stderr)
    return 1 if has_errors(zoo.findings, strict=args.strict) else 0


def _settings(content: Path | None, config_file: Path) -> Settings:
    """The zoo's settings from `mkdocs.yml` when there is one; a content argument wins."""
    from generator.findings import ZooError
    from generator.zoo import Settings

    found = None
    if config_file.is_file():
        from generator.plugin import read_settings

        try:
            found = read_settings(config_file)
        except Exception as error:  # mkdocs raises its own and plain exceptions for a bad config
            raise ZooError(f"{config_file}: {error}") from None
    if found is None:
        return Settings(content or Path("content"))
    return dataclasses.replace(found, content=content) if content else found


def _add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = commands.add_parser(
        "new",
        help="scaffold a model folder: the model copied in, a card pre-filled from it",
        description="Create CONTENT/ID/ with the model copied in and a card pre-filled from "
        "its facts (sha256, opset, producer, precision, inputs and outputs), with TODO prompts "
        "for the parts only you know.",
    )
    new.add_argument("id", metavar="ID", help="the model's id: its folder name and URL")
    new.add_argument("--model", type=Path, required=True, metavar="PATH", help="an .onnx file")
    new.add_argument("--content", type=Path, default=Path("content"),
                     help="the content folder (default: content)")
    new.set_defaults(command=_new)


def _new(args: argparse.Namespace) -> int:
    from generator.findings import ZooError
    from generator.scaffold import scaffold

    try:
        card = scaffold(args.content, args.id, args.model)
    except ZooError as error:
        print(f"zoo new: {error}", file=sys.stderr)
        return 1
    print(f"zoo new: wrote {card}; fill in its TODOs, then run `zoo check {args.content}`")
    return 0


def _add_annotate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    annotate = commands.add_parser(
        "annotate",
        help="embed the card's provenance and the precision into the model's metadata_props",
        description="Write a compact JSON-LD provenance document (`zoo.provenance`) and the "
        "precision combination read from the graph (`zoo.precision`) into the model's "
        "metadata_props, replacing old values; nothing else in the file changes. The write is "
        "atomic.",
    )
    annotate.add_argument("model", type=Path, metavar="MODEL", help="an .onnx file")
    annotate.add_argument("--card", type=Path, required=True, help="the model's README.md")
    annotate.add_argument("-o", "--output", type=Path, metavar="OUT",
                          help="where to write the annotated model (default: MODEL, in place)")
    annotate.add_argument("--zoo", type=Path, metavar="CONTENT",
                          help="the content folder holding the parent (default: the card's)")
    annotate.add_argument("--site-url", default=None,
                          help="the site's base URL, for the IRIs (default: the local preview)")
    annotate.set_defaults(command=_annotate)


def _annotate(args: argparse.Namespace) -> int:
    from generator.annotate import annotate_with_card
    from generator.findings import ZooError
    from generator.namespaces import DEFAULT_SITE_URL

    site_url = (args.site_url or DEFAULT_SITE_URL).rstrip("/") + "/"
    try:
        done, parent = annotate_with_card(args.model, args.card, args.output or args.model,
                                          site_url, args.zoo)
    except ZooError as error:
        print(f"zoo annotate: {error}", file=sys.stderr)
        return 1
    lineage = f", parent {parent.id}" if parent else ""
    if parent and parent.sha256:
        lineage += f" (sha256 {parent.sha256[:16]}…)"
    print(f"zoo annotate: wrote {done.path}: zoo.provenance {done.provenance_bytes:,} bytes, "
          f"zoo.precision {done.precision}{lineage}")
    print(f"zoo annotate: the file's sha256 is now {done.sha256}; put it in the card's "
          "onnx.sha256")
    return 0


def _add_sign(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = commands.add_parser(
        "sign",
        help="sign a model with an EC private key (OpenSSF model-signing): writes MODEL.sig",
        description="Write a detached OpenSSF model-signing signature of MODEL to MODEL.sig, "
        "with an ECDSA private key in PEM (P-256, P-384 or P-521). Offline.",
    )
    sign.add_argument("model", type=Path, metavar="MODEL", help="an .onnx file")
    sign.add_argument("--key", type=Path, required=True, help="the PEM private key")
    sign.add_argument("--password-env", metavar="VAR",
                      help="the environment variable that holds the key's password")
    sign.set_defaults(command=_sign)


def _sign(args: argparse.Namespace) -> int:
    import os

    from generator.findings import ZooError
    from generator.signing import key_fingerprint, sign_model

    password = os.environ.get(args.password_env) if args.password_env else None
    try:
        signature = sign_model(args.model, args.key, password)
        fingerprint = key_fingerprint(args.key)
    except ZooError as error:
        print(f"zoo sign: {error}", file=sys.stderr)
        return 1
    print(f"zoo sign: wrote {signature}, signed by key {fingerprint}")
    return 0


def _add_verify(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser(
        "verify",
        help="check a model's embedded provenance, precision, lineage hashes and signature",
        description="Check that the embedded provenance parses, the declared precision matches "
        "the graph, the parent's hash matches the zoo (with --zoo) and the signature holds "
        "(where there is one); print a verdict with its reasons. Exit 0 on pass, 1 on fail.",
    )
    verify.add_argument("models", nargs="+", type=Path, metavar="MODEL", help="an .onnx file")
    verify.add_argument("--policy", type=Path, help="a YAML policy (require, licenses, "
                        "public_key, enforce)")
    verify.add_argument("--require", default="", metavar="LIST",
                        help="comma-separated: annotated, signed, hash, license:ID[|ID...]")
    verify.add_argument("--public-key", type=Path, metavar="K",
                        help="the signer's PEM public key (default: the zoo's .keys/)")
    verify.add_argument("--zoo", type=Path, metavar="CONTENT",
                        help="a content folder to check the model's and its parent's hashes")
    verify.set_defaults(command=_verify)


def _verify(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from generator.findings import ZooError
    from generator.verify import Policy, load_policy, parse_requirements, verify_model
    from generator.zoo import load_zoo

    try:
        policy = parse_requirements(args.require, load_policy(args.policy) if args.policy
                                    else Policy())
        if args.public_key:
            policy = replace(policy, public_keys=(args.public_key,))
        zoo = load_zoo(args.zoo) if args.zoo else None
    except ZooError as error:
        print(f"zoo verify: {error}", file=sys.stderr)
        return 1
    verdicts = [verify_model(model, policy, zoo) for model in args.models]
    for verdict in verdicts:
        print("\n".join(verdict.lines()))
    return 0 if all(verdict.passed for verdict in verdicts) else 1


def _add_query(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = commands.add_parser(
        "query",
        help="run SPARQL over the zoo graph: a canned query's name, a .rq file, or a query",
        description="Build the zoo graph from the content folder (IRIs under ./mkdocs.yml's "
        "site_url, or --site-url) and run a SELECT query over it, offline. Prefixes schema:, "
        "fair4ml:, prov:, xsd: and zoo: are predefined.",
    )
    query.add_argument("query", nargs="?", metavar="QUERY|NAME",
                       help="a canned query's name (see --list), a .rq file, or SPARQL")
    query.add_argument("--list", action="store_true", help="list the canned queries")
    query.add_argument("--format", choices=("table", "json", "csv"), default="table")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="bind ?NAME to the literal VALUE, e.g. family=INT8 (repeatable)")
    query.add_argument("--content", type=Path, default=None,
                       help="the content folder (default: the one ./mkdocs.yml names, else "
                       "content)")
    query.add_argument("--site-url", default=None, help="the site's base URL, for the IRIs")
    query.set_defaults(command=_query)


def _query(args: argparse.Namespace) -> int:
    from generator.findings import ZooError
    from generator.graph import zoo_graph
    from generator.query import (
        format_table,
        listing,
        parse_params,
        read_site_url,
        resolve,
        run_query,
    )
    from generator.zoo import load_zoo

    if args.list:
        sys.stdout.write(listing())
        return 0
    if not args.query:
        print("zoo query: name a query (`zoo query --list` lists them) or give SPARQL",
              file=sys.stderr)
        return 2
    try:
        sparql, canned = resolve(args.query)
        params = parse_params(args.param)
        if canned and (unknown := sorted(set(params) - set(canned.params))):
            raise ZooError(f"{canned.name} takes no parameter {', '.join(unknown)}")
        site_url = (args.site_url or read_site_url(Path("mkdocs.yml"))).rstrip("/") + "/"
        content = _settings(args.content, Path("mkdocs.yml")).content
        graph = zoo_graph(load_zoo(content).records, site_url)
        table = run_query(graph, sparql, site_url, params)
    except ZooError as error:
        print(f"zoo query: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(format_table(table, args.format))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
