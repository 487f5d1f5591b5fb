#!/usr/bin/env python3
"""Live from the board: the Cortex-M4F firmware streams over UART0 under QEMU to `tinytb recv`
while the real TensorBoard serves recv's directory (issue 17, point 3; docs/firmware.md).

    stream_e2e.py --build BUILD --out DIR [--frames 16] [--period-ms 600]

Run with the judge's venv (it imports tests/tensorboard). Order of events:

  1. `tinytb recv --tcp 127.0.0.1:P --connections 1 DIR/logs` (listens; a free port P), and
     TensorBoard on DIR/logs (tests/tensorboard/server_check.py: loopback only, the Rust data
     server, --reload_interval 1), both up before the board boots.
  2. QEMU's mps2-an386 boots BUILD/fw/cortex-m4f/stream/firmware.elf with UART0 on
     -serial tcp:127.0.0.1:P (QEMU connects; recv listens), a random session id and the frame
     period on the semihosting command line; its console goes to DIR/console.txt.
  3. live: TensorBoard's HTTP API is polled until it serves a scalar (model/person_score) and
     an image (camera/gray, its PNG fetched) of the run "cortex-m4f" while QEMU is still
     running and fewer than all frames have been served; QEMU must still be alive after that
     sighting. Polling goes on while QEMU runs: the served frames must grow at least three
     times and at least half of them be served before the firmware ends.
  4. QEMU and recv exit 0; then everything TensorBoard serves is compared with a manifest of
     what the firmware logged, computed independently (tests/target/firmware_manifest.py from
     the camera's frames, the model stand-in and the console's costs): every scalar (float32
     exact), every text, every image (the PNG served equals the event file's, decoded by Pillow
     and lodepng equal to the camera frame's pixels). recv's own counters (tinytb_recv/*) must
     all be 0 over a clean link and are left out of that comparison.

Also: the streaming ELFs link no heap (check_no_heap.sh); the capture fixture
(BUILD/stream-capture/short.bin, stream_capture.sh) is the same bytes when made again; a reboot
(two sessions) gives two files; and the SD card + link build (TeeSink) writes on its FAT card
exactly the records recv rebuilds from its UART.
One line per check, then "N passed, M failed".
"""

import argparse
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "tensorboard"))

import images  # noqa: E402
import judge_common  # noqa: E402
import server_check  # noqa: E402

RUN = "cortex-m4f"
RECV_PREFIX = "tinytb_recv/"
LIVE_SCALAR = "model/person_score"
LIVE_IMAGE = "camera/gray"


def listening(port):
    """True once something listens on 127.0.0.1:port (from /proc/net/tcp: no connection made,
    which recv would count as a board)."""
    want = ":%04X" % port
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1].endswith(want) and fields[3] == "0A":
                return True
    return False


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def strip_recv_tags(snapshot):
    """Removes recv's own scalars from a snapshot; returns them {tag: [values]}."""
    recv = {}
    for run, tags in snapshot["scalar_tags"].items():
        for tag in [t for t in tags if t.startswith(RECV_PREFIX)]:
            del tags[tag]
            rows = snapshot["scalars"].pop((run, tag), [])
            recv.setdefault(tag, []).extend(row[2] for row in rows)
    return recv


def live_view(server, fetch_png=True):
    """(scalar steps, image steps, first PNG) of the run as TensorBoard serves them now."""
    scalar_steps, image_steps, png = [], [], None
    runs = server.get("/data/runs")
    if RUN not in runs:
        return scalar_steps, image_steps, png
    if LIVE_SCALAR in server.get("/data/plugin/scalars/tags").get(RUN, {}):
        rows = server.get("/data/plugin/scalars/scalars", run=RUN, tag=LIVE_SCALAR)
        scalar_steps = [row[1] for row in rows]
    if LIVE_IMAGE in server.get("/data/plugin/images/tags").get(RUN, {}):
        entries = server.get("/data/plugin/images/images", run=RUN, tag=LIVE_IMAGE, sample=0)
        image_steps = [entry["step"] for entry in entries]
        if entries and fetch_png:
            png = server.get_bytes("/data/plugin/images/individualImage?" + entries[0]["query"])
    return scalar_steps, image_steps, png


