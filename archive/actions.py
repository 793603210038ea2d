"""Action items and decisions, found by explicit rules in meetings and messages (pure).

No guessing from prose: a message contributes only lines that carry a marker (`ACTION:`, `AI:`,
`TODO(name):`, `Decision:`, `RESOLVED:`), and a meeting what its bot or scribe recorded. Each
item says which rule found it and where, so a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from difflib import SequenceMatcher

from archive.models import ExtractedItem, ItemMark, Meeting, TrackedAction

_ACTION = re.compile(r"\s*(?:ACTION|AI)\s*:\s*(\S.*)")
# "DONE: Priya drafted the checklist", "dropped - nobody needs the checklist": an action closed.
_CLOSED = re.compile(r"\s*(DONE|Done|done|DROPPED|Dropped|dropped)\s*[:\-]\s*(\S.*)")
_TODO = re.compile(r"\s*TODO\(([^)\s]+)\)\s*:?\s*(\S.*)")
_DECISION = re.compile(r"\s*(Decision|DECISION|RESOLVED|Resolved|RESOLUTION|Resolution|AGREED|Agreed)\s*:\s*(\S.*)")
# A MeetBot summary posted as mail ends each item with who said it and when: "(nirik, 17:12:38)".
_SAID_BY = re.compile(r"\s*\((\S+), \d\d:\d\d(?::\d\d)?\)\s*\Z")
# "Priya to draft ...", "Zoë and Dmitri will bisect ...": who the action names before its verb.
_OWNERS = re.compile(r"([^\W\d][\w.'-]*)(?:\s*(?:,|and|&)\s*([^\W\d][\w.'-]*))*\s+(?:to|will|should|shall)\b")
_NAME_WORD = re.compile(r"[^\W\d][\w.'-]*")
_NOT_NAMES = frozenset({"we", "i", "you", "they", "someone", "somebody", "everyone", "all", "the", "this", "it"})
_MEETING_DECISIONS = {"AGREED": "#agreed", "ACCEPTED": "#accepted", "REJECTED": "#rejected"}


def message_items(body: str, *, message_id: str, date: datetime | None) -> list[ExtractedItem]:
    """Return the action items and decisions a message marks explicitly, outside quotes and signatures."""
    found = []
    lines = body.split("\n")
    for number, line in enumerate(lines, 1):
        if line == "-- ":
            break  # the signature
        if line.startswith(">"):
            continue  # quoted from an earlier message, which has its own items
        line = _unwrapped(lines, number - 1)
        if todo := _TODO.match(line):
            found.append(ExtractedItem("action", todo[2].strip(), (todo[1],), date, "message", message_id, number,
                                       "marker TODO(name):"))
        elif action := _ACTION.match(line):
            text, summary = _without_said_by(action[1])
            found.append(ExtractedItem("action", text, owners_named(text, nicks=summary), date, "message", message_id,
                                       number, "marker ACTION:"))
        elif closed := _CLOSED.match(line):
            kind = closed[1].lower()
            found.append(ExtractedItem(kind, closed[2].strip(), (), date, "message", message_id, number,
                                       f"marker {kind.upper()}:"))
        elif decision := _DECISION.match(line):
            found.append(ExtractedItem("decision", _without_said_by(decision[2])[0], (), date, "message", message_id,
                                       number, f"marker {decision[1]}:"))
    return found


# A marked line this long was most likely wrapped by the mailer: the lines after it continue it.
WRAPPED = 60


def _unwrapped(lines: list[str], index: int) -> str:
    """Return a marked line with the lines a mailer wrapped it onto; any other line as it is."""
    line = lines[index]
    if not (_ACTION.match(line) or _TODO.match(line) or _DECISION.match(line)):
        return line
    joined, last = line.rstrip(), line
    for following in lines[index + 1 :]:
        # A wrapped phrase goes on in lower case; a capital starts the next sentence.
        if len(last.rstrip()) < WRAPPED or not following.strip() or following.startswith(">") or \
                following.lstrip()[:1].isupper() or \
                _ACTION.match(following) or _TODO.match(following) or _DECISION.match(following) or \
                _CLOSED.match(following) or re.match(r"\s*(?:[-*•+]|\d+[.)])\s", following):
            break
        joined, last = f"{joined} {following.strip()}", following
    return joined


def _without_said_by(text: str) -> tuple[str, bool]:
    """Return an item's text without MeetBot's "(nick, time)" ending, and whether it had one."""
    said = _SAID_BY.search(text)
    return (text[: said.start()].strip(), True) if said else (text.strip(), False)


def owners_named(text: str, *, nicks: bool = False) -> tuple[str, ...]:
    """Return the people an action names before its verb ("Priya and Kenji to ..."), else nobody.

    Names must be capitalised, unless the text comes from a meeting's summary, where they are nicks.
    """
    match = _OWNERS.match(text)
    if match is None:
        return ()
    head = text[: match.end()].rsplit(None, 1)[0]
    names = [word for word in _NAME_WORD.findall(head) if word.lower() != "and"]
    if any((not nicks and not word[0].isupper()) or word.lower() in _NOT_NAMES for word in names):
        return ()  # "we will", "someone should": nobody in particular
    return tuple(names)


def meeting_items(meeting: Meeting) -> list[ExtractedItem]:
    """Return a meeting's action items (with the nicks they are filed under) and decisions."""
    owners = {text: tuple(nick for nick, texts in meeting.actions_by_person if text in texts)
              for text in [item.text for item in meeting.items if item.type == "ACTION"]}
    found = []
    topic_line = 0  # the line of the topic in force: where the discussion of what follows began
    for item in meeting.items:
        if item.type == "TOPIC":
            topic_line = item.line
        if item.type == "ACTION":
            found.append(ExtractedItem("action", item.text, owners.get(item.text, ()), meeting.start, "meeting",
                                       f"{meeting.series}/{meeting.meeting_id}", item.line, "meeting ACTION",
                                       context_line=topic_line))
        elif item.type == "INFO" and (closed := _CLOSED.match(item.text)):
            kind = closed[1].lower()
            found.append(ExtractedItem(kind, closed[2].strip(), (), meeting.start, "meeting",
                                       f"{meeting.series}/{meeting.meeting_id}", item.line, f"meeting #info {kind}:"))
        elif item.type in _MEETING_DECISIONS:
            text = item.text if item.type != "REJECTED" else f"Rejected: {item.text}"
            found.append(ExtractedItem("decision", text, (), meeting.start, "meeting",
                                       f"{meeting.series}/{meeting.meeting_id}", item.line,
                                       f"meeting {_MEETING_DECISIONS[item.type]}", context_line=topic_line))
    return found


