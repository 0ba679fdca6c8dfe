"""The model file, read once, front to back, through a small window; every byte hashed once.

Memory stays flat whatever the file's size: bytes the reader skips (tensor payloads) go through
one fixed scratch buffer straight into SHA-256 and are dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Protocol

from generator.wire import (
    FIXED_WIDTH,
    LEN,
    VARINT,
    Budget,
    Limits,
    Memory,
    Reader,
    TruncatedError,
    WireError,
    decode_text,
    int64,
    varint_at,
)


class Window:
    """A message walked straight off the stream, up to its end offset."""

    __slots__ = ("budget", "end", "source")

    def __init__(self, source: Source, end: int) -> None:
        self.source, self.end, self.budget = source, end, source.budget

    def fields(self) -> Iterator[tuple[int, int, int]]:  # noqa: D102 (see Reader)
        return self.source.fields(self.end)

    def text(self, length: int, cap: int) -> str:  # noqa: D102 (see Reader)
        return self.source.text(length, cap)

    def packed(self, length: int) -> list[int]:  # noqa: D102 (see Reader)
        return self.source.packed(length)

    def open(self, length: int) -> Reader:  # noqa: D102 (see Reader)
        return self.source.open(length)


class Readable(Protocol):
    """What `Source` needs of a file: an unbuffered binary one is best."""

    def read(self, size: int, /) -> bytes:
        """Read up to `size` bytes."""
        ...

    def readinto(self, buffer: memoryview, /) -> int | None:
        """Read into `buffer`, returning the count."""
        ...


class Source:
    """A file read once, front to back, through a small window; every byte goes to SHA-256.

    Args:
        handle: The file, opened in binary mode, positioned at its start.
        size: How many bytes to read (the file's size when it was opened).
        limits: The bounds on the work.
    """

    __slots__ = ("_base", "_buf", "_handle", "_hash", "_pos", "_read", "_scratch", "budget",
                 "limits", "size")

    def __init__(self, handle: Readable, size: int, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.budget = Budget(self.limits)
        self.size = size
        self._handle = handle
        self._hash = hashlib.sha256()
        self._buf = b""
        self._pos = 0  # position inside _buf
        self._base = 0  # file offset of _buf[0]
        self._read = 0  # bytes taken from the file so far
        self._scratch = bytearray(self.limits.chunk)

    def root(self) -> Reader:
        """The whole file as one message."""
        return Window(self, self.size)

    def tell(self) -> int:
        """The offset of the next byte to decode."""
        return self._base + self._pos

    def fields(self, end: int) -> Iterator[tuple[int, int, int]]:
        """The fields of the message that ends at offset `end` (see `Reader.fields`)."""
        while self.tell() < end:
            self.budget.charge(1)
            buf, pos = self._buf, self._pos
            if len(buf) - pos > 2 and buf[pos] < 0x80 and buf[pos + 1] < 0x80 and (
                    buf[pos] & 7 == LEN):  # the common case, short key and length: no calls
                stop = self._base + pos + 2 + buf[pos + 1]
                self._pos = pos + 2
                self._check_span(self._base + pos, stop, end)
                yield buf[pos] >> 3 or self._zero(self._base + pos), LEN, buf[pos + 1]
                self._skip_to(stop, stop)
                continue
            start = self.tell()
            key = self._varint()
            number, wire = key >> 3, key & 7
            if number == 0:
                self._zero(start)
            if wire == VARINT:
                yield number, wire, self._varint()
                continue
            if wire not in (LEN, *FIXED_WIDTH):
                raise WireError(f"malformed protobuf: wire type {wire} at byte {start}")
            length = self._varint() if wire == LEN else FIXED_WIDTH[wire]
            stop = self.tell() + length
            self._check_span(start, stop, end)
            yield number, wire, length if wire == LEN else 0
            self._skip_to(stop, start)
        if self.tell() != end:
            raise WireError(f"malformed protobuf: a field overruns its message at byte {end}")

    def text(self, length: int, cap: int) -> str:
        """Decode a UTF-8 payload of `length` bytes, keeping at most `cap` of them."""
        kept = min(length, cap)
        self.budget.charge(0, kept)
        raw = self._take(kept)
        self.skip(length - kept)
        return decode_text(raw, length)

    def packed(self, length: int) -> list[int]:
        """Decode a packed repeated varint payload of `length` bytes, as signed int64 values."""
        if length <= self.limits.inline:
            return self.open(length).packed(length)
        end, values = self.tell() + length, []
        while self.tell() < end:
            values.append(int64(self._varint()))
            self.budget.charge(1)
        if self.tell() != end:
            raise WireError(f"malformed protobuf: a packed field overruns at byte {end}")
        return values

    def open(self, length: int) -> Reader:
        """The embedded message of `length` bytes that starts here."""
        if length <= self.limits.inline:
            origin = self.tell()
            return Memory(self._take(length), 0, length, origin, self.budget)
        return Window(self, self.tell() + length)

    def skip(self, length: int) -> None:
        """Pass over `length` bytes, hashing them, keeping none."""
        available = len(self._buf) - self._pos
        if length <= available:
            self._pos += length
            return
        self._base += len(self._buf)
        self._buf, self._pos = b"", 0
        self._stream(length - available)
        self._base += length - available

    def digest(self) -> str:
        """Hash whatever is left of the file and return the SHA-256 hex digest of all of it."""
        self.skip(self.size - self.tell())
        return self._hash.hexdigest()

    def _varint(self) -> int:
        if len(self._buf) - self._pos < 10:
            self._fill(10, exact=False)
        buf, pos = self._buf, self._pos
        end = len(buf)
        if pos < end and buf[pos] < 0x80:
            self._pos = pos + 1
            return buf[pos]
        try:
            value, self._pos = varint_at(buf, pos, end, self._base)
        except WireError:
            if end - pos >= 10:
                raise
            raise TruncatedError(f"truncated: the file ends inside a varint at byte "
                                 f"{self._base + end}") from None
        return value

    def _zero(self, start: int) -> int:
        raise WireError(f"malformed protobuf: field number 0 at byte {start}")

    def _take(self, length: int) -> bytes:
        self._fill(length, exact=True)
        raw = self._buf[self._pos:self._pos + length]
        self._pos += length
        return raw

    def _skip_to(self, stop: int, start: int) -> None:
        here = self.tell()
        if here > stop:
            raise WireError(f"malformed protobuf: a message overruns its field at byte {start}")
        self.skip(stop - here)

    def _check_span(self, start: int, stop: int, end: int) -> None:
        if stop > self.size:
            raise TruncatedError(f"truncated: a field at byte {start} runs to byte {stop}, "
                                 f"the file ends at byte {self.size}")
        if stop > end:
            raise WireError(f"malformed protobuf: a field at byte {start} overruns its message")

    def _fill(self, want: int, *, exact: bool) -> None:
        """Make `want` bytes available in the window (fewer at the end unless `exact`)."""
        available = len(self._buf) - self._pos
        if available >= want:
            return
        block = self._read_file(max(self.limits.chunk, want - available))
        self._base += self._pos
        self._buf, self._pos = self._buf[self._pos:] + block, 0
        if exact and len(self._buf) < want:
            raise TruncatedError(f"truncated: the file ends at byte {self._base + len(self._buf)}")

    def _read_file(self, count: int) -> bytes:
        count = min(count, self.size - self._read)
        parts, got = [], 0
        while got < count:
            part = self._handle.read(count - got)
            if not part:
                break
            parts.append(part)
            got += len(part)
        block = b"".join(parts)
        self._hash.update(block)
        self._read += got
        return block

    def _stream(self, count: int) -> None:
        """Read, hash and drop `count` bytes straight from the file."""
        view = memoryview(self._scratch)
        while count:
            got = self._handle.readinto(view[:min(count, len(view))])
            if not got:
                raise TruncatedError(f"truncated: the file ends at byte {self._read}")
            self._hash.update(view[:got])
            self._read += got
            count -= got
