"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re

from conftest import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```bash\n(.+?)\n\s*```", section, flags=re.S)]


def test_readme_gives_exactly_two_setup_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert "budget-ie extract corpora/" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1].strip() in ci.splitlines()


def test_readme_sample_exists():
    sample = _readme_commands()[0].split("budget-ie extract ", 1)[1].split()[0]
    assert (ROOT / sample).is_file()
