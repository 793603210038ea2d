"""Minutes that people write as prose and post to a list: recognise them, then find who attended,
the topics, the action items (with owners and due dates) and the decisions (pure).

Only a message that reads as minutes is read this way; ordinary discussion never is, because
"Jane will send a patch" in a review is a remark, not an assignment. Every rule is a readable
pattern, named in the items it finds, so a reader can see why something was taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

from archive import actions
from archive.due_dates import DATE_IN_BRACKETS, split_due
from archive.models import ExtractedItem, ProseMinutes

_SUBJECT = re.compile(
    r"\b(minutes|meeting notes|notes (?:from|of)|recap|readout|wrap-?up|write-?up|debrief|(?:meeting|mtg|call|summit|session|sync|standup|"
    r"meetup|ptg|council|board|committee|teleconference|telecon|round ?table|retro(?:spective)?|planning|sprint|hackathon|"
    r"workshop)\b.*\b(?:summary|recap|notes|report|readout|update|(?:ether)?pad|outcomes?)|(?:ether)?pad\b.*\b(?:meeting|mtg|call|"
    r"session|sync|summit|sprint))\b", re.IGNORECASE)
_REPLY = re.compile(r"\s*(re|aw|sv|fwd?)\s*:", re.IGNORECASE)
# "Present:", "Voting members present (5):", "Also present:", "Guests:", "On the call:".
# "Here:" and "There:" only open a line: "Two changes here:" in a patch lists no people.
_PRESENT_WORDS = r"attendees|attendance|attending|present on [\w.-]+|present|participants|in attendance|people present|who was there|who attended|on the call|" \
                 r"guests?|took part|around the table|people"
_ATTENDEES = re.compile(rf"\s*(?:[*#-]+\s*)?(?:(?:(?!not\b)[A-Za-z]+\s+){{0,2}}?(?=(?:{_PRESENT_WORDS})\b)|(?=(?:here|there)\s*:))"
                        rf"({_PRESENT_WORDS}|here|there)(?:\s*\([^)]*\))?[*_]*\s*:[*_]*\s*(.*)", re.IGNORECASE)
# "## Attendees" or "Attendance" alone on its line, with the people listed below it.
_ATTENDEES_HEADING = re.compile(r"\s*(?:#+\s*)?(?:attendees|attendance|present|participants|in attendance|who was there)"
                                r"\s*(?:\([^)]*\))?\s*:?\s*", re.IGNORECASE)  # "Attendees (add yourself: nick - name)"
_ABSENT = re.compile(r"\s*(?:[*#-]+\s*)?(?:[A-Za-z]+\s+){0,2}?(absent|regrets|apologies|not present)(?:\s*\([^)]*\))?[*_]*\s*:[*_]*\s*(.*)",
                     re.IGNORECASE)
_AGENDA = re.compile(r"\s*(?:#+\s*)?agenda\s*:?\s*(.*)", re.IGNORECASE)
_ACTIONS_HEADING = re.compile(r"\s*(?:#+\s*|={2,}\s*|[-*•+]\s+)?[*_]*(?:new\s+)?(action items?(?: summary| recap| list)?|actions|ais|action points|"
                              r"next steps|to-?dos?|follow[- ]ups?)[*_]*\s*:?[*_]*\s*(?:={2,}\s*)?(.*)", re.IGNORECASE)
_DECISIONS_HEADING = re.compile(r"\s*(?:#+\s*|={2,}\s*|[-*•+]\s+)?[*_]*(decisions?(?: made)?|resolutions?|agreed|agreements|outcomes?)[*_]*\s*:?[*_]*"
                                r"\s*(?:={2,}\s*)?(.*)", re.IGNORECASE)
_TOPIC = re.compile(r"\s*(?:(?:\d+[.)]|#{1,4}|(?:topic|item)\s*\d*\s*:)\s*)(\S.{0,80})\s*\Z|\s*={2,}\s*(?:\d+[.)]\s*)?(\S.{0,80}?)\s*={2,}\s*",
                    re.IGNORECASE)  # "2. Budget", "## Budget", "Topic 2: Budget", "== 2. Budget =="
# Labelled lines inside a topic: "Outcome: ...", "AI Ana: ...", "Discussion: ...".
_LABEL = re.compile(r"\s*(?:[-*•+]\s+)?[*_]*(?:(?P<decision>outcome|decision|decided|resolution(?:\s+\d+)?|resolved|agreed|conclusion|"
                    r"conclusions|consensus|agreement)[*_]*\s*:|(?P<action>AI|AP|action(?: item| point)?|todo)[*_]*(?:\s*:|(?=\s+@?[A-Za-z][^:]{0,40}:))|"
                    r"(?P<narrative>discussion|notes?|summary|background)\s*:)\s*(?P<rest>.*)",
                    re.IGNORECASE)
_UNDERLINE = re.compile(r"\s*(?:-{2,}|={2,})\s*\Z")
# A bare "--" this close to the end of a message starts its signature.
SIGNATURE_NEAR_END = 8
_BULLET = re.compile(r"\s*(?:(?:[-*•+]|\d+[.)]|[a-z][.)])\s+|(?=\[[ xX✓✔]?\]\s))(\S.*)")  # "[ ] task" is an entry too

# A person as minutes name them: one to three capitalised words ("Jane", "Jane Okafor", "Ana de Souza").
_CAPITAL = "A-ZÀ-ÖØ-Þ\u0100-\u024F"  # Latin Extended-A and -B mix cases, but names in it start with capitals
_NAME = rf"[{_CAPITAL}][\w'’.-]*(?:\s+(?:de|da|dos|das|du|di|van|von|der|del|la|le|ter|ten|bin|ibn|[{_CAPITAL}][\w'’.-]*)){{0,3}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|and|&|/|\+)\s*(?:{_NAME}|me\b|i\b))*"  # "Marta and me", "Tim and i" in notes written in lower case
# Last words of the names of companies and bodies, which take on no tasks in minutes ("Brightline Analytics agreed to ...").
_ORGANISATIONS = frozenset("""analytics inc ltd llc gmbh labs lab foundation corp corporation company systems technologies
software university institute group team project committee board council association society agency services""".split())
# Words that begin sentences the way names do, but are nobody.
_NOBODY = frozenset("""the a an we i you he she they it this that there someone somebody everyone everybody all
nobody anyone board committee team group meeting council tc project foundation community also then next after
motion proposal vote thanks
later last if when unless once as so but and or for with no not some most many each both either people tbd tba
none n/a who what when owner owners task welcome hi hello dear cheers apologies sorry nothing agreed decided resolved
action todo done note notes on in at by from to of during since until before every""".split())
# Days and months, which stand in brackets where owners do ("ESM migration plan (Wed)"), but some people are named Jun or Thu.
_CALENDAR = frozenset("""mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
jan feb mar apr jun jul aug sep sept oct nov dec january february march september october november december""".split())

_TASK_VERBS = (r"(?:(?:has |have |also |kindly |happily )?(?:agreed|volunteered|offered|promised|undertook|committed|signed up|"
               r"plans|intends)|is going|are going|['’]s going|will try|(?:was|were|has been|have been|is|are) (?:asked|tasked|assigned)|"
               r"(?:took|takes|has|have|gets|got) (?:an|the) (?:action|AI|task)(?: item)?)")
# Verbs that say a task plainly, for minutes that write it in the present: "Jörg writes the blog post".
_TASK_VERB_BASES = ("write", "send", "ask", "make", "prepare", "create", "update", "contact", "check", "post", "book", "organise",
                    "organize", "draft", "fix", "open", "file", "set up", "review", "publish", "announce", "call", "email", "mail",
                    "invite", "order", "buy", "collect", "take care of", "look into", "find out", "reach out", "follow up",
                    "circulate", "schedule", "coordinate", "give", "bring", "handle", "inform", "ping", "remind", "ring", "arrange",
                    "test", "translate", "upload", "proofread", "provision", "add", "submit", "investigate")


def _third_person(verb: str) -> str:
    """Return a verb as "she ..." says it: "fix" -> "fixes", "set up" -> "sets up", "write" -> "writes"."""
    first, _, rest = verb.partition(" ")
    first = first + ("es" if first.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
    return f"{first} {rest}".strip()


_PRESENT_TASK_VERBS = "|".join(map(_third_person, _TASK_VERB_BASES))
_ACTION_SENTENCES = (
    ("prose: NAME to", re.compile(rf"(?P<owners>{_NAMES})\s+to\s+(?P<task>(?!be\b|the\b|a\b)[a-z]\w+\b.+)")),
    ("prose: NAME agreed to", re.compile(rf"(?P<owners>{_NAMES})(?:\s+|(?=['’]s going)){_TASK_VERBS}\s+(?:to|of)\s+(?P<task>.+)")),
    ("prose: NAME was tasked with", re.compile(rf"(?P<owners>{_NAMES})\s+(?:was|were|has been|have been)\s+tasked\s+"
                                               rf"with\s+(?P<task>.+)")),
    ("prose: NAME said they'd", re.compile(
        rf"(?P<owners>{_NAMES})\s+(?:said|says|mentioned|confirmed|promised)\s+(?:that\s+)?(?:he|she|they)(?:'d|’d|'ll|’ll|"
        rf"\s+would|\s+will)\s+(?P<task>.+)")),
    ("prose: I'll", re.compile(r"(?P<owners>[Ii])(?:'ll|’ll| will| am going to| agreed to| volunteered to| offered to)\s+"
                               r"(?P<task>.+)")),
    ("prose: NAME will", re.compile(rf"(?P<owners>{_NAMES})\s+(?:(?:also|then|now|kindly)\s+)?(?:will|shall|is to|are to)\s+"
                                    rf"(?!be\b|not\b|have\b|need\b)(?P<task>.+)")),
    # "jkb has a branch that silences them and will open the PR", "Mei knows someone there and is going to ask them"
    ("prose: NAME ... and will", re.compile(rf"(?P<owners>{_NAMES})\s+[a-z]+\b[^;]*?\s+and\s+(?:will|is going to|agreed to|offered to|"
                                            rf"volunteered to|promised to)\s+(?!be\b|not\b|have\b|need\b|stay\b|remain\b)(?P<task>[a-z].+)")),
    ("prose: assigned to NAME", re.compile(rf"(?i:assigned\s+to|owner)\s+(?P<owners>{_NAMES})\s*[:–—]\s*(?P<task>.+)")),
    ("prose: asked NAME to", re.compile(rf"(?:[Ww]e|[Tt]he \w+|[Ii])(?:'ll|’ll|\s+will)?\s+(?:also\s+)?ask(?:ed)?\s+(?P<owners>{_NAMES})\s+to\s+"
                                        rf"(?P<task>.+)")),
    # Minutes written in the present for what each will do: "Jörg writes the blog post", "Piotr asks his colleague ...".
    ("prose: NAME does", re.compile(rf"(?P<owners>{_NAMES})\s+(?P<task>(?:{_PRESENT_TASK_VERBS})\s+"
                                    rf"(?!(?:whether|if|why|how|what|who|when|that)\b).+)")),  # not "Ravi asks whether ..."
    ("prose: action on NAME", re.compile(rf"(?:ACTION|[Aa]ction|AI)\s+(?:on|for)\s+(?P<owners>{_NAMES})\s*(?::|to)\s+(?P<task>.+)")),
)
_NAME_TO = (("action list: NAME to task", re.compile(rf"(?P<owners>{_NAMES})\s+(?:to|will|should|shall)\s+(?P<task>.+)")),
            ("action list: assigned to NAME", re.compile(rf"(?:assigned to|owner:?)\s+(?P<owners>{_NAMES})\s*[:–—-]\s*(?P<task>.+)",
                                                         re.IGNORECASE)),
            ("action list: (NAME) task", re.compile(rf"\((?P<owners>{_NAMES})\)\s*(?P<task>.+)")))
# In a list of action items the owner is written in more ways: "Tomasz: update the wiki",
# "[Ana] send the survey", "review the budget (Kenji, due 2024-05-01)", "Fatima to ping infra".
_OWNER_LABEL = r"(?i:owners?|assigned(?:\s+to)?|assignee|who|lead|task)"
_ACTION_ENTRIES = (
    ("action list: NAME: task", re.compile(rf"(?P<owners>{_NAMES})\s*(?:[:–—]|\s--?)\s+(?P<task>.+)")),
    ("action list: [NAME] task", re.compile(rf"\[(?P<owners>{_NAMES})\]\s*[:–—-]?\s*(?P<task>.+)")),
    ("action list: task (NAME)", re.compile(rf"(?P<task>.+?)\s*\((?:{_OWNER_LABEL}\s*:?\s*)?(?P<owners>{_NAMES})"
                                            rf"(?:\s*[,;]\s*(?P<due>[^)]*))?\)(?:\s+(?P<after>(?:by|before|due|until)\s.+?))?\s*\.?\Z")),
    ("action list: task, owner: NAME", re.compile(rf"(?P<task>.+?)[.,;]?\s+{_OWNER_LABEL}\s*:\s*(?P<owners>{_NAMES})"
                                                  # "..., due 20 April", "... Due: 20 April", "... (volunteered)"
                                                  rf"(?:\s*(?:[,;]|\s(?i:due)\s*:)\s*(?P<due>.*?))?(?:\s*\([a-z][^)]*\))?"
                                                  rf"\s*\.?\Z")),
    ("action list: task - NAME", re.compile(rf"(?P<task>.+?)\s+(?:[–—-]{{1,2}}>?|→|=>)\s+(?P<owners>{_NAMES})(?:\s*,\s*(?P<due>.+?))?\s*\.?\Z")),
    ("action list: task [NAME]", re.compile(rf"(?P<task>.+?)\s*\[(?P<owners>{_NAMES})\]\s*\.?\Z")),
    # "Who: Mei Ling  What: sign the contract  When: 20 January", "Owner: Sarah Goldberg - Forward ... Due: 2024-05-10"
    ("action list: who/what/when", re.compile(r"(?i:who)\s*:\s*(?P<owners>[^:]+?)\s+(?i:what)\s*:\s*(?P<task>.+?)"
                                              r"(?:\s+(?i:when)\s*:\s*(?P<due>.+?))?\s*\.?\Z")),
    ("action list: owner - task", re.compile(rf"(?i:owners?)\s*:\s*(?P<owners>{_NAMES})\s*[-–—:]\s*(?P<task>.+?)\.?"
                                             rf"(?:\s+(?i:due)\s*:\s*(?P<due>.+?))?\s*\.?\Z")),
) + _NAME_TO + _ACTION_SENTENCES + (
    ("action list: NAME task", re.compile(rf"(?P<owners>{_NAMES})\s+(?P<task>(?!and\b)[a-z]{{3,}}\b.+)")),)
_BODIES = r"(?:board|committee|council|group|team|pmc|tsc|tc|sc|toc|tag|wg|sig|panel|meeting|members|maintainers|organi[sz]ers|attendees|participants|lab|space|community)"
# Who decides in minutes: "the board", "the working group", "the PMC", "we", "everyone".
_GROUP = rf"(?:the\s+(?:[\w-]+\s+)?{_BODIES}\b|{_BODIES}\b|we|everyone|everybody|all(?:\s+of\s+us)?)"
_GROUP_DECIDED = re.compile(r"\b(?:we|the (?:board|committee|council|group|team|pmc|tc|meeting))\s+(?:\w+\s+)?"
                            r"(?:decided|agreed|resolved|voted|approved)\b|\bit was (?:agreed|decided|resolved)\b",
                            re.IGNORECASE)
_DECISION_SENTENCES = (
    ("prose: the group voted to", re.compile(
        rf"\b{_GROUP}\s+(?:(?:have|has)\s+)?(?:unanimously\s+|formally\s+|also\s+)?(?:voted|agreed|decided|resolved)\s+"
        rf"(?:(?:unanimously|by [\w -]+)\s+)?(?:to\s+|that\s+|on\s+|(?=not\s+to\s))(?P<what>.+)", re.IGNORECASE)),
    ("prose: the group settled on", re.compile(rf"\b{_GROUP}\s+(?:also\s+)?(?:settled\s+on|chose|picked|selected|opted\s+for|went\s+with)"
                                               rf"\s+(?P<what>.+)", re.IGNORECASE)),
    ("prose: it was agreed", re.compile(
        r"\bit\s+(?:was|has been|is)\s+(?:(?:unanimously|also|then)\s+)?(?:agreed|decided|resolved)\s+(?:to|that|on)\s+(?P<what>.+)",
        re.IGNORECASE)),
    ("prose: consensus", re.compile(
        r"\b(?:the\s+)?consensus\s*(?:(?:was|is|was reached|emerged)\s+)?(?:to|that|on|:)\s*(?P<what>.+)", re.IGNORECASE)),
    ("prose: the group approved", re.compile(
        rf"\b{_GROUP}\s+(?:(?:have|has)\s+)?(?:unanimously\s+)?(?P<what>(?:approved|accepted|adopted|rejected|endorsed|ratified)\s+.+)",
        re.IGNORECASE)),
    ("prose: it was approved", re.compile(
        r"\A(?P<what>(?:(?:the|our|a|an)\s+)?(?!question|idea|issue)[^,;]{3,120}?\s+(?:was|were|is|are)\s+(?:formally\s+|unanimously\s+)?"
        r"(?:approved|accepted|adopted|ratified|agreed|cancell?ed)\b(?!\s+(?:by\s+)?(?:last|earlier|previously|upstream)).*)", re.IGNORECASE)),
    # "Backport of #4820 approved", "Backport of #4822 declined; ...": a list's verdict on one thing.
    ("prose: X approved", re.compile(r"\A(?P<what>[A-Z][^,;:]{3,80}?\s+(?:approved|accepted|declined|rejected))\s*(?:[;,(].*)?\Z")),
    ("prose: agreed to", re.compile(r"\A(?:[A-Z][\w'’ ]{0,24}:\s+)?(?i:agreed|decided)\s+(?:to|that)\s+(?P<what>.+)")),
    ("prose: +1 from everyone", re.compile(r"\A\+1 from (?:everyone|everybody|all)(?: present)?\s+(?:to|on|for)\s+(?P<what>.+)",
                                           re.IGNORECASE)),
    ("prose: RESOLVED that", re.compile(r"\A(?:RESOLVED|Resolved|RESOLUTION(?:\s+\d+)?)[,:]?\s+(?:that\s+)?(?P<what>.+)")),
    ("prose: declared elected", re.compile(r"\bdeclared\s+(?P<what>.+?\s+(?:duly\s+)?elected\b.*)", re.IGNORECASE)),
    ("prose: motion carried", re.compile(
        r"\b(?:the\s+)?motion\s+to\s+(?P<what>.+?)\s+(?:was\s+)?(?:carried|passed|approved|adopted)\b", re.IGNORECASE)),
)
# Sentences that talk about deciding without a decision: future votes, open questions, failures.
_NOT_DECIDED = re.compile(r"\A(?:none|nothing|n/a|tbd)\b|\b(lazy consensus|will vote|to vote on|no decision|not (?:yet )?(?:decided|agreed)|did not agree|"
                          r"didn't agree|could not agree|couldn't agree|undecided|postponed|deferred|tabled)\b|\?\s*\Z",
                          re.IGNORECASE)
# "In November the PMC voted to ...", "Noor mentioned that last year the SIG agreed to ...": an earlier decision, reported.
_DECIDED_BEFORE = re.compile(r"\b(?:(?:last (?:year|month|week|time)|in (?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|\d{4})|"
                             r"previously|back in \w+)\s*,?\s+(?:the\s+[\w-]+|we)\s+(?:decided|agreed|voted|resolved|approved)|"
                             r"(?:had|previously)\s+(?:decided|agreed|voted|resolved|approved)|"
                             r"(?:mentioned|reminded \w+|recalled|noted) that)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\s*(?:if|unless|should|whether|maybe|perhaps)\b", re.IGNORECASE)
# "Once Thanh's migration has landed, I'll ...": a time, not a condition; the task follows it.
_WHEN_CLAUSE = re.compile(r"\A\s*(?:once|after|when|as soon as)\b[^,]{0,100}?(?:,\s*|\s+(?=I'll|I will))", re.IGNORECASE)

def looks_like_minutes(subject: str, body: str) -> bool:
    """Tell whether a message is minutes: a minutes-like subject with some structure, or strong structure alone."""
    lines = [line for line in _own_lines(body) if line]
    if _REPLY.match(subject) or re.search(r"\(was:|\?\s*(?:\(|\Z)", subject, re.IGNORECASE):
        # a reply quotes minutes, a question asks one: their own words are discussion, unless they are the minutes
        opening = " ".join(lines[:3])  # "Minutes inline below", "here the notes of yesterday infra meeting"
        return bool(re.search(r"\b(?:minutes|notes|summary|recap)\b", opening, re.IGNORECASE)) and any(_ATTENDEES.match(line) for line in lines)
    labelled = any(_ATTENDEES.match(line) or _ATTENDEES_HEADING.fullmatch(line) for line in lines)
    signals = {
        # "Present: ..." that names people ("Two changes here:" in a patch, or "Guest: Qemu KVM", names nobody)
        "attendees": labelled and len(_attendees(_capitalised_names(lines))) >= 2,
        "agenda": any(_AGENDA.fullmatch(line) and len(line) < 40 for line in lines),
        "topics": _title_count(body) >= 2,
        "sections": any(_is_heading(line, _ACTIONS_HEADING) or _is_heading(line, _DECISIONS_HEADING)
                        or _LABEL.fullmatch(line) for line in lines),
        # Minutes written as a letter have no structure, but record what the group decided.
        "decided": bool(_GROUP_DECIDED.search(" ".join(lines))),
    }
    count = sum(signals.values())
    if _SUBJECT.search(subject):  # "Notes from the user group": with some structure, or a sentence saying who was there
        return count >= 1 or len(_attendees_in_prose(lines, "")) >= 2
    # "organisers meet notes", "SIG Node weekly - notes", "community call #14": minutes when they say who was there, as a
    # patch that makes "a system call" or "syncs headers" does not; not the next meeting's agenda or a proposal either
    if _MEETING_WORD.search(subject) and not re.search(r"\bagenda\b|\A\s*(?:\[[^]]*\]\s*)*(?:proposal|rfc|\[?vote|\[?discuss|call for)\b",
                                                         subject, re.IGNORECASE):
        people = signals["attendees"] or len(_attendees_in_prose(lines, "")) >= 2
        return not _PATCH.search(subject) and count >= (1 if people else 2)
    return signals["attendees"] and count >= 2


# A subject of a patch or a bug ("[PATCH v2 3/6] io_uring: add sync read/write"), whose "call" and "sync" are code.
_PATCH = re.compile(r"\[[^]]*\b(?:PATCH|PATCHSET|RFC|GIT PULL)\b[^]]*\]|\bbug report\b", re.IGNORECASE)
# A word of a subject that names a meeting or its notes, though not in the way _SUBJECT knows.
_MEETING_WORD = re.compile(r"\b(?:notes|minutes|recap|summary|report|readout|sync|standup|stand-up|meet|meeting|mtg|call(?!\s+for)|"
                           r"council|board|committee|weekly|monthly|wg|sig|tsc|pmc|bof)\b", re.IGNORECASE)


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
    return not match.group(2) or line.strip().split(":")[0].strip("#*-•+ ").casefold() == match.group(1).casefold()


def _own_lines(body: str) -> list[str]:
    """Return the body's lines up to the signature, with quoted lines blanked (keeping line numbers).

    Names written as W3C minutes write them, "Mei_Lin_Chow", are spelled with spaces.
    """
    kept = []
    lines = body.split("\n")
    for index, line in enumerate(lines):
        # "-- " starts a signature; a bare "--" does only near the end (elsewhere it underlines a title).
        if line == "-- " or (line.rstrip() == "--" and len(lines) - index <= SIGNATURE_NEAR_END):
            break
        kept.append("" if line.lstrip().startswith(">") else _UNDERSCORED_NAME.sub(lambda name: name[0].replace("_", " "), line.rstrip()))
    return kept


_UNDERSCORED_NAME = re.compile(rf"(?<![\w-])[{_CAPITAL}][a-z\u00C0-\u024F]+(?:_[{_CAPITAL}][a-z\u00C0-\u024F]+)+(?![\w-])")


def read_minutes(body: str, *, message_id: str, date: datetime | None, author: str = "") -> ProseMinutes:
    """Return a minutes message's attendees, topics, and the action items and decisions in it.

    The author owns what the minutes say "I'll" do.
    """
    lines = _paired_owner_lines(_capitalised_names(_own_lines(body)))
    aliases = _nick_aliases(lines, author)
    lines = [_with_names(line, aliases) for line in lines]
    lines = [_HONORIFIC.sub("", line) for line in _with_role_holders(lines)]  # "Ms Dubois agreed to ..." is Claire Dubois
    attendees = _attendees(lines, author)
    # Handles nobody spelled out ("@nomvula", "pdvorak") are guessed from the attendees' names.
    handles = _guessed_handles(attendees + ((author,) if author else ()))
    lines = [_with_names(line, handles, bare=False, following=after) for line, after in zip(lines, lines[1:] + [""])]
    people = attendees + tuple(name for name in _mentioned_names(lines)  # "Mei Ling" mentioned is Mei Ling Tan, who attended
                               if not any(f" {name} " in f" {attendee} " for attendee in attendees))
    # When the minutes say who was there, only they (and the writer) take on tasks in it.
    absent = " ".join(match[2] for line in lines if (match := _ABSENT.match(line)))
    allowed = attendees + ((author,) if author else ()) + tuple(  # and people named in full who sent no regrets
        name for name in people if name.split()[0] not in absent and name.split()[-1].casefold() not in _ORGANISATIONS
    ) if len(attendees) >= 2 else ()
    topics: list[str] = []
    found: list[ExtractedItem] = []
    day = date.date() if date else None
    speaker: str | None = None  # whose round-table updates the list entries are
    subject: str | None = None  # the person the entry before began with, whom "He will ..." means
    motion: tuple[str, int] | None = None  # what a motion or proposal under way would decide, and its topic
    for section, number, text, topic_line in _entries(lines, topics):
        if re.match(r"\[ ?\]\s+(?![*_]*\[)", text):  # but "[ ] **[kzielinska]** Image GC thresholds" is an agenda's topic
            section = "actions"  # an open box ("[ ] @ghalvorsen update the calendar") is a task wherever it stands
        text = re.sub(r"\A(?:AI|ACTION)\s+(?=[A-Z][^:]{0,40}:)|\A\[ ?\]\s*", "", text)
        if section != "list":  # a name alone on its line heads that person's updates ("Nadia Haddad" then "- Will ping ...")
            named = _full_name(_cleaned(text), attendees)
            speaker = named if named in attendees else None
        elif speaker and (own := re.match(r"(?:(?:[A-Z][^.]*?\s)?and\s+will|Will|I'll|I will)\s+(?=[a-z])", text)):
            text = f"{speaker} will {text[own.end():]}"
        if subject and (pronoun := re.match(r"(?:[Hh]e|[Ss]he)(?:\s+(?=(?:will|also|agreed|volunteered|offered|promised|said)\b)|"
                                            r"(?P<will>'ll|’ll)\s+)", text)):
            text = subject + (" will " if pronoun["will"] else " ") + text[pronoun.end():]  # "Radovan said ... He will move ...": Radovan will
        item = _entry_item(section, text, people, day, author, allowed)
        # a decision between ("... we agreed to X. She will push ...") keeps whom "she" means
        subject = _first_person(text, people) or (subject if section == "narrative" and (not item or item[0] == "decision") else None)
        if motion and motion[1] == topic_line and item is None and (verdict := _VERDICT.search(text)):
            if verdict["verdict"].casefold() not in _FAILED:
                item = ("decision", motion[0], (), None, "prose: motion carried")
            motion = None
        if item is not None:
            kind, what, owners, due, rule = item
            found.append(ExtractedItem(kind, what, owners, date, "message", message_id, number, rule, due, topic_line))
            motion = None if kind == "decision" else motion
        if proposed := _motion(text):
            motion = (proposed, topic_line)
    return ProseMinutes(attendees, tuple(topics), tuple(_once_each(found)))


def _first_person(text: str, people: tuple[str, ...]) -> str | None:
    """Return the person a sentence names first ("Before he dropped off, Wojtek raised ..." names Wojtek)."""
    # by first name, or by surname ("Mr Kim noted ... He will prepare ...")
    named = [(found.start(), person) for person in people
             if (found := re.search(rf"(?<![\w-])(?:{re.escape(person.split()[0])}|{re.escape(person.split()[-1])})(?![\w-])", text))]
    return min(named)[1] if named else None


def _once_each(found: list[ExtractedItem]) -> list[ExtractedItem]:
    """Return the items with an action given twice (in the prose, then in a summary list) once, in its fuller wording."""
    kept: list[ExtractedItem] = []
    for item in found:
        same = next((index for index, earlier in enumerate(kept) if item.kind == earlier.kind == "action" and earlier.owners == item.owners
                     and (actions.repeats(item.text, earlier.text) or _restates(item, earlier))), None)
        if same is None:
            kept.append(item)
        elif len(item.text.split()) > 1.5 * len(kept[same].text.split()):  # much fuller, not a summary's shorthand
            kept[same] = replace(item, due=item.due or kept[same].due)  # "do the upload", then "upload liblua-foo 2.3.1 to unstable"
        elif kept[same].due is None and item.due:
            kept[same] = replace(kept[same], due=item.due)
    return kept


def _restates(summary: ExtractedItem, earlier: ExtractedItem) -> bool:
    """Tell whether an entry of an action list restates in short an action the prose gave before it."""
    if not summary.rule.startswith("action list"):
        return False
    said, earlier_said = actions._words(summary.text).split(), actions._words(earlier.text).split()
    shared = set(said) & set(earlier_said)
    # a word besides a verb both start with: "update the tox configs" and "update the release page" are two tasks
    objects = shared - ({said[0]} if said and earlier_said and said[0] == earlier_said[0] else set())
    return len(shared) * 2 >= len(set(said)) or any(len(word) >= 4 and not word.isdigit() for word in objects)


def _entry_item(section: str, text: str, people: tuple[str, ...], day: date | None, author: str,
                allowed: tuple[str, ...]) -> Found | None:
    """Return the item one entry of the minutes records, read by the rules its section calls for."""
    if ticked := re.match(r"\[[xX✓✔]\]\s*(?P<task>.+)", text):
        return ("done", _cleaned(ticked["task"]), (), None, "list: ticked")  # a ticked box closes an earlier action
    if section in ("list", "agenda", "actions") and (done := _REPORTED_DONE.fullmatch(text)):
        return ("done", _cleaned(done["task"]), (), None, "list: reported done")  # closes an earlier action
    if section in ("list", "agenda", "actions") and _UNDER_WAY.search(text):
        return None  # an earlier action's progress, which keeps it open; not a new one
    if section == "actions":
        return _action(text, _ACTION_ENTRIES, people, day, author, allowed)
    if section == "decisions":
        # "Outcome: none yet. Kenji to ask ..." holds an action beside (or instead of) the decision.
        return _action(text, _NAME_TO + _ACTION_SENTENCES, people, day, author, allowed) or _listed_decision(text)
    if section == "list":
        return _action(text, _LIST_ENTRIES, people, day, author, allowed) or _sentence_decision(text)
    if _DECISION_LABEL.match(text):  # "... only through the thumbnail service. Agreed: we ship 4.1.3 ..."
        return _listed_decision(text)
    return _action(text, _ACTION_SENTENCES, people, day, author, allowed) or _sentence_decision(text)


_DECISION_LABEL = re.compile(r"[*_]*(?:agreed|decided|decision|resolved|resolution)[*_]*\s*:", re.IGNORECASE)


# "#agreed ...", "#action ..." typed into notes as into MeetBot; "AI(@acsilva): task".
# Each marked line is an entry of its own, as a list's are.
_MARKERS = ((re.compile(r"(\s*)(?:[-*•+]\s+)?#(?:agreed|accepted)\s+", re.IGNORECASE), r"\1- Agreed: "),
            (re.compile(r"(\s*)(?:[-*•+]\s+)?#action\s+", re.IGNORECASE), r"\1- Action: "),
            # "→ Jürgen writes to the release team", "-> dsantos signs the contract", but not "-> DECIDED: ..."
            (re.compile(r"\A(\s*)(?:[-*•+]\s+)?(?:→|=>|->)\s*(?=\S)(?!(?i:decided|agreed|decision|done|resolved|outcome|result)\b)"),
             r"\1- Action: "),
            (re.compile(rf"\A(\s*)(?=\[(?:{_NAMES}|\?+)\]\s+(?:[a-z]|I\s))"), r"\1- Action: "),  # "[Stéphane] file the transition bug"
            # "@yuki: announce the freeze ...", "@chiara + @lautaro: draft ...": a handle and a colon assign a task
            (re.compile(r"\A(\s*)(?:[-*•+]\s+)?(@[\w.-]+(?:\s*(?:[+,&/]|and)\s*@[\w.-]+)*\s*:\s+)(?=(?:" + "|".join(_TASK_VERB_BASES) + r")\b)"),
             r"\1- Action: \2"),  # not "@jkruk: worried about breaking dashboards"
            (re.compile(r"(\s*)(?:[-*•+]\s+)?#(?:info|link|idea|topic)\s+", re.IGNORECASE), r"\1- "),
            # W3C minutes' summary of actions: "[NEW] ACTION: Omar to ...", "[OPEN] ACTION-43: Beatriz to ...", "[DONE] ..."
            (re.compile(r"\A(\s*)\[NEW\]\s+ACTION(?:-\d+)?:\s*"), r"\1- Action: "),
            (re.compile(r"\A(\s*)\[(?:OPEN|PENDING|CONTINUES|CONTINUING)\]\s+ACTION(?:-\d+)?:\s*(.*)"), r"\1- \2 -- pending"),
            (re.compile(r"\A(\s*)\[(?:DONE|CLOSED|COMPLETED)\]\s+ACTION(?:-\d+)?:\s*(.*)"), r"\1- \2 -- done"),
            (re.compile(r"\b(?:AI|AP|TODO|ACTION)\s*[(\[]([^)\]]{2,60})[)\]]\s*[*_]*\s*:\s*[*_]*\s*(.+)"), r"AI: \1: \2"))


def _paired_owner_lines(lines: list[str]) -> list[str]:
    """Return lines with "Owner: X" / "Task: Y" pairs written as one entry, "Y (owner: X)", on the task's line.

    Markers typed as into MeetBot ("#agreed ...") and "AI(@nick): ..." are written as the labels they mean.
    """
    for pattern, replacement in _MARKERS:
        lines = [pattern.sub(replacement, line) for line in lines]
    paired = list(lines)
    for index, (line, following, third) in enumerate(zip(lines, lines[1:], lines[2:] + [""])):
        owner = re.fullmatch(r"(\s*(?:[-*•+]\s+)?)(?:owners?|assignee|who)\s*:\s*(\S.*)", line, re.IGNORECASE)
        task = re.fullmatch(r"\s*(?:task|what|action)\s*:\s*(\S.*)", following, re.IGNORECASE)
        if owner and task:
            bullet = owner[1] if owner[1].strip() else f"{owner[1]}- "  # an entry of its own, not a line of the paragraph above
            due = re.fullmatch(r"\s*(?:due|when|deadline)\s*:\s*(\S.*)", third, re.IGNORECASE)  # and "Due: 29 Sep" below
            paired[index], paired[index + 1] = "", f"{bullet}{task[1]} (owner: {owner[2]}{f'; due {due[1]}' if due else ''})"
            if due:
                paired[index + 2] = ""
    return paired


# "Motion to approve the minutes.", "Motion: that the space buys ...", "vhorvat proposed moving ...":
# what the group decides when a later line says the motion carried ("Motion carried.", "Approved.").
_MOTION = re.compile(r"\A(?:(?:a|the)\s+)?(?:motion|proposal)(?:\s+\d+)?(?:\s+by\s+[^:]{1,40}?)?(?:\s*:\s*(?:to\s+|that\s+)?|\s+(?:to|that)\s+)"
                     r"(?P<what>.+)",
                     re.IGNORECASE)
_PROPOSED = re.compile(rf"\A{_NAMES}\s+(?:proposed|suggested|moved)\s+(?:that\s+|to\s+)?(?P<what>[a-z].+)")
_VERDICT = re.compile(r"(?:\A(?:vote\b[^.]*?\.\s*)?|\bmotion\s+(?:was\s+)?)(?:unanimously\s+)?(?P<verdict>carried|passed|approved|"
                      r"adopted|accepted|agreed|failed|defeated|withdrawn|rejected|lost)\b", re.IGNORECASE)
_FAILED = ("failed", "defeated", "withdrawn", "rejected", "lost")


def _motion(text: str) -> str | None:
    """Return what a motion or proposal would decide, when text puts one forward."""
    text = _cleaned(text)
    match = _MOTION.match(text) or _PROPOSED.match(text)
    return _main_clause(match["what"]).strip() if match else None


# "Kofi Asante (@kasante)", "samb (Samira Benali)": a person's nick beside their name.
_NAME_THEN_NICK = re.compile(r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*\(\s*[\"“']?@?(?P<nick>[a-z][\w.-]{1,30})[\"”']?\s*(?:,[^)]*)?\)")
_NICK_THEN_NAME = re.compile(r"(?<![\w.@-])@?(?P<nick>[a-z][\w.-]{1,30})\s*\(\s*(?:@(?P<handle>[\w.-]+)\s*,\s*)?"  # "jorge (@jsaldana, Jorge Saldana)"
                             r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3})"
                             r"\s*(?:,[^)]*)?\)")


# "hkaur is Harpreet Kaur", "hrv = Henrik Rasmussen-Vik", "MB = Marcus Bell".
_NICK_IS_NAME = re.compile(r"(?<![\w.@-])(?P<nick>[a-z][\w.-]{1,30}|[A-Z]{2,3})(?: is|\s*=) (?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3})")
# "* tariq - Tariq Mahmood": a line of a list of who is who.
_NICK_DASH_NAME = re.compile(rf"\s*(?:[-*•+]\s+)?@?(?P<nick>[a-z][\w.-]{{1,30}})(?:\s+(?:--?|[–—])\s+|\s{{2,}})(?P<name>{_NAME})\s*(?:\([^)]*\))?\s*")
# 'Jonas "jb" Berg': a nickname in quotes inside a name.
_QUOTED_NICK = re.compile(r"\b(?P<first>[A-Z][\w'’-]+)\s+[\"“](?P<nick>[\w.-]{2,20})[\"”]\s+(?P<last>[A-Z][\w'’-]+)")
# "Ruth Achterberg (RA)", "Dmitri Volkov (DV, notes)": initials beside a name.
_NAME_THEN_INITIALS = re.compile(r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*\(\s*(?P<initials>[A-Z]{2,3})\s*[,)]")
# "Wojtek (Wojciech Zieliński)": a short name before the full one (not a surname: "Théo Marchetti (Transit Authority)").
_SHORT_THEN_NAME = re.compile(r"(?<![\w'’.-] )(?<![\w'’.-])(?P<nick>[A-Z][a-z]{2,15})\s*\(\s*(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3})\s*\)")


def _nick_aliases(lines: list[str], author: str) -> dict[str, str]:
    """Return the full name of each nick the minutes give beside a name (in either order), and the writer's own."""
    text = " ".join(line.strip() for line in lines)
    found = {m["nick"]: m["name"] for m in _NAME_THEN_NICK.finditer(text)}
    found.update({nick: m["name"] for m in _NICK_THEN_NAME.finditer(text) for nick in (m["nick"], m["handle"]) if nick})
    found.update({m["nick"]: m["name"] for m in _NICK_IS_NAME.finditer(text)})
    found.update({m["nick"]: m["name"] for m in _SHORT_THEN_NAME.finditer(text) if m["nick"] not in m["name"].split()})
    found.update({m["initials"]: m["name"] for m in _NAME_THEN_INITIALS.finditer(text)})
    found.update({m["nick"]: m["name"] for m in map(_NICK_DASH_NAME.fullmatch, lines) if m})
    found.update({m["nick"]: f"{m['first']} {m['last']}" for m in _QUOTED_NICK.finditer(text)})
    if author and (own := re.search(r"\bme\s*\(\s*@?([a-z][\w.-]{1,30})\s*\)", text)):
        found.setdefault(own[1], author)  # "and me (fatima)"
    if author and (own := re.search(rf"\b({_NAME})\s*\(\s*(?:me|myself)\b", text)):
        found.setdefault(own[1].split()[0], author)  # "Funmi (me, notes)", "Kasia Zielińska (me)"
    return {nick: name for nick, name in found.items() if nick not in _ROLES}


