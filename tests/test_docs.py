"""The README and docs/ are plain Markdown whose links, anchors and commands all hold."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
MANAGE_COMMAND = re.compile(r"manage\.py ([a-z_]+)")


def anchor_of(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_in(page: Path) -> set[str]:
    lines = page.read_text(encoding="utf-8").splitlines()
    return {anchor_of(line.lstrip("#")) for line in lines if line.startswith("#")}


def test_anchor_of_follows_github():
    assert anchor_of(" Embedding the programme on your website") == (
        "embedding-the-programme-on-your-website"
    )
    assert anchor_of(" nginx and TLS") == "nginx-and-tls"
    assert anchor_of(" Before and after: scheduled e-mails") == "before-and-after-scheduled-e-mails"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_and_anchor_resolves(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and anchor not in anchors_in(linked)):
            broken.append(target)

    assert broken == []


def test_every_management_command_named_in_the_docs_exists():
    named = set()
    for page in PAGES:
        named |= set(MANAGE_COMMAND.findall(page.read_text(encoding="utf-8")))

    assert named - set(get_commands()) == set()
    assert {"migrate", "retention_sweep", "send_queued_emails"} <= named


def test_readme_stays_a_quickstart():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert len(readme) < 8000
    assert "make run" in readme
    assert "make test" in readme
