"""Fixtures of the inventory tests.

``posting_path`` runs a test once on each way of the hot paths
(``core.fastpath.switch``): ``fast``, the statements built once, and ``orm``,
the plain ORM they stand in for. The posting modules take it for every test
with ``pytestmark = [..., pytest.mark.usefixtures("posting_path")]``
(the list is in docs/testing.md), so both ways must give the same results.
"""

from __future__ import annotations

import pytest

from core.fastpath.switch import PATHS


@pytest.fixture(params=PATHS)
def posting_path(request, settings) -> str:
    """The way the hot paths take in this test: ``"fast"`` or ``"orm"`` (``settings.POSTING_PATH``)."""
    settings.POSTING_PATH = request.param
    return request.param