_HONORIFIC = re.compile(rf"\b(?:Mr|Ms|Mrs|Mx|Dr|Prof)\.?\s+(?=[{_CAPITAL}])")
# "Samuel Okonjo-Reyes (Treasurer)", "Daniel Kaplan (Counsel; items 4 and 5 only)": who holds a role the minutes name them by.
_ROLE_HOLDER = re.compile(rf"(?P<name>{_NAME})\s*\(\s*(?P<role>(?i:chair|co-chair|treasurer|secretary|president|vice[- ]president|"
                          rf"executive director|counsel|general counsel|company secretary|ptl|host|facilitator|release manager|coordinator))\s*[;,)]")


def _with_role_holders(lines: list[str]) -> list[str]:
    """Return lines with a role written capitalised ("The Treasurer presented ...", "Counsel to review ...") as its holder's name."""
    holders = {match["role"].casefold(): match["name"] for match in _ROLE_HOLDER.finditer(" ".join(lines))}
    if not holders:
        return lines
    roles = "|".join(re.escape(role.title()) for role in holders)
    # "The Treasurer", "Counsel", and "the chair" in lower case once the minutes name who chairs
    pattern = re.compile(rf"(?<!\()\b(?:[Tt]he\s+)?({roles}|(?<=he )(?i:{roles}))\b(?!\s*[;,)]|['’]s\b)")
    return [pattern.sub(lambda match: holders[match[1].casefold()], line) for line in lines]


