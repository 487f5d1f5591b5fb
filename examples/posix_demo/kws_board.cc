// tinytb demo, second board: keyword spotting with audio, histograms and a top-k table.
// See kws_board.h for what is logged.
#include "kws_board.h"

#include "demo_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace kws_board {
namespace {

constexpr const char* kRun = "esp32s3-eye/kws";
constexpr int64_t kSteps = 8;                 // 1 s windows
constexpr bool kSpoken[kSteps] = {false, false, true, false, false, true, false, false};
constexpr size_t kRate = 16000;
constexpr size_t kWindow = kRate;             // samples per window
constexpr size_t kDmaBlock = 512;             // what the I2S driver hands over at a time
constexpr size_t kSide = 96;                  // the camera frame, 96x96 gray
constexpr size_t kClasses = 12;
const char* const kLabels[kClasses] = {"silence", "unknown", "yes", "no",   "up",   "down",
                                       "left",    "right",   "on",  "off",  "stop", "go"};
constexpr tinytb::Quantization kSoftmax{1.0f / 256.0f, -128};  // TFLite's int8 softmax output
constexpr size_t kTopK = 3;

// A queue that holds the biggest record, a 1 s window, with a 40-byte tag: the writer
// flushes before a record that would not fit, so one window's worth is enough.
using KwsWriter = tinytb::EventWriter<34 * 1024, 12, 40>;
static_assert(KwsWriter::kQueueBytes >= tinytb::audio_record_bytes(KwsWriter::kMaxTagLen, 1, kWindow),
              "the queue holds a 1 s window");
static_assert(KwsWriter::kQueueBytes >= tinytb::histogram_record_bytes(KwsWriter::kMaxTagLen, 64),
              "and the biggest histogram");

tinytb::PosixSink g_sink;
KwsWriter g_writer;
tinytb::Histogram<30> g_scores_histogram;
tinytb::Histogram<30> g_pixels_histogram;
tinytb::Histogram<64> g_levels_histogram;

// Inputs, loaded once.
int16_t g_yes[kWindow];
int16_t g_silence[kWindow];
uint8_t g_frame[kSide * kSide];  // top row first

// One step's data; the manifest writer makes it again from the step.
struct StepData {
  const int16_t* window;
  float agc[kWindow];
  int8_t scores[kClasses];
  uint8_t frame[kSide * kSide];
};
StepData g_step;

[[noreturn]] void die(const char* what, const char* detail) {
  fprintf(stderr, "demo (kws board): %s: %s\n", what, detail);
  exit(1);
}

void must(tinytb::Status s, const char* what) {
  if (s != tinytb::Status::kOk) die(what, tinytb::status_name(s));
}

// ---- the data files ------------------------------------------------------------------------


size_t read_file(const char* name, uint8_t* buf, size_t cap) { return demo_data::read_file(name, buf, cap); }

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

// A 16 kHz mono 16-bit PCM WAV file: walk the RIFF chunks to "fmt " and "data".
void load_wav(const char* name, int16_t* out) {
  static uint8_t buf[64 * 1024];
  const size_t n = read_file(name, buf, sizeof(buf));
  if (n < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) die("not a WAV file", name);
  bool format_ok = false;
  for (size_t pos = 12; pos + 8 <= n;) {
    const uint32_t size = le32(buf + pos + 4);
    const uint8_t* body = buf + pos + 8;
    if (size > n - pos - 8) die("truncated chunk", name);
    if (memcmp(buf + pos, "fmt ", 4) == 0 && size >= 16) {
      format_ok = le16(body) == 1 && le16(body + 2) == 1 && le32(body + 4) == kRate && le16(body + 14) == 16;
    } else if (memcmp(buf + pos, "data", 4) == 0) {
      if (!format_ok) die("not 16 kHz mono 16-bit PCM", name);
      if (size != 2 * kWindow) die("not 1 s long", name);
      for (size_t i = 0; i < kWindow; ++i) out[i] = static_cast<int16_t>(le16(body + 2 * i));
      return;
    }
    pos += 8 + size + (size & 1);
  }
  die("no data chunk", name);
}

// ---- the simulated board ---------------------------------------------------------------------

struct Lcg {
  uint32_t state;
  float uniform() {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) * (1.0f / 16777216.0f);
  }
};

