"""Prose minutes: recognised as minutes, and their attendees, topics, actions and decisions read."""

from __future__ import annotations

from datetime import date, datetime, timezone

from archive.prose_minutes import looks_like_minutes, read_minutes
from ingest.mbox import iter_mbox
from ingest.message import parse_message
from tests.conftest import DATA

PROSE = DATA / "minutes-prose" / "minutes.mbox"
TUESDAY = datetime(2024, 3, 12, 18, 0, tzinfo=timezone.utc)


def messages() -> dict[str, tuple[str, str, datetime | None, str]]:
    """Return the prose set's messages by Message-ID: (subject, body, date, author)."""
    found = {}
    for item in iter_mbox(PROSE):
        message = parse_message(item.raw, envelope=item.envelope)  # type: ignore[union-attr]
        found[message.message_id] = (message.subject, message.body, message.date, message.sender.name)
    return found


def read(message_id: str) -> tuple[tuple[str, ...], list[tuple[str, str, tuple[str, ...], date | None]]]:
    subject, body, when, author = messages()[message_id]
    minutes = read_minutes(body, message_id=message_id, date=when, author=author)
    return minutes.attendees, [(i.kind, i.text, i.owners, i.due) for i in minutes.items]


def test_minutes_are_told_from_replies_agendas_and_discussion() -> None:
    taken = {mid for mid, (subject, body, _w, _a) in messages().items() if looks_like_minutes(subject, body)}
    assert taken == {f"minutes-{n}@example.org" for n in (1, 2, 5, 7, 8, 10, 12, 13)}


def test_a_summit_narrative_yields_owned_actions_with_due_dates_and_group_decisions() -> None:
    attendees, found = read("minutes-1@example.org")
    assert attendees == ("Jane Okafor", "Ravi Menon", "Mei Lin", "Tomasz Kowalski", "Lars Nilsson")  # wrapped mid-name
    assert ("action", "draft the new release policy and post it to the list", ("Jane Okafor",),
            date(2024, 3, 15)) in found  # "by Friday" from Tuesday's minutes
    assert ("action", "collect the slip numbers for the last four releases", ("Ravi Menon",), None) in found
    assert ("action", "pair on the v4 migration tool", ("Ravi Menon", "Tomasz Kowalski"), None) in found
    assert ("decision", "move to a six-month cadence starting with 3.0", (), None) in found
    texts = " | ".join(text for _k, text, _o, _d in found)
    assert "checksum" not in texts  # "Last week Jane agreed with the reviewers" reports the past
    assert "v2 support" not in texts  # "No decision was reached on v2 support"
    assert "fsck" not in texts  # "Someone should also look at ..." names nobody
    assert "fix it in v5" not in texts  # in the signature


def test_action_and_decision_lists_are_read_in_their_many_layouts() -> None:
    _attendees, found = read("minutes-7@example.org")
    actions = {(text, owners, due) for kind, text, owners, due in found if kind == "action"}
    assert actions >= {
        ("update the wiki install page", ("Tomasz Kowalski",), date(2024, 4, 26)),
        ("send the survey", ("Ana Souza",), None),
        ("review the CI budget", ("Kenji Watanabe",), date(2024, 5, 1)),
        ("ping the infra team about the Singapore mirror", ("Fatima Haddad",), None),
        ("relabel the open issues with the new scheme", ("Mei Lin", "Jonas Berg"), date(2024, 6, 1)),
    }
    assert not any("someone" in text.casefold() or "sponsor" in text for _k, text, _o, _d in found)  # TBD, someone


def test_labelled_outcomes_and_ai_lines_and_the_authors_own_promises() -> None:
    _attendees, found = read("minutes-12@example.org")
    assert ("action", "convert the existing changelog entries for 2.0", ("Jane Okafor", "Lars Nilsson"), None) in found
    assert ("decision", "release notes move to towncrier fragments", (), None) in found
    assert not any(text.startswith("none") for _k, text, _o, _d in found)  # "Outcome: none yet"
    _attendees, found = read("minutes-10@example.org")
    assert any(owners == ("Sofia Rossi",) and text.startswith("write to Ana") for _k, text, owners, _d in found)


def test_due_phrases_are_read_from_the_meetings_day() -> None:
    body = """Attendees: Jane Okafor, Ravi Menon

Action items:
- Jane: send the draft by the end of the month
- Ravi: book the room by March 20
- Jane: tag the release before 2024-06-01
- Ravi: file the report by the next meeting
"""
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.text, i.due) for i in found] == [
        ("send the draft", date(2024, 3, 31)), ("book the room", date(2024, 3, 20)),
        ("tag the release", date(2024, 6, 1)), ("file the report", None)]
    assert {i.rule for i in found} == {"action list: NAME: task"}


def test_each_item_keeps_its_line_and_rule() -> None:
    body = "Present: Mei Lin\n\nThe board voted to approve the 2024 budget.\nThe board will vote on the logo next time.\n"
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.kind, i.text, i.line, i.rule) for i in found] == [
        ("decision", "approve the 2024 budget", 3, "prose: the group voted to")]


def test_nicks_given_beside_names_are_the_people_and_labels_work_inside_lists() -> None:
    body = """Present: samb (Samira Benali), Kofi Asante (@kasante), Olaf Brandt

1. Installer
  - Decided: drop the 32-bit images from 12.2.
  - AI: @kasante to write the blog post draft within two weeks
  - AI: (obrandt) collect the known issues
  <samb> I'll draft the release notes skeleton by Friday
  - Brightline offered to pay for pizza again.
"""
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.kind, i.text, i.owners, i.due) for i in found] == [
        ("decision", "drop the 32-bit images from 12.2", (), None),
        ("action", "write the blog post draft", ("Kofi Asante",), date(2024, 3, 26)),
        ("action", "collect the known issues", ("Olaf Brandt",), None),
        ("action", "draft the release notes skeleton", ("Samira Benali",), date(2024, 3, 15)),
    ]  # "obrandt" is the handle Olaf Brandt's name gives; Brightline was not there


