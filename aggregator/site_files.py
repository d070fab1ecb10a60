"""Reading `sites/*.toml`: each file checked by `aggregator.sites`; a bad file costs only itself.

A site file is opened only when it is a regular file (a FIFO or a device named
`x.toml` would block every command), its TOML parsed with `tomllib` (a
document nested too deeply for the parser is a load error, not a
`RecursionError`), and its values checked by `build_site`. `read_sites`
returns the valid sites and, apart, one line per file that cannot be used.

Settings read by callers: `AGGREGATOR_SITES_DIR` (where the TOML files live).
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from aggregator.sites import Site, SiteConfigError, build_site


def _read_regular_file(path: Path) -> str:
    """The text of `path`, refusing anything but a regular file.

    Opened without blocking and checked on the open descriptor, so a FIFO (or a
    device) named `x.toml` is refused instead of blocking every command, and a
    file swapped between a check and the open cannot slip through.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise SiteConfigError(f"{path}: not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read()
    finally:
        os.close(descriptor)
    return data.decode("utf-8")


def load_site_file(path: Path) -> Site:
    """Read and validate one `sites/<name>.toml`."""
    source = str(path)
    try:
        raw = tomllib.loads(_read_regular_file(path))
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise SiteConfigError(
            f"{source}: not valid TOML: tables or arrays nested too deeply"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteConfigError(f"{source}: cannot be read: {exc}") from None
    return build_site(path.stem, raw, source=source)


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """The site files of a directory: the valid sites, and why each other file is refused."""

    sites: dict[str, Site]
    problems: dict[str, str]
    """Site name (file stem) -> the one-line problem of its file."""


def read_sites(directory: Path) -> SiteFiles:
    """Every `*.toml` in `directory`: one bad file stops only its own site."""
    sites: dict[str, Site] = {}
    problems: dict[str, str] = {}
    if not directory.is_dir():
        return SiteFiles(sites, problems)
    for path in sorted(directory.glob("*.toml")):
        try:
            site = load_site_file(path)
        except SiteConfigError as exc:
            problems[path.stem] = str(exc)
        else:
            sites[site.name] = site
    return SiteFiles(sites, problems)


def load_sites(directory: Path) -> dict[str, Site]:
    """The valid `*.toml` sites in `directory`, by name; a missing directory means no sites."""
    return read_sites(directory).sites