# What minutes put in parentheses after a name that is a role, not a nick: "Sofia Rossi (notes)".
_ROLES = frozenset("""notes chair chairs cochair co-chair remote me scribe minutes host guest secretary treasurer
president lead observer visitor regrets late left partial apologies invited staff editor editors volunteered
voluntold tbc tbd optional backup""".split())


def _guessed_handles(names: tuple[str, ...]) -> dict[str, str]:
    """Return the handles people commonly take from their names ("pdvorak", "wen", "lferrer"), where only one fits."""
    guesses: dict[str, set[str]] = {}
    for name in names:
        words = _name_words(name)
        if len(words) < 2:
            continue
        first, last = words[0], words[-1]
        initials = "".join(word[0] for word in words[:-1] if word)
        for handle in {first, last, first + last, first[0] + last, first + last[0], first + "." + last, initials + last,
                       first + "_" + last, first + "-" + last, "".join(words),
                       *(first[0] + last[:size] for size in range(4, len(last)))}:
            guesses.setdefault(handle, set()).add(name)
        guesses.setdefault("".join(word[0] for word in words).upper(), set()).add(name)  # "SL" for Sam Lee
    return {handle: next(iter(owners)) for handle, owners in guesses.items()
            if len(owners) == 1 and (len(handle) >= 3 or handle.isupper())}