def test_roles_in_parentheses_are_not_nicks() -> None:
    body = "Who was there: Sofia Rossi (notes), Mei Lin\n\nMei will also update the deployment notes.\n"
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.text, i.owners) for i in found] == [("update the deployment notes", ("Mei Lin",))]


def test_owners_written_after_the_task_and_handles_from_names() -> None:
    body = """Attendees: Catalina Restrepo Ochoa, Pavel Dvořák, Kofi Asante-Boateng, and me (Ximena Quispe, notes)

Action items
- Publish the minutes on the wiki (owner: Catalina Restrepo Ochoa, before 2024-04-01)
- Profile the docs build. task: Kofi, by Friday
- [ ] @pavel test the ARM64 images
- [x] @kofi publish the annual report

Assigned to pdvorak: update the mirror list.
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Ximena Quispe")
    assert "Ximena Quispe" in minutes.attendees and "Pavel Dvořák" in minutes.attendees
    assert [(i.kind, i.text, i.owners, i.due) for i in minutes.items] == [
        ("action", "Publish the minutes on the wiki", ("Catalina Restrepo Ochoa",), date(2024, 4, 1)),
        ("action", "Profile the docs build", ("Kofi Asante-Boateng",), date(2024, 3, 15)),
        ("action", "test the ARM64 images", ("Pavel Dvořák",), None),
        ("done", "Kofi Asante-Boateng publish the annual report", (), None),
        ("action", "update the mirror list", ("Pavel Dvořák",), None),
    ]


def test_a_motion_is_a_decision_once_a_later_line_says_it_carried() -> None:
    body = """Present: Yusuf Demir, Aroha Ngata, Tanvir Hossain

1. Minutes

Motion to approve the minutes of 6 April. Moved by Tanvir, seconded by Aroha. Motion carried.

2. Audit

Motion to hire the first vendor. Vote: 1 in favour, 2 against. Motion failed.

3. AOB

Tanvir proposed moving the meeting to 17:00 UTC. Approved.
Radovan paid the bill. Aroha said the audit was late. She will chase the vendor by Friday.
"""
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.kind, i.text, i.owners) for i in found] == [
        ("decision", "approve the minutes of 6 April", ()),
        ("decision", "moving the meeting to 17:00 UTC", ()),
        ("action", "chase the vendor", ("Aroha Ngata",)),
    ]


def test_titles_underlined_without_a_blank_line_and_lists_nested_under_topics() -> None:
    body = """Present: Keiko Sato (ksato), Duc Nguyen, Sophie Baptiste

Image cache
-----------
Consensus was to drop py38 support, in line with the runtime guidance. ksato volunteered
to update the tox configs before 17 March.

1. [duc] KEP review
   - AIs:
     - file the PRR review request (owner: Duc Nguyen)
2. [sophie] Flaky e2e
   - Sophie: root cause was clock skew in the harness.
   - Agreed to move the test back to the blocking dashboard.

Action items
  Keiko -- update the release page
Owner: Sophie Baptiste
Task: watch the dashboard for a week
"""
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.kind, i.text, i.owners) for i in found] == [
        ("decision", "drop py38 support", ()),
        ("action", "update the tox configs", ("Keiko Sato",)),
        ("action", "file the PRR review request", ("Duc Nguyen",)),
        ("decision", "move the test back to the blocking dashboard", ()),
        ("action", "update the release page", ("Keiko Sato",)),
        ("action", "watch the dashboard for a week", ("Sophie Baptiste",)),
    ]


def test_who_what_when_lines_and_a_round_table_of_updates() -> None:
    body = """Present: Mei Ling Tan, Arjun Nair, Nadia Haddad

Round table
-----------

Nadia Haddad
  - Finished the cost model; the patch is in review.
  - Will ping the AArch64 reviewers again.

Action items

Who: Mei Ling        What: sign and return the venue contract
                     When: end of March
Who: Arjun           What: publish the CfP
                     When: -
"""
    found = read_minutes(body, message_id="m", date=TUESDAY).items
    assert [(i.text, i.owners, i.due) for i in found] == [
        ("ping the AArch64 reviewers again", ("Nadia Haddad",), None),
        ("sign and return the venue contract", ("Mei Ling Tan",), date(2024, 3, 31)),
        ("publish the CfP", ("Arjun Nair",), None),
    ]


def test_meetbot_markers_typed_into_notes_and_nicks_explained_in_a_sentence() -> None:
    body = """**Present**: hkaur, ymatsu, Elif Yılmaz
(For newcomers: hkaur is Harpreet Kaur and ymatsu is Yuki Matsumoto.)

PTG planning
#agreed the team will hold a 2-day session at the PTG
I'll send the etherpad link to the list so people can add topics.
ymatsu volunteered to write the release note. He'll also ping the docs team.
AI(@elif): benchmark a split build
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Thanh Nguyen")
    assert minutes.attendees == ("Harpreet Kaur", "Yuki Matsumoto", "Elif Yılmaz")
    assert [(i.kind, i.text, i.owners) for i in minutes.items] == [
        ("decision", "the team will hold a 2-day session at the PTG", ()),
        ("action", "send the etherpad link to the list", ("Thanh Nguyen",)),
        ("action", "write the release note", ("Yuki Matsumoto",)),
        ("action", "ping the docs team", ("Yuki Matsumoto",)),
        ("action", "benchmark a split build", ("Elif Yılmaz",)),
    ]