def stop(process, sig=signal.SIGTERM, timeout=10):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--period-ms", type=int, default=600)
    args = parser.parse_args(argv)

    report = judge_common.Report(sys.stdout)
    build = os.path.abspath(args.build)
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    elf = os.path.join(build, "fw", "cortex-m4f", "stream", "firmware.elf")
    short_elf = os.path.join(build, "fw", "cortex-m4f", "stream-short", "firmware.elf")
    tinytb = os.path.join(build, "tinytb")

    # ---- the firmware: no heap; the capture fixture repeats ------------------------------------
    sd_elf = os.path.join(build, "fw", "cortex-m4f", "stream-sdcard", "firmware.elf")
    run = subprocess.run(["bash", os.path.join(HERE, "check_no_heap.sh"), elf, short_elf, sd_elf],
                         capture_output=True, text=True, check=False)
    report.check("firmware.no-heap", [] if run.returncode == 0 else [run.stdout.strip()[-400:]])
    fixture = os.path.join(build, "stream-capture", "short.bin")
    again = os.path.join(out, "capture-again", "short.bin")
    run = subprocess.run(["bash", os.path.join(HERE, "stream_capture.sh"), short_elf, again],
                         capture_output=True, text=True, check=False)
    errors = [] if run.returncode == 0 else ["stream_capture.sh: %s" % run.stderr.strip()[-300:]]
    if not errors:
        with open(fixture, "rb") as f1, open(again, "rb") as f2:
            a, b = f1.read(), f2.read()
        if a != b:
            first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            errors.append("%s (%d bytes) and a new capture (%d bytes) differ from byte %d" % (
                fixture, len(a), len(b), first))
    report.check("capture.reproducible", errors)

    # ---- live ---------------------------------------------------------------------------------
    logdir = os.path.join(out, "logs")
    os.makedirs(logdir)
    console = os.path.join(out, "console.txt")
    port = server_check.free_port()
    recv_log = open(os.path.join(out, "recv.log"), "w+")
    recv = subprocess.Popen([tinytb, "recv", "--quiet", "--tcp", "127.0.0.1:%d" % port, "--connections", "1",
                             logdir], stdin=subprocess.DEVNULL, stdout=recv_log, stderr=subprocess.STDOUT)
    server = server_check.Server(logdir)
    qemu = None
    try:
        errors = [] if wait_until(lambda: listening(port) or recv.poll() is not None, 15) and recv.poll() is None \
            else ["recv is not listening on 127.0.0.1:%d (exit %s)" % (port, recv.poll())]

        def server_up():
            try:
                server.get("/data/runs")
                return True
            except (OSError, ValueError, urllib.error.URLError):
                return server.process.poll() is not None
        if not wait_until(server_up, 90, 0.3) or server.process.poll() is not None:
            errors.append("TensorBoard did not start: %s" % server.log_tail())
        report.check("live.start", errors)
        if errors:
            report.summary()
            return 1

        session = random.SystemRandom().randrange(1, 1 << 32)
        qemu = subprocess.Popen(
            ["qemu-system-arm", "-M", "mps2-an386", "-display", "none", "-monitor", "none",
             "-serial", "tcp:127.0.0.1:%d" % port, "-chardev", "file,id=console,path=%s" % console,
             "-semihosting-config", "enable=on,target=native,chardev=console,arg=firmware,"
             "arg=session=%d,arg=period_ms=%d" % (session, args.period_ms), "-kernel", elf],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        booted = time.monotonic()
        seen, errors = None, []
        while qemu.poll() is None:
            try:
                scalar_steps, image_steps, png = live_view(server)
            except (OSError, ValueError, urllib.error.URLError):
                scalar_steps, image_steps, png = [], [], None
            if scalar_steps and image_steps and png:
                alive = qemu.poll() is None
                seen = (time.monotonic() - booted, scalar_steps, image_steps, png, alive)
                break
            time.sleep(0.2)
        if seen is None:
            errors.append("TensorBoard served no %s and %s of run %s before the firmware ended (exit %s)" % (
                LIVE_SCALAR, LIVE_IMAGE, RUN, qemu.poll()))
        else:
            after, scalar_steps, image_steps, png, alive = seen
            print("live: %.1f s after boot TensorBoard served %s at steps %s and %s at steps %s (a %d-byte PNG)" % (
                after, LIVE_SCALAR, scalar_steps, LIVE_IMAGE, image_steps, len(png)))
            if not alive:
                errors.append("QEMU had exited when the data was seen")
            if len(scalar_steps) >= args.frames or len(image_steps) >= args.frames:
                errors.append("every frame was already served: not seen while streaming")
            if not png.startswith(b"\x89PNG\r\n\x1a\n"):
                errors.append("the served image is not a PNG")
        report.check("live.seen-while-running", errors)

        # Then keep watching while the board runs: frames must keep arriving one after another
        # (each within about a period of the one before), not in a burst at the end.
        first_seen = {}
        if seen is not None:
            for step in seen[2]:
                first_seen[step] = seen[0]
        while qemu.poll() is None:
            try:
                _, image_steps, _ = live_view(server, fetch_png=False)
            except (OSError, ValueError, urllib.error.URLError):
                image_steps = []
            now = time.monotonic() - booted
            if qemu.poll() is not None:
                break
            for step in image_steps:
                first_seen.setdefault(step, now)
            time.sleep(0.2)
        growth = sorted(set(first_seen.values()))
        print("live: %d of %d frames served while the firmware ran, in %d steps of growth" % (
            len(first_seen), args.frames, len(growth)))
        report.check("live.keeps-arriving", [] if len(growth) >= 3 and len(first_seen) >= args.frames // 2 else [
            "while the firmware ran, TensorBoard's frames grew only %d times (%d frames seen)" % (
                len(growth), len(first_seen))])

        try:
            code = qemu.wait(timeout=60 + args.frames * args.period_ms / 1000)
            qemu_err = qemu.stderr.read().decode("utf-8", "replace").strip()
        except subprocess.TimeoutExpired:
            stop(qemu, signal.SIGKILL)
            code, qemu_err = "timeout", ""
        report.check("firmware.exit", [] if code == 0 else [
            "QEMU exited %s: %s" % (code, qemu_err[-300:])])
        try:
            recv_code = recv.wait(timeout=15)
        except subprocess.TimeoutExpired:
            stop(recv, signal.SIGINT)
            recv_code = "still running after the board disconnected"
        recv_log.seek(0)
        report.check("recv.exit", [] if recv_code == 0 else [
            "recv exited %s: %s" % (recv_code, recv_log.read().strip()[-300:])])
        # The project's own checker on what recv wrote: one file, whole records, no warnings
        # (the board's file_version record first, among others).
        files = [os.path.join(root, name) for root, _, names in os.walk(logdir) for name in names]
        errors = [] if len(files) == 1 and os.path.dirname(files[0]) == os.path.join(logdir, RUN) else [
            "expected one file in %s/, found %s" % (RUN, [os.path.relpath(f, logdir) for f in files])]
        if files:
            run = subprocess.run([tinytb, "check"] + files, capture_output=True, text=True, check=False)
            if run.returncode != 0 or "1 clean" not in run.stdout:
                errors.append("tinytb check exited %d: %s" % (run.returncode, run.stdout.strip()[-300:]))
            errors += [line.strip() for line in run.stdout.splitlines() if line.strip().startswith("warning")]
        report.check("recv.file-check", errors)

        # ---- what TensorBoard serves, against what the firmware logged ---------------------------
        frames_dir = os.path.join(build, "fw", "frames")
        run = subprocess.run([sys.executable, os.path.join(HERE, "firmware_manifest.py"), "--core", RUN,
                              "--machine", "mps2-an386", "--config", "compressed-rgb160",
                              "--frames", str(args.frames), "--frames-dir", frames_dir,
                              "--console", console, "--out", out], capture_output=True, text=True, check=False)
        report.check("manifest", [] if run.returncode == 0 else [run.stderr.strip()[-400:]])
        with open(console, encoding="utf-8", errors="replace") as f:
            text = f.read()
        m = re.search(r"^stream: UART0 at \d+ baud, session (\d+)", text, re.M)
        report.check("firmware.session", [] if m and int(m.group(1)) == session else [
            "the console does not report session %d" % session])
        m = re.search(r"^stream: (\d+) frames, (\d+) bytes on the link \(UART (\d+) bytes, (\d+) stalls, "
                      r"(\d+) overruns\)", text, re.M)
        report.check("firmware.link", [] if m and m.group(2) == m.group(3) and m.group(4) == "0" and
                     m.group(5) == "0" else ["the console's link line is missing or counts losses: %s" % (
                         m.group(0) if m else None)])
        if run.returncode != 0:
            report.summary()
            return 1
        expected, errors = judge_common.load_manifest(os.path.join(out, "manifest.json"))
        report.check("manifest.load", errors)

        snapshot, recv_values, deadline = None, {}, time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                snapshot = server_check.fetch_snapshot(server)
            except (OSError, ValueError, urllib.error.URLError):
                time.sleep(0.5)
                continue
            recv_values = strip_recv_tags(snapshot)
            if server_check.matches_manifest(snapshot, expected):
                break
            time.sleep(0.5)
        if snapshot is None:
            report.check("server.data", ["TensorBoard served nothing: %s" % server.log_tail()])
        else:
            server_check.compare_snapshot(report, snapshot, expected)
            images.compare(report, snapshot, expected, logdir)
            errors = [] if recv_values else ["no tinytb_recv/* scalars served"]
            errors += ["%s: %s" % (tag, values) for tag, values in sorted(recv_values.items())
                       if any(v != 0 for v in values)]
            report.check("recv.counters-zero", errors)
        report.check("server.data-server", server_check.data_server_errors(server))
    finally:
        if qemu is not None:
            stop(qemu, signal.SIGKILL)
        stop(recv, signal.SIGINT)
        recv_log.close()
        report.check("server.stop", server.stop())

    check_reboot(report, tinytb, short_elf, out)
    check_tee(report, tinytb, sd_elf, out)
    report.summary()
    return 1 if report.failed else 0