def _name_words(name: str) -> list[str]:
    """Return the words of a name as handles spell them ("Ana-María Dvořák" -> ana, maria, dvorak)."""
    return [_plain(word) for word in re.split(r"[\s-]+", name) if word]


def _plain(word: str) -> str:
    """Return a word in lower case without accents, as handles are written ("Dvořák" -> "dvorak")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if c.isascii() and (c.isalnum() or c in "'"))


def _with_names(line: str, aliases: dict[str, str], *, bare: bool = True, following: str = "") -> str:
    """Return a line with known nicks written as names: "@kasante to ..." and "<samb> I'll ..." read as names do.

    With bare=False only "@handle", or a handle no word could be ("pdvorak"), or one where an owner stands (read on
    into the following line when it ends the line), is taken for a person.
    """
    if not aliases:
        return line
    line = re.sub(r"(?<![\w.])(@[\w.-]+)\s+(?=@[\w.-]+)", r"\1 and ", line)  # "@chiara @lautaro draft ..."
    said = re.match(r"(\s*<(?P<nick>[\w.-]+)>\s+)(?:I'll|I will)\b", line)
    if said and said["nick"] in aliases:
        line = f"{said.group(1)}{aliases[said['nick']]} will" + line[said.end():]  # still quoted from IRC
    def named(match: re.Match[str]) -> str:
        handle = match.group(1)
        if handle not in aliases:
            return match.group(0)
        # initials ("SL") are guessed only where an owner stands, as "CI" or "PR" elsewhere are no one
        rest = line[match.end():] if line[match.end():].strip() else " " + following.strip()  # "and marisol" / "will write ..."
        if bare or match.group(0).startswith("@") or (_unlike_a_word(handle, aliases[handle]) and not handle.isupper()) or (
                _owner_position(line[: match.end()] + rest, match.start(), match.end())):
            return aliases[handle]
        return match.group(0)
    return re.sub(r"(?<![\w/.<\"“-])@?([A-Za-z][\w.-]{1,30})\b(?!\s*\()", named, line)  # not 'Jonas "jb" Berg'


def _capitalised_names(lines: list[str]) -> list[str]:
    """Return lines with a "present:" list written all in lower case (and the lines it wraps onto) capitalised, nicks kept."""
    capitalised = list(lines)
    for index, line in enumerate(lines):
        match = _ATTENDEES.match(line)
        if match is None or not match[2] or any(c.isupper() for c in match[2]):
            continue
        capitalised[index] = line[: match.start(2)] + _capitalised(match[2])
        for after in range(index + 1, len(lines)):
            if not lines[after].strip() or ":" in lines[after] or any(c.isupper() for c in lines[after]):
                break
            capitalised[after] = _capitalised(lines[after])
    return capitalised


def _capitalised(names: str) -> str:
    """Return "jón þór sigurðsson (jonthor), dana whitfield" as "Jón Þór Sigurðsson (jonthor), Dana Whitfield"."""
    return "".join(part if part.startswith("(") else re.sub(r"\b(?!and\b)([^\W\d_])", lambda c: c[1].upper(), part)
                   for part in re.split(r"(\([^)]*\))", names))


def _owner_position(line: str, start: int, end: int) -> bool:
    """Tell whether a word stands where a task's owner does: "ACTION alex: ...", "- kwame + jo: ...", "fiona to ..."."""
    before = re.fullmatch(r"\s*(?:[-*•+=>]+\s+)?(?:[\w .-]{1,30}:\s+)?(?:(?:ACTION|AI|TODO)\b\s*:?\s*)?(?:@?[\w.-]+\s*(?:[+,&/]|and)\s*)*",
                          line[:start])  # "- grafana: dana to upgrade ..." too
    if before:
        return bool(re.match(r"\s*(?:[:+,&/]|and\s|to\s+[a-z]|will\s+[a-z]|--?\s)", line[end:]))
    # in running notes written in lower case: "... from there. joonas will put the photos ...", "and marisol will write ..."
    return bool(re.search(r"(?:[.!?;:)]|,|\band)\s+(?:@?[\w.-]+\s*(?:[+,&/]|and)\s*)*\Z", line[:start])) and bool(
        re.match(r"(?:\s+(?:and|&)\s+(?:i|@?[\w.-]+))?\s+(?:will|is going to|are going to|to|['’]ll|agreed to|volunteered to)\s+[a-z]",
                 line[end:]))