def test_attendees_told_as_a_sentence_with_surnames_in_brackets_and_the_writers_nick() -> None:
    body = """Quick recap. It was me, Björn (Lindqvist), Aiko (Mori) and Zainab (Bello).

Aiko will put together the review committee by Wednesday. Zainab agreed to update the
prospectus, and fatima will send the reminder.
Signed: me (fatima)
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Fatima Al-Sayed")
    assert minutes.attendees == ("Fatima Al-Sayed", "Björn Lindqvist", "Aiko Mori", "Zainab Bello")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("put together the review committee", ("Aiko Mori",)),
        ("update the prospectus", ("Zainab Bello",)),
        ("send the reminder", ("Fatima Al-Sayed",)),
    ]


def items_of(body: str, author: str = "Giulia Bernardini") -> list[tuple[str, str, tuple[str, ...], date | None]]:
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author=author)
    return [(i.kind, i.text, i.owners, i.due) for i in minutes.items]


def test_a_table_of_who_what_when_and_guests_on_the_present_line() -> None:
    body = """Present: Giulia Bernardini (chair, minutes), Stefan Müller, Amara Nwosu,
Pedro Alves, Yuki Tanaka; guest: Claire Fontaine (venue coordinator,
Kulturhaus Nord)

Topic 1: Venue
Claire will send the final contract version to Stefan this week.

Overview:

Who          | What                                     | When
-------------+------------------------------------------+-----------
Stefan       | sign venue contract                      | 21.10.
Yuki         | sponsor prospectus, new prices           | Fri
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Giulia Bernardini")
    assert minutes.attendees[-2:] == ("Yuki Tanaka", "Claire Fontaine")
    assert items_of(body) == [
        ("action", "send the final contract version to Stefan", ("Claire Fontaine",), None),  # "this week" is vague
        ("action", "sign venue contract", ("Stefan Müller",), date(2024, 10, 21)),
        ("action", "sponsor prospectus, new prices", ("Yuki Tanaka",), date(2024, 3, 15)),
    ]


def test_reviewed_items_are_not_new_and_lowercase_owners_stand_where_owners_do() -> None:
    body = """present: Dmitri Volkov (notes), Alex Romero, Kwame Mensah, Johanna Berg ("jo")

Agenda

1. Action items from last meeting
   * Alex to renew the code signing certificate - DONE
   * Kwame to draft the LTS policy: in progress

2. arm64 build hosts
   - agreed to accept the arm64 offer
   - ACTION kwame + jo: rack and provision the arm64 boxes by end of
     month
   - ACTION alex: add disk usage alerting for all mirrors

Action items
[ ] Dmitri - send announcement to the list on mon
[ ] Johanna Berg - update the runbook
"""
    found = items_of(body, author="Dmitri Volkov")
    assert ("done", "Alex to renew the code signing certificate", (), None) in found
    assert [(kind, text, owners) for kind, text, owners, _due in found if kind == "action"] == [
        ("action", "rack and provision the arm64 boxes", ("Kwame Mensah", "Johanna Berg")),
        ("action", "add disk usage alerting for all mirrors", ("Alex Romero",)),
        ("action", "send announcement to the list", ("Dmitri Volkov",)),  # "on mon" is when
        ("action", "update the runbook", ("Johanna Berg",)),
    ]
    assert ("decision", "accept the arm64 offer", (), None) in found


def test_nick_lists_two_tasks_in_a_sentence_and_openings_before_an_owner() -> None:
    body = """Attendees (add yourself: nick - name)
 * tariq - Tariq Mahmood
 * svolkov - Sergei Volkov
 * hrv

(hrv = Henrik Rasmussen-Vik, new contributor, welcome!!)

svolkov will prepare the PMS patches and hrv will coordinate with the
package manager authors. This year Tariq will draft the project list.
Wolfgang and I will update the election guide before nominations open on 1 April.
Wolfgang Steiner joined late.

TODO
- me: I'll book the AV kit
"""
    assert [(text, owners, due) for _kind, text, owners, due in items_of(body, author="Ana Sofía Restrepo")] == [
        ("prepare the PMS patches", ("Sergei Volkov",), None),
        ("coordinate with the package manager authors", ("Henrik Rasmussen-Vik",), None),
        ("draft the project list", ("Tariq Mahmood",), None),
        ("update the election guide", ("Wolfgang Steiner", "Ana Sofía Restrepo"), date(2024, 4, 1)),
        ("book the AV kit", ("Ana Sofía Restrepo",), None),
    ]


def test_subjects_and_decisions_that_mark_minutes_even_when_a_sentence_wraps() -> None:
    assert looks_like_minutes("infra mtg notes 26/3", "present: Dmitri Volkov, Alex Romero\n\n1. mirrors\n2. certs\n")
    assert looks_like_minutes("Docs sprint wrap-up (Sat 15 Oct)", "TODO\n- Marcus: add a Vale rule\n")
    assert looks_like_minutes("Steering committee update: trademark policy", "We went through the comments. The\n"
                              "committee approved the policy with one change.\n")
    assert not looks_like_minutes("Re: infra mtg notes 26/3", "present: Dmitri Volkov, Alex Romero\n\n1. a\n2. b\n")