def check_reboot(report, tinytb, elf, out):
    """The board reboots: two boots of the short firmware with two session ids, one after the
    other, to one `tinytb recv --tcp --connections 2`: two files in the one run, in boot order,
    each clean with all of its boot's records."""
    logdir = os.path.join(out, "reboot", "logs")
    os.makedirs(logdir)
    port = server_check.free_port()
    recv = subprocess.Popen([tinytb, "recv", "--quiet", "--tcp", "127.0.0.1:%d" % port, "--connections", "2", logdir],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    errors = []
    try:
        if not wait_until(lambda: listening(port) or recv.poll() is not None, 15) or recv.poll() is not None:
            errors.append("recv is not listening (exit %s)" % recv.poll())
        sessions = random.SystemRandom().sample(range(1, 1 << 32), 2)
        for boot, session in enumerate(sessions):
            if errors:
                break
            console = os.path.join(out, "reboot", "console-%d.txt" % boot)
            run = subprocess.run(
                ["qemu-system-arm", "-M", "mps2-an386", "-display", "none", "-monitor", "none",
                 "-serial", "tcp:127.0.0.1:%d" % port, "-chardev", "file,id=console,path=%s" % console,
                 "-semihosting-config", "enable=on,target=native,chardev=console,arg=firmware,"
                 "arg=session=%d,arg=period_ms=0" % session, "-kernel", elf],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=False)
            if run.returncode != 0:
                errors.append("boot %d: QEMU exited %d" % (boot, run.returncode))
            time.sleep(0.3)  # recv takes the next connection after the first has ended
        try:
            code = recv.wait(timeout=15)
        except subprocess.TimeoutExpired:
            code = "still running after two boards came and went"
        if code != 0:
            errors.append("recv exited %s: %s" % (code, recv.stdout.read().decode("utf-8", "replace")[-300:]))
    finally:
        stop(recv, signal.SIGINT)
        recv.stdout.close()
    run_dir = os.path.join(logdir, RUN)
    files = sorted(os.listdir(run_dir)) if os.path.isdir(run_dir) else []
    others = [os.path.relpath(os.path.join(root, n), logdir) for root, _, names in os.walk(logdir) for n in names
              if root != run_dir]
    if len(files) != 2 or others:
        errors.append("expected two files in %s/, found %s and elsewhere %s" % (RUN, files, others))
    for name in files:
        run = subprocess.run([tinytb, "check", os.path.join(run_dir, name)], capture_output=True, text=True,
                             check=False)
        m = re.search(r": clean, (\d+) records", run.stdout)
        board_tags = re.findall(r"^\s+(camera/gray|model/person_score)\s+\S.*\s(\d+)\s+0\.\.2$", run.stdout, re.M)
        warnings = [line.strip() for line in run.stdout.splitlines() if line.strip().startswith("warning")]
        if run.returncode != 0 or not m:
            errors.append("%s: tinytb check: %s" % (name, run.stdout.strip()[-300:]))
        elif warnings:
            errors.append("%s: tinytb check: %s" % (name, "; ".join(warnings)))
        elif len(board_tags) != 2:
            errors.append("%s: expected camera/gray and model/person_score at steps 0..2: %s" % (
                name, run.stdout.strip()[-400:]))
    report.check("reboot.new-session-new-file", errors)


def check_tee(report, tinytb, elf, out):
    """The SD card and the link at once (TeeSink): the stream-sdcard firmware writes a FAT32 card
    (mkfs.fat, as the sdcard suite formats it) and streams to a file (-serial file:); the card's
    event file, copied out with mtools, must be byte for byte the records recv rebuilds from the
    link, in order (recv's own counter records aside)."""
    work = os.path.join(out, "tee")
    os.makedirs(work)
    errors = []
    steps = [
        ["mkfs.fat", "-C", "-F", "32", "-S", "512", "-s", "8", "--invariant", "-n", "TINYTB", "card.img",
         str(512 * 1024)],
        ["timeout", "120", "qemu-system-arm", "-M", "mps2-an386", "-icount", "shift=0,sleep=off", "-display", "none",
         "-monitor", "none", "-serial", "file:link.bin", "-chardev", "file,id=console,path=console.txt",
         "-semihosting-config", "enable=on,target=native,chardev=console,arg=firmware,arg=session=4321,"
         "arg=period_ms=0", "-kernel", elf],
        ["mcopy", "-s", "-n", "-i", "card.img", "::/", "card"],
        [tinytb, "recv", "--quiet", "--file", "link.bin", "received"],
    ]
    for command in steps:
        run = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            errors.append("%s exited %d: %s" % (os.path.basename(command[0]) if command[0] != "timeout" else
                                                "qemu-system-arm", run.returncode, (run.stderr or run.stdout)[-300:]))
            break
    if not errors:
        sys.path.insert(0, os.path.join(REPO, "tests", "ports", "stream"))
        import capture_damage  # noqa: PLC0415 (its own parser of records, apart from recv's)
        on_card = [os.path.join(r, n) for r, _, names in os.walk(os.path.join(work, "card")) for n in names]
        received = [os.path.join(r, n) for r, _, names in os.walk(os.path.join(work, "received")) for n in names]
        if len(on_card) != 1 or len(received) != 1:
            errors.append("expected one event file on the card and one from recv: %s, %s" % (on_card, received))
        else:
            with open(on_card[0], "rb") as f:
                card = f.read()
            with open(received[0], "rb") as f:
                link = f.read()
            try:
                card_records = [card[a:b] for a, b in capture_damage.split_records(card)]
                link_records = [link[a:b] for a, b in capture_damage.split_records(link)
                                if not capture_damage.is_recv_scalar(link[a:b])]
            except (ValueError, struct.error) as e:
                errors.append("not whole records: %s" % e)
            else:
                if len(card_records) < 10 or card_records != link_records:
                    errors.append("the card holds %d records (%d bytes), the link gave %d; equal: %s" % (
                        len(card_records), len(card), len(link_records), card_records == link_records))
        with open(os.path.join(work, "console.txt"), encoding="utf-8", errors="replace") as f:
            console = f.read()
        if "tee: 0 link errors" not in console or "failed: 0" not in console:
            errors.append("the console does not report 0 link errors and 0 failed calls")
    report.check("tee.card-equals-link", errors)


if __name__ == "__main__":
    sys.exit(main())