def _unlike_a_word(handle: str, name: str) -> bool:
    """Tell whether a handle is made of two parts of a name ("pdvorak", "wzhao"), so no English word."""
    return handle not in _name_words(name)


# A line that goes on with the names of the line before: "Wierzbicki), hisozaki (Haruki", "Tsou, Kaito Morimoto".
_WRAPPED_NAMES = re.compile(r"\s*(?:\(|[^\s,;.]+(?:\s+[^\s,;.]+){0,2}\s*[,)]|[^\s,;.]+(?:\s+[^\s,;.]+){0,3}\s*\Z)")


def _attendees(lines: list[str], author: str = "") -> tuple[str, ...]:
    """Return the people the minutes record as present: every "Present:"-style line or list, else a sentence."""
    names: list[str] = []
    for index, line in enumerate(lines):
        match = _ATTENDEES.match(line)
        if match is None and not _ATTENDEES_HEADING.fullmatch(line):
            continue
        text, listed = (match[2] if match else ""), False
        for following in lines[index + 1 :]:
            bullet = _BULLET.match(following) or (None if match else re.match(r"\s{2,}(\S.*)", following))
            if bullet:  # "- Ewa Kowalczyk", or a name alone on an indented line under "Attendance"
                names += _split_names(bullet[1], author)
                listed = True
            elif match and not listed and not re.match(r"\s*[*_]*[\w ]{1,25}[*_]*\s*:", following) and following.strip() and (
                    _WRAPPED_NAMES.match(following) or not match[2].strip() or text.rstrip().endswith((",", "(", " and"))
                    or text.count("(") > text.count(")")):
                # the line wrapped, perhaps within a name; or names stand one to a line in a column
                one_per_line = (_indent(following) >= 8 or not match[2].strip()) and not following.strip().startswith("(")
                inside = text.count("(") > text.count(")") or text.rstrip()[-1:] in ",("
                text += (", " if one_per_line and text.strip() and not inside else " ") + following.strip()
            elif following.strip() or listed or match:
                break
        text = re.sub(r"\b(?:Prof|Dr|Mr|Mrs|Ms)\.\s*", "", text)
        text = re.sub(r"[;,.]?\s*\b(?:guests?|also present|observers?|visitors?)\s*:\s*", ", ", text, flags=re.IGNORECASE)
        text = re.sub(r"\([^)]*\)", lambda inner: inner[0].replace(";", ",").replace(". ", " "), text)  # "(Counsel; items 4 and 5)"
        # the list ends at a sentence's full stop, or at "; apologies: ..." (but "Giulia Romano (ED); Samuel Osei" lists two)
        names += _split_names(re.split(r"(?<=[\w)])(?:\.\s|;\s+(?=[^;]*:|[a-z]))", text)[0], author)
    present = tuple(dict.fromkeys(names)) or _attendees_in_prose(lines, author)
    # "Marek Novák (mnovak) from Nova joined us for ...": a guest the list leaves out
    joined = ((match["name"] or match["guest"]).split(". ")[-1]  # "Diego Ferraz. Ravi Menon (staff) joined": Ravi Menon
              for match in _JOINED.finditer(" ".join(line.strip() for line in lines)))
    return tuple(dict.fromkeys(present + tuple(joined))) if present else ()


