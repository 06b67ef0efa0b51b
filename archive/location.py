"""Where an archive lives: a local folder or ``s3://bucket/prefix`` on S3-compatible storage.

One small path type for both, so every table operation, check and repair is written once.
Credentials and the endpoint of object storage come from the standard AWS variables
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION`` or
``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import fnmatch
import os
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from archive.errors import ArchiveError

if TYPE_CHECKING:
    import pyarrow.fs as pafs

_REMOTE = ("s3://", "s3a://")


def is_remote(uri: str | Path | Location) -> bool:
    """Tell whether ``uri`` names object storage rather than a local folder."""
    return str(uri).startswith(_REMOTE)


def s3_options() -> dict[str, str]:
    """delta-rs storage options from the environment's AWS variables (only those set)."""
    env = os.environ
    options = {name: env[name] for name in (
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")
        if env.get(name)}
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        options["AWS_REGION"] = region
    if options.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        # A local or on-premises server without TLS (delta-rs refuses plain HTTP otherwise).
        options["AWS_ALLOW_HTTP"] = "true"
    return options


class Location:
    """A folder or file of an archive, local or on S3; the subset of ``pathlib`` it needs."""

    def __init__(self, uri: str | Path | Location) -> None:
        """Parse ``uri``: ``s3://bucket/prefix`` or a local path (made absolute)."""
        text = str(uri)
        if is_remote(text):
            scheme, _, rest = text.partition("://")
            rest = rest.strip("/")
            if not rest or rest.startswith("/"):
                raise ArchiveError(f"no bucket in {text!r}: write s3://BUCKET/PREFIX")
            self.uri = f"s3://{rest}" if scheme == "s3" else f"s3a://{rest}"
            self.is_local = False
        else:
            self.uri = str(Path(text).absolute()) if text else str(Path.cwd())
            self.is_local = True

    def __str__(self) -> str:
        return self.uri

    def __repr__(self) -> str:
        return f"Location({self.uri!r})"

    def __fspath__(self) -> str:
        if not self.is_local:
            raise ArchiveError(f"{self.uri} is not a local path")
        return self.uri

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Location) and other.uri == self.uri

    def __hash__(self) -> int:
        return hash(self.uri)

    def __lt__(self, other: Location) -> bool:
        return self.uri < other.uri

    def __truediv__(self, name: str | PurePosixPath) -> Location:
        return Location(f"{self.uri.rstrip('/')}/{str(name).lstrip('/')}")

    @property
    def name(self) -> str:
        """The last part (``00000000000000000003.json``)."""
        return PurePosixPath(self._key).name

    @property
    def stem(self) -> str:
        """The last part without its suffix."""
        return PurePosixPath(self._key).stem

    @property
    def parent(self) -> Location:
        """The folder holding this one."""
        scheme = "" if self.is_local else self.uri.split("://", 1)[0] + "://"
        return Location(scheme + str(PurePosixPath(self._key).parent))

    @property
    def parts(self) -> tuple[str, ...]:
        """Every folder name and the name, from the root."""
        return PurePosixPath(self._key).parts

    @property
    def local_path(self) -> Path:
        """The local path; ArchiveError on object storage."""
        return Path(self.__fspath__())

    @property
    def storage_options(self) -> dict[str, str] | None:
        """What delta-rs needs to reach this location (None for a local folder)."""
        return None if self.is_local else s3_options()

    def relative_to(self, other: Location) -> PurePosixPath:
        """This location's path below ``other``."""
        return PurePosixPath(self._key).relative_to(PurePosixPath(other._key))

    # ---- file operations (pyarrow's filesystems: one code path for disk and S3) ---------------

    @cached_property
    def _fs(self) -> pafs.FileSystem:
        # Imported here: a crawl process names its archive's location without ever loading
        # pyarrow (the archive process does the writing).
        import pyarrow.fs as pafs

        if self.is_local:
            return pafs.LocalFileSystem()
        return _s3_filesystem()

    @property
    def _key(self) -> str:
        """The path the filesystem knows: absolute on disk, ``bucket/key`` on S3."""
        return self.uri if self.is_local else self.uri.split("://", 1)[1]

    @property
    def filesystem(self) -> pafs.FileSystem:
        """The pyarrow filesystem holding this location."""
        return self._fs

    @property
    def fs_path(self) -> str:
        """This location's path on ``filesystem``."""
        return self._key

    def _info(self) -> pafs.FileInfo:
        try:
            return self._fs.get_file_info(self._key)
        except OSError as exc:
            raise ArchiveError(f"cannot reach {self.uri}: {str(exc).splitlines()[0]}") from exc

    def exists(self) -> bool:
        """Tell whether a file or folder is here (on S3: any object under this prefix)."""
        import pyarrow.fs as pafs

        return bool(self._info().type != pafs.FileType.NotFound)

    def is_dir(self) -> bool:
        """Tell whether this is a folder."""
        import pyarrow.fs as pafs

        return bool(self._info().type == pafs.FileType.Directory)

    def size(self) -> int:
        """The file's size in bytes."""
        return int(self._info().size or 0)

    def read_bytes(self) -> bytes:
        """The whole file."""
        with self._fs.open_input_stream(self._key) as stream:
            return bytes(stream.read())

    def read_text(self, encoding: str = "utf-8") -> str:
        """The whole file, decoded."""
        return self.read_bytes().decode(encoding)

    def write_bytes(self, data: bytes) -> None:
        """Create or replace the file."""
        if self.is_local:
            self.parent.mkdir()
        with self._fs.open_output_stream(self._key) as stream:
            stream.write(data)

    def write_text(self, text: str, encoding: str = "utf-8") -> None:
        """Create or replace the file with ``text``."""
        self.write_bytes(text.encode(encoding))

    def unlink(self) -> None:
        """Delete the file."""
        self._fs.delete_file(self._key)

    def mkdir(self) -> None:
        """Create the folder and its parents (object storage has no folders: nothing to do)."""
        if self.is_local:
            Path(self.uri).mkdir(parents=True, exist_ok=True)

    def move_to(self, target: Location) -> None:
        """Move the file to ``target`` (a copy and a delete on object storage)."""
        target.parent.mkdir()
        self._fs.move(self._key, target._key)

    def files(self, pattern: str = "*", *, recursive: bool = False) -> list[Location]:
        """Files in this folder (and below, with ``recursive``) whose name matches
        ``pattern``, sorted."""
        import pyarrow.fs as pafs

        selector = pafs.FileSelector(self._key, allow_not_found=True, recursive=recursive)
        try:
            infos = self._fs.get_file_info(selector)
        except OSError as exc:
            raise ArchiveError(f"cannot list {self.uri}: {str(exc).splitlines()[0]}") from exc
        scheme = "" if self.is_local else self.uri.split("://", 1)[0] + "://"
        return sorted((Location(scheme + info.path) for info in infos
                       if info.type == pafs.FileType.File
                       and fnmatch.fnmatchcase(PurePosixPath(info.path).name, pattern)),
                      key=lambda loc: loc.uri)

    def glob(self, pattern: str) -> list[Location]:
        """Files directly in this folder matching ``pattern``."""
        return self.files(pattern)

    def rglob(self, pattern: str) -> list[Location]:
        """Files in this folder or below matching ``pattern``."""
        return self.files(pattern, recursive=True)


def _s3_filesystem() -> pafs.FileSystem:
    """pyarrow's S3 filesystem configured from the same variables as delta-rs."""
    import pyarrow.fs as pafs

    options = s3_options()
    kwargs: dict[str, Any] = {}
    if "AWS_ACCESS_KEY_ID" in options:
        kwargs["access_key"] = options["AWS_ACCESS_KEY_ID"]
        kwargs["secret_key"] = options.get("AWS_SECRET_ACCESS_KEY", "")
        if "AWS_SESSION_TOKEN" in options:
            kwargs["session_token"] = options["AWS_SESSION_TOKEN"]
    if "AWS_REGION" in options:
        kwargs["region"] = options["AWS_REGION"]
    endpoint = options.get("AWS_ENDPOINT_URL")
    if endpoint:
        scheme, _, host = endpoint.partition("://")
        kwargs["endpoint_override"] = host.rstrip("/") if host else endpoint
        kwargs["scheme"] = scheme if host else "https"
    return pafs.S3FileSystem(**kwargs)