def test_labels_inside_paragraphs_and_lines_that_end_an_entry() -> None:
    body = """Present: Mirjam de Vries, Paolo Bianchi, Lucía Martín, Marek Nowak, Marta Kowalczyk

== 1. CVE in the image parsing lib ==
Lucía confirmed we're affected. Agreed: we ship 4.1.3 as a security
release with just this fix.
- Code of conduct: agreed that we'll have a named CoC contact at every
  event.

== 2. Budget ==
AI: Paolo to circulate the revised budget draft to the board by 2022-09-30
Paolo also asked whether the travel policy needs revisiting.
bug 678123: Marek agreed to draft a text for the appeal process.
bug 680001: no action needed.

== Actions ==
- Marta: update the release schedule page (9 June)
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Mirjam de Vries")
    assert minutes.topics == ("CVE in the image parsing lib", "Budget")
    assert [(i.kind, i.text, i.owners, i.due) for i in minutes.items] == [
        ("decision", "we ship 4.1.3 as a security release with just this fix", (), None),
        ("decision", "we'll have a named CoC contact at every event", (), None),
        ("action", "circulate the revised budget draft to the board", ("Paolo Bianchi",), date(2022, 9, 30)),
        ("action", "draft a text for the appeal process", ("Marek Nowak",), None),
        ("action", "update the release schedule page", ("Marta Kowalczyk",), date(2024, 6, 9)),
    ]


def test_nicknames_pronouns_and_people_named_in_full_who_were_not_listed() -> None:
    body = """Present: Funmi (me, notes), Gabriel Sousa, Hannah Lindgren and, for the first
half hour, Wojtek (Wojciech Zieliński).
Regrets: Laura Kim

Before he dropped off, Wojtek raised the signing key. He said he'd look into
rotating the key, and whether we can publish it on the website.
Maya Goldberg will check it against the contracting rules.
Laura Kim will send the budget. Brightline Analytics agreed to pay for pizza again.

Next steps
* update the office hours calendar invite -- Funmi, no date
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Funmilayo Adeyemi")
    assert minutes.attendees == ("Funmilayo Adeyemi", "Gabriel Sousa", "Hannah Lindgren", "Wojciech Zieliński")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("look into rotating the key", ("Wojciech Zieliński",)),
        ("check it against the contracting rules", ("Maya Goldberg",)),  # named in full, sent no regrets
        ("update the office hours calendar invite", ("Funmilayo Adeyemi",)),
    ]


def test_board_roles_columns_of_names_and_tasks_owned_in_brackets() -> None:
    body = """Directors present:  Helga Brandvold (Chair)
                    Samuel Okonjo-Reyes (Treasurer)
                    Beatriz dos Santos
Also present:       Daniel Kaplan (Counsel; items 4 and 5 only)

2. Treasurer's report
The Treasurer presented the revised budget. Counsel to review the
indemnification clause in the Tern agreement.

Last cycle's items:
  * Beatriz to finish the quota docs -> DONE, merged
  * Samuel to write the upgrade check -> still in progress

  * write the deprecation release note [Beatriz]
  * confirm the booking with the venue (Helga) by Friday

Next steps

Helga agreed to draft the new policy and put it on the wiki. Beatriz said
she'd collect the numbers by the end of the month, so we know the load.
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Helga Brandvold")
    assert minutes.attendees == ("Helga Brandvold", "Samuel Okonjo-Reyes", "Beatriz dos Santos", "Daniel Kaplan")
    assert [(i.kind, i.text, i.owners, i.due) for i in minutes.items] == [
        ("action", "review the indemnification clause in the Tern agreement", ("Daniel Kaplan",), None),
        ("done", "Beatriz to finish the quota docs", (), None),
        ("action", "write the deprecation release note", ("Beatriz dos Santos",), None),
        ("action", "confirm the booking with the venue", ("Helga Brandvold",), date(2024, 3, 15)),
        ("action", "draft the new policy and put it on the wiki", ("Helga Brandvold",), None),
        ("action", "collect the numbers", ("Beatriz dos Santos",), date(2024, 3, 31)),
    ]


def test_nick_columns_initials_dotted_leaders_and_motions_by_number() -> None:
    body = """Present (nick = person):
  aoifeb   Aoife Brennan (notes)
  jbecker  Jonas Becker
Attendees: Ruth Achterberg (RA), Shun Nakamura (SN)

Motion 1: That the minutes of the 2023 meeting be approved as a true record.
CARRIED unanimously.
The Chair declared Jonas Becker elected as director.

== New actions ==
 * jbecker   upload liblua-foo 2.3.1 to unstable
 * aoifeb    ESM migration plan (Wed)
  RA  advisory update re 3.0 ........... Thu 14/11
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Aoife Brennan")
    assert minutes.attendees == ("Aoife Brennan", "Jonas Becker", "Ruth Achterberg", "Shun Nakamura")
    assert [(i.kind, i.text, i.owners) for i in minutes.items] == [
        ("decision", "the minutes of the 2023 meeting be approved as a true record", ()),
        ("decision", "Jonas Becker elected as director", ()),
        ("action", "upload liblua-foo 2.3.1 to unstable", ("Jonas Becker",)),
        ("action", "ESM migration plan", ("Aoife Brennan",)),
        ("action", "advisory update re 3.0", ("Ruth Achterberg",)),
    ]


def test_meeting_subjects_need_little_structure_but_an_agenda_is_not_minutes() -> None:
    body = ("Nine of us in the end: me, Fiona Dunn, Harpreet Gill and Tobias Lindqvist. We talked about the room,\n"
            "and in the end we voted to stay at the pub.\n")
    assert looks_like_minutes("TynLUG November meet - report", body)
    assert not looks_like_minutes("Proposed agenda for the 14 June steering call", body)
    assert not looks_like_minutes("Winter sprint -- venue options", body)