_JOINED = re.compile(rf"(?P<name>[{_CAPITAL}][\w'’-]+\s+{_NAME})(?:\s*\([^)]*\))?(?:\s+from\s+[\w ]{{1,30}}?)?\s+(?:also\s+)?joined\s+"
                     rf"(?:us|the\s+(?:call|meeting|session)|late|partway|for)\b|"
                     rf"\b(?:we were|were|was) joined by (?P<guest>[{_CAPITAL}][\w'’-]+\s+{_NAME})")


# "all five members attended both meetings: A, B and C", "A few of us (A, B and C) stayed behind".
_ATTENDED = re.compile(r"\b(?:attended|attending|present|joined|were there|was there|stayed behind|took part|"
                       r"few of us|those present|of us|regulars were|attendees were|signed in|it was me|we were|on the call|turnout|"
                       r"(?:small|smaller|big|bigger|good|usual) (?:group|crowd)|in the room were)\b"
                       r"(?:(?:[^.:]|(?<=\d)\.(?=\d)){0,90}?:\s*(?P<listed>[^.:]+)|[^.:()]{0,60}?(?:\(\s*(?P<inner>[^)]+)\)|\s+(?=(?-i:[A-Z]))(?P<names>[^.:]+)))",
                       re.IGNORECASE)


def _attendees_in_prose(lines: list[str], author: str) -> tuple[str, ...]:
    """Return the people a sentence says attended, when the minutes have no attendees line."""
    text = re.sub(r"\b(?:Dr|Prof|Mr|Mrs|Ms)\.\s*", "", " ".join(line.strip() for line in lines))  # "Dr. Anil Mehta" ends no sentence
    for match in _ATTENDED.finditer(text):
        names = _split_names(match["listed"] or match["inner"] or match["names"], author)
        if match.group(0).casefold().startswith("it was me"):
            names = [author, *names] if author else names
        if sum(1 for name in names if len(name.split()) > 1) >= 2:
            return tuple(names)
    return ()


def _mentioned_names(lines: list[str]) -> tuple[str, ...]:
    """Return the full names ("Valentina Greco") the minutes mention anywhere, for first names to resolve to."""
    found = re.findall(r"\b[A-Z][a-z\u00C0-\u024F'’]+(?:-[A-Z]?[a-z\u00C0-\u024F'’]+)* (?:(?:de|da|van|von|der) )?[A-Z][\w'’-]+",
                       "\n".join(lines))
    found = [re.sub(r"['’]s\Z", "", name) for name in found]  # "Zsófia Tóth's report" names Zsófia Tóth
    return tuple(dict.fromkeys(name for name in found if name.split()[0].casefold() not in _NOBODY))


