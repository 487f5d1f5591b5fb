#!/usr/bin/env python3
"""End-to-end tests of the `tinytb` command line on real event files.

    cli_test.py --build BUILD --out DIR

Real logs come from the compat writer and the demo (BUILD/compat/compat_writer,
BUILD/demo). Their files are cut, zero-filled, bit-flipped, given garbage and lying
lengths; `check` must give each the right verdict and exit code, and `repair` must
leave exactly the complete records, byte for byte, which TensorBoard's own loader
must then read in full. A simulated SD card (the same logs split into 8.3-named files
across two boots, with torn and zero-filled tails and a photo among them) must come out
of `pull` as a log directory that TensorBoard reads in order: judged by
tests/tensorboard/tb_judge.py (independent reader, TensorBoard's loaders, the real server)
against a manifest built from the writers' own manifests. Runs under the test venv's
Python (TensorBoard installed). One PASS/FAIL line per check, then "N passed, M failed".
"""

import argparse
import hashlib
import json
import os
import pty
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tensorboard"))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))

import wire  # noqa: E402  (CRC-32C and framing written from scratch for the judge)
from bench_common import Checks  # noqa: E402  (the check counter the bench drivers use)

from tensorboard.backend.event_processing import event_file_loader  # noqa: E402
from tensorboard.compat.proto import event_pb2  # noqa: E402


T = Checks(show_passes=True)
TOOL = None


def tinytb(*args, cwd=None):
    p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=120)
    return p.returncode, p.stdout, p.stderr


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def record_ends(data):
    """End offsets of the complete records of a valid file."""
    ends, pos = [], 0
    while pos + 16 <= len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        if pos + 16 + length > len(data):
            break
        pos += 16 + length
        ends.append(pos)
    return ends


def tb_read(path):
    """(records TensorBoard's raw loader yields, events its Event loader parses, error)."""
    try:
        raw = sum(1 for _ in event_file_loader.RawEventFileLoader(path).Load())
        events = list(event_file_loader.EventFileLoader(path).Load())
        return raw, events, None
    except Exception as e:  # any error from TensorBoard is a failure
        return None, None, "%s: %s" % (type(e).__name__, e)


def tree_state(root):
    """{relative path: (sha256, mtime_ns)} of every file under root."""
    state = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            state[os.path.relpath(p, root)] = (hashlib.sha256(read(p)).hexdigest(), st.st_mtime_ns)
    return state


def event_files(root):
    out = []
    for dirpath, _, files in os.walk(root):
        out += [os.path.join(dirpath, f) for f in files if "tfevents" in f]
    return sorted(out)


# ---- fixtures -----------------------------------------------------------------------------


def make_logs(build, out):
    logs = {}
    for name, program in (("compat", os.path.join(build, "compat", "compat_writer")),
                          ("demo", os.path.join(build, "demo"))):
        d = os.path.join(out, "logs-" + name)
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([program, "--logdir", d, "--manifest", d + ".json"], check=True,
                       stdout=subprocess.DEVNULL)
        logs[name] = d
    return logs


# ---- check and repair on damaged copies of real files ------------------------------------------


def expect(name, path, verdict, code, valid_bytes):
    rc, out, err = tinytb("check", path)
    line = out.splitlines()[0] if out else ""
    ok = rc == code and (": %s," % verdict) in line
    if ok and verdict != "clean":
        ok = ("%d of " % valid_bytes) in line
    return T.check("check.%s" % name, ok, "exit %d, %r %s" % (rc, line, err.strip()))


def expect_repaired(name, path, original, keep, records):
    """repair cuts `path` to original[:keep]; TensorBoard reads exactly `records` records."""
    before = read(path)
    rc_dry, out_dry, _ = tinytb("repair", "--dry-run", path)
    T.check("repair.dry-run-changes-nothing.%s" % name,
            read(path) == before and rc_dry == 1 and "would cut" in out_dry, "exit %d %r" % (rc_dry, out_dry))
    rc, out, err = tinytb("repair", path)
    after = read(path)
    T.check("repair.exact-prefix.%s" % name, rc == 1 and after == original[:keep],
            "exit %d, %d bytes, want %d: %s %s" % (rc, len(after), keep, out.strip(), err.strip()))
    raw, events, error = tb_read(path)
    T.check("repair.tensorboard-reads-all.%s" % name, error is None and raw == records and len(events) == records,
            "raw %s events %s, want %d; %s" % (raw, None if events is None else len(events), records, error))
    rc2, out2, _ = tinytb("check", path)
    T.check("repair.then-clean.%s" % name, rc2 == 0 and read(path) == after, "exit %d %r" % (rc2, out2[:200]))


