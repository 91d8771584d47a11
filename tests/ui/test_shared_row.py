"""How the client page's schedule row shares its width (kapnotes/ui/widgets/shared_row.py):
each list its hint first, what is left over by weight; short of room, the hints scaled down
alike, never below a minimum."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QProxyStyle, QStyle, QWidget

from kapnotes.ui.widgets.shared_row import SharedRow, shared_lengths


def test_each_gets_its_hint_and_the_rest_goes_by_weight() -> None:
    assert shared_lengths(736, [410, 326], [80, 80], [3, 2]) == [410, 326]
    assert shared_lengths(836, [410, 326], [80, 80], [3, 2]) == [470, 366]
    assert sum(shared_lengths(841, [410, 326], [80, 80], [3, 2])) == 841  # nothing lost


def test_short_of_room_the_hints_shrink_alike_but_not_below_a_minimum() -> None:
    assert shared_lengths(368, [410, 326], [80, 80], [3, 2]) == [205, 163]
    assert shared_lengths(100, [410, 326], [80, 80], [3, 2]) == [80, 80]


class Fixed(QWidget):
    """A widget asking for a fixed size, its minimum smaller."""

    def __init__(self, hint: QSize, minimum: QSize) -> None:
        super().__init__()
        self.hint = hint
        self.setMinimumSize(minimum)

    def sizeHint(self) -> QSize:
        return self.hint


def bare_row(qtbot, style: QStyle | None = None,
             spacing: int | None = 6) -> tuple[QWidget, SharedRow, QWidget, QWidget]:
    """A row of a 300 px and a 200 px wide widget (minimum heights 120 and 80); `spacing`
    None leaves the style's own."""
    owner = QWidget()
    qtbot.addWidget(owner)
    if style is not None:
        owner.setStyle(style)
    left = Fixed(QSize(300, 150), QSize(60, 120))
    right = Fixed(QSize(200, 100), QSize(50, 80))
    row = SharedRow(owner, (left, 3), (right, 2))
    row.setContentsMargins(0, 0, 0, 0)
    if spacing is not None:
        row.setSpacing(spacing)
    return owner, row, left, right


def place(row: SharedRow, width: int, height: int) -> None:
    row.setGeometry(QRect(0, 0, width, height))


def test_narrow_stacks_wide_goes_side_by_side_and_narrowing_back_stacks(qtbot) -> None:
    _owner, row, left, right = bare_row(qtbot)
    place(row, 400, 400)  # narrower than 300 + 6 + 200
    assert left.geometry().width() == right.geometry().width() == 400
    assert right.geometry().top() > left.geometry().bottom()
    place(row, 600, 400)  # the hints, and 94 px shared 3:2
    assert left.geometry() == QRect(0, 0, 356, 400)
    assert right.geometry() == QRect(362, 0, 238, 400)
    place(row, 506, 400)  # just the hints and the gap
    assert (left.geometry().width(), right.geometry().width()) == (300, 200)
    place(row, 505, 400)  # a pixel short
    assert right.geometry().top() > left.geometry().bottom()
    assert left.geometry().width() == right.geometry().width() == 505


# The minimum height was always the stacked one (120 + 6 + 80), also side by side, where
# before SharedRow it was the taller of the two: a wide but short window scrolled the page
# 86 px early.
def test_the_minimum_is_the_stacked_one_only_when_stacked(qtbot) -> None:
    _owner, row, _left, _right = bare_row(qtbot)
    assert row.minimumSize() == QSize(60, 206)  # not placed yet: the taller
    place(row, 600, 400)
    assert row.minimumSize() == QSize(60, 120)
    place(row, 400, 400)
    assert row.minimumSize() == QSize(60, 206)


def test_the_owner_is_told_when_the_minimum_changes(qtbot) -> None:
    owner, _row, _left, _right = bare_row(qtbot)
    owner.resize(600, 130)
    owner.show()
    qtbot.waitExposed(owner)
    assert owner.minimumSizeHint().height() == 120
    owner.resize(400, 130)
    qtbot.waitUntil(lambda: owner.minimumSizeHint().height() == 206)


class PairwiseSpacing(QProxyStyle):
    """As macOS's style: no one layout spacing, each pair of controls spaced by its kinds."""

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        if metric in (QStyle.PixelMetric.PM_LayoutHorizontalSpacing,
                      QStyle.PixelMetric.PM_LayoutVerticalSpacing):
            return -1
        return super().pixelMetric(metric, option, widget)


# There QBoxLayout.spacing() is -1, and the stacked widgets overlapped by a pixel.
def test_no_negative_gap_on_a_style_that_spaces_pairwise(qtbot) -> None:
    style = PairwiseSpacing()
    _owner, row, left, right = bare_row(qtbot, style, spacing=None)
    place(row, 400, 400)
    assert right.geometry().top() > left.geometry().bottom()
    place(row, 600, 400)
    assert right.geometry().left() > left.geometry().right()
