"""Minutes that people write as prose and post to a list: recognise them, then find who attended,
the topics, the action items (with owners and due dates) and the decisions (pure).

Only a message that reads as minutes is read this way; ordinary discussion never is, because
"Jane will send a patch" in a review is a remark, not an assignment. Every rule is a readable
pattern, named in the items it finds, so a reader can see why something was taken.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from dateutil import parser as date_parser

from archive.models import ExtractedItem, ProseMinutes

_SUBJECT = re.compile(
    r"\b(minutes|meeting notes|notes (?:from|of)|recap|readout|(?:meeting|call|summit|session|sync|standup|meetup|ptg|"
    r"council|board|committee|teleconference|telecon|round ?table|retro(?:spective)?|planning)\b.*\b(?:summary|recap|"
    r"notes|report|readout|update))\b", re.IGNORECASE)
_REPLY = re.compile(r"\s*(re|aw|sv|fwd?)\s*:", re.IGNORECASE)
_ATTENDEES = re.compile(r"\s*(?:[*#-]+\s*)?(?:(?!not\b)[A-Z][a-z]+\s+)?(attendees|attendance|attending|present|participants|in attendance|"
                        r"people present|who was there|who attended)\s*:\s*(.*)", re.IGNORECASE)
_ABSENT = re.compile(r"\s*(?:[*#-]+\s*)?(absent|regrets|apologies|not present)\s*:\s*(.*)", re.IGNORECASE)
_AGENDA = re.compile(r"\s*(?:#+\s*)?agenda\s*:?\s*(.*)", re.IGNORECASE)
_ACTIONS_HEADING = re.compile(r"\s*(?:#+\s*)?(?:new\s+)?(action items?|actions|ais|action points|next steps|to-?dos?|"
                              r"follow[- ]ups?)\s*:?\s*(.*)", re.IGNORECASE)
_DECISIONS_HEADING = re.compile(r"\s*(?:#+\s*)?(decisions?(?: made)?|resolutions?|agreed|agreements|outcomes?)\s*:?\s*(.*)",
                                re.IGNORECASE)
_TOPIC = re.compile(r"\s*(?:(?:\d+[.)]|#{1,4}|(?:topic|item)\s*\d*\s*:)\s*)(\S.{0,80})\s*\Z", re.IGNORECASE)
# Labelled lines inside a topic: "Outcome: ...", "AI Ana: ...", "Discussion: ...".
_LABEL = re.compile(r"\s*(?:[-*•+]\s+)?(?:(?P<decision>outcome|decision|decided|resolution|resolved|agreed|conclusion|"
                    r"conclusions)\s*:|(?P<action>AI|AP|action(?: item| point)?|todo)(?:\s*:|(?=\s+[A-Z][^:]{0,40}:))|"
                    r"(?P<narrative>discussion|notes?|summary|background)\s*:)\s*(?P<rest>.*)",
                    re.IGNORECASE)
_UNDERLINE = re.compile(r"\s*(?:-{2,}|={2,})\s*\Z")
# A bare "--" this close to the end of a message starts its signature.
SIGNATURE_NEAR_END = 8
_BULLET = re.compile(r"\s*(?:[-*•+]|\d+[.)]|[a-z][.)])\s+(\S.*)")

# A person as minutes name them: one to three capitalised words ("Jane", "Jane Okafor", "Ana de Souza").
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:de|da|van|von|der|del|la|le|[A-Z][\w'’.-]*)){0,2}"
_NAMES = rf"{_NAME}(?:\s*(?:,|and|&|/|\+)\s*{_NAME})*"
# Words that begin sentences the way names do, but are nobody.
_NOBODY = frozenset("""the a an we i you he she they it this that there someone somebody everyone everybody all
nobody anyone board committee team group meeting council tc project foundation community also then next after
later last if when unless once as so but and or for with no not some most many each both either people tbd tba
none n/a""".split())

_TASK_VERBS = (r"(?:agreed|volunteered|offered|promised|undertook|committed|signed up|is going|are going|will try|"
               r"(?:was|were|has been|have been) (?:asked|tasked)|(?:took|takes|has|have) (?:an|the) (?:action|AI)(?: item)?)")
_ACTION_SENTENCES = (
    ("prose: NAME to", re.compile(rf"(?P<owners>{_NAMES})\s+to\s+(?P<task>(?!be\b|the\b|a\b)[a-z]\w+\b.+)")),
    ("prose: NAME agreed to", re.compile(rf"(?P<owners>{_NAMES})\s+{_TASK_VERBS}\s+to\s+(?P<task>.+)")),
    ("prose: NAME was tasked with", re.compile(rf"(?P<owners>{_NAMES})\s+(?:was|were|has been|have been)\s+tasked\s+"
                                               rf"with\s+(?P<task>.+)")),
    ("prose: NAME said they'd", re.compile(
        rf"(?P<owners>{_NAMES})\s+(?:said|says|mentioned|confirmed)\s+(?:that\s+)?(?:he|she|they)(?:'d|’d|'ll|’ll|\s+would|"
        rf"\s+will)\s+(?P<task>.+)")),
    ("prose: I'll", re.compile(r"(?P<owners>I)(?:'ll|’ll| will)\s+(?P<task>.+)")),
    ("prose: NAME will", re.compile(rf"(?P<owners>{_NAMES})\s+(?:will|shall|is to|are to)\s+(?P<task>.+)")),
)
_NAME_TO = (("action list: NAME to task", re.compile(rf"(?P<owners>{_NAMES})\s+(?:to|will|should|shall)\s+(?P<task>.+)")),
            ("action list: assigned to NAME", re.compile(rf"(?:assigned to|owner:?)\s+(?P<owners>{_NAMES})\s*[:–—-]\s*(?P<task>.+)",
                                                         re.IGNORECASE)),
            ("action list: (NAME) task", re.compile(rf"\((?P<owners>{_NAMES})\)\s*(?P<task>.+)")))
# In a list of action items the owner is written in more ways: "Tomasz: update the wiki",
# "[Ana] send the survey", "review the budget (Kenji, due 2024-05-01)", "Fatima to ping infra".
_ACTION_ENTRIES = (
    ("action list: NAME: task", re.compile(rf"(?P<owners>{_NAMES})\s*[:–—]\s+(?P<task>.+)")),
    ("action list: [NAME] task", re.compile(rf"\[(?P<owners>{_NAMES})\]\s*[:–—-]?\s*(?P<task>.+)")),
    ("action list: task (NAME)", re.compile(rf"(?P<task>.+?)\s*\((?P<owners>{_NAMES})(?:\s*[,;]\s*(?P<due>[^)]*))?\)\s*\.?\Z")),
    ("action list: task - NAME", re.compile(rf"(?P<task>.+?)\s+[–—-]{{1,2}}\s+(?P<owners>{_NAMES})\s*\.?\Z")),
) + _NAME_TO + _ACTION_SENTENCES

_GROUP = r"(?:the\s+)?(?:board|committee|tc|council|group|meeting|team|steering committee|we|attendees|participants|everyone|all|members|maintainers)"
_GROUP_DECIDED = re.compile(r"\b(?:we|the (?:board|committee|council|group|team|pmc|tc|meeting))\s+(?:\w+\s+)?"
                            r"(?:decided|agreed|resolved|voted|approved)\b|\bit was (?:agreed|decided|resolved)\b",
                            re.IGNORECASE)
_DECISION_SENTENCES = (
    ("prose: the group voted to", re.compile(
        rf"\b{_GROUP}\s+(?:(?:have|has)\s+)?(?:unanimously\s+|formally\s+|also\s+)?(?:voted|agreed|decided|resolved)\s+"
        rf"(?:(?:unanimously|by [\w -]+)\s+)?(?:to\s+|that\s+|on\s+|(?=not\s+to\s))(?P<what>.+)", re.IGNORECASE)),
    ("prose: the group settled on", re.compile(rf"\b{_GROUP}\s+(?:also\s+)?settled\s+on\s+(?P<what>.+)", re.IGNORECASE)),
    ("prose: it was agreed", re.compile(
        r"\bit\s+(?:was|has been|is)\s+(?:(?:unanimously|also|then)\s+)?(?:agreed|decided|resolved)\s+(?:to|that|on)\s+(?P<what>.+)",
        re.IGNORECASE)),
    ("prose: consensus", re.compile(
        r"\b(?:the\s+)?consensus\s+(?:was|is|was reached|emerged)\s+(?:to|that|on)\s+(?P<what>.+)", re.IGNORECASE)),
    ("prose: the group approved", re.compile(
        rf"\b{_GROUP}\s+(?:unanimously\s+)?(?P<what>(?:approved|accepted|adopted|rejected|endorsed|ratified)\s+.+)",
        re.IGNORECASE)),
    ("prose: it was approved", re.compile(
        r"\A(?P<what>(?:the|our|a|an)\s+(?!question|idea|issue)[^,;]{3,120}?\s+(?:was|were)\s+(?:formally\s+|unanimously\s+)?"
        r"(?:approved|accepted|adopted|ratified|agreed)\b(?!\s+(?:by\s+)?(?:last|earlier|previously|upstream)).*)", re.IGNORECASE)),
    ("prose: RESOLVED that", re.compile(r"\A(?:RESOLVED|Resolved),?\s+(?:that\s+)?(?P<what>.+)")),
    ("prose: motion carried", re.compile(
        r"\b(?:the\s+)?motion\s+to\s+(?P<what>.+?)\s+(?:was\s+)?(?:carried|passed|approved|adopted)\b", re.IGNORECASE)),
)
# Sentences that talk about deciding without a decision: future votes, open questions, failures.
_NOT_DECIDED = re.compile(r"\A(?:none|nothing|n/a|tbd)\b|\b(will vote|to vote on|no decision|not (?:yet )?(?:decided|agreed)|did not agree|"
                          r"didn't agree|could not agree|couldn't agree|undecided|postponed|deferred|tabled)\b|\?\s*\Z",
                          re.IGNORECASE)
_CONDITIONAL = re.compile(r"\s*(?:if|unless|should|whether|maybe|perhaps)\b", re.IGNORECASE)
# "Once Thanh's migration has landed, I'll ...": a time, not a condition; the task follows it.
_WHEN_CLAUSE = re.compile(r"\A\s*(?:once|after|when|as soon as)\b[^,]{0,100}?(?:,\s*|\s+(?=I'll|I will))", re.IGNORECASE)

# "by Friday", "before 2024-06-01", "due March 15", "by the end of the month", "by the next meeting".
_DUE = re.compile(r"[,;]?\s*\(?\b(?:(?:a|one|two|\d+) (?:days?|weeks?) )?(?:due(?:\s+(?:by|on))?|by|before|no later than|within|in)\s+(?P<when>(?:the\s+)?(?:"
                  r"(?:a|one|two|three|four|\d{1,2})\s+(?:days?|weeks?)\b(?!\s+(?:ago|later))|"
                  r"end of (?:the\s+)?(?:next\s+)?(?:week|month|year)|next (?:meeting|call|week)|\d{4}-\d\d-\d\d|"
                  r"tomorrow'?s? (?:meeting|session|call)|(?:[\w']+\s+)?(?:meeting|meetup|call|session|summit)|"
                  r"(?:next\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|"
                  r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|"
                  r"\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*(?:\s+\d{4})?))"
                  r"\)?", re.IGNORECASE)


def looks_like_minutes(subject: str, body: str) -> bool:
    """Tell whether a message is minutes: a minutes-like subject with some structure, or strong structure alone."""
    if _REPLY.match(subject):
        return False  # a reply quotes minutes; its own words are discussion
    lines = [line for line in _own_lines(body) if line]
    signals = {
        "attendees": any(_ATTENDEES.match(line) for line in lines),
        "agenda": any(_AGENDA.fullmatch(line) and len(line) < 40 for line in lines),
        "topics": _title_count(body) >= 2,
        "sections": any(_is_heading(line, _ACTIONS_HEADING) or _is_heading(line, _DECISIONS_HEADING)
                        or _LABEL.fullmatch(line) for line in lines),
        # Minutes written as a letter have no structure, but record what the group decided.
        "decided": sum(1 for line in lines if _GROUP_DECIDED.search(line)) >= 1,
    }
    count = sum(signals.values())
    return count >= 1 if _SUBJECT.search(subject) else signals["attendees"] and count >= 2


def _title_count(body: str) -> int:
    """Count the lines that title a topic: numbered, "## ", underlined, or short and standing alone."""
    lines = [""] + _own_lines(body) + [""]
    count = 0
    for before, line, after in zip(lines, lines[1:], lines[2:]):
        alone = not before.strip() and (not after.strip() or bool(_BULLET.match(after))) and 0 < len(line.split()) <= 8
        if (_heading(line, after, in_list=False) or ("", ""))[0] == "topic" or (
                alone and not line.rstrip().endswith((".", ",", ";", ":", "!", "?")) and line[:1].isupper()):
            count += 1
    return count


def _is_heading(line: str, pattern: re.Pattern[str]) -> bool:
    """Tell whether a line is a section heading ("Action items:"), not a sentence starting with the word."""
    match = pattern.fullmatch(line)
    if match is None:
        return False
    return not match.group(2) or line.strip().split(":")[0].strip("#* ").casefold() == match.group(1).casefold()


def _own_lines(body: str) -> list[str]:
    """Return the body's lines up to the signature, with quoted lines blanked (keeping line numbers)."""
    kept = []
    lines = body.split("\n")
    for index, line in enumerate(lines):
        # "-- " starts a signature; a bare "--" does only near the end (elsewhere it underlines a title).
        if line == "-- " or (line.rstrip() == "--" and len(lines) - index <= SIGNATURE_NEAR_END):
            break
        kept.append("" if line.lstrip().startswith(">") else line.rstrip())
    return kept