def _split_names(text: str, author: str = "") -> list[str]:
    """Return the names in "Jane Okafor (chair), Ravi Menon and me (Mei Lin, notes)" (and "samb (Samira Benali)")."""
    text = _NICK_THEN_NAME.sub(lambda match: match["name"], text)
    text = _QUOTED_NICK.sub(lambda match: f"{match['first']} {match['last']}", text)  # 'Jonas "jb" Berg'
    text = _SHORT_THEN_NAME.sub(lambda m: m["name"] if m["nick"] not in m["name"].split() else m[0], text)  # "Wojtek (Wojciech Zieliński)"
    text = re.sub(r"\bme\s*\(\s*([^,)]+)[^)]*\)", r"\1", text)  # "me (Ximena Quispe, taking notes)"
    if author:  # "Kasia Zielińska (me)", "Funmi (me, notes)": the writer, by the name the message is sent with
        text = re.sub(rf"{_NAME}\s*\(\s*(?:me|myself)\b[^)]*\)", author, text)
    text = re.sub(rf"\b({_NAME})\s*\(([{_CAPITAL}][a-z\u00C0-\u024F][\w'’-]*)\)",  # "Björn (Lindqvist)"
                  lambda m: m[0] if m[2].casefold() in _ROLES else f"{m[1]} {m[2]}", text)
    text = re.sub(r"\([^)]*\)|<[^>]*>|\b(?:Prof|Dr|Mr|Mrs|Ms)\.?\s+", "", text)
    # "tariq - Tariq Mahmood" and "aoifeb   Aoife Brennan", which read "Tariq Mahmood - Tariq Mahmood" once the nick is known
    parts = [re.sub(rf"\A(?:@?[\w.-]+|(?P<name>{_NAME}))(?:\s*(?:--?|[–—]|=)\s+|\s{{2,}})(?=(?P=name)\Z|{_NAME}\Z)", "", part.strip(" ."))
             for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", text)]
    return [author if part.casefold() in ("me", "myself") and author else part for part in parts
            if re.fullmatch(_NAME, part) or (part.casefold() in ("me", "myself") and author)]


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
    nested_under = -1  # the indent of a section headed inside a list ("  - AIs:"), which a line left of it ends
    columns: dict[str, int] = {}  # where a table of actions has its owners, tasks, due days and states
    for number, line in enumerate(lines, 1):
        following = lines[number] if number < len(lines) else ""
        if _TABLE_RULE.fullmatch(line):
            continue  # "-------+------": a table's rule, not text
        if header := _table_columns(line):
            columns, section, current, listed = header, "actions", "actions", False
            yield from _flushed(current, paragraph, topic_line)
            paragraph = []
            continue
        if columns and len(cells := _cells(line)) > max(columns.values()):  # "| 1 | Send the guidelines | Mette | 2.10. |"
            line = _table_entry({name: cells[index] for name, index in columns.items()})
        elif section == "actions" and (row := _TABLE_ROW.fullmatch(line)):  # "Stefan | sign venue contract | 21.10."
            line = _table_entry(row.groupdict(""))
        else:
            columns = {}
        if nested_under >= 0 and line.strip() and _indent(line) <= nested_under:
            section, listed, nested_under = "narrative", False, -1
        heading = _heading(line, following, in_list=section != "narrative")
        label = _LABEL.fullmatch(line) if heading is None else None
        bullet = _BULLET.match(line) if label is None else None
        if bullet is None and label is None and (said := re.match(r"\s*<[\w.-]+>\s+(\S.*)", line)):
            bullet = said  # a line quoted from IRC is an entry of its own
        starts = heading or label or bullet or _ATTENDEES.match(line) or _ABSENT.match(line)
        if starts or not line.strip():
            yield from _flushed(current, paragraph, topic_line)
            paragraph = []
        if section == "skip" and not line.strip() and number > 1 and lines[number - 2].strip() and heading is None:
            section = "narrative"  # the people listed under "Present:" end at a blank line
        if heading is not None:
            kind, rest = heading
            if kind == "topic":
                topics.append(rest)
                topic_line = number
                section, current, listed = "narrative", "narrative", False
            elif rest:
                # "Agreed: ..." is one entry, not a list, and names its first sentence only
                current, paragraph = ("decision label" if kind == "decisions" else kind), [(number, rest)]
            else:
                section, current, listed = kind, kind, False
                nested_under = _indent(line) if _BULLET.match(line) else -1
        elif label is not None:
            kind = next(name for name in ("decision", "action", "narrative") if label[name])
            current, paragraph = {"decision": "decision label", "action": "actions"}.get(kind, "narrative"), []
            if label["rest"]:
                paragraph = [(number, label["rest"])]
        elif _UNDERLINE.match(line):
            current = section  # the title above it is done; the text below starts afresh
        elif _ATTENDEES.match(line) or _ABSENT.match(line):
            current, paragraph = "skip", [(number, "")]  # lines wrapped from it are skipped with it
        elif bullet:
            # A list outside an actions or decisions section may still be written "task (Name)" or "Name: task".
            current = "list" if section == "narrative" else section
            paragraph, listed = [(number, bullet[1])], True
        elif line.strip():
            if paragraph and section == "actions" and _indent(line) <= _indent(lines[paragraph[0][0] - 1]) and (
                    _OWNER_STARTS.match(line) or re.match(r"\s*(?:who|owners?\s*:|\()", line, re.IGNORECASE)):
                yield from _flushed(current, paragraph, topic_line)  # each line of an unbulleted list of actions
                paragraph = []
            if paragraph and not _wraps(paragraph[-1][1], line) and (_OWNER_STARTS.match(line) or (
                    current != section and _SOMEONE_SAYS.match(line))):
                # "<samb> I'll draft ...\n obrandt to collect ...", "AI: Paolo to circulate ...\nPaolo also asked ..."
                yield from _flushed(current, paragraph, topic_line)
                paragraph = []
            if not paragraph:
                if not line.startswith((" ", "\t")) and section not in ("narrative", "agenda") and (listed or section == "skip"):
                    section = "narrative"  # a plain paragraph after a list ends the list
                current = section
            paragraph.append((number, line.strip()))
    yield from _flushed(current, paragraph, topic_line)


# How a line ends when its sentence goes on to the next: "... and", "... asked", "... about the".
_WRAPS = re.compile(r"(?:[,(/-]|\b(?:and|or|that|asked|with|to|by|the|a|an|of|for|on|in|at|from|about|into|our|their|his|her|its))\Z")


def _wraps(before: str, line: str) -> bool:
    """Tell whether a sentence goes on from one line to the next: "... asked" or "María" then "José will ..."."""
    return bool(_WRAPS.search(before) or (re.search(rf"\b[{_CAPITAL}][\w'’-]*\Z", before)
                                          and re.match(rf"\s*[{_CAPITAL}][a-z\u00C0-\u024F]", line)))


# A line that starts a sentence about someone: "Paolo also asked ...", "Sofía reported ...".
_SOMEONE_SAYS = re.compile(rf"\s*{_NAMES}\s+(?:also\s+|then\s+)?(?:said|asked|noted|reported|presented|mentioned|explained|raised|"
                           rf"suggested|proposed|wondered|thinks|wants|will|would|could|should|has|had|was|is|volunteered|"
                           rf"agreed|offered)\b")
# A line of a paragraph that starts a new assignment: "Olaf Brandt to collect ...", "Kaito will write ...".
_OWNER_STARTS = re.compile(rf"\s*(?:I(?:'ll|’ll| will)\s+[a-z]|(?!(?i:when|due|what|who|owners?|status|deadline|notes?)\s*:){_NAMES}"
                           rf"(?:\s+(?:to|will|agreed|volunteered|offered|signed up|promised)|\s+--?|\s*[–—:])\s+[a-z])")


# A table of action items: its header "Who | What | When" (or in columns, in any order) and its rules "----+----".
_COLUMN_NAMES = (("owners", re.compile(r"who|owners?|assignee|responsible|person")),
                 ("task", re.compile(r"what|tasks?|actions?(?: items?)?|items?|todo")),
                 ("due", re.compile(r"when|due(?: date)?|deadline|by|date")),
                 ("state", re.compile(r"status|state")))
_TABLE_ROW = re.compile(rf"\s*(?:[-*•+]\s+)?\|?\s*(?P<owners>{_NAMES})\s*(?:\||\s{{2,}})\s*(?P<task>[^|]*?[^|\s.])"
                        rf"(?:\s*(?:\||\s{{2,}}|\s*\.{{3,}}\s*)\s*(?P<due>[^|]*?))?\s*\|?\s*")


def _cells(line: str) -> list[str]:
    """Return the cells of a table's row: "| 1 | Send it | Mette |" or columns two spaces apart."""
    line = line.strip()
    if "|" in line:
        return [cell.strip() for cell in line.strip("|").split("|")]
    return re.split(r"\s{2,}", line) if line else []


def _table_columns(line: str) -> dict[str, int]:
    """Return where a header row of a table of actions puts its owners, tasks, due days and states; {} for any other line."""
    cells = [cell.strip("*_ ").casefold() for cell in _cells(line)]
    columns = {name: cells.index(cell) for name, pattern in _COLUMN_NAMES for cell in cells if pattern.fullmatch(cell)}
    return columns if len(cells) >= 2 and "owners" in columns and "task" in columns else {}


def _table_entry(row: dict[str, str]) -> str:
    """Return a table's row of an action as the list entry it stands for: "- task (owner: X; due Y)", or "- X: task -- done"."""
    if row.get("state", "").strip("-– "):
        return f"- {row['owners']}: {row['task']} -- {row['state']}"
    due = f"; due {row['due']}" if row.get("due", "").strip("-– ") else ""
    return f"- {row['task']} (owner: {row['owners']}{due})"


_TABLE_RULE = re.compile(r"\s*\|?\s*[-=:]+(?:\s*[+|]\s*[-=:]+)+\s*\|?\s*")


def _indent(line: str) -> int:
    """Return how far a line is indented."""
    return len(line) - len(line.lstrip())


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
    if _ATTENDEES_HEADING.fullmatch(line):
        return "skip", ""  # the people listed below it
    if line.strip() and _UNDERLINE.match(following) and len(line) < 80:
        return "topic", line.strip()
    topic = _TOPIC.match(line)
    if topic and in_list and re.match(r"\s*\d", line):
        return None
    title = topic and (topic[1] or topic[2])
    if title and not line.rstrip().endswith((".", ",", ";")) and len(title.split()) <= 10:
        return "topic", title.strip()
    return None


def _flushed(section: str, paragraph: list[tuple[int, str]], topic_line: int) -> Iterator[tuple[str, int, str, int]]:
    """Yield a paragraph as one list entry, or as its sentences when it is narrative."""
    if not paragraph or section == "skip":
        return
    if section == "decision label":  # "Agreed: X. The packages stay.": the label names the first sentence only
        for index, (number, sentence) in enumerate(_sentences(paragraph)):
            yield ("decisions" if index == 0 else "narrative"), number, sentence, topic_line
        return
    if section in ("decisions", "list", "agenda"):
        for number, sentence in _sentences(paragraph):
            yield section, number, sentence, topic_line
        return
    if section == "actions":  # one entry, unless a sentence in it starts another person's task
        entries: list[tuple[int, str]] = []
        for number, sentence in _sentences(paragraph):
            if entries and not (_OWNER_STARTS.match(sentence) or _SOMEONE_SAYS.match(sentence)):
                entries[-1] = (entries[-1][0], f"{entries[-1][1]} {sentence}")
            else:
                entries.append((number, sentence))
        for number, entry in entries:
            yield section, number, entry, topic_line
        return
    if section != "narrative":
        yield section, paragraph[0][0], " ".join(text for _number, text in paragraph), topic_line
        return
    for number, sentence in _sentences(paragraph):
        yield section, number, sentence, topic_line


# In a list that is not headed as action items, only the layouts that say plainly who owns a task:
# "[Ana] send the survey", "send the survey (Ana)", "Ana to send the survey", and sentences.
# An agenda's "[Rafael] Deprecating the v1alpha1 API" names who brings a topic: there a task must start with a verb's small letter.
_LIST_ENTRIES = (("action list: [NAME] task", re.compile(rf"\[(?P<owners>{_NAMES})\]\s*[:–—-]?\s*(?P<task>[a-z].+)")),) + tuple(
    rule for rule in _ACTION_ENTRIES if rule[0] in ("action list: task (NAME)", "action list: task [NAME]", "action list: NAME to task")
) + _ACTION_SENTENCES

# "Kenji: renew the domain -- done", "draft the survey (done)": an earlier action reported done.
_REPORTED_DONE = re.compile(rf"(?:{_NAMES}\s*[:–—-]\s+)?(?P<task>.+?)\s*(?:--|->|=>|→|—|–|-|:|\()\s*(?:done|completed|finished)\b.*",
                            re.IGNORECASE)


# "Ji-woo to draft the LTS policy: in progress": an earlier action reported under way.
_UNDER_WAY = re.compile(r"(?:[:(]|--|->|=>|→|[–—-])\s*(?:still\s+)?(?:in progress|ongoing|under way|underway|carried over|carry over|"
                        r"still open|still failing|on it|pending|not (?:yet )?started|no progress|(?:still )?to ?do|(?:still )?wip|"
                        r"work in progress|not done|pinged|waiting|no answer|blocked|postponed|deferred|carried|moved to|still \w+)\b",
                        re.IGNORECASE)


# A sentence ends before a capital, or before a small letter after a word's or a day's full stop (notes written in lower case).
_SENTENCE_END = re.compile(rf"[.!?;](?=\s+[{_CAPITAL}\"(])|(?:(?<=[a-z]{{3}})|(?<=[a-z] \d)|(?<=[a-z] \d\d)|(?<=\)))\.(?=\s+[a-z])")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Ms|Mrs|St)|\b[A-Z])\.\Z")


# Where one sentence holds several clauses: "Tomasz will update the doc, and Lars agreed to review it".
_CLAUSE_BREAK = re.compile(rf"(?:,\s*(?:and|but|while|whereas)\s+|;\s*)(?=[A-Z]|(?:he|she)\s+will\b)|\s+and\s+(?=I'll\b|I will\b)|"
                           # "Lucas thinks it is the theme and he will open an issue", "..., so Marcus will ..."
                           r"(?:\s+and(?:\s+also)?|:)\s+(?=(?:he|she)(?:\s+will|'ll|’ll)\s)|"
                           rf",\s+so\s+(?=I(?:'ll|’ll| will)\s|{_NAMES}\s+(?:will|said|agreed|volunteered|offered|is going)\s)|"
                           rf"(?:\s+and|\s+(?:--|[–—])|,)\s+(?={_NAMES}\s+(?:will|agreed|volunteered|offered|is going|are going)\s+[a-z])")
# What trails a task without being part of it: ", so we have something to compare against".
_TRAILER = re.compile("(?:" + "|".join((
    r",?\s+(?:so that|in order to|because|even though|although)\b",
    r",\s+(?:so|since|as|which|given that|now that|but|when)\b",
    r"\s+since\s+(?:the|it|we|this|that|they|there|our|nobody|no|he|she)\b",  # "backport it since the fix is small"
    r",?\s+given\s+(?:how|that|the)\b",
    r",\s+(?:he|she|they|we|I|i|it|there|who|whose)\b",  # ", he needs to coordinate with their ops", ", who has the contact"
    r",\s+ideally\b", r",\s+nobody\b", r",\s+it only\b", r"\s+in case\b", r"\s+between them\b",
    r"\s+-\s+(?=[a-z])",  # " - we think 30 should be plenty"
    r",\s+(?:hopefully|maybe|perhaps|probably)\b",
    r"\s+when\s+\w+\s+(?:is|are)\b",  # "when CI is green"
    r",\s+please\b", r",\s+it['’]s\b",
    r"\s+but\s+(?:wants|needs|only|not|first|would|will)\b",
    r"\s+after that\b",
    r"\s+before\s+(?:it|I|we|you|anyone|anybody|someone|they|he|she|people)\s+[a-z]",  # "review the draft before it goes out"
    r",\s+and\s+(?:whether|if|how|why)\b",
    r",\s+(?:the|this|that|it)\s+(?:\w+\s+)?(?:was|were|is|are)\b",  # ", the form was too much work"
    r",?\s+(?:and|but)\s+(?:we|we'll|they|he|she|I|I'll|then|it|this|there)\b",
    r"\s+so\s+(?!(?:far|much|many|long|on|forth|as|soon|to|-)\b)[a-z]",  # "so whoever picks it up has something to work against"
    r",\s+(?:keeping|leaving|giving|allowing|in line with|to (?:give|allow|let|avoid|ensure|make sure|see|confirm))\b",
    r";",
    r"\s+(?:[–—]|--)\s+",
    # a remark in brackets at the end, "(moved by Weber, seconded by Park)", but not a due date: "(end of June)", "(tue 20 feb)"
    r"\s*\((?=(?:[^()\s]+\s+){2,}[^()]*\)\W*\Z)(?=[^()]*\b[a-z]{3})"
    r"(?!(?:due|by|before|until|end of|next|this|target)\b|" + DATE_IN_BRACKETS + ")",
)) + r")")