# How alike two actions' words must be for one to repeat the other, or for a "done" line to close it.
SAME_ACTION = 0.8
DONE_MATCH = 0.7
_FILLER = frozenset({"to", "the", "a", "an", "and", "will", "should", "shall", "for", "of", "on", "is", "has", "have"})


def track_actions(items: list[ExtractedItem]) -> list[TrackedAction]:
    """Follow action items in date order: a later mention repeats an open one, a "done" or "dropped" line closes it."""
    tracked: list[TrackedAction] = []
    for item in items:
        if item.kind not in ("action", "done", "dropped"):
            continue
        threshold = SAME_ACTION if item.kind == "action" else DONE_MATCH
        best = _most_alike(item, [t for t in tracked if t.status == "open" and t.item.source_id != item.source_id],
                           threshold)
        if best is None:
            if item.kind == "action":
                tracked.append(TrackedAction(item, "open"))
            continue
        position = tracked.index(best)
        if item.kind != "action":
            tracked[position] = replace(best, status=item.kind, closed_by=item)
        else:
            tracked[position] = replace(best, repeats=best.repeats + (item,))
    return tracked


def apply_marks(tracked: list[TrackedAction], marks: list[ItemMark]) -> list[TrackedAction]:
    """Return the actions with the last mark on each (by its first or any later mention) applied."""
    latest = {mark.item_id: mark for mark in sorted(marks, key=lambda mark: mark.created)}
    marked = []
    for action in tracked:
        found = [latest[m.item_id] for m in (action.item, *action.repeats) if m.item_id in latest]
        mark = max(found, key=lambda m: m.created) if found else None
        if mark is None:
            marked.append(action)
            continue
        item = action.item if mark.owners is None else replace(action.item, owners=mark.owners)
        closed_by = action.closed_by if mark.status == action.status else None
        marked.append(replace(action, item=item, status=mark.status, closed_by=closed_by, marked=mark))
    return marked


