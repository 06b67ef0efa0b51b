"""`ainews schedule export`: entries that cron and systemd accept, with no overlapping runs."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess

import pytest

from ainews.schedule import on_calendar
from tests.conftest import AINEWS, REPO

CRON_FIELD = r"(\*|\d+(-\d+)?)(/\d+)?(,(\d+(-\d+)?)(/\d+)?)*|\*/\d+"


def run(*args):
    return subprocess.run([AINEWS, "--archive", "/srv/news", "schedule", "export", *args],
                          capture_output=True, text=True, cwd=REPO, timeout=60, check=False)


def test_cron_lines_parse_and_hold_a_lock():
    result = run("--cron")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    entries = [line for line in lines if not line.startswith("CRON_TZ=")]
    assert entries, "one line per real site profile"
    # Each entry runs in its site's zone: a CRON_TZ line right before it.
    assert [line for line in lines if line.startswith("CRON_TZ=")] == [
        "CRON_TZ=Asia/Shanghai"] * len(entries)
    for line in entries:
        fields = line.split(None, 5)
        assert len(fields) == 6
        assert all(re.fullmatch(CRON_FIELD, field) for field in fields[:5]), line
        command = fields[5]
        assert command.startswith("flock -n /tmp/ainews-") and " crawl " in command
        assert "--archive /srv/news" in command


def test_systemd_units_parse():
    result = run("--systemd", "aigcdaily")
    assert result.returncode == 0, result.stderr
    units = re.split(r"^# --- (\S+)\n", result.stdout, flags=re.M)[1:]
    names = units[0::2]
    assert names == ["ainews-aigcdaily.service", "ainews-aigcdaily.timer"]
    service, timer = (configparser.ConfigParser(interpolation=None) for _ in range(2))
    service.read_string(units[1])
    timer.read_string(units[3])
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].startswith("flock -n ")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 00/6:17:00 Asia/Shanghai"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.parametrize(("cron", "calendar"), [
    ("17 */6 * * *", "*-*-* 00/6:17:00"),
    ("0 3 * * 1", "Mon *-*-* 3:0:00"),
    ("15 9 * * 1-5", "Mon,Tue,Wed,Thu,Fri *-*-* 9:15:00"),
    ("0 7 * * 0,6", "Sat,Sun *-*-* 7:0:00"),
    ("0 7 * * 5-7", "Fri,Sat,Sun *-*-* 7:0:00"),
    ("0 7 * * */2", "Tue,Thu,Sat,Sun *-*-* 7:0:00"),
    ("30 8-18 1 1,7 *", "*-1,7-1 8..18:30:00"),
])
def test_on_calendar(cron, calendar):
    assert on_calendar(cron) == calendar
    # systemd itself accepts it (.ci/run installs systemd where it is missing).
    check = subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True,
                           text=True, timeout=30, check=False)
    assert check.returncode == 0, check.stderr


def test_cron_d_lines_name_the_user_and_a_timer_its_zone():
    result = run("--cron", "--user", "ainews", "aigcdaily")
    assert result.returncode == 0, result.stderr
    entry = next(x for x in result.stdout.splitlines() if x and x[0].isdigit())
    fields = entry.split(None, 6)
    # minute hour day month weekday USER command: what /etc/cron.d wants.
    assert fields[5] == "ainews" and fields[6].startswith("flock -n ")
    assert "CRON_TZ=Asia/Shanghai" in result.stdout
    assert on_calendar("0 9 * * 1-5", "Asia/Shanghai") == \
        "Mon,Tue,Wed,Thu,Fri *-*-* 9:0:00 Asia/Shanghai"
    refused = run("--systemd", "--user", "ainews")
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1


def test_unknown_site_is_one_line():
    result = run("--cron", "no-such-site")
    assert result.returncode == 2 and result.stderr.startswith("ainews: error:")


def test_the_worker_template_unit_runs_a_worker_the_cli_accepts():
    from ainews.cli import ainews
    from ainews.cli.crawling import worker

    result = run("--systemd", "--worker", "--redis", "redis://10.0.0.5:6379/0",
                 "--ainews", "/usr/bin/ainews")
    assert result.returncode == 0, result.stderr
    units = re.split(r"^# --- (\S+)\n", result.stdout, flags=re.M)[1:]
    assert units[0::2] == ["ainews-worker@.service"]
    unit = configparser.ConfigParser(interpolation=None)
    unit.read_string(units[1])
    service = unit["Service"]
    assert service["Restart"] == "always" and service["KillSignal"] == "SIGTERM"
    command = shlex.split(service["ExecStart"].replace("%i", "aigcdaily"))
    assert command[0] == "/usr/bin/ainews"
    # The CLI itself parses the unit's command line.
    root = ainews.make_context("ainews", command[1:])
    name, found, rest = ainews.resolve_command(root, [*root._protected_args, *root.args])
    assert found is worker
    parsed = worker.make_context(name, rest, parent=root)
    assert root.meta["ainews.archive"] == "/srv/news"
    assert (parsed.params["redis"], parsed.params["sites"]) == ("redis://10.0.0.5:6379/0",
                                                               ("aigcdaily",))


def test_scheduled_runs_seed_the_frontier_when_given_redis():
    result = run("--cron", "--redis", "redis://10.0.0.5:6379/0", "aigcdaily")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x and x[0].isdigit())
    assert line.endswith("crawl aigcdaily --redis redis://10.0.0.5:6379/0")
    refused = run("--worker", "--redis", "redis://10.0.0.5:6379/0")
    assert refused.returncode == 2 and "--worker needs --systemd" in refused.stderr