def _main_clause(task: str) -> str:
    """Return a task or decision without the reason or remark that trails it."""
    for trailer in _TRAILER.finditer(task):
        kept = task[: trailer.start()]
        # a comma inside brackets or quotes ("(Tomasz, who sits on ...)") ends no clause of the task
        if kept.count("(") <= kept.count(")") and kept.count('"') % 2 == 0 and kept.count("“") <= kept.count("”"):
            return kept
    return task


def _task_alone(task: str) -> str:
    """Return a task without what trails it, including when it will start ("once legal comes back") and on what condition
    (", assuming the blockers are fixed"), which for a decision is part of what was decided."""
    return re.sub(r",?\s+(?:once|as soon as)\s.*\Z|,\s+(?:assuming|provided|unless|if)\b.*\Z", "", _main_clause(task))


def _sentences(paragraph: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Split a paragraph into sentences, each with the line it starts on."""
    text = ""
    starts: list[tuple[int, int]] = []
    line_ends: list[int] = []  # a full stop that ends a line ends its sentence, whatever the next line starts with
    for number, line in paragraph:
        starts.append((len(text), number))
        text += line + " "
        if line.endswith((".", "!", "?")):
            line_ends.append(len(text) - 1)
    begin = 0
    for boundary in sorted({m.end() for m in _SENTENCE_END.finditer(text)} | set(line_ends)) + [len(text)]:
        if boundary < len(text) and _ABBREVIATION.search(text[:boundary]):
            continue  # "e.g." or the initial of "J. Smith" ends no sentence
        sentence = text[begin:boundary]
        clause_start = 0
        # "Jane and Ravi will ..." is one clause: a break needs a clause, not a name, before it
        pieces = [0]
        for found in _CLAUSE_BREAK.finditer(sentence):
            if not re.fullmatch(_NAMES, sentence[pieces[-1]:found.start()].strip()):
                pieces.append(found.end())
        for piece in pieces[1:] + [len(sentence)]:
            clause = re.sub(r"(?:(?:,\s*(?:and|but|while|whereas)|\s+and)(?:\s+also)?)?[\s,;]*\Z", "", sentence[clause_start:piece])
            if clause.strip():
                clause = clause.strip()
                yield max(number for offset, number in starts if offset <= begin + clause_start), clause
            clause_start = piece
        begin = boundary


Found = tuple[str, str, tuple[str, ...], date | None, str]


def _action(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...], attendees: tuple[str, ...],
            day: date | None, author: str, allowed: tuple[str, ...] = ()) -> Found | None:
    """Return the action a rule finds in text, with owners matched to the attendees."""
    if _CONDITIONAL.match(text):
        return None
    text = re.sub(r"\A\s*(?:=>|->|→)?\s*(?:(?:also|then|finally|and)\s*,?\s+)?", "", _WHEN_CLAUSE.sub("", _cleaned(text)), flags=re.IGNORECASE)
    text = re.sub(r"\s*\((?:who|which|whom)\b[^)]*\)", "", text)  # "Mehmet (who volunteered ...) will ..."
    text = re.sub(r"\A(?:me|myself)\s*(?:[:–—]|\s-)\s*(?:I(?:'ll|’ll| will)\s+)?", "I'll ", text)  # "me: I'll update ..."
    text = re.sub(r"\A[A-Z][\w'’ ]{0,24}:\s+(?=\S)", "", text) if not re.match(rf"(?:(?i:assigned\s+to|owner)\s+)?{_NAMES}\s*:", text) else text
    # "As discussed at the end of the call, I'll send ...": the task follows the opening phrase.
    opened = re.sub(r"\A[^,;:]{3,60}[,:]\s+(?=\S)", "", text)
    readings = tuple(dict.fromkeys((text, opened, _from_person(text, attendees), _from_person(opened, attendees))))  # each once
    for rule, pattern in rules:
        match = next((found for reading in readings if (found := pattern.match(reading))), None)
        if match is None:
            continue
        owners = _owners(match["owners"], attendees, author)
        if allowed and any(owner not in allowed for owner in owners):
            continue  # a company or someone who was not there: an aside, not an assignment
        if owners:
            task = re.sub(r"\s*\((?=[^)]*\s(?!and\b|or\b)[a-z]{3})(?!" + DATE_IN_BRACKETS + r")[^)]*\)", "", match["task"])  # "(they still show the old installer)"
            task = re.sub(r"\A(?:I(?:'ll|’ll| will)|will)\s+(?=[a-z])", "", task)  # "[Élodie] I will ask DSA ..."
            task, due = split_due(_task_alone(re.sub(r"\A(?:(?:also|then|now|still|again|jointly|together|finally|first|probably|just|"
                                                     r"personally|quickly|definitely|hopefully|actually)\s+)+", "", task)), day)
            stated = match.groupdict().get("due") or match.groupdict().get("after")
            if stated and due is None:
                due = split_due(f"by {re.sub(r'^(?:due|by|before)[: ]+', '', stated.strip(), flags=re.I)}", day)[1]
            if _says_what(task):
                return "action", task, owners, due, rule
    return None


def _says_what(task: str) -> bool:
    """Tell whether a task says what is to be done: not a name alone ("Karolina (@kzielinska)"), one word ("check"),
    or a few words that point at a task said elsewhere ("review it", "take care of that", "ask him")."""
    return bool(re.search(r"(?<![@\w.-])[a-z]{2,}", task)) and len(task.split()) > 1 and not re.fullmatch(
        r"(?:\S+\s+){0,3}(?:it|them|him|her|this|that|so)|find out", task)


# Openings that say when a task is to be done, not that it was: "This year Diego will ...", "Next week I'll ...".
_COMING = frozenset("This Next For Today Tonight Tomorrow Then Meanwhile Also Finally Afterwards Meantime Going".split())


def _from_person(text: str, people: tuple[str, ...]) -> str:
    """Return text from the person named after a short opening of when ("This year Diego will ..."), else text."""
    text = re.sub(r"\A(?:so|and|but)\s+(?=\w+\s)", "", text)  # "so for now vpetrov will talk to ..."
    words = text.split(" ", 5)
    firsts = {person.split()[0] for person in people} | {"I", "I'll", "I’ll"}
    for index in range(1, min(len(words), 5)):
        if words[0].capitalize() not in _COMING or not all(word.isalpha() for word in words[1:index]):
            break
        if words[index] in firsts:
            return " ".join(words[index:])
    return text


def _owners(written: str, attendees: tuple[str, ...], author: str = "") -> tuple[str, ...]:
    """Return the people in "Jane and Ravi" (or "Wolfgang and I"), by their full names when known; () if nobody."""
    names = [name.strip() for name in re.split(r"\s*(?:,|\band\b|&|/|\+)\s*", written) if name.strip()]
    names = [author if name in ("I", "i", "me") and author else name for name in names]
    if not names or any(name.split()[0].casefold() in _NOBODY for name in names):
        return ()
    owners = tuple(_full_name(name, attendees) for name in names)
    # a day or month ("(Wed)"), or an acronym nobody is known by ("KEP: update ..."), is no owner
    return () if any(owner.casefold().rstrip(".") in _CALENDAR or re.fullmatch(r"[A-Z0-9]{2,}", owner) for owner in owners) else owners


def _full_name(name: str, attendees: tuple[str, ...]) -> str:
    """Return a person's full name for a first name ("Jane" -> "Jane Okafor") when it is unambiguous.

    attendees holds the attendees first, then others the minutes name in full.
    """
    if name in attendees:
        return name
    if len(name.split()) > 1:  # "Mei Ling" for Mei Ling Tan; "Chris P" for Chris Pemberton; "R. Mehta" for Rahul Mehta
        initial = re.fullmatch(r"(.+) ([A-Z])\.?", name)
        first_initial = re.fullmatch(r"([A-Z])\.?\s+(\S+)", name)
        longer = {attendee for attendee in attendees if attendee.startswith(name + " ") or (
            initial and attendee.startswith(f"{initial[1]} {initial[2]}") and len(attendee.split()) == len(name.split())) or (
            first_initial and attendee.startswith(first_initial[1]) and attendee.split()[-1] == first_initial[2])}
        return longer.pop() if len(longer) == 1 else name
    for part in (0, -1):  # "Jane" for Jane Okafor; "Yufei" for Chen Yufei, "Châu" for Nguyễn Minh Châu
        matching = set(attendee for attendee in attendees if attendee.split()[part] == name)
        # "Mateus Carvalho", mentioned, is a part of "Mateus Carvalho Pinto", who attended: one person
        whole = {one for one in matching if not any(other != one and other.startswith(one + " ") for other in matching)}
        if len(whole) == 1:
            return whole.pop()
    return name


def _listed_decision(text: str) -> Found | None:
    """Return an entry of a list of decisions as a decision (what a rule finds in it, else the entry)."""
    if _NOT_DECIDED.search(text):
        return None
    what, rule = _decision(text) or (re.sub(r"\s+(?:--|[–—])\s+.*\Z", "", _cleaned(text)), "decision list")
    return ("decision", what, (), None, rule) if what else None


def _sentence_decision(text: str) -> Found | None:
    """Return the decision a narrative sentence records, if it records one."""
    decided = _decision(text)
    return ("decision", decided[0], (), None, decided[1]) if decided else None


def _decision(text: str) -> tuple[str, str] | None:
    """Return (what was decided, rule) from a sentence that records a decision."""
    text = _cleaned(text)
    if _NOT_DECIDED.search(text) or _CONDITIONAL.match(text) or _DECIDED_BEFORE.search(text):
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
    # "until 21.10." keeps its day's full stop; "from 12.2." is a version's
    return text if re.search(r"\b(?:by|until|before|deadline:?|due)\s+\d{1,2}\.\d{1,2}\.\Z", text) else text.rstrip(".").strip()