def read_minutes(body: str, *, message_id: str, date: datetime | None, author: str = "") -> ProseMinutes:
    """Return a minutes message's attendees, topics, and the action items and decisions in it.

    The author owns what the minutes say "I'll" do.
    """
    lines = _own_lines(body)
    aliases = nick_aliases(lines)
    lines = [_with_names(line, aliases) for line in lines]
    attendees = _attendees(lines)
    people = attendees + tuple(name for name in _mentioned_names(lines) if name not in attendees)
    # When the minutes say who was there, only they (and the writer) take on tasks in it.
    allowed = attendees + ((author,) if author else ()) if len(attendees) >= 2 else ()
    topics: list[str] = []
    found: list[ExtractedItem] = []
    day = date.date() if date else None
    for section, number, text, topic_line in _entries(lines, topics):
        text = re.sub(r"\A(?:AI|ACTION)\s+(?=[A-Z][^:]{0,40}:)", "", text)
        if section == "actions":
            item = _action(text, _ACTION_ENTRIES, people, day, author, allowed)
        elif section == "decisions":
            # "Outcome: none yet. Kenji to ask ..." holds an action beside (or instead of) the decision.
            item = _action(text, _NAME_TO, people, day, author, allowed) or _listed_decision(text)
        elif section in ("list", "actions") and (done := _REPORTED_DONE.fullmatch(text)):
            item = ("done", _cleaned(done["task"]), (), None, "list: reported done")  # closes an earlier action
        elif section == "list":
            item = _action(text, _LIST_ENTRIES, people, day, author, allowed) or _sentence_decision(text)
        else:
            item = _action(text, _ACTION_SENTENCES, people, day, author, allowed) or _sentence_decision(text)
        if item is not None:
            kind, what, owners, due, rule = item
            found.append(ExtractedItem(kind, what, owners, date, "message", message_id, number, rule, due, topic_line))
    return ProseMinutes(attendees, tuple(topics), tuple(found))


