"""The services beyond the client list's are built on first use (kapnotes/services/container.py):
whichever is read first, and from whichever thread, every caller gets the same set, hooked
into each other as before (a note is not deleted while its dose stands in the S8 register:
tests/services/test_s8_register.py reads the register's service first)."""

from __future__ import annotations

import threading

import pytest

from kapnotes.services.container import ON_FIRST_USE


def test_reading_any_of_them_builds_the_one_set(services: object) -> None:
    assert not ON_FIRST_USE & set(vars(services))  # nothing built with the container
    s8 = services.s8
    notes = services.notes
    assert services.s8 is s8 and services.notes is notes
    assert ON_FIRST_USE <= set(vars(services))
    assert s8.refuse_delete_if_entered in notes.before_delete  # hooked as before
    assert services.reviews.notes is notes  # the review service answers with this one


def test_two_threads_asking_first_get_the_same_services(services: object) -> None:
    seen: list[object] = []
    start = threading.Barrier(2)

    def read() -> None:
        start.wait()
        seen.append(services.notes)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2 and seen[0] is seen[1] is services.notes


def test_a_name_that_is_no_service_is_still_an_attribute_error(services: object) -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = services.nothing
    assert not hasattr(services, "notess")