def test_agenda_presenters_lower_case_sentences_and_team_subjects() -> None:
    body = """### Attendees
- Rafael Mendes (@rmendes)
- Hélène Dubois

### Topics
- [Rafael] Deprecating the v1alpha1 API
- [Hélène] draft the deprecation notice

Hélène will write the blog post (end of June). basically the same as last year's.
rafael will land the helm chart fix, target Tuesday June 10.
"""
    assert looks_like_minutes("Observability WG - 2025-03-06", body)
    assert not looks_like_minutes("Moving the WG meeting time? (was: Re: WG notes 2025-02-27)",
                                  "I know we agreed back in October to keep the time, but I'd like to propose a change.\n")
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Hélène Dubois")
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("draft the deprecation notice", ("Hélène Dubois",), None),
        ("write the blog post", ("Hélène Dubois",), date(2024, 6, 30)),
        ("land the helm chart fix", ("Rafael Mendes",), date(2024, 6, 10)),
    ]


def test_notes_written_all_in_lower_case() -> None:
    body = """present: eiríkur hallsson (notes), jón þór sigurðsson (jonthor), dana
whitfield, vikram kumar (vk)

new
- grafana: dana to upgrade staging to 10.x by tue
- vk will pull the s3 cost numbers by next standup (tue 20 feb)
- i'll move the status page off the old vps, soon hopefully
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Eiríkur Hallsson")
    assert minutes.attendees == ("Eiríkur Hallsson", "Jón Þór Sigurðsson", "Dana Whitfield", "Vikram Kumar")
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("upgrade staging to 10.x", ("Dana Whitfield",), date(2024, 3, 19)),
        ("pull the s3 cost numbers", ("Vikram Kumar",), date(2025, 2, 20)),  # the next 20 February
        ("move the status page off the old vps", ("Eiríkur Hallsson",), None),
    ]


def test_minutes_inline_in_a_reply_honorifics_and_dates_after_a_comma() -> None:
    body = """Minutes inline below, sorry they're a bit rough.

Present: Rachel Goldberg, Claire Dubois, Chloe Evans, Lena Schulz (me)

> 1. mirror migration
Ms Dubois agreed to circulate the draft venue contract to the Board.
Chloe will chase the second speaker, Monday at the latest.
- Rachel to renew the wildcard cert -> still todo, sorry
"""
    assert looks_like_minutes("Re: infra meeting tomorrow (Tue 28 Apr) - agenda", body)
    assert not looks_like_minutes("Re: infra meeting tomorrow (Tue 28 Apr) - agenda", "I agree, let's meet.\n")
    assert not looks_like_minutes("Proposal: move SIG Scheduling meeting to Wednesdays", "Nothing is decided yet.\n"
                                  "We agreed last time to revisit it.\n")
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Lena Schulz")
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("circulate the draft venue contract to the Board", ("Claire Dubois",), None),
        ("chase the second speaker", ("Chloe Evans",), date(2024, 3, 18)),
    ]


def test_initials_for_people_given_or_guessed_stand_only_where_owners_do() -> None:
    body = """Initials as usual: MB = Marcus Bell (me), AK = Anja Kowalczyk, RT = Rohan Tiwari.
Present: Marcus Bell, Anja Kowalczyk, Rohan Tiwari, Sam Lee

AK to put the monthly restore test in the on-call calendar.
RT to drop the retention setting to 30d. The CI runners stay as they are.

Action items:
- SL: review the Postgres failover runbook
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Marcus Bell")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("put the monthly restore test in the on-call calendar", ("Anja Kowalczyk",)),
        ("drop the retention setting to 30d", ("Rohan Tiwari",)),
        ("review the Postgres failover runbook", ("Sam Lee",)),  # "SL" guessed from the names present
    ]


def test_who_was_there_as_nick_equals_name_columns_and_a_there_label() -> None:
    body = """present (nick = name):
  kenjiw    = Kenji Watanabe (chair, writing this)
  amarquez  = Ana Márquez
absent: heikki (vacation)

- deepa_k will write the alpha 1 announcement, due thursday
- amarquez will pull the stats from the mirror logs
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Kenji Watanabe")
    assert minutes.attendees == ("Kenji Watanabe", "Ana Márquez")
    assert [(i.text, i.owners) for i in minutes.items] == [("pull the stats from the mirror logs", ("Ana Márquez",))]
    there = read_minutes("there: claire dubois, kenji watanabe (me), amara okonkwo\n\namara will open the PR.\n",
                         message_id="m", date=TUESDAY, author="Kenji Watanabe")
    assert there.attendees == ("Claire Dubois", "Kenji Watanabe", "Amara Okonkwo")


def test_names_one_to_an_indented_line_a_quoted_nickname_and_an_owner_item_table() -> None:
    body = """Attendance
  Ewa Kowalczyk
  Jonas "jb" Berg
  Gwen Whitaker
Apologies: Stefan Novak

Rahul: three deploy keys should be replaced. Jonas to find out.

Actions
  Owner      | Item                                      | Due
  -----------+-------------------------------------------+-----------
  jb         | check release workflow w/ OIDC on mirror  | 2026-11-20
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Ewa Kowalczyk")
    assert minutes.attendees == ("Ewa Kowalczyk", "Jonas Berg", "Gwen Whitaker")
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("check release workflow w/ OIDC on mirror", ("Jonas Berg",), date(2026, 11, 20)),  # "find out" says nothing
    ]


def test_patches_whose_subjects_say_call_or_sync_are_not_minutes() -> None:
    patch = """Two changes here:

1. Call the helper directly
2. Sync the header with the kernel

We agreed on the list to do it this way.
"""
    assert not looks_like_minutes("[PATCH v2 3/6] io_uring/mock: add sync read/write", patch)
    assert not looks_like_minutes("statx: allow the system call to be invoked from the kernel",
                                  "Two changes here:\n\n1. Call the helper directly\n\nSigned-off-by: Jens Axboe\n")
    assert not looks_like_minutes("[RFC PATCH 0/2] Batch free work in io-wq", "- Guest: Qemu KVM with 4 vCPUs\n- Host: x86\n")