def _most_alike(item: ExtractedItem, candidates: list[TrackedAction], threshold: float) -> TrackedAction | None:
    """Return the candidate whose action reads most like item, if it is alike enough."""
    words = _words(item.text)
    closing = item.kind != "action"
    scored = [(_alike(words, _words(c.item.text), closing=closing), i) for i, c in enumerate(candidates)]
    best = max(scored, default=(0.0, -1))
    return candidates[best[1]] if best[0] >= threshold else None


# A closing line that holds every word of an action of at least this many words closes it, however
# much it adds: "DROPPED: pair on the migration tool (no longer needed)".
COVERED_WORDS = 3


def _alike(words: str, action_words: str, *, closing: bool) -> float:
    """Return how alike two wordings are (1.0 when a closing line holds the whole of a long enough action)."""
    ratio = SequenceMatcher(None, words, action_words).ratio()
    wanted = action_words.split()
    if closing and len(wanted) >= COVERED_WORDS and set(wanted) <= set(words.split()):
        return 1.0
    return ratio


def repeats(text: str, earlier: str) -> bool:
    """Tell whether an action's wording repeats an earlier one's: alike, or holding all of its words."""
    words, earlier_words = _words(text), _words(earlier)
    shorter, longer = sorted((set(words.split()), set(earlier_words.split())), key=len)
    return (SequenceMatcher(None, words, earlier_words).ratio() >= SAME_ACTION
            or (len(shorter) >= COVERED_WORDS and shorter <= longer))


def _words(text: str) -> str:
    """Return an action's words, lowercased, without filler and simple endings, for comparing wordings."""
    kept = []
    for word in re.findall(r"\w+", text.casefold()):
        if word not in _FILLER:
            kept.append(re.sub(r"(?<=\w\w\w)(ed|ing|s)\Z", "", word))
    return " ".join(kept)


# A vote in a message of a call for votes: "+1 (binding)", "-1, too early", "My own vote: +1 (binding)."
# A 0 counts only alone on its line, so that numbered lists ("0) hi") are not read as votes.
_VOTE = re.compile(r"\s*(?:my (?:own )?vote\s*(?:is)?\s*:?\s*)?(?:([+-]1)\b|([+-]?0)\s*(?:\([^)]*\))?\s*[.!]?\s*\Z)",
                   re.IGNORECASE)


def is_call_for_votes(subject: str) -> bool:
    """Tell whether a thread's subject calls for votes ("[VOTE] ...")."""
    return "[vote]" in subject.casefold() and "[result]" not in subject.casefold()


def tally_votes(subject: str, root_id: str, votes_by_sender: list[tuple[str, str, datetime | None]]) -> ExtractedItem:
    """Tally a call for votes from (sender, body, date) of its messages, each sender's last vote counting."""
    cast: dict[str, str] = {}
    last: datetime | None = None
    for sender, body, date in votes_by_sender:
        for line in body.split("\n"):
            if line == "-- ":
                break
            vote = _VOTE.match(line) if not line.startswith(">") else None
            if vote:
                cast[sender.casefold()] = "0" if vote[2] else vote[1].lstrip("+")
                last = date or last
                break
    counts = {choice: sum(1 for v in cast.values() if v == choice) for choice in ("1", "0", "-1")}
    text = f"Vote on {subject}: {counts['1']} for (+1), {counts['-1']} against (-1), {counts['0']} abstaining (0)"
    return ExtractedItem("decision", text, (), last, "message", root_id, 1, "vote tally")
