"""An answer's plain text as the help center shows it: paragraphs (a blank line between
them), their lines, and the web addresses in them as links. Plain Python: the template
escapes every piece, so no text of an article ever becomes markup."""

import re
from dataclasses import dataclass

# An address the way people write one in an answer: with its scheme, or starting "www.".
# A trailing full stop, comma or closing bracket ends the sentence, not the address.
_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


@dataclass(frozen=True)
class Piece:
    text: str
    href: str = ""  # a link's address (http or https only); empty for text


def _pieces(line: str) -> list[Piece]:
    pieces, at = [], 0
    for match in _ADDRESS.finditer(line):
        if match.start() > at:
            pieces.append(Piece(line[at : match.start()]))
        address = match.group()
        href = address if address.lower().startswith("http") else f"https://{address}"
        pieces.append(Piece(address, href))
        at = match.end()
    if at < len(line):
        pieces.append(Piece(line[at:]))
    return pieces


def paragraphs(text: str) -> list[list[list[Piece]]]:
    """``text`` as paragraphs, each a list of lines, each a list of pieces."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [
        [_pieces(line.strip()) for line in block.split("\n") if line.strip()]
        for block in blocks
        if block.strip()
    ]
