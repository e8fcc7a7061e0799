"""The phone's name folding (static/checkin/names.js) is the server's (checkin/names.py)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from checkin.names import folds, matches

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [
    "Ödegaard",
    "OEDEGAARD",
    "Ødegaard",
    "Ærø Jensen",
    "Åsa Öberg",
    "Anna Straße",
    "José García",
    "Łukasz Żółć",
    "Ñandú Ünal",
    "İlker",
    "Malmö stad",
]


@pytest.mark.skipif(not shutil.which("node"), reason="needs node to run the scanner's script")
def test_names_js_folds_like_names_py():
    script = (
        "globalThis.window = globalThis;"
        + (ROOT / "static" / "checkin" / "names.js").read_text()
        + f"const samples = {json.dumps(SAMPLES)};"
        + "console.log(JSON.stringify(samples.map((s) => window.samlaNames.folds(s).sort())));"
    )

    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)

    assert json.loads(result.stdout) == [sorted(folds(sample)) for sample in SAMPLES]


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("odeg", "Ödegaard", True),
        ("OEDEGAARD", "Ödegaard", True),
        ("ödeg", "Oedegaard", True),
        ("aase", "Åse", True),
        ("ase", "Åse", True),
        ("lukasz", "Łukasz", True),
        ("karin", "Ödegaard", False),
    ],
)
def test_matches_both_ways(query, text, found):
    assert matches(folds(query), text) is found
