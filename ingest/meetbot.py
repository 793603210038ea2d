"""MeetBot logs replayed into minutes, following MeetBot 0.1.4's rules (pure: text in, Meeting out).

The raw log is the source of truth: the items, topics, chairs, people and action items are
what the bot itself would have written in its minutes, read again from the log's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from bs4 import BeautifulSoup

from archive.models import LogLine, Meeting, MeetingItem

# "<name>.YYYY-MM-DD-HH.MM" followed by ".log.txt", ".log.html", ".txt" or ".html".
MEETING_FILE = re.compile(
    r"(?P<base>(?P<name>.+?)\.(?P<date>\d{4}-\d\d-\d\d)-(?P<hour>\d\d)\.(?P<minute>\d\d))"
    r"(?P<kind>\.log\.txt|\.log\.html|\.txt|\.html)\Z"
)
# One log line: an optional date, a time, then "<nick> text" or "* nick text".
_LINE = re.compile(
    r"\[?(?:(?P<date>\d{4}-\d\d-\d\d)[T ])?(?P<time>\d\d:\d\d(?::\d\d)?)(?:\.\d+)?Z?\]?\s+"
    r"(?:<[ @+%&~]?(?P<nick>[^>\s]+)>\s?(?P<text>.*)|\*\s+(?P<actor>\S+)\s?(?P<action>.*))\Z"
)
_UNTIMED = re.compile(r"<[ @+%&~]?(?P<nick>[^>\s]+)>\s?(?P<text>.*)\Z")
_COMMAND = re.compile(r"#(\w+)(?:\s+(.*?))?\s*\Z", re.S)
URL_PROTOCOLS = ("http:", "https:", "irc:", "ftp:", "mailto:", "ssh:")
# Commands only a chair may give; from anyone else the bot ignores them.
CHAIR_ONLY = frozenset({"topic", "meetingtopic", "meetingname", "chair", "unchair", "undo", "agreed",
                        "agree", "accepted", "accept", "rejected", "reject", "endmeeting", "startvote",
                        "endvote", "motion", "close"})
# Commands that make an item of their text, and the item's type.
ITEM_TYPES = {"topic": "TOPIC", "info": "INFO", "idea": "IDEA", "action": "ACTION", "agreed": "AGREED",
              "agree": "AGREED", "accepted": "ACCEPTED", "accept": "ACCEPTED", "rejected": "REJECTED",
              "reject": "REJECTED", "help": "HELP", "halp": "HELP", "link": "LINK"}
_BOT_GREETING = "Meeting started "
_STARTMEETING = re.compile(r"^[^\n]*<[^>\n]+>\s?#startmeeting\b|^#startmeeting\b", re.MULTILINE | re.IGNORECASE)
NO_MEETING = "no #startmeeting: the log holds no meeting"


def is_meetbot_log(head: str) -> bool:
    """Tell whether the start of a file is a meeting log: some line says #startmeeting."""
    return _STARTMEETING.search(head) is not None


def read_log(text: str) -> tuple[LogLine, ...]:
    """Return a log's lines with their time, speaker and text; unknown lines keep their text."""
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        match = _LINE.match(line)
        if match and match["nick"] is not None:
            lines.append(LogLine(number, match["time"], match["nick"], match["text"]))
        elif match:
            lines.append(LogLine(number, match["time"], match["actor"], match["action"], is_action=True))
        elif untimed := _UNTIMED.match(line):
            lines.append(LogLine(number, "", untimed["nick"], untimed["text"]))
        else:
            lines.append(LogLine(number, "", "", line))  # a script line, a date header or noise
    return tuple(lines)


def meeting_file_parts(file_name: str) -> tuple[str, str, datetime | None]:
    """Return (meeting id, series, start from the name) of a MeetBot file name."""
    match = MEETING_FILE.match(file_name)
    if match is None:
        base = re.sub(r"(\.log)?\.(txt|html)\Z", "", file_name)
        return base, base, None
    day = date.fromisoformat(match["date"])
    start = datetime.combine(day, time(int(match["hour"]), int(match["minute"])), tzinfo=timezone.utc)
    return match["base"], match["name"], start


@dataclass
class _Replay:
    """What the bot knows while it replays a log."""

    owner: str = ""
    started: LogLine | None = None
    ended: LogLine | None = None
    title: str = ""
    name: str = ""
    topic: str = ""
    chairs: dict[str, None] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    items: list[MeetingItem] = field(default_factory=list)
    vote: tuple[str, dict[str, str]] | None = None
    bot: str = ""
    aliases: dict[str, str] = field(default_factory=dict)  # nick -> the name given with HcoopMeetbot's #here

    def add_people(self, nicks: list[str], lines: int = 0) -> None:
        for nick in nicks:
            self.people[nick] = self.people.get(nick, 0) + lines

    def add_item(self, kind: str, text: str, line: LogLine) -> None:
        if kind == "TOPIC":
            self.topic = text
        self.items.append(MeetingItem(kind, text, line.nick, line.time, self.topic, line.number))


