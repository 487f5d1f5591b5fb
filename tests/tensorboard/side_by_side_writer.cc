// tinytb compat fixture: the side-by-side half written by tinytb. tests/compat/tbx_writer.py
// reads the manifest this program writes and logs the same values with tensorboardX, so
// every reader of tests/compat/readers.py can be shown both and must present the same
// values under the same accessors (docs/format.md, "Readers").
//
//   build/compat/side_by_side_writer --logdir DIR --manifest PATH [--form classic|tensor]
//
// `--form tensor` writes the TF2 tensor form instead of the default classic one
// (tests/run_all.sh reads that with TensorFlow's readers).
//
// Runs "a" and "b" hold the same tags and steps with different scalars, so
// tensorboard-reducer has two runs to average. Each holds what tensorboardX can also
// write: scalars, one RGB image a step, a histogram, a Markdown text, a list and a table
// (one Markdown string each in the classic form) and a mono 16-bit clip holding both
// extremes. The exit status is 0 only if every call succeeded.
#include <math.h>
#include <stdio.h>

#include <string>
#include <vector>

#include "image_manifest.h"
#include "manifest.h"
#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::Status;

tinytb_test::Manifest g_manifest;
tinytb_test::SourceFiles g_sources;
std::string g_logdir;
int g_failures = 0;

bool ok(Status got, const std::string& what) {
  if (got == Status::kOk) return true;
  fprintf(stderr, "side_by_side_writer: %s returned \"%s\"\n", what.c_str(), tinytb::status_name(got));
  ++g_failures;
  return false;
}

struct Lcg {
  uint32_t state;
  uint32_t next() { return state = state * 1664525u + 1013904223u; }
  float uniform() { return static_cast<float>(next() >> 8) * (1.0f / 16777216.0f); }
};

constexpr int64_t kSteps = 6;
constexpr uint32_t kWidth = 24;
constexpr uint32_t kHeight = 16;
constexpr size_t kFrames = 400;
constexpr uint32_t kRate = 8000;

tinytb::PosixSink g_sink;
tinytb::EventWriter<16384, 16, 48> g_writer;
tinytb::PngEncoder<kWidth, kHeight, 3> g_png;
tinytb::Histogram<12> g_histogram;

