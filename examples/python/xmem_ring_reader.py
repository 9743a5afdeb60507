#!/usr/bin/env python3
"""Subscribe to an xmem ring from Python, using only the standard library (mmap, struct, fcntl).

Written from ring/LAYOUT.md and pool/LAYOUT.md alone: proof that the layout is a contract another
language can follow. It joins the ring as a subscriber (a lock byte of NAME.ring.lock and an entry
of the subscriber table), reads records in order, follows buffer references into the pool, and
prints one line per record:

    inline SEQ LENGTH CRC32            an inline message
    ref SEQ TOKEN LENGTH CRC32 TIMESTAMP TAG    a buffer reference, CRC32 of the referenced bytes

With --video it subscribes to the ring of `examples/run video` instead and checks the frames: for
each buffer reference (a 1920x1080 RGB frame, tag = frame number) it compares sampled rows with the
test pattern, a function of (x, y, frame) (see TestPattern.java), and checks that frame numbers
follow each other; it stops at the producer's end record or after --count frames, printing

    frame TAG ok                       or      frame TAG bad row Y / frame TAG out of order
    video: N frames checked (R rows each), B bad, O out of order

Usage: xmem_ring_reader.py NAME [--dir /dev/shm] [--count N] [--timeout SECONDS] [--video [--rows R]]
It never writes a record; it stores only its own entry (pid, position, state). Pins are released
by the Java side once every subscriber, this one included, has passed a record.
"""
import argparse
import fcntl
import mmap
import os
import struct
import sys
import time
import zlib

RING_MAGIC = 0x474E49524D454D58
POOL_MAGIC = 0x4C4F4F504D454D58
RING_VERSION = 3
POOL_VERSION = 2
ALIGN = 32
REC_HEADER = 24
TYPE_PADDING, TYPE_INLINE, TYPE_REFERENCE, TYPE_DEVICE_REFERENCE = 1, 2, 3, 4
SUB_ENTRY = 128


def u32(m, off):
    return struct.unpack_from("<I", m, off)[0]


def u64(m, off):
    return struct.unpack_from("<Q", m, off)[0]


def i64(m, off):
    return struct.unpack_from("<q", m, off)[0]


def aligned(n):
    return (n + ALIGN - 1) & -ALIGN


def open_file(path, flags, what):
    """os.open, with a one-line message instead of a traceback when the file is missing or forbidden."""
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        directory, name = os.path.split(path)
        raise SystemExit(f"xmem_ring_reader: no {what} {name!r} in {directory}: check the name "
                         f"('./xmem ls {directory}' lists them) or pass --dir")
    except PermissionError:
        raise SystemExit(f"xmem_ring_reader: {path}: permission denied (its owner made it with "
                         f"--permissions that leave this user out)")


class Pool:
    """The parts of a pool file a reader needs: where each buffer lives."""

    def __init__(self, path):
        fd = open_file(path, os.O_RDONLY, "pool file")
        try:
            self.m = mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ)
        finally:
            os.close(fd)
        m = self.m
        if u64(m, 0) != POOL_MAGIC or u32(m, 8) != POOL_VERSION or u32(m, 16) != 1:
            raise SystemExit(f"{path}: not a READY xmem pool of layout version {POOL_VERSION}")
        self.slot_count = u32(m, 68)
        classes = u32(m, 64)
        table = u64(m, 80)
        self.slot_table = u64(m, 88)
        self.classes = []  # (first slot, count, buffer size, stride, data offset)
        for c in range(classes):
            e = table + 128 * c
            self.classes.append((u32(m, e + 24), u32(m, e + 28), u64(m, e), u64(m, e + 8), u64(m, e + 16)))

    def read(self, token, offset, length):
        start = self.locate(token, offset, length)
        return self.m[start:start + length]

    def locate(self, token, offset, length):
        """File offset of bytes offset..offset+length of the buffer a token names, after checking it."""
        slot = token & 0xFFFFFF
        generation = token >> 24
        if slot >= self.slot_count:
            raise ValueError(f"token {token:#x}: slot {slot} out of range")
        line = self.slot_table + 64 * slot
        if u64(self.m, line + 8) != generation:
            raise ValueError(f"token {token:#x}: the buffer is no longer that incarnation")
        for first, count, size, stride, data in self.classes:
            if first <= slot < first + count:
                if offset + length > size:
                    raise ValueError(f"token {token:#x}: {offset}+{length} outside a {size}-byte buffer")
                return data + (slot - first) * stride + offset
        raise ValueError(f"token {token:#x}: no size class holds slot {slot}")


