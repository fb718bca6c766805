"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from codex_py.testing.fake_api import FakeAPI


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    """A started local fake of the OpenAI and Anthropic APIs; stopped after the test."""
    with FakeAPI() as api:
        yield api