def test_action_with_owners_in_brackets_and_a_summary_table_that_restates_it() -> None:
    body = """Attendees
---------
- Nadia Petrova (@npetrova)
- Björn Eriksson (@bjorne)

ACTION [@npetrova]: fix or document the remaining AMD CTS failures by
2027-04-09.
ACTION [@bjorne]: ask his employer about donating runner time.

Action item summary
-------------------
| Owner               | Item                     | Due        |
|---------------------|--------------------------|------------|
| @npetrova           | AMD CTS failures         | 2027-04-09 |
| @bjorne             | Runner donation inquiry  | -          |
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Nadia Petrova")
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("fix or document the remaining AMD CTS failures", ("Nadia Petrova",), date(2027, 4, 9)),
        ("ask his employer about donating runner time", ("Björn Eriksson",), None),
    ]


def test_a_task_given_twice_is_kept_once_in_its_much_fuller_wording() -> None:
    body = """Present (directors): Ahmed El-Sayed (chair), Lucía Fernández
Also present: Giulia Romano (Executive Director); Samuel
Osei (legal counsel, for item 4 only)

Jonas Becker joined us for the packaging item. Jonas will do the upload.
Samuel agreed to prepare a plain-language FAQ to accompany the draft.
Lucía will draft the 2020 budget and circulate it to the board.

Actions:
- Jonas Becker: upload liblua-foo 2.3.1 to unstable
- Lucía: budget draft, by Friday
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Lucía Fernández")
    assert "Samuel Osei" in minutes.attendees  # "Giulia Romano (...); Samuel Osei" names two people
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("upload liblua-foo 2.3.1 to unstable", ("Jonas Becker",), None),  # fuller than "do the upload"
        ("prepare a plain-language FAQ to accompany the draft", ("Samuel Osei",), None),
        ("draft the 2020 budget and circulate it to the board", ("Lucía Fernández",), date(2024, 3, 15)),  # the summary's day
    ]


def test_arrows_mark_tasks_and_the_writer_shares_one() -> None:
    body = """Participants: Jürgen Voß (minutes), Mehmet Yıldız, Marta Solé

TOP 2: String freeze
Result: we ask the release team for two weeks.
  → Mehmet writes to the release team until 20.01.2027.

Marta and me will write the grant form and the rules.
"""
    minutes = read_minutes(body, message_id="m", date=datetime(2027, 1, 17, tzinfo=timezone.utc), author="Jürgen Voß")
    assert [(i.text, i.owners, i.due) for i in minutes.items if i.kind == "action"] == [
        ("writes to the release team", ("Mehmet Yıldız",), date(2027, 1, 20)),
        ("write the grant form and the rules", ("Marta Solé", "Jürgen Voß"), None),
    ]


def test_what_trails_a_task_is_left_out_of_it() -> None:
    body = """Present: Tariq Hussain, Nadia Haddad, Amadou Diallo, Mei Kobayashi

Tariq will help Conor put together the sponsor prospectus, he'll get in touch with him.
Nadia will finish the maturity model assessment, ideally before the July board report is due.
Amadou to check our push script in case it's on our side.
Mei and Tariq will jointly prepare an FAQ for community event organizers.

Actions:
- Mei: review the plugin API PR (#1150), target is Wednesday
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Nadia Haddad")
    assert [(i.text, i.due) for i in minutes.items] == [
        ("help Conor put together the sponsor prospectus", None),
        ("finish the maturity model assessment", None),
        ("check our push script", None),
        ("prepare an FAQ for community event organizers", None),
        ("review the plugin API PR (#1150)", date(2024, 3, 13)),
    ]


def test_a_new_clause_or_a_closing_remark_ends_a_task_or_decision() -> None:
    body = """Present: Daniel Okafor, Julien Moreau, Marta Kowalczyk, Tim Krause, Mei Tanaka

Daniel to write up what the sponsor needs and send it to Sebastian, who has the contact.
Julien will write up the known regressions so downstream projects know what to expect.
Julien will review the draft before it goes out.
I'll also finally write the migration guide outline, Tim and i will fill in the sections.
Mei will post the summary (she has the notes, as usual).
The group voted to approve the 2027 budget as presented (5 in favour, 0 against, 1 abstention).
We agreed to keep the sponsor tiers (Bronze 500, Silver 1500).
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Marta Kowalczyk")
    assert [(i.kind, i.text, i.owners) for i in minutes.items] == [
        ("action", "write up what the sponsor needs and send it to Sebastian", ("Daniel Okafor",)),
        ("action", "write up the known regressions", ("Julien Moreau",)),
        ("action", "review the draft", ("Julien Moreau",)),
        ("action", "write the migration guide outline", ("Marta Kowalczyk",)),
        ("action", "fill in the sections", ("Tim Krause", "Marta Kowalczyk")),
        ("action", "post the summary", ("Mei Tanaka",)),
        ("decision", "approve the 2027 budget as presented", ()),
        ("decision", "keep the sponsor tiers (Bronze 500, Silver 1500)", ()),  # what was decided, not a remark
    ]


