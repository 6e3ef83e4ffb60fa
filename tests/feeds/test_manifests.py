"""What manifests declare, read without running anything; which files are read at all."""

from __future__ import annotations

import pytest

from scanner.curation.manifests import parse, wanted


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("package.json", True),
        ("packages/react/package.json", True),
        ("src/Acme.Sdk/Acme.Sdk.csproj", True),
        ("Acme.nuspec", True),
        ("examples/demo/package.json", False),
        ("node_modules/x/package.json", False),
        ("a/b/c/d/package.json", False),
        ("tests/Acme.Tests/Acme.Tests.csproj", False),
        ("README.md", False),
        ("requirements.txt", False),
    ],
)
def test_which_files_are_read(path: str, expected: bool) -> None:
    assert wanted(path) is expected


def test_setup_py_is_read_as_a_syntax_tree_never_run() -> None:
    text = b"""import os
os.system("echo this line is never run")
from setuptools import setup
setup(name="acme-x", author_email="Acme <oss@acme.example>", url=os.environ["X"])
"""
    [d] = parse("setup.py", text)
    assert (d.ecosystem, d.name, d.emails, d.repository) == (
        "pypi",
        "acme-x",
        ("oss@acme.example",),
        None,
    )


def test_each_format() -> None:
    got = {
        d.ecosystem: d
        for path, text in [
            (
                "package.json",
                b'{"name": "@s/p", "private": true, "author": {"email": "A@X.example"}}',
            ),
            ("go.mod", b'// c\nmodule "go.acme.example/kit" // trailing\n'),
            (
                "pom.xml",
                b"<project><parent><groupId>g.h</groupId></parent><artifactId>a</artifactId></project>",
            ),
            (
                "pyproject.toml",
                b'[tool.poetry]\nname = "p"\nauthors = ["A <a@x.example>"]\nrepository = "https://github.com/o/p"\n',
            ),
            (
                "x.nuspec",
                b'<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>Acme.X</id><repository type="git" url="https://github.com/o/x"/></metadata></package>',
            ),
            ("composer.json", b'{"name": "Acme/Pkg", "authors": [{"email": "a@x.example"}]}'),
            ("Cargo.toml", b'[package]\nname = "c"\npublish = false\n'),
            ("pubspec.yaml", b"name: d\npublish_to: none\n"),
        ]
        for d in parse(path, text)
    }
    assert (
        got["npm"].name == "@s/p" and got["npm"].private and got["npm"].emails == ("a@x.example",)
    )
    assert got["go"].name == "go.acme.example/kit"
    assert got["maven"].name == "g.h:a"
    assert got["pypi"].name == "p" and got["pypi"].repository == "https://github.com/o/p"
    assert got["nuget"].name == "Acme.X" and got["nuget"].repository == "https://github.com/o/x"
    assert got["composer"].name == "acme/pkg"
    assert got["cargo"].private and got["pub"].private


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("package.json", b"{not json"),
        ("package.json", b"\xff\xfe"),
        ("pom.xml", b"<!DOCTYPE x [<!ENTITY a 'b'>]><project>&a;</project>"),
        ("pom.xml", b"<project><groupId>${g}</groupId><artifactId>a</artifactId></project>"),
        ("setup.py", b"setup(name="),
        ("Cargo.toml", b"[workspace]\nmembers = []\n"),
        (
            "x.csproj",
            b"<Project><PropertyGroup><PackageId>$(Name)</PackageId></PropertyGroup></Project>",
        ),
        ("pubspec.yaml", b"a: &x [1]\nb: *x\n"),
    ],
)
def test_bad_or_hostile_files_declare_nothing(path: str, text: bytes) -> None:
    assert parse(path, text) == []