// Everything a step logs, made from the step number alone.
void make_step(int64_t step, StepData* d) {
  Lcg rng{0x5eed0000u + static_cast<uint32_t>(step)};
  const bool spoken = kSpoken[step];
  d->window = spoken ? g_yes : g_silence;

  // The gain stage: speech is boosted until it clips, as a badly tuned AGC would.
  const float gain = 2.0f + 3.0f * static_cast<float>(step) / static_cast<float>(kSteps);
  for (size_t i = 0; i < kWindow; ++i) d->agc[i] = gain * static_cast<float>(d->window[i]) / 32768.0f;

  // The model: logits with "yes" far ahead when spoken, "silence" otherwise, then an
  // int8 softmax (scale 1/256, zero point -128), as TensorFlow Lite Micro outputs it.
  float logits[kClasses], top = -1e9f;
  for (size_t c = 0; c < kClasses; ++c) {
    logits[c] = 2.0f * rng.uniform() - 1.0f;
    if (c == (spoken ? 2u : 0u)) logits[c] += 4.0f + rng.uniform();
    if (c == 1) logits[c] += 1.0f;  // "unknown" is never far off
    top = fmaxf(top, logits[c]);
  }
  float sum = 0.0f;
  for (size_t c = 0; c < kClasses; ++c) sum += expf(logits[c] - top);
  for (size_t c = 0; c < kClasses; ++c) {
    const float q = roundf(expf(logits[c] - top) / sum * 256.0f) - 128.0f;
    d->scores[c] = static_cast<int8_t>(fminf(127.0f, fmaxf(-128.0f, q)));
  }

  // Auto-exposure swings the frame's brightness from step to step.
  const float exposure = 0.55f + 0.15f * static_cast<float>(step) + 0.05f * rng.uniform();
  for (size_t i = 0; i < kSide * kSide; ++i) {
    d->frame[i] = static_cast<uint8_t>(fminf(255.0f, roundf(static_cast<float>(g_frame[i]) * exposure)));
  }
}

int64_t g_start_seconds = 0;
int64_t g_now_step = 0;
tinytb::WallTime wall_time() { return tinytb::WallTime{g_start_seconds + g_now_step, 0}; }  // 1 s per window

// ---- manifest helpers ------------------------------------------------------------------------------

void put_float(FILE* f, float v) {
  if (v == 0.0f) {
    fputs(signbit(v) ? "-0.0" : "0.0", f);
  } else {
    fprintf(f, "%.9g", static_cast<double>(v));
  }
}

template <typename T>
void put_ints(FILE* f, const T* v, size_t n) {
  for (size_t i = 0; i < n; ++i) fprintf(f, i == 0 ? "%d" : ", %d", static_cast<int>(v[i]));
}

}  // namespace

// ---- the session --------------------------------------------------------------------------------------

void run(const char* logdir, Result* result) {
  load_wav("yes_1000ms.wav", g_yes);
  load_wav("silence_1000ms.wav", g_silence);
  demo_data::load_person_gray(g_frame);

  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  g_start_seconds = static_cast<int64_t>(ts.tv_sec);
  tinytb::WriterOptions options;
  options.logdir = logdir;
  options.run = kRun;
  options.host = "esp32s3";
  options.clock.wall_time = wall_time;
  options.max_queue = 16;
  must(g_writer.open(g_sink, options), "open");

  tinytb::Scope mic(g_writer, "mic");
  tinytb::Scope kws(g_writer, "kws");
  tinytb::Scope camera(g_writer, "camera");
  must(g_levels_histogram.reset_range(-32768.0, 32768.0, 64), "reset_range");

  for (int64_t step = 0; step < kSteps; ++step) {
    g_now_step = step;
    make_step(step, &g_step);

    const tinytb::AudioClip window(g_step.window, kWindow);
    must(mic.audio("window", step, &window, 1, kRate), "mic/window");
    if (kSpoken[step]) {
      const tinytb::AudioClip agc(g_step.agc, kWindow);
      must(mic.audio("agc", step, &agc, 1, kRate), "mic/agc");
    }
    // The microphone's levels as the I2S driver delivers them: one pass, fixed range.
    g_levels_histogram.clear();
    for (size_t i = 0; i < kWindow; i += kDmaBlock) {
      must(g_levels_histogram.add({g_step.window + i, kWindow - i < kDmaBlock ? kWindow - i : kDmaBlock}),
           "levels");
    }
    must(mic.histogram("levels", step, g_levels_histogram), "mic/levels");

    const tinytb::Values scores(g_step.scores, kClasses, kSoftmax);
    must(g_scores_histogram.compute(scores), "scores");
    must(kws.histogram("scores", step, g_scores_histogram), "kws/scores");
    must(kws.text_top_k("top_classes", step, scores, kLabels, kTopK), "kws/top_classes");
    must(kws.scalar("yes_score", step, kSoftmax.scale * static_cast<float>(g_step.scores[2] - kSoftmax.zero_point)),
         "kws/yes_score");

    // The frame row by row, as a camera driver hands it over: TF2's rule needs the range
    // first (pass 1), then the counts (pass 2); both read the frame buffer in place.
    g_pixels_histogram.clear();
    for (size_t y = 0; y < kSide; ++y) must(g_pixels_histogram.scan({g_step.frame + y * kSide, kSide}), "scan");
    for (size_t y = 0; y < kSide; ++y) must(g_pixels_histogram.add({g_step.frame + y * kSide, kSide}), "add");
    must(camera.histogram("pixels", step, g_pixels_histogram), "camera/pixels");
  }

  must(g_writer.flush(), "flush");
  snprintf(result->file, sizeof(result->file), "%s/%s", g_writer.dir(), g_writer.file_name());
  result->bytes = g_writer.file_bytes();
  result->records = 1 + static_cast<uint32_t>(kSteps) * 6 + 2;  // file_version, 6 per step, 2 agc clips
  result->queue_high_water = g_writer.queue_high_water();
  result->queue_capacity = g_writer.queue_capacity();
  result->writer_bytes = KwsWriter::storage_bytes();
  result->histogram_bytes = decltype(g_scores_histogram)::storage_bytes() +
                            decltype(g_pixels_histogram)::storage_bytes() +
                            decltype(g_levels_histogram)::storage_bytes();
  must(g_writer.close(), "close");
}