def test_lower_case_names_roles_and_pronouns_in_running_notes() -> None:
    body = """It was a small group this time: Joonas Heikkinen, Marisol Ortega, Lucas Moreau, Chris Dunleavy,
Ana Vargas (chair) and me.

in the end we decided to split the tutorial into two parts.
we want the recap out soon. joonas will put the photos in the shared folder and marisol
will write the post from there, aiming for wednesday, sept 1. the recap goes on the news site.
Lucas thinks it is the JavaScript of the theme and he will open an issue upstream.
Chris did offer something useful though: he'll add a coverage check to CI.
The chair will announce the change on the blog.
marisol and i will also look at a cheaper banner printer.
"""
    assert looks_like_minutes("Docs WG catch-up, Thursday 26th (notes, sort of)", body)
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Léa Fontaine")
    assert minutes.attendees[:2] == ("Joonas Heikkinen", "Marisol Ortega")
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("split the tutorial into two parts", (), None),
        ("put the photos in the shared folder", ("Joonas Heikkinen",), None),
        ("write the post from there", ("Marisol Ortega",), date(2024, 9, 1)),
        ("open an issue upstream", ("Lucas Moreau",), None),
        ("add a coverage check to CI", ("Chris Dunleavy",), None),
        ("announce the change on the blog", ("Ana Vargas",), None),
        ("look at a cheaper banner printer", ("Marisol Ortega", "Léa Fontaine"), None),
    ]


def test_present_tense_tasks_marked_ais_open_boxes_and_going_to() -> None:
    body = """Participants: Jörg Hafner, Piotr Nowak, Aiko Tanabe, Brendan Carr (@brendanc), Greta Halvorsen (@ghalvorsen),
Ravi Menon, Rafael Jiménez (@rjo)

1. Sprint
Jörg writes the blog post about the sprint in Berlin, deadline 2.12.
Piotr asks his colleague from the ops team if she wants to speak.
Aiko makes the graphics for the social media posts, maybe the VDG can help.
Ravi asks whether we need a CLA.
Ravi's going to get the booking confirmed in writing.

2. Kernel
- **AI** @brendanc: bisect the kernel between rc3 and rc5
- [ ] @ghalvorsen update the community calendar
- [ ] @rjo windows CI flake -- still flaky, rjo still digging
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Aiko Tanabe")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("writes the blog post about the sprint in Berlin", ("Jörg Hafner",)),
        ("asks his colleague from the ops team if she wants to speak", ("Piotr Nowak",)),
        ("makes the graphics for the social media posts", ("Aiko Tanabe",)),  # a question asked is no task
        ("get the booking confirmed in writing", ("Ravi Menon",)),
        ("bisect the kernel between rc3 and rc5", ("Brendan Carr",)),
        ("update the community calendar", ("Greta Halvorsen",)),  # an earlier task still under way is no new one
    ]


def test_a_table_of_actions_is_read_by_its_header_in_any_order() -> None:
    body = """Present: Mette Sørensen, Oskar Dahl, Aino Koskinen, Leena Virtanen

Action items

| #  | What                                      | Who         | When      | Status |
|----|-------------------------------------------|-------------|-----------|--------|
| 1  | Send reviewer guidelines to the reviewers | Mette       | 2.10.     |        |
| 2  | Set up the review instance in Pretalx     | Oskar, Aino | -         |        |
| 3  | Draft the financial aid page              | ???         | -         |        |
| 4  | Renew the domain                          | Leena       | -         | done   |

Next call: Monday.
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Leena Virtanen")
    assert [(i.kind, i.text, i.owners, i.due) for i in minutes.items] == [
        ("action", "Send reviewer guidelines to the reviewers", ("Mette Sørensen",), date(2024, 10, 2)),
        ("action", "Set up the review instance in Pretalx", ("Oskar Dahl", "Aino Koskinen"), None),
        ("done", "Renew the domain", (), None),  # nobody owns row 3; row 4 closes an earlier action
    ]


def test_an_initial_and_a_surname_name_a_person_and_a_task_must_say_what() -> None:
    body = """Present: Rahul Mehta, Sam Lee, Marcus Bell, Kenji Watanabe

ACTION: R. Mehta to forward screenshots and store listings to the
Executive Director.
Sam and Marcus to review it.
Kenji will tally.
Kenji will take care of the venue.
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Kenji Watanabe")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("forward screenshots and store listings to the Executive Director", ("Rahul Mehta",)),
        ("take care of the venue", ("Kenji Watanabe",)),  # "review it" and "tally" point at tasks said elsewhere
    ]


def test_more_ways_minutes_say_who_was_there_and_who_does_what() -> None:
    body = """We were 9 people in the lab 2.14, I write the names here for the record:
Lucía Ferrer (me), Jakub Novák, Daniel Kim, Diego Ferraz. Ravi Menon (staff) joined for one item.

Jakub has a branch that silences them and will open the PR fixing the warnings by Sunday.
Mr Kim noted that the overrun comes from the CDN migration. He will prepare a revised forecast.
Jakub will cut the release candidate, assuming the blockers are resolved by then.
We agreed to make 3.14 the default interpreter, assuming the tracker is green.
* AP(rmenon): pull the anonymised statistics from the case tracker
Action: coordinate the open day. Owner: Diego Ferraz and Daniel Kim (volunteered)
"""
    assert looks_like_minutes("Notes meeting 12/11 (install fest, hackathon)", body)
    assert looks_like_minutes("Re: Security team sync - Monday 29th", "Hello all,\n\nhere is the summary of today's meeting.\n\n"
                              "Participants: Arnaud Lefèvre, Katrin Fischer\n\n- AGREED: disclosure is on 7 December\n")
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Lucía Ferrer")
    assert minutes.attendees == ("Lucía Ferrer", "Jakub Novák", "Daniel Kim", "Diego Ferraz", "Ravi Menon")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("open the PR fixing the warnings", ("Jakub Novák",)),
        ("prepare a revised forecast", ("Daniel Kim",)),
        ("cut the release candidate", ("Jakub Novák",)),
        ("make 3.14 the default interpreter, assuming the tracker is green", ()),  # a decision keeps its condition
        ("pull the anonymised statistics from the case tracker", ("Ravi Menon",)),
        ("coordinate the open day", ("Diego Ferraz", "Daniel Kim")),
    ]


def test_handles_with_a_colon_openings_before_a_name_and_she_after_a_decision() -> None:
    body = """Present: Yuki Tanaka (@yuki), Jonas Weber (@jweber), Viktor Petrov, Chloé Bertrand