# "Kofi Asante (@kasante)", "samb (Samira Benali)": a person's nick beside their name.
_NAME_THEN_NICK = re.compile(r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*\(\s*@?(?P<nick>[a-z][\w.-]{1,30})\s*\)")
_NICK_THEN_NAME = re.compile(r"(?<![\w@])(?P<nick>[a-z][\w.-]{1,30})\s*\(\s*(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*\)")


def nick_aliases(lines: list[str]) -> dict[str, str]:
    """Return the full name of each nick the minutes give beside a name (in either order)."""
    text = " ".join(line.strip() for line in lines)
    found = {m["nick"]: m["name"] for m in _NAME_THEN_NICK.finditer(text)}
    found.update({m["nick"]: m["name"] for m in _NICK_THEN_NAME.finditer(text)})
    return {nick: name for nick, name in found.items() if nick not in _ROLES}


# What minutes put in parentheses after a name that is a role, not a nick: "Sofia Rossi (notes)".
_ROLES = frozenset("""notes chair chairs cochair co-chair remote me scribe minutes host guest secretary treasurer
president lead observer visitor regrets late left partial apologies invited staff editor editors""".split())


def _with_names(line: str, aliases: dict[str, str]) -> str:
    """Return a line with known nicks written as names: "@kasante to ..." and "<samb> I'll ..." read as names do."""
    if not aliases:
        return line
    said = re.match(r"(\s*<(?P<nick>[\w.-]+)>\s+)(?:I'll|I will)\b", line)
    if said and said["nick"] in aliases:
        line = f"{said.group(1)}{aliases[said['nick']]} will" + line[said.end():]  # still quoted from IRC
    return re.sub(r"(?<![\w/.<-])@?([a-z][\w.-]{1,30})\b(?!\s*\()",
                  lambda m: aliases.get(m.group(1), m.group(0)) if m.group(1) in aliases else m.group(0), line)


def _attendees(lines: list[str]) -> tuple[str, ...]:
    """Return the names listed after "Attendees:"/"Present:" (on its line or in the list below it)."""
    for index, line in enumerate(lines):
        match = _ATTENDEES.match(line)
        if match is None:
            continue
        text, names = match[2], []
        for following in lines[index + 1 :]:
            bullet = _BULLET.match(following)
            if bullet:
                names += _split_names(bullet[1])
            elif following.strip() and ":" not in following and not names:
                text += " " + following.strip()  # the line wrapped, perhaps within a name
            else:
                break
        return tuple(_split_names(text) + names)
    return _attendees_in_prose(lines)


# "all five members attended both meetings: A, B and C", "A few of us (A, B and C) stayed behind".
_ATTENDED = re.compile(r"\b(?:attended|attending|present|joined|were there|was there|stayed behind|took part|"
                       r"few of us|those present|of us|regulars were|attendees were)\b[^.:()]{0,60}?[:(]?\s*(?P<names>[^.:]+)",
                       re.IGNORECASE)


def _attendees_in_prose(lines: list[str]) -> tuple[str, ...]:
    """Return the people a sentence says attended, when the minutes have no attendees line."""
    text = " ".join(line.strip() for line in lines)
    for match in _ATTENDED.finditer(text):
        names = _split_names(match["names"])
        if sum(1 for name in names if len(name.split()) > 1) >= 2:
            return tuple(names)
    return ()


def _mentioned_names(lines: list[str]) -> tuple[str, ...]:
    """Return the full names ("Valentina Greco") the minutes mention anywhere, for first names to resolve to."""
    found = re.findall(r"\b[A-Z][a-z\u00C0-\u024F'’-]+\s+(?:(?:de|da|van|von|der)\s+)?[A-Z][\w'’-]+", " ".join(lines))
    return tuple(dict.fromkeys(name for name in found if name.split()[0].casefold() not in _NOBODY))


def _split_names(text: str) -> list[str]:
    """Return the names in "Jane Okafor (chair), Ravi Menon and Mei Lin" (and "samb (Samira Benali)")."""
    text = _NICK_THEN_NAME.sub(lambda match: match["name"], text)
    text = re.sub(r"\([^)]*\)|<[^>]*>", "", text)
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return [part.strip(" .") for part in parts if re.fullmatch(_NAME, part.strip(" ."))]


def _entries(lines: list[str], topics: list[str]) -> Iterator[tuple[str, int, str, int]]:
    """Yield (section, line number, text, topic's line) for every list entry and narrative sentence, collecting topics.

    A section ("actions", "decisions") lasts from its heading to the next plain paragraph; a
    labelled line ("Outcome: ...", "AI Ana: ...") is an entry of its own kind wherever it is.
    """
    section = "narrative"
    current = section  # the kind of the entry being read
    paragraph: list[tuple[int, str]] = []  # its (line number, text) pieces
    listed = False  # whether the section's list has begun (a plain paragraph then ends it)
    topic_line = 0  # where the topic in force was titled
    for number, line in enumerate(lines, 1):
        following = lines[number] if number < len(lines) else ""
        heading = _heading(line, following, in_list=section != "narrative")
        label = _LABEL.fullmatch(line) if heading is None else None
        bullet = _BULLET.match(line) if label is None else None
        if bullet is None and label is None and (said := re.match(r"\s*<[\w.-]+>\s+(\S.*)", line)):
            bullet = said  # a line quoted from IRC is an entry of its own
        starts = heading or label or bullet or _ATTENDEES.match(line) or _ABSENT.match(line)
        if starts or not line.strip():
            yield from _flushed(current, paragraph, topic_line)
            paragraph = []
        if heading is not None:
            kind, rest = heading
            if kind == "topic":
                topics.append(rest)
                topic_line = number
                section, current, listed = "narrative", "narrative", False
            elif rest:
                current, paragraph = kind, [(number, rest)]  # "Outcome: ..." is one entry, not a list
            else:
                section, current, listed = kind, kind, False
        elif label is not None:
            kind = next(name for name in ("decision", "action", "narrative") if label[name])
            current, paragraph = {"decision": "decisions", "action": "actions"}.get(kind, "narrative"), []
            if label["rest"]:
                paragraph = [(number, label["rest"])]
        elif _ATTENDEES.match(line) or _ABSENT.match(line) or _UNDERLINE.match(line):
            current, paragraph = "skip", [(number, "")]  # lines wrapped from it are skipped with it
        elif bullet:
            # A list outside an actions or decisions section may still be written "task (Name)" or "Name: task".
            current = "list" if section == "narrative" else section
            paragraph, listed = [(number, bullet[1])], True
        elif line.strip():
            if not paragraph:
                if not line.startswith((" ", "\t")) and section not in ("narrative", "agenda") and listed:
                    section = "narrative"  # a plain paragraph after a list ends the list
                current = section
            paragraph.append((number, line.strip()))
    yield from _flushed(current, paragraph, topic_line)


def _heading(line: str, following: str, *, in_list: bool) -> tuple[str, str] | None:
    """Return (section, text after the heading) when line heads a section or a topic.

    In a list, "1. Jane to ..." is an entry, so only "## Topic" or an underlined line starts a topic.
    """
    for section, pattern in (("actions", _ACTIONS_HEADING), ("decisions", _DECISIONS_HEADING)):
        if _is_heading(line, pattern):
            match = pattern.fullmatch(line)
            return section, match.group(2).strip() if match else ""
    if _AGENDA.fullmatch(line) and len(line) < 40:
        return "agenda", ""
    if line.strip() and _UNDERLINE.match(following) and len(line) < 80:
        return "topic", line.strip()
    topic = _TOPIC.match(line)
    if topic and in_list and re.match(r"\s*\d", line):
        return None
    if topic and not line.rstrip().endswith((".", ",", ";")) and len(topic[1].split()) <= 10:
        return "topic", topic[1].strip()
    return None


def _flushed(section: str, paragraph: list[tuple[int, str]], topic_line: int) -> Iterator[tuple[str, int, str, int]]:
    """Yield a paragraph as one list entry, or as its sentences when it is narrative."""
    if not paragraph or section in ("agenda", "skip"):
        return
    if section in ("decisions", "list"):
        for number, sentence in _sentences(paragraph):
            yield section, number, sentence, topic_line
        return
    if section != "narrative":
        yield section, paragraph[0][0], " ".join(text for _number, text in paragraph), topic_line
        return
    for number, sentence in _sentences(paragraph):
        yield section, number, sentence, topic_line


# In a list that is not headed as action items, only the layouts that say plainly who owns a task:
# "[Ana] send the survey", "send the survey (Ana)", "Ana to send the survey", and sentences.
_LIST_ENTRIES = tuple(rule for rule in _ACTION_ENTRIES if rule[0] in (
    "action list: [NAME] task", "action list: task (NAME)", "action list: NAME to task")) + _ACTION_SENTENCES

# "Kenji: renew the domain -- done", "draft the survey (done)": an earlier action reported done.
_REPORTED_DONE = re.compile(rf"(?:{_NAMES}\s*[:–—-]\s+)?(?P<task>.+?)\s*(?:--|—|–|-|:|\()\s*(?:done|completed|finished)\b.*",
                            re.IGNORECASE)


_SENTENCE_END = re.compile(r"[.!?;](?=\s+[A-Z\"(])")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Ms|Mrs|St)|\b[A-Z])\.\Z")


