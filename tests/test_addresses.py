"""Tests for ingest.addresses: address lists and Pipermail's obfuscated senders."""

from __future__ import annotations

import pytest

from archive.models import Address
from ingest.addresses import deobfuscate_address, parse_addresses


# Real From values of the 2019 r-devel pipermail archive (stat.ethz.ch), and each sender's
# address as it appears unobfuscated elsewhere in the same archive (quoted in bodies).
@pytest.mark.parametrize("value, expected", [
    ("m@echler @ending from @t@t@m@th@ethz@ch (Martin Maechler)",
     Address("Martin Maechler", "maechler@stat.math.ethz.ch")),
    ("pd@lgd @ending from gm@il@com (Peter Dalgaard)", Address("Peter Dalgaard", "pdalgd@gmail.com")),
    ("tom@@@k@liber@ @ending from gm@il@com (Tomas Kalibera)",
     Address("Tomas Kalibera", "tomas.kalibera@gmail.com")),
    ("iuc@r @ending from fedor@project@org (=?UTF-8?Q?I=C3=B1aki_Ucar?=)",
     Address("Iñaki Ucar", "iucar@fedoraproject.org")),
    ("m@ech|er @end|ng |rom @t@t@m@th@ethz@ch (Martin Maechler)",
     Address("Martin Maechler", "maechler@stat.math.ethz.ch")),
    ("murdoch@dunc@n @end|ng |rom gm@||@com (Duncan Murdoch)",
     Address("Duncan Murdoch", "murdoch.duncan@gmail.com")),
    ("|uke-t|erney @end|ng |rom u|ow@@edu (Tierney, Luke)",
     Address("Tierney, Luke", "luke-tierney@uiowa.edu")),
    ("pd@|gd @end|ng |rom gm@||@com (peter dalgaard)", Address("peter dalgaard", "pdalgd@gmail.com")),
    ("g@bembecker @end|ng |rom gm@||@com (Gabriel Becker)",
     Address("Gabriel Becker", "gabembecker@gmail.com")),
    ("@purd|e@@ @end|ng |rom gm@||@com (Abby Spurdle)", Address("Abby Spurdle", "spurdle.a@gmail.com")),
    ("jo@h@m@u|r|ch @end|ng |rom gm@||@com (Joshua Ulrich)",
     Address("Joshua Ulrich", "josh.m.ulrich@gmail.com")),
    ("m|ch@e|ch|r|co4 @end|ng |rom gm@||@com (Michael Chirico)",
     Address("Michael Chirico", "michaelchirico4@gmail.com")),
    ("@|mon@urb@nek @end|ng |rom R-project@org (Simon Urbanek)",
     Address("Simon Urbanek", "simon.urbanek@r-project.org")),
    ("Kurt@Horn|k @end|ng |rom wu@@c@@t (Kurt Hornik)", Address("Kurt Hornik", "Kurt.Hornik@wu.ac.at")),
    ("wdun|@p @end|ng |rom t|bco@com (William Dunlap)", Address("William Dunlap", "wdunlap@tibco.com")),
    ("edd @end|ng |rom deb|@n@org (Dirk Eddelbuettel)", Address("Dirk Eddelbuettel", "edd@debian.org")),
])
def test_eth_obfuscated_senders_are_rebuilt(value: str, expected: Address) -> None:
    assert deobfuscate_address(value) == expected


def test_undecidable_letters_are_guessed_but_the_provider_is_known() -> None:
    # suharto_anggono@yahoo.com: no real name to tell "a" from "n" in "@@ggo@o".
    address = deobfuscate_address(
        "suh@rto_@@ggo@o m@iii@g oii y@hoo@com (suh@rto_@@ggo@o m@iii@g oii y@hoo@com)")
    assert address.name == ""  # pipermail repeated the address instead of a name
    assert address.email.startswith("suh") and address.email.endswith("@yahoo.com")


def test_plain_pipermail_obfuscation() -> None:
    assert deobfuscate_address("charlie at stat.umn.edu (Charles Geyer)") == Address(
        "Charles Geyer", "charlie@stat.umn.edu")
    assert deobfuscate_address(
        "ligges at statistik.uni-dortmund.de (ligges@statistik.uni-dortmund.de)") == Address(
        "", "ligges@statistik.uni-dortmund.de")
    assert deobfuscate_address("Martin Maechler <maechler at stat.math.ethz.ch>") == Address(
        "Martin Maechler", "maechler@stat.math.ethz.ch")


def test_deobfuscation_never_raises_on_junk() -> None:
    for junk in ("", " @end|ng |rom ", "(", "@@@ @ending from @@@ (", "x at", "<>"):
        assert isinstance(deobfuscate_address(junk), Address)


def test_address_lists() -> None:
    defects: list[str] = []
    value = '"Tierney, Luke" <luke@example.edu>, =?UTF-8?Q?Alex_Benn=c3=a9e?= <alex@example.org>,\n' \
            " plain@example.org, 'ecologeeks' <eco@example.org>"
    assert parse_addresses(value, defects, "To") == (
        Address("Tierney, Luke", "luke@example.edu"), Address("Alex Bennée", "alex@example.org"),
        Address("", "plain@example.org"), Address("ecologeeks", "eco@example.org"))
    assert defects == []


def test_address_list_with_comments_uses_the_full_parser() -> None:
    assert parse_addresses("joe@example.org (Joe Bloggs), Ann <ann@example.org>", [], "Cc") == (
        Address("Joe Bloggs", "joe@example.org"), Address("Ann", "ann@example.org"))


def test_empty_group_is_not_a_defect() -> None:
    defects: list[str] = []
    assert parse_addresses("undisclosed-recipients:;", defects, "To") == ()
    assert defects == []
