"""Cut a release: version, CHANGELOG, checked sdist and wheel, annotated tag, docs pinned to it.

    python scripts/release.py cut 0.2.0       # the whole release, on a clean branch
    python scripts/release.py check           # build and check HEAD (the release workflow)
    python scripts/release.py restore-tags    # re-create recorded tags missing in this clone

Nothing is pushed or published: `cut` ends by printing the push command; pushing the tag runs
.github/workflows/release.yml, which publishes with trusted publishing. docs/releasing.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packaging.version import InvalidVersion, Version  # noqa: E402

from scripts import release_checks as checks  # noqa: E402
from scripts import release_notes as notes  # noqa: E402
from scripts import release_pins as pins  # noqa: E402
from scripts.release_git import (  # noqa: E402
    ReleaseError,
    export,
    git,
    has_commit,
    is_ancestor,
    show,
    tag_commit,
)


def build_and_check(root: Path, rev: str, work: Path, version: str) -> tuple[Path, str]:
    """Every release check on the tree of ``rev``; the dist folder and the feeds label."""
    if work.exists():
        shutil.rmtree(work)
    src = export(root, rev, work / "src")
    shipped = checks.read_version((src / checks.VERSION_FILE).read_text(encoding="utf-8"))
    if shipped != version:
        raise ReleaseError(f"{rev} has version {shipped} in {checks.VERSION_FILE}, not {version}")
    feeds = checks.feeds_label(src)
    say(f"building {version} from {rev[:12]} (feeds {feeds})")
    sdist, wheel = checks.build(src, work / "dist")
    problems = checks.contents_problems(src, sdist, wheel, version)
    if not problems:
        say(f"installing {wheel.name} into a fresh venv")
        bindir = checks.fresh_venv(work / "venv", wheel)
        problems = checks.smoke_problems(bindir, src, work, version, feeds)
    if problems:
        raise ReleaseError("release checks failed:\n  " + "\n  ".join(problems))
    say(f"checked: twine, contents, --version and the demo scan; artifacts in {work / 'dist'}")
    return work / "dist", feeds


def preflight(root: Path, version: str) -> tuple[str, str | None]:
    """Refusals before anything changes; returns the branch and the previous release."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        raise ReleaseError(f"{version!r} is not a version (PEP 440, e.g. 0.2.0)") from None
    if str(wanted) != version or wanted.local or wanted.dev is not None:
        raise ReleaseError(f"{version!r}: use the normalized form without dev or local parts")
    if git(root, "status", "--porcelain", "--untracked-files=no"):
        raise ReleaseError("the working tree has uncommitted changes: commit or stash them first")
    branch = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if not branch:
        raise ReleaseError("HEAD is detached: release from a branch")
    if tag_commit(root, f"v{version}"):
        raise ReleaseError(f"tag v{version} already exists")
    recorded = pins.releases(root)
    if any(r["version"] == version for r in recorded):
        raise ReleaseError(
            f"{version} is already in {pins.RECORD}; `restore-tags` re-creates its tag"
        )
    previous = recorded[0]["version"] if recorded else None
    current = checks.read_version((root / checks.VERSION_FILE).read_text(encoding="utf-8"))
    if previous and wanted <= Version(previous):
        raise ReleaseError(f"{version} is not newer than the last release, {previous}")
    # A .dev version only marks an unreleased branch; any newer release may follow it.
    if not Version(current).is_devrelease and wanted < Version(current):
        raise ReleaseError(f"{version} is older than the version in the tree, {current}")
    problems = notes.unreleased_problems((root / notes.CHANGELOG).read_text(encoding="utf-8"))
    if problems:
        raise ReleaseError("CHANGELOG not ready:\n  " + "\n  ".join(problems))
    return branch, previous


