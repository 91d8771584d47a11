"""How the client page's schedule row shares its width (kapnotes/ui/widgets/shared_row.py):
each list its hint first, what is left over by weight; short of room, the hints scaled down
alike, never below a minimum."""

from __future__ import annotations

from kapnotes.ui.widgets.shared_row import shared_lengths


def test_each_gets_its_hint_and_the_rest_goes_by_weight() -> None:
    assert shared_lengths(736, [410, 326], [80, 80], [3, 2]) == [410, 326]
    assert shared_lengths(836, [410, 326], [80, 80], [3, 2]) == [470, 366]
    assert sum(shared_lengths(841, [410, 326], [80, 80], [3, 2])) == 841  # nothing lost


def test_short_of_room_the_hints_shrink_alike_but_not_below_a_minimum() -> None:
    assert shared_lengths(368, [410, 326], [80, 80], [3, 2]) == [205, 163]
    assert shared_lengths(100, [410, 326], [80, 80], [3, 2]) == [80, 80]
