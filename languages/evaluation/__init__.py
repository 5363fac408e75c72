"""The labelled evaluation set of language detection: one JSON Lines file per language.

Each line: {"text": ..., "channel": "email" | "chat" | "sms",
"variant": "plain" | "no_diacritics" | "mojibake"}; the file name is the label.
"""

import json
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sample:
    language: str
    text: str
    channel: str
    variant: str


def samples() -> list[Sample]:
    found = []
    for path in sorted(FOLDER.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                found.append(Sample(path.stem, row["text"], row["channel"], row["variant"]))
    return found
