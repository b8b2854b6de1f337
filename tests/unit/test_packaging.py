"""pyproject.toml and environment.yml list the same dependencies; README's commands exist."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_pyproject_and_environment_agree():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pip_deps = {_name(d) for d in py["project"]["dependencies"]}
    for extra in py["project"]["optional-dependencies"].values():
        pip_deps |= {_name(d) for d in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            conda.add(_name(dep))
    conda -= {"python", "pip"}
    assert pip_deps == conda


def test_readme_starts_with_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.S).group(1)
    commands = [line for line in first_block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    test_cmd = commands[1].split("#")[0].strip()
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_generated_folders_are_ignored():
    ignore = (ROOT / ".gitignore").read_text()
    for folder in ("data/raw/*", "data/processed/*", "reports/*", "data/partners/*"):
        assert folder in ignore