WIDTH, HEIGHT = 1920, 1080
ROW_BYTES = WIDTH * 3
FRAME_BYTES = ROW_BYTES * HEIGHT
BAR_WIDTH = 64
VIDEO_END = 0x444E454F45444956                          # "VIDEOEND": the producer's last, inline record
RAMP = bytes(range(256)) * (WIDTH // 256 + 2)


def pattern_row(frame, y):
    """Row y of frame `frame` of the video example's test pattern (TestPattern.java)."""
    f = frame & 0xFFFFFFFF
    row = bytearray(ROW_BYTES)
    shift = (4 * f) & 255
    row[0::3] = RAMP[shift:shift + WIDTH]               # R = (x + 4f) mod 256
    row[1::3] = bytes([(y + 2 * f) & 255]) * WIDTH      # G = (y + 2f) mod 256
    blue = bytearray((x ^ y) & 255 for x in range(WIDTH))
    bar = (8 * f) % WIDTH
    for k in range(BAR_WIDTH):                          # B = 255 on the moving bar, else (x xor y) mod 256
        blue[(bar + k) % WIDTH] = 255
    row[2::3] = blue
    return bytes(row)


class VideoCheck:
    """Checks frames of the video example: sampled rows against the pattern, and their order."""

    def __init__(self, rows):
        self.rows = rows
        self.frames = self.bad = self.out_of_order = 0
        self.last = None

    def frame(self, pool, token, offset, length, tag):
        self.frames += 1
        verdict = "ok"
        if self.last is not None and tag != self.last + 1:
            self.out_of_order += 1
            verdict = f"out of order (after {self.last})"
        self.last = tag
        if length != FRAME_BYTES:
            self.bad += 1
            return f"frame {tag} bad length {length}"
        start = pool.locate(token, offset, length)
        step = max(1, HEIGHT // self.rows)
        for y in sorted({(k * step + tag) % HEIGHT for k in range(self.rows)} | {0, HEIGHT - 1}):
            at = start + y * ROW_BYTES
            if pool.m[at:at + ROW_BYTES] != pattern_row(tag, y):
                self.bad += 1
                return f"frame {tag} bad row {y}"
        return f"frame {tag} {verdict}"

    def summary(self):
        return (f"video: {self.frames} frames checked ({self.rows + 2} rows each at most), {self.bad} bad, "
                f"{self.out_of_order} out of order")


def check_not_evicted(m, entry):
    """In a ring with a subscriber timeout, a publisher writes over what an evicted subscriber had not
    read only after it marked the entry EVICTED (2): what was read before this check is whole unless
    the entry says EVICTED now (x86-64 keeps loads in order; see ring/LAYOUT.md, Slow subscribers)."""
    if u32(m, entry) == 2:
        raise SystemExit(f"evicted {u64(m, entry + 80)} bytes behind the tail: held the publisher back "
                         f"longer than the ring's subscriber timeout; subscribe again")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("--dir", default="/dev/shm")
    ap.add_argument("--count", type=int, default=0, help="stop after this many records (0: run until timeout)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds without a new record before giving up")
    ap.add_argument("--video", action="store_true", help="check the frames of `examples/run video`")
    ap.add_argument("--rows", type=int, default=8, help="--video: rows sampled per frame (besides first and last)")
    a = ap.parse_args()
    video = VideoCheck(a.rows) if a.video else None

    path = os.path.join(a.dir, a.name + ".ring")
    fd = open_file(path, os.O_RDWR, "ring file")
    try:
        m = mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(fd)
    if u64(m, 0) != RING_MAGIC or u32(m, 8) != RING_VERSION or u32(m, 16) != 1:
        raise SystemExit(f"{path}: not a READY xmem ring of layout version {RING_VERSION}")
    if u64(m, 24) != len(m):
        raise SystemExit(f"{path}: truncated")
    capacity = u64(m, 32)
    max_subs = u32(m, 40)
    max_inline = u32(m, 44)
    lossy = u32(m, 20) & 1
    name_len = u32(m, 80)
    pool_name = bytes(m[128:128 + name_len]).decode() if name_len else None
    sub_table = u64(m, 88)
    log = u64(m, 96)
    mask = capacity - 1
    pool = Pool(os.path.join(a.dir, pool_name + ".pool")) if pool_name else None

    # Join: lock the first free subscriber byte of the lock file; the lock is our liveness.
    lock = open(os.path.join(a.dir, a.name + ".ring.lock"), "r+b")
    index = None
    for i in range(max_subs):
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, i)
            index = i
            break
        except OSError:
            continue
    if index is None:
        raise SystemExit(f"{path}: all {max_subs} subscriber entries are taken")
    entry = sub_table + SUB_ENTRY * index
    struct.pack_into("<Q", m, entry + 8, os.getpid())
    label = os.path.basename(sys.argv[0]).encode("ascii", "replace")[:40]  # who we are, for xmem stat
    m[entry + 16:entry + 56] = label.ljust(40, b"\0")
    struct.pack_into("<I", m, entry + 4, len(label))
    position = u64(m, 512)                             # tail
    struct.pack_into("<Q", m, entry + 64, position)
    struct.pack_into("<I", m, entry, 1)                # ACTIVE, after the position
    position = u64(m, 512)                             # read the tail again now that we are visible
    expected = u64(m, 768)                             # count: the first record we must deliver
    struct.pack_into("<Q", m, entry + 64, position)
    print(f"joined as subscriber {index} at position {position}", flush=True)

    delivered = 0
    last_progress = time.monotonic()
    try:
        while a.count == 0 or delivered < a.count:
            rec = log + (position & mask)
            if i64(m, rec) != position:                # commit word: our position, or not yet
                if time.monotonic() - last_progress > a.timeout:
                    print(f"timeout after {delivered} records", file=sys.stderr)
                    return 1
                time.sleep(0.0002)
                continue
            length, rtype, seq = struct.unpack_from("<iiQ", m, rec + 8)
            if length < REC_HEADER or (position & mask) + aligned(length) > capacity:
                raise SystemExit(f"record at {position}: length {length} does not fit the log")
            body = rec + REC_HEADER
            if rtype == TYPE_PADDING:
                pass
            elif seq < expected:
                pass                                   # published before we joined
            elif rtype == TYPE_INLINE:
                if length - REC_HEADER > max_inline:
                    raise SystemExit(f"record at {position}: inline message too long")
                payload = m[body:body + length - REC_HEADER]
                check_not_evicted(m, entry)
                if video:
                    if len(payload) == 16 and struct.unpack_from("<Q", payload, 0)[0] == VIDEO_END:
                        print(f"end of stream after {struct.unpack_from('<Q', payload, 8)[0]} frames", flush=True)
                        break
                else:
                    print(f"inline {seq} {len(payload)} {zlib.crc32(payload):08x}", flush=True)
                    delivered += 1
            elif rtype == TYPE_REFERENCE:
                if pool is None:
                    raise SystemExit(f"record at {position}: a buffer reference in a ring without a pool")
                token, offset, ref_len, timestamp, tag = struct.unpack_from("<QQQQQ", m, body)
                if video:
                    line = video.frame(pool, token, offset, ref_len, tag)
                    check_not_evicted(m, entry)
                    print(line, flush=True)
                else:
                    data = pool.read(token, offset, ref_len)
                    check_not_evicted(m, entry)
                    print(f"ref {seq} {token:#x} {ref_len} {zlib.crc32(data):08x} {timestamp} {tag}", flush=True)
                delivered += 1
            elif rtype == TYPE_DEVICE_REFERENCE:           # a GPU buffer: its bytes are not in the file
                token, offset, ref_len, timestamp, tag = struct.unpack_from("<QQQQQ", m, body)
                print(f"device-ref {seq} {token:#x} {ref_len} skipped (GPU memory) {timestamp} {tag}", flush=True)
                delivered += 1
            else:
                raise SystemExit(f"record at {position}: unknown type {rtype}")
            if rtype != TYPE_PADDING and seq >= expected:
                expected = seq + 1
            position += aligned(length)
            struct.pack_into("<Q", m, entry + 64, position)  # done with everything before it
            last_progress = time.monotonic()
    finally:
        struct.pack_into("<I", m, entry, 0)            # EMPTY
        fcntl.lockf(lock, fcntl.LOCK_UN, 1, index)
        lock.close()
    if video:
        print(video.summary(), flush=True)
        return 0 if video.bad == 0 and video.out_of_order == 0 and video.frames > 0 else 1
    print(f"done {delivered} records, lossy={lossy}", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C: the finally above has given the subscriber entry back
        sys.exit(130)
