#!/usr/bin/env python3
"""The side-by-side half written by tensorboardX: what side_by_side_writer logged with
tinytb (its manifest), logged again with tensorboardX's SummaryWriter, as a PyTorch user
would.

    tbx_writer.py --manifest MANIFEST.json --logdir DIR

Per kind, the tensorboardX call and what it is given (docs/format.md, "Readers"):
  scalars     add_scalar(tag, value, step): the same float32
  images      add_image(tag, pixels, step, dataformats="HWC"): the pixels the PNG holds
  histograms  add_histogram_raw(...): min, max, num, sum, sum of squares, right edges and
              counts of the buckets tinytb wrote (add_histogram would bucket on its own)
  text        add_text(tag, markdown, step) (tensorboardX appends "/text_summary" to the tag);
              a list or table as the Markdown string of tinytb's classic form
  audio       add_audio(tag, pcm / 32768, step, sample_rate): tensorboardX hands the floats
              to soundfile (libsndfile), which scales by 32768 and clips to [-32768, 32767], so
              this gives back the same PCM16 samples
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tensorboard"))

import numpy as np  # noqa: E402

import judge_common  # noqa: E402
import readers  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--logdir", required=True)
    args = parser.parse_args(argv)
    from tensorboardX import SummaryWriter  # noqa: PLC0415

    manifest, errors = judge_common.load_manifest(args.manifest)
    if errors:
        print("tbx_writer.py: " + "; ".join(errors), file=sys.stderr)
        return 1
    for run, kinds in manifest.items():
        w = SummaryWriter(os.path.join(args.logdir, run), flush_secs=3600, max_queue=1000)
        points = []  # one call per point, in step order as the program logged them
        for kind, tags in kinds.items():
            for tag, series in tags.items():
                points += [(step, kind, tag, value) for step, value in series]
        for step, kind, tag, value in sorted(points, key=lambda p: p[0]):
            if kind == "scalars":
                w.add_scalar(tag, float(value), step)
            elif kind == "text":
                # A list or table: the one Markdown string tinytb's classic form writes for it.
                w.add_text(tag, readers.expected_value(kind, value, "classic").values[0], step)
            elif kind == "images":
                if len(value.items) != 1 or value.items[0].encoded is not None:
                    raise SystemExit("tbx_writer.py: %s: one pixel image a step" % tag)
                w.add_image(tag, value.items[0].pixels, step, dataformats="HWC")
            elif kind == "histograms":
                # As tinytb's classic form: min and max the outer edges of the whole range.
                rows = value.rows
                data = value.source["data"]
                w.add_histogram_raw(tag, min=float(rows[0, 0]), max=float(rows[-1, 1]), num=int(data.size),
                                    sum=float(data.sum()), sum_squares=float((data * data).sum()),
                                    bucket_limits=[float(x) for x in rows[:, 1]],
                                    bucket_counts=[float(x) for x in rows[:, 2]], global_step=step)
            elif kind == "audio":
                if len(value.clips) != 1 or value.labels is not None or value.channels != 1:
                    raise SystemExit("tbx_writer.py: %s: one unlabelled mono clip a step" % tag)
                rate, _, pcm = readers.decode_wav(value.clips[0])
                w.add_audio(tag, np.frombuffer(pcm, "<i2").astype(np.float64) / 32768.0, step, sample_rate=rate)
        w.close()
    print("tbx_writer.py: wrote %s" % ", ".join(sorted(manifest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