void write_run(const char* run, uint32_t seed) {
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = run;
  o.host = "side";
  o.file_stamp = 5;
  o.form = tinytb_test::fixture_form();
  if (!ok(g_writer.open(g_sink, o), std::string(run) + ": open")) return;
  Lcg rng{seed};
  for (int64_t step = 0; step < kSteps; ++step) {
    const std::string at = std::string(run) + " step " + std::to_string(step) + ": ";
    // Scalars: a loss that falls with noise, and an accuracy with a value float32 rounds.
    const float loss = 2.0f * expf(-0.4f * static_cast<float>(step)) + 0.1f * rng.uniform();
    const float accuracy = 0.1f * static_cast<float>(step) + 1.0f / 3.0f;
    if (ok(g_writer.scalar("train/loss", step, loss), at + "loss")) g_manifest.scalar(run, "train/loss", step, loss);
    if (ok(g_writer.scalar("train/accuracy", step, accuracy), at + "accuracy")) {
      g_manifest.scalar(run, "train/accuracy", step, accuracy);
    }

    // One RGB frame: a gradient with a moving square.
    static uint8_t rgb[kHeight][kWidth][3];
    for (uint32_t y = 0; y < kHeight; ++y) {
      for (uint32_t x = 0; x < kWidth; ++x) {
        const bool square = x >= 2 * step && x < 2 * step + 6 && y >= 4 && y < 10;
        rgb[y][x][0] = static_cast<uint8_t>(x * 10);
        rgb[y][x][1] = static_cast<uint8_t>(y * 15);
        rgb[y][x][2] = square ? 255 : static_cast<uint8_t>(rng.next() >> 28);
      }
    }
    const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, rgb, kWidth, kHeight);
    if (ok(g_writer.image("camera/frame", step, view, g_png), at + "image")) {
      const std::string path =
          g_sources.write(std::string(run) + "_frame_" + std::to_string(step) + ".rgb888", rgb, sizeof(rgb));
      g_manifest.images(run, "camera/frame", step,
                        tinytb_test::json_images(kWidth, kHeight, {tinytb_test::json_view(view, path, rgb)}));
    }

    // A histogram of 200 activations, TF2's rule over their range.
    static float activations[200];
    for (float& a : activations) a = (rng.uniform() + rng.uniform() + rng.uniform()) * 2.0f - 3.0f + 0.2f * step;
    const tinytb::Values values(activations, 200);
    if (ok(g_histogram.compute(values), at + "histogram compute") &&
        ok(g_writer.histogram("model/activations", step, g_histogram), at + "histogram")) {
      g_manifest.histogram(run, "model/activations", step, "\"buckets\": 12", {values});
    }

    // Markdown text.
    char note[96];
    snprintf(note, sizeof(note), "**step %d** of run `%s`: loss %.4f", static_cast<int>(step), run,
             static_cast<double>(loss));
    if (ok(g_writer.text("notes/summary", step, note), at + "text")) {
      g_manifest.markdown(run, "notes/summary", step, note);
    }

    // A list and a table (in the classic form each is one Markdown string: tbx_writer.py
    // logs that string), with what Markdown could misread: a pipe, a code span, line breaks.
    char loss_text[16];
    snprintf(loss_text, sizeof(loss_text), "%.4f", static_cast<double>(loss));
    const char* const events[] = {"frame captured", "model ran\nin `int8`",
                                  step % 2 == 0 ? "battery ok" : "sd | synced"};
    if (ok(g_writer.text_list("notes/events", step, events, 3), at + "list")) {
      g_manifest.list(run, "notes/events", step, events, 3);
    }
    const char* const cells[] = {"metric", "value", "loss", loss_text, "`a|b`", "x \\| y\r\nz"};
    if (ok(g_writer.text_table("notes/table", step, cells, 3, 2), at + "table")) {
      g_manifest.table(run, "notes/table", step, cells, 3, 2);
    }

    // A mono clip: a decaying tone plus noise.
    static int16_t pcm[kFrames];
    for (size_t i = 0; i < kFrames; ++i) {
      const float t = static_cast<float>(i) / static_cast<float>(kRate);
      const float tone = 0.8f * sinf(6.2831853f * (440.0f + 110.0f * static_cast<float>(step)) * t) * expf(-6.0f * t);
      pcm[i] = static_cast<int16_t>(lrintf(32767.0f * tone) + static_cast<int>(rng.next() >> 29) - 4);
    }
    pcm[0] = 32767;
    pcm[1] = -32768;
    const tinytb::AudioClip clip(pcm, kFrames);
    if (ok(g_writer.audio("mic/clip", step, &clip, 1, kRate), at + "audio")) {
      g_manifest.audio(run, "mic/clip", step, kRate, 1, &clip, 1);
    }
  }
  ok(g_writer.close(), std::string(run) + ": close");
}

}  // namespace

int main(int argc, char** argv) {
  const char* manifest_path = nullptr;
  if (!tinytb_test::parse_fixture_args(argc, argv, "side_by_side_writer", &g_logdir, &manifest_path)) return 2;
  // The frames go beside the manifest, out of the log directory that both writers fill.
  std::string sources = manifest_path;
  const size_t slash = sources.rfind('/');
  sources = (slash == std::string::npos ? std::string(".") : sources.substr(0, slash)) + "/side_by_side_sources";
  if (!g_sources.init(sources)) {
    fprintf(stderr, "side_by_side_writer: cannot create %s\n", sources.c_str());
    return 1;
  }
  write_run("a", 1);
  write_run("b", 2);
  if (!g_manifest.write(manifest_path)) return 1;
  printf("side_by_side_writer: %zu points in the manifest, %d failed calls\n", g_manifest.points(), g_failures);
  return g_failures == 0 ? 0 : 1;
}