def parse_meetbot_log(text: str, file_name: str) -> Meeting:
    """Replay a MeetBot log (its text and file name) into the meeting the bot recorded."""
    lines = read_log(text)
    meeting_id, series, named_start = meeting_file_parts(file_name)
    state = _Replay(name=series)
    for line in lines:
        if state.ended is not None:
            break
        if state.started is None:
            _before_start(state, line)
            continue
        if line.nick:
            state.add_people([line.nick], 1)
            if not state.bot and line.text.startswith(_BOT_GREETING):
                state.bot = line.nick
        if not line.is_action:
            _replay_line(state, line)
    return _meeting(state, lines, meeting_id, named_start)


def _before_start(state: _Replay, line: LogLine) -> None:
    """Start the meeting on #startmeeting; every earlier line is only part of the log."""
    command = _COMMAND.match(line.text) if not line.is_action else None
    if command is None or command[1].lower() != "startmeeting":
        return
    state.started, state.owner, state.title = line, line.nick, (command[2] or "").strip()
    state.chairs[line.nick] = None
    state.add_people([line.nick], 1)


def _replay_line(state: _Replay, line: LogLine) -> None:
    """Act on one line said during the meeting, as the bot would."""
    command = _COMMAND.match(line.text)
    if command is None:
        if line.text.split("//")[0] in URL_PROTOCOLS or line.text.startswith(URL_PROTOCOLS):
            state.add_item("LINK", line.text.strip(), line)
        return
    name, argument = command[1].lower(), (command[2] or "").strip()
    if name in CHAIR_ONLY and line.nick not in state.chairs:
        return
    if name in ITEM_TYPES:
        if argument:
            state.add_item(ITEM_TYPES[name], argument, line)
    elif name == "endmeeting":
        state.ended = line
    else:
        _replay_setting(state, name, argument, line)


def _replay_setting(state: _Replay, name: str, argument: str, line: LogLine) -> None:
    """Act on the commands that change the meeting rather than add an item."""
    nicks = [nick for nick in re.split(r"[,\s]+", argument) if nick]
    if name == "chair":
        state.chairs.update(dict.fromkeys(nicks))
        state.add_people(nicks)
    elif name == "unchair":
        for nick in nicks:
            if nick != state.owner:
                state.chairs.pop(nick, None)
    elif name == "nick":
        state.add_people(nicks)
    elif name == "undo" and state.items:
        state.items.pop()
    elif name == "meetingname" and argument:
        state.name = re.sub(r"[^\w.-]+", "_", argument.lower()).strip("_") or state.name
    elif name == "meetingtopic" and argument:
        state.title = argument
    else:
        _replay_vote(state, name, argument, line)


def _replay_vote(state: _Replay, name: str, argument: str, line: LogLine) -> None:
    """Run #startvote / #vote / #endvote (and HcoopMeetbot's #motion / #vote / #close, and #here)."""
    if name == "here":
        state.add_people([line.nick])
        if argument:
            state.aliases[line.nick] = argument
    elif name in ("startvote", "motion") and argument:
        state.vote = (argument, {})
        if name == "motion":
            state.add_item("MOTION", argument, line)
    elif name == "close" and state.vote is not None:
        cast = list(state.vote[1].values())
        yes, no = sum(v.startswith("+") for v in cast), sum(v.startswith("-") for v in cast)
        outcome = ("ACCEPTED", "Motion accepted") if yes > no else ("REJECTED", "Motion failed")
        state.add_item(outcome[0], f"{outcome[1]}: {yes} in favor to {no} opposed", line)
        state.vote = None
    elif name == "vote" and state.vote is not None and argument:
        state.vote[1][line.nick] = argument
    elif name == "endvote" and state.vote is not None:
        question, votes = state.vote
        counts: dict[str, int] = {}
        for choice in votes.values():
            counts[choice] = counts.get(choice, 0) + 1
        tally = ", ".join(f"{choice}: {count}" for choice, count in sorted(counts.items(), key=lambda c: -c[1]))
        state.add_item("VOTE", f"{question} ({tally or 'no votes'})", line)
        state.vote = None


def _meeting(state: _Replay, lines: tuple[LogLine, ...], meeting_id: str, named_start: datetime | None) -> Meeting:
    """Turn the replayed state into the Meeting."""
    problems = []
    if state.started is None:
        problems.append(NO_MEETING)
    elif state.ended is None:
        problems.append("no #endmeeting: the meeting runs to the end of the log")
    start = moment_of(named_start, state.started)
    end = moment_of(named_start, state.ended)
    if start and end and end < start:
        end += timedelta(days=1)  # the meeting ran past midnight
    people = tuple(sorted(state.people.items(), key=lambda p: (-p[1], p[0].lower())))
    by_person, unassigned = actions_by_person(state.items, [nick for nick in state.people if nick != state.bot],
                                              state.aliases)
    return Meeting(
        meeting_id=meeting_id, series=state.name, title=state.title, start=start, end=end,
        owner=state.owner, chairs=tuple(state.chairs), people=people, items=tuple(state.items),
        actions_by_person=by_person, unassigned=unassigned, log=lines, problems=tuple(problems),
    )


