"""Reading the deployment kit (deploy/) and README's variable table, for the kit's tests."""

import re
import shlex
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_TEMPLATE = DEPLOY / "kalliola.env"
NGINX_SITE = DEPLOY / "nginx" / "kalliola.conf"
SYSTEMD = DEPLOY / "systemd"
README = ROOT / "README.md"

_ASSIGNMENT = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")


def env_template() -> dict[str, tuple[bool, str]]:
    """{NAME: (is_set, value)} of every variable the template names, set or commented out."""
    variables = {}
    for line in ENV_TEMPLATE.read_text().splitlines():
        match = _ASSIGNMENT.match(line)
        if match:
            commented, name, value = match.groups()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            variables[name] = (not commented, value)
    return variables


def readme_section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def readme_variables() -> set[str]:
    """The names in the first column of README's "Environment variables" table.

    A name with a placeholder (`ANYMAIL_<NAME>`) stands for every variable with that prefix and
    is returned as its prefix followed by `*`.
    """
    names = set()
    for line in readme_section("Environment variables").splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        for name in re.findall(r"`([^`]+)`", first_cell):
            names.add(re.sub(r"<.*$", "*", name))
    return names


def unit_exec_start(unit: str) -> list[str]:
    for line in (SYSTEMD / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            # As systemd reads it: quoted words, %% for a literal %.
            return shlex.split(line.removeprefix("ExecStart=").replace("%%", "%"))
    raise AssertionError(f"{unit} has no ExecStart")


def free_port() -> int:
    """A loopback port nobody listens on now, for a server the test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
