"""Low-level formats of TensorBoard event files, written from scratch.

This module is deliberately independent of TensorBoard and protobuf so that the
judge's "independent reader" does not share code with what it judges:

* CRC-32C (Castagnoli) and the TFRecord mask,
* TFRecord framing: reading records out of a file (with precise error reports)
  and framing a payload (used by the self-test to build fixtures),
* a minimal protobuf wire-format decoder.
"""

import struct

# --------------------------------------------------------------------------
# CRC-32C

_CRC32C_POLY = 0x82F63B78  # reflected Castagnoli polynomial
_MASK_DELTA = 0xA282EAD8


def _make_crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CRC32C_POLY if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC32C_TABLE = _make_crc32c_table()


def crc32c(data):
    """CRC-32C of `data` (bytes): init 0xFFFFFFFF, final xor 0xFFFFFFFF."""
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The TFRecord masked CRC: rotate right by 15, then add 0xA282EAD8."""
    crc = crc32c(data)
    rotated = ((crc >> 15) | (crc << 17)) & 0xFFFFFFFF
    return (rotated + _MASK_DELTA) & 0xFFFFFFFF


# Known answers, from the CRC-32C definition and from TensorBoard's Rust data
# server tests (tensorboard/data/server/masked_crc.rs, tf_record.rs).
CRC_SELF_TEST_VECTORS = (
    ("crc32c('123456789')", crc32c, b"123456789", 0xE3069283),
    ("masked(u64 24)", masked_crc32c, struct.pack("<Q", 24), 0x224B7FA3),
    ("masked('\\x1a\\x11CRC test, one two')", masked_crc32c,
     b"\x1a\x11CRC test, one two", 0x5794D08A),
    ("masked(empty)", masked_crc32c, b"", 0xA282EAD8),
    ("masked(8 zero bytes)", masked_crc32c, bytes(8), 0x07980329),
)


def crc_self_test():
    """Returns a list of error strings; empty if every known answer matches."""
    errors = []
    for name, func, data, expected in CRC_SELF_TEST_VECTORS:
        got = func(data)
        if got != expected:
            errors.append("%s = 0x%08X, expected 0x%08X" % (name, got, expected))
    return errors


# --------------------------------------------------------------------------
# TFRecord framing

_HEADER = struct.Struct("<QI")  # u64 length, u32 masked CRC of the length


def frame_record(payload, length_crc=None, payload_crc=None):
    """Frames `payload` as one TFRecord.

    The CRC arguments exist so that tests can write deliberately wrong ones.
    """
    length = struct.pack("<Q", len(payload))
    if length_crc is None:
        length_crc = masked_crc32c(length)
    if payload_crc is None:
        payload_crc = masked_crc32c(payload)
    return length + struct.pack("<I", length_crc) + payload + struct.pack(
        "<I", payload_crc)


class FramingError(Exception):
    """A record could not be read; `offset` is where the bad record starts."""

    def __init__(self, offset, message):
        super().__init__("at byte %d: %s" % (offset, message))
        self.offset = offset


def read_records(data):
    """Splits the bytes of a whole TFRecord file into payloads.

    Returns (payloads, framed_count, error): `payloads` are the records read
    before the first problem, `framed_count` counts every complete record the
    framing walks over (a record whose only fault is its payload CRC still
    counts, since a reader must see it to reject it), and `error` is a
    FramingError or None. Trailing bytes that do not form a whole record
    (a torn tail) are an error too.
    """
    payloads = []
    framed = 0
    pos = 0
    end = len(data)
    while pos < end:
        if end - pos < _HEADER.size:
            return payloads, framed, FramingError(
                pos, "torn tail: %d bytes, too short for a record header"
                % (end - pos))
        length, length_crc = _HEADER.unpack_from(data, pos)
        expected = masked_crc32c(data[pos:pos + 8])
        if length_crc != expected:
            return payloads, framed + 1, FramingError(
                pos, "length CRC 0x%08X, expected 0x%08X (length field %d)"
                % (length_crc, expected, length))
        body = pos + _HEADER.size
        if end - body < length + 4:
            return payloads, framed, FramingError(
                pos, "torn tail: record of %d payload bytes needs %d bytes, "
                "file has %d left" % (length, length + 16, end - pos))
        payload = data[body:body + length]
        (payload_crc,) = struct.unpack_from("<I", data, body + length)
        framed += 1
        expected = masked_crc32c(payload)
        if payload_crc != expected:
            return payloads, framed, FramingError(
                pos, "payload CRC 0x%08X, expected 0x%08X"
                % (payload_crc, expected))
        payloads.append(payload)
        pos = body + length + 4
    return payloads, framed, None


# --------------------------------------------------------------------------
# Protobuf wire format

VARINT, I64, LEN, I32 = 0, 1, 2, 5
WIRE_TYPE_NAMES = {VARINT: "varint", I64: "64-bit", LEN: "length-delimited",
                   I32: "32-bit"}


class DecodeError(Exception):
    """The bytes are not a well-formed protobuf message."""


def _read_varint(data, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise DecodeError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift >= 70:
            raise DecodeError("varint longer than 10 bytes")
    if result >> 64:
        raise DecodeError("varint overflows 64 bits")
    return result, pos


def decode_fields(data):
    """Decodes one message level into a list of (field, wire_type, value).

    `value` is an int for varint, 64-bit and 32-bit fields (raw bits), and
    bytes for length-delimited ones. Groups (wire types 3 and 4) are rejected.
    """
    fields = []
    pos = 0
    end = len(data)
    while pos < end:
        key, pos = _read_varint(data, pos)
        field, wire_type = key >> 3, key & 7
        if field == 0:
            raise DecodeError("field number 0")
        if wire_type == VARINT:
            value, pos = _read_varint(data, pos)
        elif wire_type == I64:
            if end - pos < 8:
                raise DecodeError("truncated 64-bit field %d" % field)
            (value,) = struct.unpack_from("<Q", data, pos)
            pos += 8
        elif wire_type == I32:
            if end - pos < 4:
                raise DecodeError("truncated 32-bit field %d" % field)
            (value,) = struct.unpack_from("<I", data, pos)
            pos += 4
        elif wire_type == LEN:
            length, pos = _read_varint(data, pos)
            if end - pos < length:
                raise DecodeError("truncated length-delimited field %d" % field)
            value = bytes(data[pos:pos + length])
            pos += length
        else:
            raise DecodeError("unsupported wire type %d (field %d)"
                              % (wire_type, field))
        fields.append((field, wire_type, value))
    return fields


def as_int64(raw):
    """Reinterprets a raw varint as a two's-complement int64."""
    return raw - (1 << 64) if raw >> 63 else raw


def as_double(raw):
    return struct.unpack("<d", struct.pack("<Q", raw))[0]


def as_float(raw):
    return struct.unpack("<f", struct.pack("<I", raw))[0]


def decode_packed_fixed32(data):
    if len(data) % 4:
        raise DecodeError("packed 32-bit field of %d bytes" % len(data))
    return list(struct.unpack("<%dI" % (len(data) // 4), data))


def decode_packed_fixed64(data):
    if len(data) % 8:
        raise DecodeError("packed 64-bit field of %d bytes" % len(data))
    return list(struct.unpack("<%dQ" % (len(data) // 8), data))


def decode_packed_varints(data):
    values = []
    pos = 0
    while pos < len(data):
        value, pos = _read_varint(data, pos)
        values.append(value)
    return values