# Where one sentence holds several clauses: "Tomasz will update the doc, and Lars agreed to review it".
_CLAUSE_BREAK = re.compile(r"(?:,\s*(?:and|but|while|whereas)\s+|;\s*)(?=[A-Z])")
# What trails a task without being part of it: ", so we have something to compare against".
_TRAILER = re.compile(r"(?:,?\s+(?:so that|in order to|because|even though|although)\b|,\s+(?:so|since|as|which|given that|"
                      r"now that|but)\b|;|\s+[–—]\s+).*\Z")


def _main_clause(task: str) -> str:
    """Return a task without the reason or remark that trails it."""
    return _TRAILER.sub("", task)


def _sentences(paragraph: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Split a paragraph into sentences, each with the line it starts on."""
    text = ""
    starts: list[tuple[int, int]] = []
    for number, line in paragraph:
        starts.append((len(text), number))
        text += line + " "
    begin = 0
    for boundary in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        if boundary < len(text) and _ABBREVIATION.search(text[:boundary]):
            continue  # "e.g." or the initial of "J. Smith" ends no sentence
        sentence = text[begin:boundary]
        clause_start = 0
        for piece in [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]:
            clause = sentence[clause_start:piece].strip().rstrip(",;")
            if clause:
                yield max(number for offset, number in starts if offset <= begin + clause_start), clause
            clause_start = piece
        begin = boundary


Found = tuple[str, str, tuple[str, ...], date | None, str]


def _action(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...], attendees: tuple[str, ...],
            day: date | None, author: str, allowed: tuple[str, ...] = ()) -> Found | None:
    """Return the action a rule finds in text, with owners matched to the attendees."""
    if _CONDITIONAL.match(text):
        return None
    text = re.sub(r"\A\s*(?:also|then|finally|and)\s*,?\s+", "", _WHEN_CLAUSE.sub("", _cleaned(text)), flags=re.IGNORECASE)
    text = re.sub(r"\A[A-Z][\w'’ ]{0,24}:\s+(?=\S)", "", text) if not re.match(rf"{_NAMES}\s*:", text) else text
    for rule, pattern in rules:
        match = pattern.match(text)
        if match is None:
            continue
        owners = (author,) if match["owners"] == "I" and author else _owners(match["owners"], attendees)
        if allowed and any(owner not in allowed for owner in owners):
            continue  # a company or someone who was not there: an aside, not an assignment
        if owners:
            task, due = _due(_main_clause(re.sub(r"\A(?:also|then|now|still|again)\s+", "", match["task"])), day)
            stated = match.groupdict().get("due")
            if stated and due is None:
                due = _due(f"by {re.sub(r'^(?:due|by)[: ]+', '', stated.strip(), flags=re.I)}", day)[1]
            if task:
                return "action", task, owners, due, rule
    return None


def _owners(written: str, attendees: tuple[str, ...]) -> tuple[str, ...]:
    """Return the people in "Jane and Ravi", by their full names when the attendees list has them; () if nobody."""
    names = [name.strip() for name in re.split(r"\s*(?:,|\band\b|&|/|\+)\s*", written) if name.strip()]
    if not names or any(name.split()[0].casefold() in _NOBODY for name in names):
        return ()
    return tuple(_full_name(name, attendees) for name in names)


def _full_name(name: str, attendees: tuple[str, ...]) -> str:
    """Return a person's full name for a first name ("Jane" -> "Jane Okafor") when it is unambiguous.

    attendees holds the attendees first, then others the minutes name in full.
    """
    if name in attendees:
        return name
    matching = [attendee for attendee in attendees if attendee.split()[0] == name.split()[0]]
    if len(name.split()) > 1 or not matching:
        return name
    present = [attendee for attendee in matching if attendee in attendees[: len(matching)]]
    return matching[0] if len(set(matching)) == 1 else (present[0] if len(present) == 1 else name)


def _listed_decision(text: str) -> Found | None:
    """Return an entry of a list of decisions as a decision (what a rule finds in it, else the entry)."""
    if _NOT_DECIDED.search(text):
        return None
    what, rule = _decision(text) or (_cleaned(text), "decision list")
    return ("decision", what, (), None, rule) if what else None


def _sentence_decision(text: str) -> Found | None:
    """Return the decision a narrative sentence records, if it records one."""
    decided = _decision(text)
    return ("decision", decided[0], (), None, decided[1]) if decided else None


def _decision(text: str) -> tuple[str, str] | None:
    """Return (what was decided, rule) from a sentence that records a decision."""
    text = _cleaned(text)
    if _NOT_DECIDED.search(text) or _CONDITIONAL.match(text):
        return None
    for rule, pattern in _DECISION_SENTENCES:
        match = pattern.search(text)
        if match:
            return _main_clause(match["what"]).strip().rstrip("."), rule
    return None


def _cleaned(text: str) -> str:
    """Return an entry without list markers, markup emphasis and its closing full stop."""
    text = re.sub(r"\s+", " ", text).strip().strip("*_").strip()
    text = re.sub(r"\A(?:agreed|decided|decision|resolved|action)\s*[:-]\s*", "", text, flags=re.IGNORECASE)
    return text.rstrip(".").strip()


def _due(task: str, day: date | None) -> tuple[str, date | None]:
    """Return the task without its due-date phrase, and the date it names (None when vague or unknown)."""
    match = _DUE.search(task)
    if match is None:
        return task.strip().rstrip(".").strip(), None
    rest = (task[: match.start()] + task[match.end() :]).strip().rstrip(".,;").strip()
    return rest, _due_date(match["when"], day)


def _due_date(when: str, day: date | None) -> date | None:
    """Return the day a due phrase names, counted from the meeting's day."""
    when = when.casefold().removeprefix("the ").strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", when):
        return date.fromisoformat(when)
    if day is None or when.startswith("next meeting") or when.startswith("next call"):
        return None
    if when.startswith("tomorrow"):
        return day + timedelta(days=1)
    span = re.fullmatch(r"(a|one|two|three|four|\d{1,2})\s+(day|week)s?", when)
    if span:
        count = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(span[1]) or int(span[1])
        return day + timedelta(days=count * (7 if span[2] == "week" else 1))
    if when.endswith(("meeting", "meetup", "call", "session", "summit")):
        return None  # a meeting whose date the phrase does not give
    if when.startswith("end of"):
        unit = when.split()[-1]
        if " next " in f" {when} ":
            day = day + timedelta(days=7 if unit == "week" else 0)
            if unit == "month":
                day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        if unit == "week":
            return day + timedelta(days=(4 - day.weekday()) % 7)
        if unit == "year":
            return date(day.year, 12, 31)
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if when == "next week":
        return day + timedelta(days=7 - day.weekday())
    weekday = re.fullmatch(r"(next\s+)?(\w+day)", when)
    if weekday:
        target = list(calendar.day_name).index(weekday[2].capitalize()) if weekday[2].capitalize() in calendar.day_name else None
        if target is None:
            return None
        return day + timedelta(days=(target - day.weekday() - 1) % 7 + 1)
    try:
        named = date_parser.parse(when, default=datetime(day.year, day.month, day.day)).date()
    except (ValueError, OverflowError):
        return None
    if named < day and not re.search(r"\d{4}", when):
        named = named.replace(year=named.year + 1)  # "by January 10" in December minutes
    return named