def expect_left_alone(name, path, salvage_cuts_to=None):
    before = read(path)
    rc, out, _ = tinytb("repair", path)
    T.check("repair.leaves-corrupt.%s" % name, rc == 2 and read(path) == before and "left as it is" in out,
            "exit %d %r" % (rc, out[:300]))
    rc, out, _ = tinytb("repair", "--salvage", path)
    if salvage_cuts_to is None:
        T.check("repair.salvage-refuses.%s" % name, rc == 2 and read(path) == before, "exit %d %r" % (rc, out[:300]))
    else:
        T.check("repair.salvage-cuts.%s" % name, rc == 2 and read(path) == before[:salvage_cuts_to],
                "exit %d, %d bytes, want %d: %r" % (rc, len(read(path)), salvage_cuts_to, out[:300]))


def damage_one(work, label, src):
    original = read(src)
    ends = record_ends(original)
    n = len(ends)
    T.check("fixture.valid[%s]" % label, ends and ends[-1] == len(original))
    mid = n // 2
    start_mid, end_mid = ends[mid - 1], ends[mid]
    last_start = ends[-2]

    def case(kind, data):
        path = os.path.join(work, label.replace("/", "_") + "." + kind + ".tfevents")
        write(path, data)
        return path

    name = lambda kind: "%s[%s]" % (kind, label)  # noqa: E731

    p = case("clean", original)
    expect(name("clean"), p, "clean", 0, len(original))

    # Cut inside a header, inside a payload, inside the trailing CRC, on a boundary.
    for kind, cut in (("cut-in-header", start_mid + 7), ("cut-in-payload", start_mid + 12 + (end_mid - start_mid - 16) // 2),
                      ("cut-in-crc", end_mid - 2)):
        p = case(kind, original[:cut])
        if expect(name(kind), p, "torn", 1, start_mid):
            expect_repaired(name(kind), p, original, start_mid, mid)
    p = case("cut-on-boundary", original[:end_mid])
    expect(name("cut-on-boundary"), p, "clean", 0, end_mid)

    # Zero-filled tails: after the last record, and after a record cut short.
    p = case("zero-filled", original + bytes(4096))
    rc, out, _ = tinytb("check", p)
    T.check("check.says-zero-filled.%s" % name("zero-filled"), "zero-filled" in out, out[:300])
    if expect(name("zero-filled"), p, "torn", 1, len(original)):
        expect_repaired(name("zero-filled"), p, original, len(original), n)
    p = case("cut-then-zeros", original[:start_mid + 30] + bytes(2048))
    if expect(name("cut-then-zeros"), p, "torn", 1, start_mid):
        expect_repaired(name("cut-then-zeros"), p, original, start_mid, mid)

    # A length with a correct CRC that no file holds: torn, and no 2^63-byte allocation.
    huge = struct.pack("<Q", 1 << 63)
    p = case("huge-length", original + huge + struct.pack("<I", wire.masked_crc32c(huge)) + b"\x5a" * 64)
    if expect(name("huge-length"), p, "torn", 1, len(original)):
        expect_repaired(name("huge-length"), p, original, len(original), n)

    # Changed bytes: corrupt, left alone; salvage only when nothing verifiable follows.
    flipped = bytearray(original)
    flipped[start_mid + 12 + 1] ^= 0x20
    p = case("bit-flip-middle", bytes(flipped))
    if expect(name("bit-flip-middle"), p, "corrupt", 2, start_mid):
        rc, out, _ = tinytb("check", p)
        T.check("check.counts-records-after-damage.%s" % name("bit-flip-middle"),
                ("after it: %d verifiable records" % (n - mid - 1)) in out if n - mid - 1 > 0 else "no verifiable" in out,
                out[-300:])
        expect_left_alone(name("bit-flip-middle"), p, None if n - mid - 1 > 0 else start_mid)
    flipped = bytearray(original)
    flipped[last_start + 8] ^= 0x01  # the length CRC of the last record
    p = case("bit-flip-last", bytes(flipped))
    if expect(name("bit-flip-last"), p, "corrupt", 2, last_start):
        expect_left_alone(name("bit-flip-last"), p, last_start)
    garbage = bytes((i * 151 + 7) & 0xFF | 1 for i in range(100))
    p = case("garbage-tail", original + garbage)
    if expect(name("garbage-tail"), p, "corrupt", 2, len(original)):
        expect_left_alone(name("garbage-tail"), p, len(original))


def test_damage(logs, out):
    work = os.path.join(out, "damage")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for name, root in sorted(logs.items()):
        for path in event_files(root):
            damage_one(work, name + "/" + os.path.relpath(path, root), path)


# ---- check: what it reports -----------------------------------------------------------------------


def parse_tag_lines(out):
    """{file: {tag: (count, min, max)}} from `check` output."""
    files, current = {}, None
    for line in out.splitlines():
        if not line.startswith(" ") and ": " in line and " records" in line:
            current = files.setdefault(line.split(": ")[0], {})
        elif line.startswith("  ") and current is not None and ".." in line and not line.startswith("  wall_time"):
            parts = line.split()
            try:
                lo, hi = parts[-1].split("..")
                current[parts[0]] = (int(parts[-2]), int(lo), int(hi))
            except ValueError:
                pass
    return files


def test_check_reports(logs):
    for name, root in sorted(logs.items()):
        files = event_files(root)
        rc, out, err = tinytb("check", root)
        T.check("check.clean-logdir[%s]" % name,
                rc == 0 and out.strip().endswith("%d files: %d clean, 0 torn, 0 corrupt" % (len(files), len(files))),
                "exit %d %r %s" % (rc, out[-200:], err))
        with open(root + ".json") as f:
            full = json.load(f)
        manifest = full["runs"]
        seen = parse_tag_lines(out)
        # Per run, merge the files' tag lines and compare with the manifest.
        for run, kinds in sorted(manifest.items()):
            merged = {}
            for path, tags in seen.items():
                if os.path.relpath(os.path.dirname(path), root).replace(os.sep, "/") != run:
                    continue
                for tag, (count, lo, hi) in tags.items():
                    c, a, b = merged.get(tag, (0, lo, hi))
                    merged[tag] = (c + count, min(a, lo), max(b, hi))
            want = {}
            for kind, tags in kinds.items():
                for tag, points in tags.items():
                    for shown, steps in classic_tags(kind, tag, points):
                        want[shown] = (len(steps), min(steps), max(steps))
            want.update(hparams_tags(full.get("hparams"), run))
            T.check("check.tags-counts-step-ranges[%s %s]" % (name, run), merged == want,
                    "got %s, want %s" % (sorted(merged.items())[:4], sorted(want.items())[:4]))


def hparams_tags(hparams, run):
    """The hparams plugin's tags a run holds (docs/hparams.md), from the manifest's "hparams"
    section: each is one record at step 0."""
    tags = {}
    if not hparams:
        return tags
    if (hparams.get("experiment") or {}).get("run") == run:
        tags["_hparams_/experiment"] = (1, 0, 0)
    session = (hparams.get("sessions") or {}).get(run)
    if session is not None:
        tags["_hparams_/session_start_info"] = (1, 0, 0)
        if session.get("status") is not None:
            tags["_hparams_/session_end_info"] = (1, 0, 0)
    return tags


def card_hparams(hparams, renames):
    """The manifest's "hparams" section with its runs renamed as on the card (`renames`: demo run -> card run)."""
    out = {"experiment": None, "sessions": {}}
    e = hparams.get("experiment")
    if e is not None and e["run"] in renames:
        out["experiment"] = dict(e, run=renames[e["run"]])
    for run, session in hparams.get("sessions", {}).items():
        if run in renames:
            out["sessions"][renames[run]] = session
    return out


def classic_tags(kind, tag, points):
    """[(tag, steps)] as the writers' default, the classic form (docs/format.md, "Summary
    forms"), writes a manifest tag: a batch of k images or clips is k tags <tag>/image/<i>
    (<tag>/audio/<i>)."""
    items = {"images": "images", "audio": "clips"}.get(kind)
    sizes = [len(p[1][items]) if items else 1 for p in points]
    if max(sizes) == 1:
        return [(tag, [p[0] for p in points])]
    suffix = "/image/" if kind == "images" else "/audio/"
    return [("%s%s%d" % (tag, suffix, i), [p[0] for p, n in zip(points, sizes) if n > i])
            for i in range(max(sizes))]


def test_check_dirs_and_codes(logs, out):
    work = os.path.join(out, "codes")
    shutil.rmtree(work, ignore_errors=True)
    src = event_files(logs["compat"])[0]
    original = read(src)
    ends = record_ends(original)
    write(os.path.join(work, "torn", "a.tfevents"), original[:ends[-1] - 3])
    write(os.path.join(work, "torn", "b.tfevents"), original)
    write(os.path.join(work, "mixed", "a.tfevents"), original[:ends[-1] - 3])
    write(os.path.join(work, "mixed", "sub", "c.tfevents"), original + b"\x01" * 40)
    write(os.path.join(work, "mixed", "notes.txt"), b"not an event file")
    write(os.path.join(work, "mixed", "12345678.JPG"), b"\xff\xd8\xff\xe0" + bytes(200))
    write(os.path.join(work, "mixed", "0000002A.01Z"), original)
    rc, out_, _ = tinytb("check", os.path.join(work, "torn"))
    T.check("check.exit-torn-dir", rc == 1, "exit %d" % rc)
    rc, out_, _ = tinytb("check", os.path.join(work, "mixed"))
    T.check("check.exit-worst-of-dir", rc == 2, "exit %d" % rc)
    T.check("check.finds-8.3-event-files", "0000002A.01Z: clean" in out_, out_)
    T.check("check.skips-8.3-non-event-files", "12345678.JPG: skipped" in out_ and "notes.txt" not in out_, out_)
    T.check("check.summary-counts", "3 files: 1 clean, 1 torn, 1 corrupt" in out_, out_[-200:])
    rc, out_, err = tinytb("check", os.path.join(work, "nope"))
    T.check("check.exit-missing-path", rc == 66 and "nope" in err, "exit %d %s" % (rc, err))
    rc, _, err = tinytb("check")
    T.check("check.exit-usage-no-path", rc == 64, "exit %d" % rc)
    rc, _, err = tinytb("check", "--frobnicate", work)
    T.check("check.exit-usage-bad-option", rc == 64, "exit %d" % rc)
    rc, _, _ = tinytb("frobnicate")
    T.check("cli.exit-usage-bad-command", rc == 64, "exit %d" % rc)
    rc, _, _ = tinytb()
    T.check("cli.exit-usage-no-command", rc == 64, "exit %d" % rc)
    for command in ("check", "repair", "pull"):
        rc, out_, _ = tinytb(command, "--help")
        T.check("cli.help[%s]" % command, rc == 0 and out_.startswith("usage: tinytb %s" % command)
                and "exit status" in out_, out_[:100])
    # An explicitly named file is checked whatever its name; a random one is corrupt.
    write(os.path.join(work, "random.bin"), bytes((i * 89 + 3) & 0xFF for i in range(5000)))
    rc, out_, _ = tinytb("check", os.path.join(work, "random.bin"))
    T.check("check.random-file-corrupt", rc == 2, "exit %d %r" % (rc, out_[:200]))
    # A crafted tag cannot drive the terminal: control characters are escaped.
    evil = wire.frame_record(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
    ev = event_pb2.Event(wall_time=2.0, step=1)
    v = ev.summary.value.add(tag="x\x1b[2Jy")
    v.simple_value = 1.0
    write(os.path.join(work, "evil.tfevents"), evil + wire.frame_record(ev.SerializeToString()))
    rc, out_, _ = tinytb("check", os.path.join(work, "evil.tfevents"))
    T.check("check.escapes-control-characters", rc == 0 and "\x1b" not in out_ and "x\\x1b[2Jy" in out_, repr(out_))
    # Empty file: clean, nothing to do.
    write(os.path.join(work, "empty.tfevents"), b"")
    rc, out_, _ = tinytb("repair", os.path.join(work, "empty.tfevents"))
    T.check("repair.empty-file-clean", rc == 0 and "nothing to do" in out_, "exit %d %r" % (rc, out_))


# ---- pull: an SD card with 8.3 names -------------------------------------------------------------------


def split_into_parts(path, parts):
    """Splits a real event file into `parts` files at record boundaries, each starting with
    the original's file_version record and with metadata on its first value of each tag
    (copied from the original's first), as a writer that starts a new file per boot does."""
    payloads, _, error = wire.read_records(read(path))
    assert error is None, error
    first, rest = payloads[0], payloads[1:]
    size = (len(rest) + parts - 1) // parts
    metadata, out = {}, []
    for i in range(parts):
        chunk = rest[i * size:(i + 1) * size]
        records, seen = [first], set()
        for payload in chunk:
            event = event_pb2.Event.FromString(payload)
            changed = False
            for value in event.summary.value:
                if value.HasField("metadata"):
                    metadata.setdefault(value.tag, value.metadata)
                if value.tag not in seen:
                    seen.add(value.tag)
                    # classic values (docs/format.md, "Summary forms") carry no metadata
                    if value.WhichOneof("value") == "tensor" and not value.HasField("metadata"):
                        value.metadata.CopyFrom(metadata[value.tag])
                        changed = True
            records.append(event.SerializeToString() if changed else payload)
        out.append(b"".join(wire.frame_record(r) for r in records))
    return out


def short_name(stamp, seq):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "%08X.%s%s%s" % (stamp, digits[seq // 1296], digits[seq // 36 % 36], digits[seq % 36])


def long_name(stamp, seq, host="sdcard"):
    return "events.out.tfevents.%010d.%s.%04d.v2" % (stamp, host, seq)


def make_card(logs, card):
    """Returns (expected {dst relative path: bytes}, manifest runs, manifest hparams section)."""
    shutil.rmtree(card, ignore_errors=True)
    expected, runs = {}, {}
    with open(logs["demo"] + ".json") as f:
        demo_full = json.load(f)
    demo = demo_full["runs"]
    with open(logs["compat"] + ".json") as f:
        compat = json.load(f)["runs"]
    partial = wire.frame_record(b"\x09" + bytes(8) + b"\x10\x01")[:13]  # a record cut after 13 bytes

    # INT8: one boot counter stamp with 12 files (sequences 000..00B: base-36 letters), then a second boot.
    int8 = os.path.join(logs["demo"], "esp32s3-cam", "int8")
    parts = split_into_parts(event_files(int8)[0], 14)
    names = [(7, s) for s in range(12)] + [(8, 0), (8, 1)]
    for i, ((stamp, seq), data) in enumerate(zip(names, parts)):
        on_card = data + (bytes(4096) if i == 5 else partial if i == 13 else b"")  # zero-filled, torn
        write(os.path.join(card, "ESP32CAM", "INT8", short_name(stamp, seq)), on_card)
        expected["ESP32CAM/INT8/" + long_name(stamp, seq)] = data
    runs["ESP32CAM/INT8"] = demo["esp32s3-cam/int8"]
    # FLOAT32: Unix-second stamps, three files in one boot, one in the next.
    f32 = os.path.join(logs["demo"], "esp32s3-cam", "float32")
    parts = split_into_parts(event_files(f32)[0], 4)
    t0 = 0x6740A1B0
    for (stamp, seq), data in zip([(t0, 0), (t0, 1), (t0, 2), (t0 + 100, 0)], parts):
        write(os.path.join(card, "ESP32CAM", "FLOAT32", short_name(stamp, seq).lower() if seq == 1 else
                           short_name(stamp, seq)), data)
        expected["ESP32CAM/FLOAT32/" + long_name(stamp, seq)] = data
    runs["ESP32CAM/FLOAT32"] = demo["esp32s3-cam/float32"]
    # Long-named files (a board with FF_USE_LFN) are copied under their own names.
    for path in event_files(logs["compat"]):
        rel = os.path.relpath(path, logs["compat"])
        data = read(path)
        on_card = data + partial if rel.startswith("val") else data
        write(os.path.join(card, "COMPAT", rel), on_card)
        expected["COMPAT/" + rel.replace(os.sep, "/")] = data
    for run, kinds in compat.items():
        runs["COMPAT/" + run] = kinds
    # Not event files: a photo with an 8.3 name, a config file.
    write(os.path.join(card, "ESP32CAM", "INT8", "12345678.JPG"), b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(3000))
    write(os.path.join(card, "CONFIG.TXT"), b"rate=5\n")
    # The demo runs' hparams (docs/hparams.md) travel with them.
    hparams = card_hparams(demo_full.get("hparams") or {}, {"esp32s3-cam/int8": "ESP32CAM/INT8",
                                                           "esp32s3-cam/float32": "ESP32CAM/FLOAT32"})
    return expected, runs, hparams


def steps_in_order(run_dir, reverse=False):
    """Reads a run's files in name order (as TensorBoard does); errors if a tag's steps do not
    strictly increase. `reverse` reads them backwards (the negative control)."""
    errors, last, count = [], {}, 0
    for path in sorted(event_files(run_dir), reverse=reverse):
        for event in event_file_loader.EventFileLoader(path).Load():
            for value in event.summary.value:
                count += 1
                if value.tag in last and event.step <= last[value.tag]:
                    errors.append("%s: step %d after %d" % (value.tag, event.step, last[value.tag]))
                last[value.tag] = event.step
    return errors, count


def run_tty(args):
    """Runs the tool with stdout on a pseudo-terminal; returns (exit code, output)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([TOOL] + args, stdout=slave, stderr=subprocess.STDOUT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return p.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_pull(logs, out, build, with_server):
    card = os.path.join(out, "card")
    dst = os.path.join(out, "pulled")
    shutil.rmtree(dst, ignore_errors=True)
    expected, runs, hparams = make_card(logs, card)
    card_before = tree_state(card)

    rc, out_, err = tinytb("pull", "--dry-run", card, dst)
    T.check("pull.dry-run-writes-nothing", rc == 1 and not os.path.exists(dst) and "would pull" in out_,
            "exit %d %r %s" % (rc, out_[-300:], err))

    rc, out_, err = tinytb("pull", card, dst)
    T.check("pull.exit-1-torn-tails-left-behind", rc == 1, "exit %d %s %s" % (rc, out_[-500:], err))
    T.check("pull.plain-lines-when-not-a-tty", "\r" not in out_ and "copied   ESP32CAM/INT8/00000007.000 -> "
            "ESP32CAM/INT8/events.out.tfevents.0000000007.sdcard.0000.v2" in out_, out_[:400])
    summary = out_.strip().splitlines()[-1] if out_.strip() else ""
    n = len(expected)
    T.check("pull.summary", summary.startswith("pulled %d event files in %d runs: %d copied, 0 appended, 0 already"
                                               % (n, len(runs), n)) and "3 torn tails left behind" in summary
            and "1 8.3 files not event files" in summary, summary)
    T.check("pull.never-modifies-src", tree_state(card) == card_before)
    got = {os.path.relpath(p, dst).replace(os.sep, "/"): read(p)
           for p in (os.path.join(d, f) for d, _, fs in os.walk(dst) for f in fs)}
    T.check("pull.names-and-nothing-else", sorted(got) == sorted(expected),
            "extra %s, missing %s" % (sorted(set(got) - set(expected))[:3], sorted(set(expected) - set(got))[:3]))
    T.check("pull.copies-are-the-valid-records-byte-for-byte",
            all(got.get(k) == v for k, v in expected.items()),
            str([k for k, v in expected.items() if got.get(k) != v][:3]))

    for run in sorted(runs):
        errors, count = steps_in_order(os.path.join(dst, run))
        T.check("pull.tensorboard-loader-reads-in-order[%s]" % run, not errors and count > 0,
                "; ".join(errors[:3]))
    errors, _ = steps_in_order(os.path.join(dst, "ESP32CAM", "INT8"), reverse=True)
    T.check("pull.order-check-catches-wrong-order", len(errors) > 0)

    manifest = os.path.join(out, "pulled-manifest.json")
    with open(manifest, "w") as f:
        json.dump({"runs": runs, "hparams": hparams}, f)
    judge = [sys.executable, os.path.join(ROOT, "tests", "tensorboard", "tb_judge.py"), "--logdir", dst,
             "--manifest", manifest] + ([] if with_server else ["--no-server"])
    p = subprocess.run(judge, capture_output=True, text=True, timeout=600)
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    fails = [l for l in p.stdout.splitlines() if l.startswith("FAIL")]
    T.check("pull.tensorboard-judge-passes", p.returncode == 0, "%s; %s %s" % (last, fails[:3], p.stderr[-300:]))
    print("     (judge: %s)" % last)

    # Pulling again copies nothing and changes nothing.
    dst_before = tree_state(dst)
    rc, out_, _ = tinytb("pull", card, dst)
    summary = out_.strip().splitlines()[-1] if out_.strip() else ""
    T.check("pull.again-is-a-no-op", tree_state(dst) == dst_before and rc == 1 and
            ("0 copied, 0 appended, %d already there" % n) in summary and "0 bytes written" in summary, summary)

    # Progress on a terminal: a bar redrawn in place.
    dst2 = os.path.join(out, "pulled-tty")
    shutil.rmtree(dst2, ignore_errors=True)
    rc, text = run_tty(["pull", card, dst2])
    T.check("pull.progress-bar-on-a-tty", rc == 1 and "\r\x1b[K[" in text and "%" in text and " MB " in text,
            repr(text[:300]))

    test_pull_updates(logs, out)


def test_pull_updates(logs, out):
    """A file that grew on the card, a changed target, an unnameable sequence, bad arguments."""
    card = os.path.join(out, "card2")
    dst = os.path.join(out, "pulled2")
    for d in (card, dst):
        shutil.rmtree(d, ignore_errors=True)
    src = event_files(os.path.join(logs["demo"], "esp32s3-cam", "int8"))[0]
    original = read(src)
    ends = record_ends(original)
    first_part = original[:ends[len(ends) // 2]]
    on_card = os.path.join(card, "RUN", "00000003.000")
    write(on_card, first_part + original[ends[len(ends) // 2]:ends[len(ends) // 2] + 9])  # torn tail
    rc, out_, _ = tinytb("pull", "--host", "cam-7", card, dst)
    target = os.path.join(dst, "RUN", long_name(3, 0, "cam-7"))
    T.check("pull.host-option", rc == 1 and os.path.exists(target) and read(target) == first_part, out_[-300:])

    # TensorBoard is reading the target when the board logs more into the same file.
    loader = event_file_loader.RawEventFileLoader(target)
    seen_before = sum(1 for _ in loader.Load())
    write(on_card, original)
    rc, out_, _ = tinytb("pull", "--host", "cam-7", card, dst)
    T.check("pull.grown-file-appended", rc == 0 and read(target) == original and "appended" in out_
            and "1 appended" in out_, out_[-300:])
    seen_after = sum(1 for _ in loader.Load())
    T.check("pull.append-seen-by-a-running-tensorboard-loader",
            seen_before == len(ends) // 2 + 1 and seen_after == len(ends) - seen_before,
            "before %d after %d of %d" % (seen_before, seen_after, len(ends)))

    # A target that is not what pull made: a conflict, not touched.
    changed = bytearray(read(target))
    changed[100] ^= 0xFF
    write(target, bytes(changed))
    rc, out_, _ = tinytb("pull", "--host", "cam-7", card, dst)
    T.check("pull.conflict-not-touched", rc == 73 and read(target) == bytes(changed) and "conflict" in out_,
            "exit %d %r" % (rc, out_[-300:]))

    # A sequence above 9999 has no 4-digit name that sorts in order.
    card3 = os.path.join(out, "card3")
    shutil.rmtree(card3, ignore_errors=True)
    write(os.path.join(card3, short_name(1, 10000)), original)
    rc, out_, _ = tinytb("pull", card3, os.path.join(out, "pulled3"))
    T.check("pull.sequence-above-9999-refused", rc == 73 and "above 9999" in out_, "exit %d %r" % (rc, out_))

    # A long-named file on the card with no valid record: not copied, and the exit says why.
    card4 = os.path.join(out, "card4")
    shutil.rmtree(card4, ignore_errors=True)
    write(os.path.join(card4, "events.out.tfevents.0000000001.x.0000.v2"), bytes(range(1, 200)))
    write(os.path.join(card4, "events.out.tfevents.0000000002.x.0000.v2"), bytes(8192))
    rc, out_, _ = tinytb("pull", card4, os.path.join(out, "pulled4"))
    T.check("pull.no-valid-record-not-copied", rc == 2 and "2 without a valid record" in out_ and
            not os.path.exists(os.path.join(out, "pulled4", "events.out.tfevents.0000000001.x.0000.v2")),
            "exit %d %r" % (rc, out_[-300:]))

    rc, _, _ = tinytb("pull", card, os.path.join(card, "inside"))
    T.check("pull.dst-inside-src-refused", rc == 64 and not os.path.exists(os.path.join(card, "inside")),
            "exit %d" % rc)
    rc, _, _ = tinytb("pull", os.path.join(out, "no-such-card"), dst)
    T.check("pull.missing-src", rc == 66, "exit %d" % rc)
    rc, _, _ = tinytb("pull", card)
    T.check("pull.usage", rc == 64, "exit %d" % rc)
    rc, _, _ = tinytb("pull", "--host", "a/b", card, dst)
    T.check("pull.bad-host", rc == 64, "exit %d" % rc)
    T.check("pull.no-temporary-files-left", not any(".tmp" in f for _, _, fs in os.walk(dst) for f in fs))


def test_memory_bound(out):
    """A 96 MiB record, checked with --max-record-mb 1: its CRC is checked in 1 MiB pieces, so the
    tool's peak memory stays far below the record's size (measured by the kernel: ru_maxrss)."""
    path = os.path.join(out, "big-record.tfevents")
    size = 96 << 20
    head = struct.pack("<Q", size)
    first = wire.frame_record(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
    with open(path, "wb") as f:
        f.write(first + head + struct.pack("<I", wire.masked_crc32c(head)))
        block = b"\x5a" * (1 << 20)
        for _ in range(size >> 20):
            f.write(block)
        f.write(b"\x01\x02\x03\x04")  # a payload CRC that does not match
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "print(p.stdout)\n")
    p = subprocess.run([sys.executable, "-c", probe, TOOL, "check", "--max-record-mb", "1", path],
                       capture_output=True, text=True, timeout=300)
    rc, kib = (int(x) for x in p.stdout.split("\n")[0].split())
    T.check("check.memory-bounded-by-chunks-not-by-record-size", rc == 2 and kib < 24 * 1024 and
            "bad payload CRC" in p.stdout, "exit %d, peak %d KiB; %s" % (rc, kib, p.stdout[-300:]))
    print("     (96 MiB record, --max-record-mb 1: peak RSS %d KiB)" % kib)
    os.unlink(path)


def main(argv=None):
    global TOOL
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-server", action="store_true", help="judge the pulled logdir without the server")
    args = parser.parse_args(argv)
    TOOL = os.path.abspath(os.path.join(args.build, "tinytb"))
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    logs = make_logs(args.build, out)
    test_check_reports(logs)
    test_check_dirs_and_codes(logs, out)
    test_damage(logs, out)
    test_memory_bound(out)
    test_pull(logs, out, args.build, not args.no_server)
    print("%d passed, %d failed" % (T.passed, T.failed))
    return 0 if T.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
