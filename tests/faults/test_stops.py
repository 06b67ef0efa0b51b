"""Signals, kills, a full disk and a read-only archive lose no article and fail loudly."""

from __future__ import annotations

import random

import pytest

from ainews.demo.server import DemoServer
from tests.faults import scenarios


@pytest.fixture(scope="module")
def slow_demo():
    """Slow responses, so a stop lands mid-crawl."""
    with DemoServer(ports={}, delay_s=0.05) as server:
        yield server


def test_sigterm_to_the_process_group_loses_nothing_and_resume_completes(tmp_path, slow_demo):
    outcome = scenarios.stop_then_resume(slow_demo, tmp_path / "a", after_commits=2)
    assert outcome.exit_codes == [1, 0], outcome.messages
    assert "--resume" in outcome.messages[0]
    assert (outcome.lost, outcome.duplicated, outcome.corrupt) == (0, 0, False)
    assert outcome.orphans == 0


def test_a_second_sigterm_stops_at_once_and_the_next_crawl_completes(tmp_path, slow_demo):
    outcome = scenarios.stop_then_resume(slow_demo, tmp_path / "a", after_commits=2, signals=2,
                                         rng=random.Random(3))
    assert outcome.exit_codes[0] == 1 and outcome.exit_codes[1] == 0, outcome.messages
    assert (outcome.lost, outcome.duplicated, outcome.corrupt) == (0, 0, False)
    assert outcome.orphans == 0


def test_disk_full_fails_the_crawl_and_the_next_one_stores_everything(tmp_path, slow_demo):
    outcome = scenarios.starved_disk(slow_demo, tmp_path / "copy", mode="full")
    assert outcome.exit_codes == [1, 0], outcome.messages
    assert "not stored" in outcome.messages[0] or "cannot write" in outcome.messages[0]
    assert (outcome.lost, outcome.duplicated, outcome.corrupt) == (0, 0, False)
    assert outcome.duplicated_pages == 0


def test_an_archive_turned_read_only_fails_the_crawl_loudly(tmp_path, slow_demo):
    outcome = scenarios.starved_disk(slow_demo, tmp_path / "copy", mode="readonly")
    assert outcome.exit_codes == [1, 0], outcome.messages
    assert "not stored" in outcome.messages[0], outcome.messages
    assert (outcome.lost, outcome.duplicated, outcome.corrupt) == (0, 0, False)
