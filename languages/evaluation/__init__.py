"""The labelled evaluation set of language detection: one JSON Lines file per language
(where the texts come from: README.md in this folder).

Each line of a catalog language's file (the file name is the label): {"text": ...,
"channel": "email" | "chat" | "sms", "variant": "plain" | "no_diacritics" | "mojibake" |
"mixed" | "quoted"}. "mixed": the customer's language quoting a phrase in another;
"quoted": a reply above a quoted message in another language. Short texts (up to
``SHORT_TEXT`` characters) are plain or no_diacritics texts that are short.

``und.jsonl`` holds texts in languages outside the catalog, each with its
"source_language" (ISO 639-1, "jv" for Javanese); detection should answer "und".
"""

import json
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
UNSUPPORTED = "und"
SHORT_TEXT = 20  # characters, as the customer wrote them


@dataclass(frozen=True)
class Sample:
    language: str  # a catalog code, or "und"
    text: str
    channel: str
    variant: str
    source_language: str = ""  # for "und": the language the text is in

    @property
    def short(self) -> bool:
        return len(self.text.strip()) <= SHORT_TEXT


def _read(path: Path) -> list[Sample]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            found.append(
                Sample(
                    path.stem,
                    row["text"],
                    row["channel"],
                    row["variant"],
                    row.get("source_language", ""),
                )
            )
    return found


def samples() -> list[Sample]:
    """The texts in catalog languages, labelled with their language."""
    return [
        sample
        for path in sorted(FOLDER.glob("*.jsonl"))
        if path.stem != UNSUPPORTED
        for sample in _read(path)
    ]


def unsupported_samples() -> list[Sample]:
    """The texts in languages outside the catalog (label "und")."""
    return _read(FOLDER / f"{UNSUPPORTED}.jsonl")
