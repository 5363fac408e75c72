"""The staffing room's CSV files read into plain rows: the contact history of a previous
system and a week of shifts. Every problem names its line, and a file with any bad line is
refused whole (the services store nothing from it). What a supervisor can meet on the
shifts page is translated; the history's own checks are for the import command."""

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

MAX_BYTES = 20 << 20
MAX_ERRORS_SHOWN = 10
# The charsets spreadsheets of the agency's countries save CSV in (as billing's statements).
_ENCODINGS = ["utf_8", "cp1250", "iso8859_2", "cp1252"]
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,4})?$")

HISTORY_REQUIRED = ("hour", "client", "language", "channel", "contacts")
HISTORY_OPTIONAL = ("handled", "handle_seconds", "abandoned", "wait_seconds")
HISTORY_CHANNELS = ("call", "chat", "email")
SHIFTS_REQUIRED = ("agent", "date", "start", "end")


class CsvRefused(ValueError):
    """The file as a whole, or some of its lines, cannot be read: the message says which."""


@dataclass(frozen=True)
class HistoryLine:
    line: int
    hour: datetime  # UTC, an hour's start
    client: str  # the client's slug
    language: str
    channel: str
    contacts: int
    handled: int = 0
    handle_seconds: int = 0
    abandoned: int = 0
    wait_seconds: int = 0


@dataclass(frozen=True)
class ShiftLine:
    line: int
    agent: str  # a username or an e-mail address
    day: date
    start: time
    end: time  # before the start: the shift runs past midnight
    note: str = ""


def csv_text(data: bytes) -> str:
    """The file's text: UTF-8 (with or without its byte-order mark), else the charset
    charset-normalizer finds among the agency's usual ones."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data, cp_isolation=_ENCODINGS).best()
        if best is None:
            raise CsvRefused(
                _("The file is not text in UTF-8, Windows-1250, ISO-8859-2 or Windows-1252.")
            ) from None
        text = str(best)
    if "\x00" in text:
        raise CsvRefused(_("The file is binary, not CSV."))
    return text


def _records(
    data: bytes, required: Sequence[str], optional: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) of each non-empty line after the header."""
    text = csv_text(data)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
    except StopIteration:
        raise CsvRefused(_("The file is empty.")) from None
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvRefused(
            _("Line 1: the header lacks %(missing)s (needs %(needed)s).")
            % {"missing": ", ".join(missing), "needed": ", ".join(required)}
        )
    unknown = [name for name in header if name not in required and name not in optional]
    if unknown:
        raise CsvRefused(_("Line 1: unknown column %(names)s.") % {"names": ", ".join(unknown)})
    if len(set(header)) != len(header):
        raise CsvRefused(_("Line 1: a column is named twice."))
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise CsvRefused(
                    _("Line %(line)d: %(found)d columns, the header has %(expected)d.")
                    % {"line": reader.line_num, "found": len(row), "expected": len(header)}
                )
            yield (
                reader.line_num,
                {name: cell.strip() for name, cell in zip(header, row, strict=True)},
            )
    except csv.Error as error:
        raise CsvRefused(_line(reader.line_num, str(error))) from None