// ---- --manifest ----------------------------------------------------------------------------------------

void write_manifest_run(FILE* f) {
  fprintf(f, "\"%s\": {", kRun);

  fputs("\n    \"scalars\": {\"kws/yes_score\": [", f);
  for (int64_t step = 0; step < kSteps; ++step) {
    make_step(step, &g_step);
    fprintf(f, "%s[%d, ", step == 0 ? "" : ", ", static_cast<int>(step));
    put_float(f, kSoftmax.scale * static_cast<float>(g_step.scores[2] - kSoftmax.zero_point));
    fputs("]", f);
  }
  fputs("]},", f);

  // The top-k tables again, independently: a stable sort, printf("%.4f") and the Markdown
  // table text_top_k() writes (these labels hold nothing it would escape).
  fputs("\n    \"text\": {\"kws/top_classes\": [", f);
  for (int64_t step = 0; step < kSteps; ++step) {
    make_step(step, &g_step);
    size_t order[kClasses];
    for (size_t c = 0; c < kClasses; ++c) order[c] = c;
    for (size_t i = 1; i < kClasses; ++i) {  // insertion sort: stable, highest first
      for (size_t j = i; j > 0 && g_step.scores[order[j]] > g_step.scores[order[j - 1]]; --j) {
        const size_t t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
    }
    fprintf(f, "%s[%d, {\"shape\": [], \"values\": [\"| class | score |\\n| --- | --- |\\n",
            step == 0 ? "" : ", ", static_cast<int>(step));
    for (size_t r = 0; r < kTopK; ++r) {
      const double score = static_cast<double>(kSoftmax.scale) * (g_step.scores[order[r]] - kSoftmax.zero_point);
      fprintf(f, "| %s | %.4f |\\n", kLabels[order[r]], score);
    }
    fputs("\"]}]", f);
  }
  fputs("]},", f);

  fputs("\n    \"histograms\": {", f);
  const char* const tags[] = {"mic/levels", "kws/scores", "camera/pixels"};
  for (size_t t = 0; t < 3; ++t) {
    fprintf(f, "%s\n      \"%s\": [", t == 0 ? "" : ",", tags[t]);
    for (int64_t step = 0; step < kSteps; ++step) {
      make_step(step, &g_step);
      fprintf(f, "%s[%d, {", step == 0 ? "" : ", ", static_cast<int>(step));
      if (t == 0) {
        fputs("\"range\": [-32768, 32768], \"buckets\": 64, \"inputs\": [{\"dtype\": \"int16\", \"values\": [", f);
        put_ints(f, g_step.window, kWindow);
      } else if (t == 1) {
        fprintf(f, "\"buckets\": 30, \"inputs\": [{\"dtype\": \"int8\", \"scale\": %.9g, \"zero_point\": %d, "
                   "\"values\": [", static_cast<double>(kSoftmax.scale), static_cast<int>(kSoftmax.zero_point));
        put_ints(f, g_step.scores, kClasses);
      } else {
        fputs("\"buckets\": 30, \"inputs\": [{\"dtype\": \"uint8\", \"values\": [", f);
        put_ints(f, g_step.frame, kSide * kSide);
      }
      fputs("]}]}]", f);
    }
    fputs("]", f);
  }
  fputs("\n    },", f);

  fputs("\n    \"audio\": {\n      \"mic/window\": [", f);
  for (int64_t step = 0; step < kSteps; ++step) {
    make_step(step, &g_step);
    fprintf(f, "%s[%d, {\"sample_rate\": %u, \"channels\": 1, \"clips\": [{\"dtype\": \"int16\", \"samples\": [",
            step == 0 ? "" : ", ", static_cast<int>(step), static_cast<unsigned>(kRate));
    put_ints(f, g_step.window, kWindow);
    fputs("]}]}]", f);
  }
  fputs("],\n      \"mic/agc\": [", f);
  bool first = true;
  for (int64_t step = 0; step < kSteps; ++step) {
    if (!kSpoken[step]) continue;
    make_step(step, &g_step);
    fprintf(f, "%s[%d, {\"sample_rate\": %u, \"channels\": 1, \"clips\": [{\"dtype\": \"float32\", \"samples\": [",
            first ? "" : ", ", static_cast<int>(step), static_cast<unsigned>(kRate));
    first = false;
    for (size_t i = 0; i < kWindow; ++i) {
      if (i > 0) fputs(", ", f);
      put_float(f, g_step.agc[i]);
    }
    fputs("]}]}]", f);
  }
  fputs("]\n    }\n  }", f);
}

}  // namespace kws_board
