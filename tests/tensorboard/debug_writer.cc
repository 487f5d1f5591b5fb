// tinytb compat fixture: the debug layer (include/tinytb/debug/) through the POSIX sink.
//
//   build/compat/debug_writer --logdir DIR --manifest PATH [--form classic|tensor]
//
// Runs (all under DIR):
//   flight     20 camera frames (16x16 gray) and 4 int8 scores each go through a flight
//              recorder of 5 frames; a low score at step 15 (ScoreBelow), a class flip at
//              step 18 (ClassFlip, limited by AtMostPerSecond on the fake clock) and a mark
//              from a "fault handler" at step 19 (written by poll()) each write what was kept.
//              Every frame is recorded at its own wall time (the fake clock moves 0.5 s a
//              frame, and 60 s before each trigger), so the judge can tell the record time
//              from the trigger time. A sampled series shows the policies: "sampled/score"
//              every 5 steps or when the score moved by more than 0.3.
//   inspector  int8, uint8 and float tensors through TensorInspector::inspect() over 3 steps
//              and a 3-layer model through layer() over 2 steps: statistics, histograms and
//              the channels as an image.
// The manifest holds what the writer accepted (tb_judge.py checks it through every reader);
// PATH's directory also gets debug_expect.json: the raw tensors and each frame's record
// time, from which tests/tensorboard/debug_judge.py computes the expected statistics with
// numpy and checks the wall times through TensorBoard's own reader.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "image_manifest.h"
#include "manifest.h"
#include "posix_sink.h"
#include "tinytb/debug/flight_recorder.h"
#include "tinytb/debug/sampling.h"
#include "tinytb/debug/tensor_inspector.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::Status;
using tinytb::Values;

tinytb_test::Manifest g_manifest;
tinytb_test::SourceFiles g_files;
std::string g_logdir;
std::string g_expect;  // debug_expect.json's body
int g_failures = 0;

bool expect(Status got, Status want, const std::string& what, int line) {
  if (got == want) return true;
  fprintf(stderr, "debug_writer.cc:%d: %s returned \"%s\", expected \"%s\"\n", line, what.c_str(),
          tinytb::status_name(got), tinytb::status_name(want));
  ++g_failures;
  return false;
}
#define EXPECT_OK(call) expect((call), Status::kOk, #call, __LINE__)

// A fake clock: wall time in half seconds, uptime in milliseconds from the same counter.
int64_t g_half_seconds = 2 * int64_t{1732241520};
tinytb::WallTime fake_wall() {
  return tinytb::WallTime{g_half_seconds / 2, static_cast<uint32_t>(g_half_seconds % 2) * 500000000u};
}
uint64_t fake_uptime() { return static_cast<uint64_t>(g_half_seconds - 2 * int64_t{1732241520}) * 500u; }
double wall_seconds() { return static_cast<double>(g_half_seconds) / 2.0; }