def _collected[T](
    data: bytes,
    required: Sequence[str],
    optional: Sequence[str],
    parse: Callable[[int, dict[str, str]], T],
) -> list[T]:
    """Every line parsed, or CsvRefused naming the first bad lines (all or nothing)."""
    if len(data) > MAX_BYTES:
        raise CsvRefused(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
    parsed: list[T] = []
    errors: list[str] = []
    for line, values in _records(data, required, optional):
        try:
            parsed.append(parse(line, values))
        except ValueError as error:
            errors.append(_line(line, str(error)))
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("(and %(count)d more)") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        raise CsvRefused(" ".join(shown))
    if not parsed:
        raise CsvRefused(_("The file has a header but no lines."))
    return parsed


def _line(line: int, reason: str) -> str:
    return _("Line %(line)d: %(reason)s") % {"line": line, "reason": reason}


def _not_a_time(column: str, text: str) -> str:
    return _("%(column)s %(text)s is not a time (HH:MM)") % {"column": column, "text": repr(text)}


def _count(values: dict[str, str], name: str) -> int:
    text = values.get(name, "") or "0"
    if not text.isdigit():
        raise ValueError(f"{name} {text!r} is not a whole number")
    return int(text)


def _history_line(line: int, values: dict[str, str]) -> HistoryLine:
    try:
        hour = datetime.fromisoformat(values["hour"])
    except ValueError:
        raise ValueError(f"hour {values['hour']!r} is not an ISO date and time") from None
    if hour.tzinfo is None:
        raise ValueError(f"hour {values['hour']!r} has no offset (write +00:00 or Z)")
    hour = hour.astimezone(UTC)
    if (hour.minute, hour.second, hour.microsecond) != (0, 0, 0):
        raise ValueError(f"hour {values['hour']!r} is not the start of an hour")
    language = values["language"].lower()
    if not _LANGUAGE.match(language):
        raise ValueError(f"language {values['language']!r} is not a language code")
    channel = values["channel"].lower()
    if channel not in HISTORY_CHANNELS:
        raise ValueError(f"channel {values['channel']!r} is not one of call, chat, email")
    counts = {name: _count(values, name) for name in ("contacts", *HISTORY_OPTIONAL)}
    if counts["handled"] > counts["contacts"] or counts["abandoned"] > counts["contacts"]:
        raise ValueError("handled and abandoned cannot exceed contacts")
    if channel == "email" and (counts["abandoned"] or counts["wait_seconds"]):
        raise ValueError("e-mail has no abandoned contacts or waiting seconds")
    if not values["client"]:
        raise ValueError("the client is empty")
    return HistoryLine(
        line=line,
        hour=hour,
        client=values["client"],
        language=language,
        channel=channel,
        **counts,
    )


def history_lines(data: bytes) -> list[HistoryLine]:
    """A previous system's history per client, language, channel and hour."""
    lines = _collected(data, HISTORY_REQUIRED, HISTORY_OPTIONAL, _history_line)
    seen: dict[tuple[str, str, str, datetime], int] = {}
    for row in lines:
        key = (row.client, row.language, row.channel, row.hour)
        if key in seen:
            raise CsvRefused(f"Line {row.line}: the same hour as line {seen[key]}.")
        seen[key] = row.line
    return lines


def _clock(text: str, name: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if match is None or int(match[1]) > 24 or int(match[2]) > 59:
        raise ValueError(_not_a_time(name, text))
    if int(match[1]) == 24:
        if int(match[2]):
            raise ValueError(_not_a_time(name, text))
        return time(0)
    return time(int(match[1]), int(match[2]))


def _day(text: str) -> date:
    cleaned = text.replace(" ", "")
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(
        _("date %(text)s is not a date (YYYY-MM-DD or DD.MM.YYYY)") % {"text": repr(text)}
    )


def _shift_line(line: int, values: dict[str, str]) -> ShiftLine:
    if not values["agent"]:
        raise ValueError(_("the agent is empty"))
    start, end = _clock(values["start"], "start"), _clock(values["end"], "end")
    if start == time(0) and values["start"].strip().startswith("24"):
        raise ValueError(_("a shift cannot start at 24:00 (write 00:00 of the next day)"))
    if start == end:
        raise ValueError(_("the shift starts and ends at the same time"))
    return ShiftLine(
        line=line,
        agent=values["agent"],
        day=_day(values["date"]),
        start=start,
        end=end,
        note=values.get("note", "")[:200],
    )


def shift_lines(data: bytes) -> list[ShiftLine]:
    """A file of shifts: agent (username or e-mail), date, start and end (local times)."""
    return _collected(data, SHIFTS_REQUIRED, ("note",), _shift_line)
