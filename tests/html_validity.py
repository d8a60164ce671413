"""The Nu HTML Checker (vnu-jar from the npm registry, on the local Java) over rendered pages.

`validate(documents)` takes {name: html} and returns the checker's errors as readable lines. It
runs the checker once for all documents (the JVM start is the slow part).
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

VNU_JAR = (
    Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def require_checker() -> None:
    reason = None
    if not VNU_JAR.exists():
        reason = f"{VNU_JAR} missing (run `npm ci`)"
    elif not shutil.which("java"):
        reason = "java is not installed"
    if reason:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"The HTML checker is required here: {reason}")
        pytest.skip(reason)


def validate(documents: dict[str, str]) -> list[str]:
    require_checker()
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"page{index}.html"
            path.write_text(html, encoding="utf-8")
            paths[str(path)] = name
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *paths],
            capture_output=True,
            text=True,
            timeout=300,
        )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = []
    for message in messages:
        if message.get("type") != "error":
            continue
        source = paths.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        errors.append(f"{source}:{message.get('lastLine')}: {message['message']}")
    return errors