std::string num(double v) {
  char buf[40];
  snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

tinytb::WriterOptions options(const char* run) {
  tinytb::WriterOptions o;
  o.logdir = g_logdir.c_str();
  o.run = run;
  o.host = "debug";
  o.form = tinytb_test::fixture_form();
  o.clock.wall_time = fake_wall;
  o.clock.uptime_ms = fake_uptime;
  o.max_queue = 8;
  o.flush_millis = 0;
  return o;
}

// ---- flight: the recorder, its triggers and a sampled series -----------------------------------

constexpr uint32_t kSide = 16;
constexpr size_t kClasses = 4;
const char* const kLabels[kClasses] = {"person", "cat", "dog", "car"};
constexpr tinytb::Quantization kSoftmax{1.0f / 100.0f, -128};

tinytb::PosixSink g_flight_sink;
tinytb::EventWriter<16384, 32, 64> g_flight;
tinytb::PngEncoder<kSide, kSide, 1> g_png;
tinytb::FlightRecorder<5, tinytb::flight_frame_bytes(kSide, kSide, 1), kClasses> g_recorder;

struct Kept {
  int64_t step;
  double wall;
  std::string png_path;
  float score;
  std::string table;
};

void frame_pixels(int64_t step, uint8_t* out) {
  for (uint32_t y = 0; y < kSide; ++y) {
    for (uint32_t x = 0; x < kSide; ++x) out[y * kSide + x] = static_cast<uint8_t>((x * 16 + y * 5 + step * 11) & 255);
  }
}

// The scores the "model" gives frame `step`: mostly person, a low score at 15, dog from 18.
void frame_scores(int64_t step, int8_t* q) {
  const int top = step >= 18 ? 2 : 0;
  const int confidence = step == 15 ? 35 : 90 - static_cast<int>(step % 3);  // percent
  for (size_t c = 0; c < kClasses; ++c) {
    const int percent = static_cast<int>(c) == top ? confidence : (100 - confidence) / 3 - static_cast<int>(c);
    q[c] = static_cast<int8_t>(percent - 128);
  }
}

// The outputs table as text_top_k() writes it (4 decimals, highest first, 3 rows).
std::string top_k_table(const float* scores) {
  size_t order[kClasses] = {0, 1, 2, 3};
  for (size_t i = 0; i < kClasses; ++i) {
    for (size_t j = i + 1; j < kClasses; ++j) {
      if (scores[order[j]] > scores[order[i]]) {
        const size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
  }
  std::string out = "| class | score |\n| --- | --- |\n";
  for (size_t r = 0; r < 3; ++r) {
    char buf[64];
    snprintf(buf, sizeof(buf), "| %s | %.4f |\n", kLabels[order[r]], static_cast<double>(scores[order[r]]));
    out += buf;
  }
  return out;
}

std::vector<Kept> g_kept;  // what the recorder holds now, as the manifest will need it

void manifest_trigger(const char* reason, const std::string& note_text, int64_t note_step, double note_wall) {
  const std::string prefix = std::string("flight/") + reason + "/";
  for (const Kept& k : g_kept) {
    g_manifest.images("flight", prefix + "frame", k.step,
                      tinytb_test::json_images(kSide, kSide, {tinytb_test::json_encoded(k.png_path)}));
    g_manifest.scalar("flight", prefix + "score", k.step, k.score);
    g_manifest.markdown("flight", prefix + "outputs", k.step, k.table.c_str());
    g_expect += "{\"tag\": " + tinytb_test::json_string(prefix + "frame") + ", \"step\": " +
                std::to_string(k.step) + ", \"wall_time\": " + num(k.wall) + "},\n";
    g_expect += "{\"tag\": " + tinytb_test::json_string(prefix + "score") + ", \"step\": " +
                std::to_string(k.step) + ", \"wall_time\": " + num(k.wall) + "},\n";
  }
  g_manifest.markdown("flight", prefix + "note", note_step, note_text.c_str());
  g_expect += "{\"tag\": " + tinytb_test::json_string(prefix + "note") + ", \"step\": " + std::to_string(note_step) +
              ", \"wall_time\": " + num(note_wall) + ", \"text\": " + tinytb_test::json_string(note_text) + "},\n";
  g_kept.clear();
}

std::string note_text(const char* reason, int64_t step, const char* note) {
  std::string t = std::string("Trigger **") + reason + "** fired at step " + std::to_string(step) + ".";
  if (note != nullptr) t += std::string("\n\n") + note;
  t += "\n\nFrames before it: " + std::to_string(g_kept.size()) + ", steps " + std::to_string(g_kept.front().step) +
       " to " + std::to_string(g_kept.back().step) + ".";
  return t;
}

void flight_run() {
  if (!EXPECT_OK(g_flight.open(g_flight_sink, options("flight")))) return;
  g_recorder.set_clock(g_flight.clock());
  EXPECT_OK(g_recorder.set_labels(kLabels, 3));
  tinytb::ScoreBelow low{0.5f};
  tinytb::ClassFlip flip;
  tinytb::AtMostPerSecond<1> once_a_second{g_flight.clock()};
  tinytb::AllOf<tinytb::ClassFlip&, tinytb::AtMostPerSecond<1>&> flip_limited{flip, once_a_second};
  tinytb::AnyOf<tinytb::EveryNSteps, tinytb::OnChange> sampled{tinytb::EveryNSteps{5}, tinytb::OnChange{0.3f}};
  uint8_t pixels[kSide * kSide];
  int8_t q[kClasses];

  for (int64_t step = 0; step < 20; ++step) {
    g_half_seconds += 1;  // a frame every 0.5 s
    frame_pixels(step, pixels);
    frame_scores(step, q);
    const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, pixels, kSide, kSide);
    const Values scores{q, kClasses, kSoftmax};
    if (!EXPECT_OK(g_recorder.record(step, view, g_png, scores))) continue;

    // What the manifest and the judge expect of this frame, if a trigger writes it.
    Kept k;
    k.step = step;
    k.wall = wall_seconds();
    uint8_t png[tinytb::flight_frame_bytes(kSide, kSide, 1)];
    size_t size = 0;
    tinytb::PngEncoder<kSide, kSide, 1> reference;
    EXPECT_OK(reference.encode(view, png, sizeof(png), &size));
    k.png_path = g_files.write("flight_" + std::to_string(step) + ".png", png, size);
    float real[kClasses];
    k.score = -1e30f;
    for (size_t c = 0; c < kClasses; ++c) {
      real[c] = kSoftmax.scale * static_cast<float>(q[c] - kSoftmax.zero_point);
      if (real[c] > k.score) k.score = real[c];
    }
    k.table = top_k_table(real);
    g_kept.push_back(k);
    if (g_kept.size() > 5) g_kept.erase(g_kept.begin());

    const tinytb::Sample s = tinytb::Sample::top1(step, scores);
    if (sampled.sample(s) && EXPECT_OK(g_flight.scalar("sampled/score", step, s.value))) {
      g_manifest.scalar("flight", "sampled/score", step, s.value);
    }
    const bool is_low = low.sample(s);
    const bool flipped = flip_limited.sample(s);
    if (is_low || flipped) {
      const char* reason = is_low ? "low_score" : "class_flip";
      const char* note = is_low ? "top score below 0.5" : "the top class changed";
      g_half_seconds += 120;  // the trigger runs a minute later: frames keep their own times
      const std::string text = note_text(reason, step, note);
      if (EXPECT_OK(g_recorder.trigger(g_flight, reason, note))) manifest_trigger(reason, text, step, wall_seconds());
    }
  }
  // A handler marks a fault; the main loop's poll() writes it.
  if (g_recorder.mark("watchdog")) {
    g_half_seconds += 10;
    const std::string text = note_text("watchdog", 19, "Marked by a handler.");
    if (EXPECT_OK(g_recorder.poll(g_flight))) manifest_trigger("watchdog", text, 19, wall_seconds());
  } else {
    ++g_failures;
  }
  EXPECT_OK(g_flight.close());
}

// ---- inspector: statistics, histograms, channels ------------------------------------------------

tinytb::PosixSink g_inspector_sink;
tinytb::EventWriter<65536, 96, 64> g_inspector;
tinytb::Histogram<12> g_hist;
tinytb::StaticCanvas<96, 96, tinytb::CanvasFormat::kRgb888> g_canvas;
tinytb::PngEncoder<96, 96, 3> g_canvas_png;

// Logs through the inspector and puts what it wrote into the manifest and the sidecar.
void inspect(tinytb::TensorInspector& inspector, const std::string& prefix, int64_t step, const Values& t,
             tinytb::HwcShape shape, bool layer, uint32_t index, const char* name) {
  const Status s = layer ? inspector.layer(step, index, name, t, shape) : inspector.inspect(prefix.c_str(), step, t, shape);
  if (!expect(s, Status::kOk, "inspect " + prefix, __LINE__)) return;
  const tinytb::TensorStats& st = inspector.last_stats();
  const std::string p = prefix + "/";
  g_manifest.scalar("inspector", p + "min", step, st.min);
  g_manifest.scalar("inspector", p + "max", step, st.max);
  g_manifest.scalar("inspector", p + "mean", step, st.mean);
  g_manifest.scalar("inspector", p + "std", step, st.std);
  g_manifest.scalar("inspector", p + "zero_fraction", step, st.zero_fraction);
  if (t.type != tinytb::ValueType::kFloat32) {
    g_manifest.scalar("inspector", p + "saturated_fraction", step, st.saturated_fraction);
  }
  g_manifest.histogram("inspector", p + "histogram", step, "\"buckets\": 12", {t});
  if (shape.channels != 0) {
    const std::string path = g_files.write(prefix.substr(prefix.rfind('/') + 1) + "_" + std::to_string(step) + ".rgb",
                                           g_canvas.pixels(), g_canvas.size_bytes());
    g_manifest.images("inspector", p + "channels", step,
                      tinytb_test::json_images(g_canvas.width(), g_canvas.height(),
                                               {tinytb_test::json_view(g_canvas.view(), path, g_canvas.pixels())}));
  }
  g_expect += "{\"prefix\": " + tinytb_test::json_string(prefix) + ", \"step\": " + std::to_string(step) +
              ", \"input\": " + tinytb_test::json_input(t) + "},\n";
}

void inspector_run() {
  if (!EXPECT_OK(g_inspector.open(g_inspector_sink, options("inspector")))) return;
  tinytb::TensorInspector inspector{g_inspector, g_hist, &g_canvas, &g_canvas_png};
  inspector.feature_map_options().zoom = 2;
  uint32_t lcg = 7;
  auto next = [&lcg]() { return lcg = lcg * 1664525u + 1013904223u; };
  for (int64_t step = 0; step < 3; ++step) {
    g_half_seconds += 2;
    // An int8 feature map, 6x6x4, that saturates more every step.
    int8_t fmap[6 * 6 * 4];
    for (int8_t& v : fmap) {
      const int r = static_cast<int>(next() >> 24) - 128 + static_cast<int>(step) * 40;
      v = static_cast<int8_t>(r > 127 ? 127 : r);
    }
    inspect(inspector, "model/conv1", step, Values(fmap, sizeof(fmap), {0.05f, -10}), tinytb::HwcShape{6, 6, 4}, false,
            0, nullptr);
    // A uint8 activation after ReLU6 (zero point 0): many zeros.
    uint8_t act[50];
    for (uint8_t& v : act) v = static_cast<uint8_t>((next() >> 28) < 6 ? 0 : (next() >> 24));
    inspect(inspector, "model/relu", step, Values(act, 50, {6.0f / 255.0f, 0}), tinytb::HwcShape{0, 0, 0}, false, 0,
            nullptr);
    // Float logits, with one NaN (skipped by the statistics).
    float logits[10];
    for (float& v : logits) v = static_cast<float>(static_cast<int32_t>(next() >> 16) - 32768) / 4096.0f;
    logits[3] = NAN;
    inspect(inspector, "model/logits", step, Values(logits, 10), tinytb::HwcShape{0, 0, 0}, false, 0, nullptr);
  }
  // Layer by layer, as a per-operator hook would drive it.
  const char* const ops[] = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"};
  for (int64_t step = 10; step < 12; ++step) {
    for (uint32_t i = 0; i < 3; ++i) {
      int8_t out[4 * 4 * 2];
      for (int8_t& v : out) v = static_cast<int8_t>(static_cast<int>(next() >> 25) - 64 + static_cast<int>(i) * 20);
      char prefix[64];
      snprintf(prefix, sizeof(prefix), "layers/%02u_%s", i, ops[i]);
      const tinytb::HwcShape shape = i < 2 ? tinytb::HwcShape{4, 4, 2} : tinytb::HwcShape{0, 0, 0};
      inspect(inspector, prefix, step, Values(out, sizeof(out), {0.02f, static_cast<int32_t>(i)}), shape, true, i,
              ops[i]);
    }
  }
  EXPECT_OK(g_inspector.close());
}

}  // namespace

int main(int argc, char** argv) {
  const char* manifest_path = nullptr;
  if (!tinytb_test::parse_fixture_args(argc, argv, "debug_writer", &g_logdir, &manifest_path)) return 2;
  std::string dir = manifest_path;
  dir = dir.find('/') == std::string::npos ? std::string(".") : dir.substr(0, dir.rfind('/'));
  if (!g_files.init(dir + "/debug_sources")) return 1;

  g_expect = "{\"entries\": [\n";
  flight_run();
  inspector_run();
  g_expect += "{}]}\n";

  FILE* f = fopen((dir + "/debug_expect.json").c_str(), "wb");
  if (f == nullptr || fwrite(g_expect.data(), 1, g_expect.size(), f) != g_expect.size() || fclose(f) != 0) return 1;
  if (!g_manifest.write(manifest_path)) return 1;
  printf("debug_writer: %zu points in the manifest, %d unexpected\n", g_manifest.points(), g_failures);
  return g_failures == 0 ? 0 : 1;
}