def cut(root: Path, version: str, work: Path, sign: bool, date: str) -> str:
    """The whole release; returns the release commit."""
    branch, previous = preflight(root, version)
    start = git(root, "rev-parse", "HEAD")
    version_file, changelog = root / checks.VERSION_FILE, root / notes.CHANGELOG
    feeds = checks.feeds_label(root)
    text = version_file.read_text(encoding="utf-8")
    version_file.write_text(checks.write_version(text, version), encoding="utf-8")
    log = notes.roll(changelog.read_text(encoding="utf-8"), version, date, feeds, previous)
    changelog.write_text(log, encoding="utf-8")
    git(root, "add", checks.VERSION_FILE, notes.CHANGELOG)
    git(root, "commit", "--quiet", "-m", f"Release {version}")
    commit = git(root, "rev-parse", "HEAD")
    tag = f"v{version}"
    try:
        build_and_check(root, commit, work, version)
        git(root, "tag", "-s" if sign else "-a", tag, "-m", notes.tag_message(log, version), commit)
    except ReleaseError:
        # Only the script's own commit is undone: preflight saw a clean tree.
        git(root, "reset", "--quiet", "--hard", start)
        say(f"the release commit was undone; {branch} is back at {start[:12]}")
        raise
    say(f"tagged {tag} at {commit[:12]}")
    changed = pins.repin_docs(root, version, commit)
    entry = {"version": version, "tag": tag, "commit": commit, "date": date, "feeds": feeds}
    # From here the branch is no longer the release: builds of it say so in every report.
    following = next_dev(version)
    version_file.write_text(checks.write_version(text, following), encoding="utf-8")
    paths = [pins.record(root, entry), version_file, *changed]
    git(root, "add", *(str(p.relative_to(root)) for p in paths))
    message = f"Pin the docs to {tag} ({commit[:12]}); {following} from here"
    git(root, "commit", "--quiet", "-m", message)
    say(f"pinned {len(changed)} document(s) to {tag}; recorded in {pins.RECORD}; now {following}")
    say(f"next: git push origin {branch} {tag}   (the tag starts .github/workflows/release.yml)")
    return commit


def next_dev(version: str) -> str:
    """The development version after a release: the next minor, ``.dev0``."""
    v = Version(version)
    return f"{v.major}.{v.minor + 1}.0.dev0"


def restore_tags(root: Path) -> list[str]:
    """Annotated tags for recorded releases whose tag did not travel with this clone."""
    made = []
    log = (root / notes.CHANGELOG).read_text(encoding="utf-8")
    for r in pins.releases(root):
        tag, commit = r["tag"], r["commit"]
        found = tag_commit(root, tag)
        if found:
            if found != commit:
                raise ReleaseError(f"tag {tag} is at {found}, but {pins.RECORD} says {commit}")
            continue
        if not has_commit(root, commit) or not is_ancestor(root, commit):
            raise ReleaseError(f"{tag}'s commit {commit} is not in this branch's history")
        at = checks.read_version(show(root, commit, checks.VERSION_FILE) or "")
        if at != r["version"]:
            raise ReleaseError(f"{commit[:12]} has version {at}, but {pins.RECORD} says {tag}")
        git(root, "tag", "-a", tag, "-m", notes.tag_message(log, r["version"]), commit)
        made.append(tag)
        say(f"re-created {tag} at {commit[:12]}")
    return made


def say(text: str) -> None:
    print(f"release: {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/release.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    work_help = "scratch folder for the exported tree, dist/ and the venv (emptied first)"
    p = sub.add_parser("cut", help="release VERSION from the current branch")
    p.add_argument("version")
    p.add_argument("--sign", action="store_true", help="GPG/SSH-sign the tag (git tag -s)")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "release", help=work_help)
    p = sub.add_parser("check", help="build and check a commit without tagging (CI)")
    p.add_argument("--rev", default="HEAD")
    p.add_argument("--expect-version", help="fail unless the tree's version is this one")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "release", help=work_help)
    sub.add_parser("restore-tags", help=f"re-create tags recorded in {pins.RECORD}")
    args = parser.parse_args(argv)
    try:
        if args.command == "cut":
            today = datetime.now(timezone.utc).date().isoformat()
            cut(ROOT, args.version, args.work.resolve(), args.sign, today)
        elif args.command == "check":
            rev = git(ROOT, "rev-parse", args.rev)
            version = args.expect_version or checks.read_version(
                show(ROOT, rev, checks.VERSION_FILE) or ""
            )
            build_and_check(ROOT, rev, args.work.resolve(), version.removeprefix("v"))
        else:
            if not restore_tags(ROOT):
                say("every recorded tag is present")
    except ReleaseError as exc:
        print(f"release: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
