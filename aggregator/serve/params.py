"""Query parameters: declared once, validated on every request, described in the OpenAPI document.

Every route lists its parameters as `Param`s. `parse` turns a request's query
string into typed values or raises `BadRequest` with a message naming the
parameter (a 400, never a 500); unknown parameters and repeated ones are
refused too, so a typo is not silently ignored. `openapi_parameters` gives the
same declarations as OpenAPI parameter objects, so the document cannot drift
from what the server accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Site names: the TOML file name (snake_case) or a host-derived name.
SITE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
MAX_QUERY_LENGTH = 200
MAX_CURSOR = 2**63 - 1


class BadRequest(ValueError):
    """A request the server refuses with 400 and this message."""


@dataclass(frozen=True, slots=True)
class Param:
    """One query parameter: an integer in a range, or a string of bounded length/pattern."""

    name: str
    description: str
    kind: type = str
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    max_length: int = MAX_QUERY_LENGTH

    def convert(self, raw: str) -> Any:
        if self.kind is int:
            return self._integer(raw)
        return self._string(raw)

    def _integer(self, raw: str) -> int:
        if not re.fullmatch(r"[0-9]{1,19}", raw):
            raise BadRequest(f"{self.name} must be a whole number, got {raw[:40]!r}")
        value = int(raw)
        if self.minimum is not None and value < self.minimum:
            raise BadRequest(f"{self.name} must be at least {self.minimum}, got {value}")
        if self.maximum is not None and value > self.maximum:
            raise BadRequest(f"{self.name} must be at most {self.maximum}, got {value}")
        return value

    def _string(self, raw: str) -> str:
        value = raw.strip()
        if not value:
            raise BadRequest(f"{self.name} must not be empty")
        if len(value) > self.max_length:
            raise BadRequest(f"{self.name} is longer than {self.max_length} characters")
        if "\x00" in value:
            raise BadRequest(f"{self.name} must not contain NUL characters")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise BadRequest(f"{self.name} {value[:40]!r} is not valid ({self.pattern})")
        return value

    def openapi(self) -> dict[str, Any]:
        schema: dict[str, Any]
        if self.kind is int:
            schema = {"type": "integer", "format": "int64"}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        else:
            schema = {"type": "string", "minLength": 1, "maxLength": self.max_length}
            if self.pattern is not None:
                schema["pattern"] = self.pattern
        if self.default is not None:
            schema["default"] = self.default
        return {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": schema,
        }


def parse(
    query: Mapping[str, str], params: Sequence[Param], *, blank_is_absent: bool = False
) -> dict[str, Any]:
    """Typed values of `params` from a query string (a multidict); BadRequest on anything else.

    `blank_is_absent` is for HTML forms, which send every field, empty or not.
    """
    if blank_is_absent:
        query = {name: value for name, value in query.items() if value.strip()}
    known = {param.name: param for param in params}
    getall = getattr(query, "getall", None)
    for name in query:
        if name not in known:
            allowed = ", ".join(known) or "none"
            raise BadRequest(f"unknown query parameter {name[:40]!r} (allowed: {allowed})")
        if getall is not None and len(getall(name)) > 1:
            raise BadRequest(f"query parameter {name!r} is given more than once")
    return {
        param.name: param.convert(query[param.name]) if param.name in query else param.default
        for param in params
    }


def openapi_parameters(params: Sequence[Param]) -> list[dict[str, Any]]:
    """The OpenAPI parameter objects of `params`."""
    return [param.openapi() for param in params]


SITE = Param("site", "only articles (or runs) of this site", pattern=SITE_PATTERN)
SINCE = Param(
    "since",
    "cursor: only articles whose change_seq is greater (0 or absent: from the start)",
    kind=int,
    default=0,
    minimum=0,
    maximum=MAX_CURSOR,
)
QUERY = Param("q", "full-text search: articles containing every word", max_length=MAX_QUERY_LENGTH)


def limit(default: int, maximum: int) -> Param:
    """A page size parameter."""
    return Param(
        "limit", "how many items at most", kind=int, default=default, minimum=1, maximum=maximum
    )
