"""Who is who: person keys and the grouping of names and addresses."""

from __future__ import annotations

from archive.models import Address
from archive.people import clear_name, group_people, person_key, slug


def test_clear_names_give_readable_keys() -> None:
    assert person_key(Address("Zoë Martin", "zoe.martin@example.net")) == "zoë-martin"
    assert person_key(Address('"Jens Axboe"', "axboe@kernel.dk")) == "jens-axboe"
    assert person_key(Address("Alice Wong via lanternfish-dev", "dev@lists.example")) == "alice-wong"
    assert slug("  Tomás  Ferreira! ") == "tomás-ferreira"


def test_other_senders_get_a_key_that_hides_the_address() -> None:
    key = person_key(Address("", "alice@example.org"))
    assert key is not None and key.startswith("someone-") and "alice" not in key
    assert person_key(Address("root", "root@host.example")).startswith("root-")
    assert person_key(Address("ALICE@example.org", "ALICE@example.org")) == key
    assert person_key(Address("", "")) is None
    assert clear_name("Jens") is None and clear_name("a@b.c d") is None


def test_one_name_from_two_addresses_is_one_person() -> None:
    people = group_people([
        ("Jens Axboe", "axboe@kernel.dk", 900),
        ("Jens Axboe", "axboe@fb.com", 100),
        ("", "axboe@kernel.dk", 3),
        ("Pavel Begunkov", "asml.silence@gmail.com", 500),
    ])
    jens = people["jens-axboe"]
    assert jens.name == "Jens Axboe" and jens.addresses == ("axboe@fb.com", "axboe@kernel.dk")
    # The nameless message from axboe@kernel.dk has its own key but is also Jens's.
    assert people[person_key(Address("", "axboe@kernel.dk")) or ""].addresses == ("axboe@kernel.dk",)
    assert "pavel-begunkov" in people


def test_an_address_shared_by_many_names_belongs_to_nobody() -> None:
    people = group_people([
        ("Alice Wong via dev", "dev@lists.example", 3),
        ("Kenji Sato via dev", "dev@lists.example", 2),
        ("Priya Raman via dev", "dev@lists.example", 4),
        ("Alice Wong", "alice@example.org", 9),
    ])
    alice = people["alice-wong"]
    assert alice.addresses == ("alice@example.org",)
    assert alice.shared == (Address("Alice Wong via dev", "dev@lists.example"),)


def test_letter_case_variants_of_an_address_are_the_same() -> None:
    people = group_people([("Ravi Kumar", "Ravi@Example.org", 1), ("", "ravi@example.org", 1)])
    assert people["ravi-kumar"].addresses == ("Ravi@Example.org", "ravi@example.org")


def test_nicks_belong_to_a_person_only_when_clearly_theirs() -> None:
    from archive.people import first_name, nicks_of

    people = group_people([("Zoë Martin", "zoe.martin@example.net", 5), ("Alice Wong", "alice@lanternfish.example", 5),
                           ("Alice Brown", "ab@example.org", 2), ("Dmitri Volkov", "dvolkov@example.com", 3)])
    firsts = {name: sum(1 for p in people.values() if first_name(p.name) == name) for name in ("zoe", "alice", "dmitri")}
    nicks = ["zoe", "zoe_martin", "alice", "ab", "dmitri", "dvolkov", "alicebrown", "bob"]
    assert nicks_of(people["zoë-martin"], nicks, firsts) == ("zoe", "zoe_martin")  # first name (unique), accents folded
    assert nicks_of(people["alice-wong"], nicks, firsts) == ("alice",)  # the address, though "Alice" is shared
    assert nicks_of(people["alice-brown"], nicks, firsts) == ("ab", "alicebrown")  # not "alice": two Alices
    assert nicks_of(people["dmitri-volkov"], nicks, firsts) == ("dmitri", "dvolkov")