@yuki: announce the freeze on the translators list by Monday.
@jweber: worried about breaking existing dashboards.
Nobody liked that idea, so for now vpetrov will talk to the infra team about node quota.
On Wednesday Chloé showed her prototype, and we agreed to make encryption a priority.
She will push the prototype as a WIP patch.
Jonas will keep going with it this cycle.
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Jonas Weber")
    assert [(i.text, i.owners, i.due) for i in minutes.items if i.kind == "action"] == [
        ("announce the freeze on the translators list", ("Yuki Tanaka",), date(2024, 3, 18)),
        ("talk to the infra team about node quota", ("Viktor Petrov",), None),
        ("push the prototype as a WIP patch", ("Chloé Bertrand",), None),  # "she" is Chloé, not "On Wednesday"
    ]  # a remark after a handle is no task, nor is "keep going with it"


def test_a_handle_and_a_name_in_brackets_and_so_before_a_person() -> None:
    body = """attendees: me (dev, notes), jorge (@jsaldana, Jorge Saldana), ryo (@rtanaka, Ryo Tanaka), marta
(@mkowalczyk, Marta Kowalczyk)

- ryo will update the KEP and ping the PRR reviewers
- @jsaldana will add a release note to the PR

Nobody knew how many distros ship 3.4, so Marta said she'd collect the numbers from Repology.
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Dev Malhotra")
    assert minutes.attendees == ("Jorge Saldana", "Ryo Tanaka", "Marta Kowalczyk")
    assert [(i.text, i.owners) for i in minutes.items] == [
        ("update the KEP and ping the PRR reviewers", ("Ryo Tanaka",)),
        ("add a release note to the PR", ("Jorge Saldana",)),
        ("collect the numbers from Repology", ("Marta Kowalczyk",)),
    ]


def test_w3c_style_names_and_action_summaries_and_owner_due_on_one_line() -> None:
    body = """Attendees
  Present: Hannah_Lindgren, Omar_Farouk, Mei_Lin_Chow, Henrik Berg

Henrik will ask on the forum for volunteers and also he will translate the settings app.
TestSchedulerPerf_Affinity is flaky.

Actions:
Update the release schedule page. Owner: Hannah Lindgren Due: 20 April 2024

Summary of action items
[NEW] ACTION: Mei_Lin to run the test pages with NVDA and JAWS
[OPEN] ACTION-43: Omar to contact the APG editors
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Hannah Lindgren")
    assert set(minutes.attendees) == {"Hannah Lindgren", "Omar Farouk", "Mei Lin Chow", "Henrik Berg"}
    assert [(i.text, i.owners, i.due) for i in minutes.items] == [
        ("ask on the forum for volunteers", ("Henrik Berg",), None),
        ("translate the settings app", ("Henrik Berg",), None),
        ("Update the release schedule page", ("Hannah Lindgren",), date(2024, 4, 20)),
        ("run the test pages with NVDA and JAWS", ("Mei Lin Chow",), None),  # ACTION-43 is an earlier one, still open
    ]


def test_arrows_and_names_in_brackets_open_lines_of_their_own() -> None:
    body = """Present: Stéphane Guérin, Élodie Marchetti, Diego Santos (dsantos)

* catering: two quotes in, we go with Fresco
  -> dsantos signs the Fresco contract and pays the deposit by fri

The remaining work (TODO)
[Stéphane] file the transition bug before 22 May
[Élodie] I will ask DSA for a bigger build VM
[???] update the CI templates
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Élodie Marchetti")
    assert [(i.kind, i.text, i.owners) for i in minutes.items] == [
        ("action", "signs the Fresco contract and pays the deposit", ("Diego Santos",)),
        ("action", "file the transition bug", ("Stéphane Guérin",)),
        ("action", "ask DSA for a bigger build VM", ("Élodie Marchetti",)),
    ]


def test_owner_task_and_due_lines_a_group_named_in_a_sentence_and_present_on_irc() -> None:
    body = """Present: Lena Vogt, Olu Bamidele

2. Fixed layout
We decided that fixed-layout rendering stays in core.
  Owner: Lena
  Task: land the deferred viewport parsing patch behind the new flag
  Due: 29 Sep
"""
    minutes = read_minutes(body, message_id="m", date=TUESDAY, author="Olu Bamidele")
    assert [(i.kind, i.text, i.owners, i.due) for i in minutes.items] == [
        ("decision", "fixed-layout rendering stays in core", (), None),
        ("action", "land the deferred viewport parsing patch behind the new flag", ("Lena Vogt",), date(2024, 9, 29)),
    ]
    assert looks_like_minutes("Notes from the Research Computing User Group, 8 August",
                              "In the room were Dr. Anil Mehta from Physics, Beatriz Costa and Jonas Lindqvist.\n\n"
                              "Harriet is going to write a cheat-sheet.\n")
    assert looks_like_minutes("Re: [l10n-fr] IRC meeting on Thursday", "Hello again,\n\nso here the notes of Thursday's meeting.\n\n"
                              "Present on IRC: Amélie Durand (me, notes), Lucie Marchand (lmarchand)\n")
    assert not looks_like_minutes("Notes from the road", "I spent a week in Lisbon and met Ana Lima and João Silva.\n")
