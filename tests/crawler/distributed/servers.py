"""Real servers for the distributed tests: redis-server and moto's S3 server, on free ports."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import redis


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


@contextlib.contextmanager
def redis_server(folder: Path, password: str | None = None) -> Iterator[str]:
    """A throwaway redis-server (Debian's package) on 127.0.0.1, no persistence; yields its
    URL."""
    server = RestartableRedis(folder, persist=False, password=password).start()
    try:
        yield server.url
    finally:
        server.stop(gracefully=True)


@contextlib.contextmanager
def s3_server() -> Iterator[dict[str, str]]:
    """moto's standalone S3-compatible server on 127.0.0.1; yields the AWS variables that
    reach it (bucket ``news`` created)."""
    binary = Path(sys.executable).parent / "moto_server"
    port = free_port()
    process = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
    try:
        _wait_for_port(port, process, "moto_server")
        import boto3

        boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test",
                     ).create_bucket(Bucket="news")
        yield env
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class RestartableRedis:
    """A redis-server on one fixed free port that a test stops and starts again, with AOF
    persistence (fsync on every write) or none, and optionally a memory limit."""

    def __init__(self, folder: Path, *, persist: bool, maxmemory: str | None = None,
                 password: str | None = None) -> None:
        """Choose the port and the data folder; nothing runs until ``start``."""
        self.folder = folder
        self.persist = persist
        self.maxmemory = maxmemory
        self.password = password
        self.port = free_port()
        self.url = f"redis://{f':{password}@' if password else ''}127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RestartableRedis:
        """Start (or start again) on the same port and folder."""
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (apt-get install redis-server; .ci/run does)"
        persistence = (["--appendonly", "yes", "--appendfsync", "always"] if self.persist
                       else ["--appendonly", "no"])
        limit = (["--maxmemory", self.maxmemory, "--maxmemory-policy", "noeviction"]
                 if self.maxmemory else [])
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.folder), *persistence, *limit,
             *(["--requirepass", self.password] if self.password else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, self.process, "redis-server")
        deadline = time.monotonic() + 20
        while True:  # loading the AOF answers LOADING until done
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.BusyLoadingError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, *, gracefully: bool = False) -> None:
        """Stop at once (SIGKILL: no last save beyond what AOF already holds), or
        ``gracefully`` (SIGTERM)."""
        if self.process is not None and self.process.poll() is None:
            if gracefully:
                self.process.terminate()
            else:
                self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def lossy_proxy(upstream: str, rule: str, log: Path) -> Iterator[str]:
    """``tests.crawler.distributed.lossy_proxy`` in a process of its own; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.crawler.distributed.lossy_proxy", upstream, rule, str(log)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3])
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