def moment_of(day_from_name: datetime | None, line: LogLine | None) -> datetime | None:
    """Return the UTC moment a line was said, on the day the file name gives."""
    if day_from_name is None or line is None:
        return None
    if not line.time:
        return day_from_name
    parts = [int(p) for p in line.time.split(":")] + [0]
    return day_from_name.replace(hour=parts[0], minute=parts[1], second=parts[2])


def actions_by_person(items: list[MeetingItem] | tuple[MeetingItem, ...], nicks: list[str],
                      aliases: dict[str, str] | None = None
                      ) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """File each action under every nick (or its alias) named in it as a whole word; return those and the rest."""
    actions = [item.text for item in items if item.type == "ACTION"]
    assigned: set[int] = set()
    by_person = []
    for nick in sorted(nicks, key=str.lower):
        names = [nick] + ([aliases[nick]] if aliases and aliases.get(nick) else [])
        words = [re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE) for name in names]
        mine = [i for i, text in enumerate(actions) if any(word.search(text) for word in words)]
        if mine:
            by_person.append((nick, tuple(actions[i] for i in mine)))
            assigned.update(mine)
    return tuple(by_person), tuple(text for i, text in enumerate(actions) if i not in assigned)


# A channel log's date in its file name: "#channel.2024-02-13.log", "2024-02-13.txt", "channel_20240213.log".
_NAME_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)")


def split_channel_log(text: str, file_name: str) -> list[tuple[str, str]]:
    """Cut the meetings out of a whole channel's log (Limnoria, irssi, ...), each as a MeetBot log.

    Return (MeetBot-style file name, the meeting's lines) for every #startmeeting: a meeting runs
    to its #endmeeting, or to the next #startmeeting or the end of the log. The name gives the
    meeting's series (from what #startmeeting said, else the channel) and its date and time.
    """
    lines = text.splitlines(keepends=True)
    parsed = read_log(text)
    starts = [i for i, line in enumerate(parsed) if _is_command(line, "startmeeting")]
    meetings = []
    for position, start in enumerate(starts):
        stop = starts[position + 1] if position + 1 < len(starts) else len(lines)
        end = next((i for i in range(start, stop) if _is_command(parsed[i], "endmeeting")), stop - 1)
        segment = "".join(lines[start : end + 1])
        meetings.append((_meeting_file_name(parsed[start], lines[start], file_name), segment))
    return meetings


def _is_command(line: LogLine, name: str) -> bool:
    """Tell whether a log line gives a MeetBot command."""
    command = _COMMAND.match(line.text) if line.nick and not line.is_action else None
    return command is not None and command[1].lower() == name


def _meeting_file_name(start: LogLine, raw: str, channel_file: str) -> str:
    """Return the MeetBot file name a meeting found in a channel log would have had."""
    channel = re.sub(r"(\.log|\.txt)+\Z", "", channel_file)
    channel = _NAME_DATE.sub("", channel).strip("#._- ") or "meeting"
    command = _COMMAND.match(start.text)
    topic = (command[2] or "").strip() if command else ""
    series = re.sub(r"[^\w.-]+", "_", (topic or channel).lower()).strip("_.") or "meeting"
    found = _LINE.match(raw.rstrip("\r\n"))
    day = found["date"] if found and found["date"] else None
    if day is None and (named := _NAME_DATE.search(channel_file)):
        day = "-".join(named.groups())
    hour, minute = (start.time.split(":") + ["00", "00"])[:2] if start.time else ("00", "00")
    return f"{series}.{day}-{hour}.{minute}.log.txt" if day else f"{series}.log.txt"


def is_hcoop_log(head: str) -> bool:
    """Tell whether a file is HcoopMeetbot's JSON log (an object with its "founder" and "messages")."""
    return head.lstrip().startswith("{") and '"founder"' in head and '"messages"' in head


def hcoop_log(data: dict[str, Any]) -> tuple[str, str]:
    """Return a HcoopMeetbot JSON log as (MeetBot-style file name, text log) to replay like any other."""
    found = data.get("messages")
    messages = [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []
    lines = []
    for message in messages:
        stamp = str(message.get("timestamp", ""))
        time_of_day = stamp[11:19] if len(stamp) >= 19 else "00:00:00"
        sender, payload = str(message.get("sender", "")), str(message.get("payload", "")).replace("\n", " ")
        lines.append(f"{time_of_day} * {sender} {payload}" if message.get("action") else
                     f"{time_of_day} <{sender}> {payload}")
    start = str(data.get("start_time") or (messages[0].get("timestamp") if messages else "") or "")
    name = re.sub(r"[^\w.-]+", "_", str(data.get("name") or data.get("channel") or "meeting").lower()).strip("_.")
    when = f".{start[:10]}-{start[11:13]}.{start[14:16]}" if len(start) >= 16 else ""
    return f"{name or 'meeting'}{when}.log.txt", "\n".join(lines) + "\n"


def log_from_html(page: str) -> str:
    """Return the text log a MeetBot `.log.html` page shows (its <pre>), for when the .log.txt is missing."""
    soup = BeautifulSoup(page, "html.parser")
    block = soup.find("pre")
    return (block or soup).get_text()
