"""The first client open after start-up no longer builds the client page or parses the rating
scales in front of the therapist: the window prepares both while it sits idle after showing,
and the first open then only fills the page (the time is measured in bench/, not here)."""

from __future__ import annotations

import gc

from test_workspace import client_with_course, make_workspace


def test_the_client_page_and_scales_are_ready_before_the_first_click(
    qtbot, services, settings
) -> None:
    client, _course = client_with_course(services, "KAP-905", "Linden Example", "esketamine")
    window, ws = make_workspace(qtbot, services, settings)
    assert ws._client_view is None and callable(services.measures._scales)  # not at start-up
    ws.prepare_first_open_soon(delay_ms=10)
    qtbot.waitUntil(lambda: ws._client_view is not None)
    prepared = ws._client_view
    assert not callable(services.measures._scales)  # the scale files are parsed
    # Start-up's garbage collected in the pause and its survivors set aside, so no full
    # collection of them lands on the first open (kapnotes/ui/startup_heap.py).
    assert gc.get_freeze_count() > 0
    assert window.current_page() is not prepared  # built, not shown: the start page stays

    ws.open_client(client.id)
    assert window.current_page() is prepared  # the first open used it, built nothing new
    assert prepared.header.isVisible()
    assert window.centre.count() == 2


def test_a_workspace_taken_down_before_the_pause_prepares_nothing(
    qtbot, services, settings
) -> None:
    window, ws = make_workspace(qtbot, services, settings)
    ws.prepare_first_open_soon(delay_ms=10)
    ws.teardown()  # a restore replaced the vault before the pause ended
    qtbot.wait(60)
    assert ws._client_view is None and window.centre.count() == 1
