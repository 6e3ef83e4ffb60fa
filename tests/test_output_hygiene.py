"""Every printer goes through the one neutraliser: found by reading the source, then exercised."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from scanner.progress import Progress
from scanner.text import document, echo, plain

ROOT = Path(__file__).resolve().parent.parent / "scanner"
HOSTILE = "pkg\n::error::forged\x1b[31mred\u202eevil\ud800\r\x07"

# The only print() calls: workflow commands, whose every part the same module escapes.
PRINTS = {("github/workflow.py", "emit")}
# Where sys.stdout or sys.stderr is handed to something other than echo()/document(), and why
# that is safe.
STREAM_USES = {
    # The neutraliser itself.
    ("text.py", "echo"),
    ("text.py", "document"),
    # A streamed CycloneDX JSON SBOM: json_text escapes every control character in it and
    # no JSON line can start a workflow command.
    ("commands/sbom.py", "run"),
    # argparse's own usage text.
    ("cli.py", "main"),
    ("commands/feeds.py", "_usage"),
    # The progress line, which runs its text through plain().
    ("commands/scan.py", "run"),
    ("commands/fleet.py", "run"),
}
# Reading a stream's properties prints nothing.
HARMLESS_ATTRS = {"isatty", "encoding", "fileno", "flush"}


def _function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node.name
    return "<module>"


def _printers() -> list[tuple[str, int, str, str]]:
    """Every place in scanner/ that prints, writes to stdout/stderr or hands the streams out."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node

        for node in ast.walk(tree):
            what = None
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id == "print":
                    what = "print()"
                elif (
                    isinstance(func, ast.Attribute)
                    and func.attr.startswith("print_")
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "traceback"
                ):
                    what = f"traceback.{func.attr}()"
            elif (
                isinstance(node, ast.Attribute)
                and node.attr in ("stdout", "stderr")
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                parent = parents.get(node)
                if isinstance(parent, ast.Attribute) and parent.attr in HARMLESS_ATTRS:
                    continue
                if isinstance(parent, ast.keyword) and parent.arg == "file":
                    call = parents.get(parent)
                    if isinstance(call, ast.Call) and getattr(call.func, "id", "") in (
                        "echo",
                        "document",
                    ):
                        continue
                what = f"sys.{node.attr}"
            allowed = STREAM_USES if what and what.startswith("sys.") else PRINTS
            if what and (rel, _function_of(node, parents)) not in allowed:
                found.append((rel, node.lineno, _function_of(node, parents), what))
    return found


def test_every_printer_goes_through_the_neutraliser() -> None:
    offenders = [f"scanner/{rel}:{line} in {fn}: {what}" for rel, line, fn, what in _printers()]
    assert not offenders, (
        "print through scanner.text.echo (a message) or document (a whole report):\n"
        + "\n".join(offenders)
    )


def test_the_allowlist_has_no_stale_entries() -> None:
    functions = set()
    for rel, _ in STREAM_USES | PRINTS:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        functions |= {
            (rel, n.name)
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
    assert functions >= STREAM_USES | PRINTS


def _inert(text: str) -> None:
    for line in text.split("\n"):
        assert not line.lstrip().startswith("::"), line
        assert not any((ord(c) < 32 and c != "\t") or 0x7F <= ord(c) <= 0x9F for c in line), line
        assert "\u202e" not in line
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in line)


def test_echo_prints_one_inert_line_per_argument() -> None:
    out = io.StringIO()
    echo(HOSTILE, f"name\t{HOSTILE}", file=out)
    text = out.getvalue()
    assert text.count("\n") == 2
    _inert(text)
    assert text.split("\n")[1].split("\t")[0] == "name"  # a tab still separates columns


def test_document_guards_a_report_a_writer_let_through() -> None:
    out = io.StringIO()
    document('{"a": "x"}\n::error::forged\n\x1b[2J\n', file=out)
    _inert(out.getvalue())
    clean = io.StringIO()
    document('{"name": "\u963f\u91cc"}\n', file=clean)
    assert clean.getvalue() == '{"name": "\u963f\u91cc"}\n'  # valid text passes unchanged


def test_progress_lines_are_inert() -> None:
    stream = io.StringIO()
    progress = Progress("lines", stream)
    progress.stage(HOSTILE, "files")
    progress.done(HOSTILE)
    progress.finish(HOSTILE)
    _inert(stream.getvalue())


@pytest.mark.parametrize("text", [HOSTILE, "::warning::x", "  ::group::y"])
def test_plain_breaks_workflow_commands(text: str) -> None:
    _inert(plain(text))
