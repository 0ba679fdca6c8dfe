"""Protobuf wire format, decoded lean: the `Reader` interface, and messages held in memory.

A caller walks messages through `Reader`. `generator.source.Source` streams the file and hands
out readers: a message small enough (`Limits.inline`) is copied out once and decoded here from
memory (`Memory`, fast); a bigger one is walked straight off the stream. Payloads the caller does
not want, such as tensor data, are skipped by their length. Text is kept only up to a cap. This
knows the wire format, not any schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn, Protocol

VARINT, I64, LEN, I32 = 0, 1, 2, 5
"""The wire types we accept (3 and 4, the deprecated groups, never appear in ONNX files)."""

_UINT64 = 1 << 64
FIXED_WIDTH = {I64: 8, I32: 4}


class WireError(Exception):
    """The bytes are not valid protobuf wire format; the message says where."""


class TruncatedError(WireError):
    """The file ends inside a field."""


class LimitError(WireError):
    """The file asks for more work than `Limits` allows."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work one untrusted file may cause."""

    max_fields: int = 20_000_000
    """Protobuf fields decoded, over the whole file (a skipped payload counts once)."""
    max_text: int = 256 << 20
    """Bytes of text decoded, over the whole file."""
    max_depth: int = 32
    """Graphs nested inside node attributes (protobuf itself stops at 100 messages)."""
    inline: int = 1 << 20
    """Messages up to this size are copied out and decoded from memory."""
    chunk: int = 1 << 20
    """Bytes read from the file at a time."""


class Reader(Protocol):
    """One message being walked, from memory or from the stream."""

    budget: Budget

    def fields(self) -> Iterator[tuple[int, int, int]]:
        """Yield (field number, wire type, value) for each field of the message.

        The value is a varint's value, a length-delimited field's length (its payload is
        skipped unless the caller reads it with `text`, `packed` or `open` before the next
        field), or 0 for fixed-width fields (always skipped; ONNX needs none of them).
        """
        ...

    def text(self, length: int, cap: int) -> str:
        """Decode a UTF-8 payload, keeping at most `cap` bytes (then ending with "…")."""
        ...

    def packed(self, length: int) -> list[int]:
        """Decode a packed repeated varint payload as signed int64 values."""
        ...

    def open(self, length: int) -> Reader:
        """Walk an embedded message payload."""
        ...


class Budget:
    """Counts the work done on one file against its `Limits`."""

    __slots__ = ("fields", "limits", "text")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.fields = self.text = 0

    def charge(self, fields: int, text: int = 0) -> None:
        """Count fields decoded and text bytes kept; raise LimitError past the limits."""
        self.fields += fields
        self.text += text
        if self.fields > self.limits.max_fields:
            raise LimitError(f"over {self.limits.max_fields} protobuf fields; "
                             "refusing an absurd model")
        if self.text > self.limits.max_text:
            raise LimitError(f"over {self.limits.max_text} bytes of text; refusing an absurd model")


def int64(value: int) -> int:
    """A varint's value as a two's-complement int64 (protobuf's int32 and int64)."""
    return value - _UINT64 if value >= 1 << 63 else value


def decode_text(raw: bytes, length: int) -> str:
    """Text from the kept bytes of a `length`-byte payload; invalid UTF-8 is replaced."""
    text = raw.decode("utf-8", "replace")
    return text if len(raw) == length else text + "…"


def varint_at(buf: bytes, pos: int, end: int, origin: int) -> tuple[int, int]:
    """Decode a varint at `pos` that must end before `end`; the value and the next position."""
    result = shift = 0
    while pos < end:
        byte = buf[pos]
        result |= (byte & 0x7F) << shift
        pos += 1
        if byte < 0x80:
            return result & (_UINT64 - 1), pos
        shift += 7
        if shift >= 70:
            raise WireError(f"malformed protobuf: varint over 10 bytes at byte {origin + pos}")
    raise WireError(f"malformed protobuf: a varint overruns its message at byte {origin + pos}")


class Memory:
    """A message held in memory, decoded with local variables only.

    Args:
        buf: Bytes holding the message.
        start: Where the message starts in `buf`.
        end: Where it ends in `buf`.
        origin: The file offset of `buf[0]`, for error messages.
        budget: The file's work budget.
    """

    __slots__ = ("budget", "buf", "end", "origin", "pos")

    def __init__(self, buf: bytes, start: int, end: int, origin: int, budget: Budget) -> None:
        self.buf, self.pos, self.end, self.origin, self.budget = buf, start, end, origin, budget

    def fields(self) -> Iterator[tuple[int, int, int]]:  # noqa: D102 (see Reader)
        buf, end, pos, count = self.buf, self.end, self.pos, 0
        while pos < end:
            count += 1
            start = pos
            key = buf[pos]
            if key < 0x80:
                pos += 1
            else:
                key, pos = varint_at(buf, pos, end, self.origin)
            wire = key & 7
            if wire in (LEN, VARINT):
                value = buf[pos] if pos < end else 0x80
                if value < 0x80:
                    pos += 1
                else:
                    value, pos = varint_at(buf, pos, end, self.origin)
                stop = pos + value if wire == LEN else pos
            else:
                value, stop = 0, pos + FIXED_WIDTH.get(wire, end + 1)
            if stop > end or key < 8:
                self._malformed(start, key)
            self.pos = pos
            yield key >> 3, wire, value
            pos = stop
        self.pos = pos
        self.budget.charge(count)

    def _malformed(self, start: int, key: int) -> NoReturn:
        where, wire = f"at byte {self.origin + start}", key & 7
        if key < 8:
            raise WireError(f"malformed protobuf: field number 0 {where}")
        if wire not in (LEN, VARINT, *FIXED_WIDTH):
            raise WireError(f"malformed protobuf: wire type {wire} {where}")
        raise WireError(f"malformed protobuf: a field {where} overruns its message")

    def text(self, length: int, cap: int) -> str:  # noqa: D102 (see Reader)
        pos = self.pos
        self.pos = pos + length
        if length <= cap and length < 256:  # the common case: a short name
            self.budget.text += length
            return self.buf[pos:pos + length].decode("utf-8", "replace")
        kept = min(length, cap)
        self.budget.charge(0, kept)
        return decode_text(self.buf[pos:pos + kept], length)

    def packed(self, length: int) -> list[int]:  # noqa: D102 (see Reader)
        buf, pos, end, values = self.buf, self.pos, self.pos + length, []
        while pos < end:
            value, pos = varint_at(buf, pos, end, self.origin)
            values.append(int64(value))
        self.budget.charge(len(values))
        self.pos = pos
        return values

    def open(self, length: int) -> Memory:  # noqa: D102 (see Reader)
        sub = Memory(self.buf, self.pos, self.pos + length, self.origin, self.budget)
        self.pos += length
        return sub
