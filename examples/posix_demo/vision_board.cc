// tinytb demo, third board: charts drawn on the device and logged as images
// (vision_board.h says what and why).
#include "vision_board.h"

#include "demo_data.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mnist_samples.h"
#include "posix_sink.h"
#include "tinytb/render/charts.h"
#include "tinytb/tinytb.h"

namespace vision_board {
namespace {

constexpr const char* kRun = "stm32h7-cam/vision";
// Epoch n (1..10) is logged at step n, after its training: TensorBoard keeps 10 images per
// tag by default, so every epoch's charts are shown.
constexpr int64_t kEpochs = 10;
static_assert(kEpochs <= 10, "at most 10 image steps per tag");
constexpr int kSide = 96;        // the camera frame
constexpr int kClasses = 10;     // the digit classifier
constexpr int kEvalPerClass = 100;
constexpr int kMaps = 8;         // first conv layer: 3x3, stride 2, 8 channels
constexpr int kMapSide = kSide / 2;

// The largest chart each canvas holds (checked at run time: a chart that does not fit
// returns kTooLarge and the demo stops). RGB: the confusion matrix, feature maps,
// detections; gray: the MNIST grid and the pix2pix panels.
constexpr uint16_t kRgbWidth = 400, kRgbHeight = 360;
constexpr uint16_t kGrayWidth = 600, kGrayHeight = 380;

// One encoder for every image, and a queue that holds the largest image record. Drawn
// charts (flat colours, repeated glyphs) are where lodepng's LZ77 window pays off, and this
// board has SDRAM: kLodepng (its deflate in the encoder's arena).
using Png = tinytb::PngEncoder<kGrayWidth, kGrayHeight, 3, tinytb::PngMode::kLodepng>;
constexpr size_t kQueueBytes = tinytb::image_record_bytes(40, kGrayWidth, kGrayHeight, 3) + 4096;
using VisionWriter = tinytb::EventWriter<kQueueBytes, 8, 40>;

// In SDRAM on the board (a linker section); plain statics here.
tinytb::PosixSink g_sink;
VisionWriter g_writer;
Png g_png;
tinytb::StaticCanvas<kRgbWidth, kRgbHeight, tinytb::CanvasFormat::kRgb888> g_rgb;
tinytb::StaticCanvas<kGrayWidth, kGrayHeight, tinytb::CanvasFormat::kGray8> g_gray;

uint8_t g_frame[kSide * kSide];  // the camera frame, top row first
uint8_t g_tiles[25][28 * 28];    // the 5x5 grid's inputs
char g_labels[25][12];
int8_t g_maps[kMapSide * kMapSide * kMaps];
uint8_t g_edges[kSide * kSide], g_output[kSide * kSide];
uint8_t g_mask[2 * kSide * 2 * kSide];  // the person's mask, in its box on the 2x canvas
uint32_t g_counts[kClasses * kClasses];

[[noreturn]] void die(const char* what, const char* detail) {
  fprintf(stderr, "demo (vision board): %s: %s\n", what, detail);
  exit(1);
}

void must(tinytb::Status s, const char* what) {
  if (s != tinytb::Status::kOk) die(what, tinytb::status_name(s));
}

// ---- the camera frame ------------------------------------------------------------------------------

// TFLM's person frame: an 8-bit BMP, bottom-up rows, a 256-entry palette (B, G, R, 0).
void load_frame() { demo_data::load_person_gray(g_frame); }

// ---- the simulated training --------------------------------------------------------------------------

struct Lcg {
  uint32_t state;
  float uniform() {  // [0, 1)
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) * (1.0f / 16777216.0f);
  }
  float symmetric() { return 2.0f * uniform() - 1.0f; }
};

// 0 after the first epoch, 1 after the last.
float progress(int64_t epoch) { return static_cast<float>(epoch - 1) / static_cast<float>(kEpochs - 1); }

// The eval set's confusion counts after `epoch`: each digit's accuracy rises from 30% to
// its final value; the errors go more and more to the look-alikes (4/9, 3/5/8, 1/7, 2/7).
void make_counts(int64_t epoch, uint32_t* counts) {
  static const float kFinal[kClasses] = {0.98f, 0.99f, 0.93f, 0.91f, 0.94f, 0.89f, 0.96f, 0.94f, 0.87f, 0.90f};
  static const int kLookAlike[kClasses][2] = {{6, 8}, {7, 4}, {7, 3}, {5, 8}, {9, 1}, {3, 8}, {5, 0}, {1, 2},
                                               {3, 5}, {4, 7}};
  const float learned = 1.0f - powf(0.62f, static_cast<float>(epoch));
  Lcg lcg{0x5eed0000u + static_cast<uint32_t>(epoch)};
  for (int t = 0; t < kClasses; ++t) {
    uint32_t* row = counts + t * kClasses;
    const float accuracy = 0.30f + (kFinal[t] - 0.30f) * learned;
    const int correct = static_cast<int>(lroundf(accuracy * kEvalPerClass));
    // Error weights: uniform noise early, the look-alikes later.
    float w[kClasses];
    float sum = 0.0f;
    for (int p = 0; p < kClasses; ++p) {
      w[p] = p == t ? 0.0f : (1.0f - learned) * (0.5f + lcg.uniform()) + 0.15f * lcg.uniform();
      if (p == kLookAlike[t][0]) w[p] += 3.0f * learned;
      if (p == kLookAlike[t][1]) w[p] += 1.5f * learned;
      sum += w[p];
    }
    // Largest remainder: the errors add up exactly.
    const int errors = kEvalPerClass - correct;
    int given = 0;
    float rest[kClasses];
    for (int p = 0; p < kClasses; ++p) {
      const float share = static_cast<float>(errors) * w[p] / sum;
      row[p] = static_cast<uint32_t>(share);
      rest[p] = share - static_cast<float>(row[p]);
      given += static_cast<int>(row[p]);
    }
    for (; given < errors; ++given) {
      int best = t == 0 ? 1 : 0;
      for (int p = 0; p < kClasses; ++p) {
        if (p != t && rest[p] > rest[best]) best = p;
      }
      ++row[best];
      rest[best] = -1.0f;
    }
    row[t] = static_cast<uint32_t>(correct);
  }
}

float accuracy(const uint32_t* counts) {
  uint32_t right = 0, all = 0;
  for (int i = 0; i < kClasses * kClasses; ++i) all += counts[i];
  for (int t = 0; t < kClasses; ++t) right += counts[t * kClasses + t];
  return static_cast<float>(right) / static_cast<float>(all);
}

// The 25 training inputs: each digit as it is, shifted right, shifted down, mirrored and
// turned 90 degrees counter-clockwise; the shift is 1, 2 or 3 px depending on the epoch.
void make_tiles(int64_t epoch) {
  const int shift = 1 + static_cast<int>(epoch % 3);
  for (int k = 0; k < 5; ++k) {
    for (int d = 0; d < 5; ++d) {
      const uint8_t* digit = mnist_samples::kDigits[d];
      uint8_t* t = g_tiles[k * 5 + d];
      for (int y = 0; y < 28; ++y) {
        for (int x = 0; x < 28; ++x) {
          int sx = x, sy = y;
          if (k == 1) sx = x - shift;
          if (k == 2) sy = y - shift;
          if (k == 3) sx = 27 - x;
          if (k == 4) sx = 27 - y, sy = x;
          t[y * 28 + x] = sx >= 0 && sy >= 0 && sx < 28 && sy < 28 ? digit[sy * 28 + sx] : 0;
        }
      }
      char* label = g_labels[k * 5 + d];
      switch (k) {
        case 0: snprintf(label, sizeof(g_labels[0]), "%d", d); break;
        case 1: snprintf(label, sizeof(g_labels[0]), "%d x+%d", d, shift); break;
        case 2: snprintf(label, sizeof(g_labels[0]), "%d y+%d", d, shift); break;
        case 3: snprintf(label, sizeof(g_labels[0]), "%d flip", d); break;
        default: snprintf(label, sizeof(g_labels[0]), "%d rot", d); break;
      }
    }
  }
}

// The first conv layer: 3x3, stride 2, 'same' padding (edge pixels repeated), on the frame
// scaled to 0..1; output quantised to int8 with this epoch's calibration. The filters move
// from a random initialisation to the edge and blur detectors such layers learn.
void make_feature_maps(int64_t epoch, float* scale, int32_t* zero_point) {
  static const float kLearned[kMaps][9] = {
      {-1, 0, 1, -2, 0, 2, -1, 0, 1},   {-1, -2, -1, 0, 0, 0, 1, 2, 1},     {0, 1, 0, 1, -4, 1, 0, 1, 0},
      {1, 2, 1, 2, 4, 2, 1, 2, 1},      {0, -1, 0, -1, 5, -1, 0, -1, 0},    {-2, -1, 0, -1, 1, 1, 0, 1, 2},
      {0, 1, 2, -1, 0, 1, -2, -1, 0},   {2, 1, 0, 1, 0, -1, 0, -1, -2},
  };
  const float t = progress(epoch);
  Lcg init{0xc0ffeeu};  // the same initialisation every epoch
  float k[kMaps][9];
  for (int c = 0; c < kMaps; ++c) {
    for (int i = 0; i < 9; ++i) k[c][i] = t * kLearned[c][i] / (c == 3 ? 4.0f : 1.0f) + (1.0f - t) * 2.0f * init.symmetric();
  }
  static float real[kMapSide * kMapSide * kMaps];
  float lo = 0.0f, hi = 0.0f;
  for (int y = 0; y < kMapSide; ++y) {
    for (int x = 0; x < kMapSide; ++x) {
      for (int c = 0; c < kMaps; ++c) {
        float acc = 0.0f;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            int sy = 2 * y + dy, sx = 2 * x + dx;
            sy = sy < 0 ? 0 : sy >= kSide ? kSide - 1 : sy;
            sx = sx < 0 ? 0 : sx >= kSide ? kSide - 1 : sx;
            acc += k[c][(dy + 1) * 3 + dx + 1] * (static_cast<float>(g_frame[sy * kSide + sx]) / 255.0f);
          }
        }
        real[(y * kMapSide + x) * kMaps + c] = acc;
        lo = fminf(lo, acc);
        hi = fmaxf(hi, acc);
      }
    }
  }
  *scale = (hi - lo) / 255.0f;
  *zero_point = static_cast<int32_t>(lroundf(-128.0f - lo / *scale));
  for (int i = 0; i < kMapSide * kMapSide * kMaps; ++i) {
    const long q = lroundf(real[i] / *scale) + *zero_point;
    g_maps[i] = static_cast<int8_t>(q < -128 ? -128 : q > 127 ? 127 : q);
  }
}

// The detector after `epoch`: a person box that settles on the person as its score rises,
// and a ceiling light taken for a lamp early on, fading below the threshold.
constexpr float kMinScore = 0.3f;
constexpr int kZoom = 2;                             // the frame is drawn at 2x
constexpr tinytb::Rect kPersonBox{23, 12, 50, 84};  // where the person is in the frame
const char* const kDetectionClasses[3] = {"background", "person", "lamp"};

int32_t clamp_to_frame(long v) { return static_cast<int32_t>(v < 0 ? 0 : v > kSide ? kSide : v); }

void make_detections(int64_t epoch, tinytb::Detection* d) {
  const float t = progress(epoch);
  Lcg lcg{0xd37ec700u + static_cast<uint32_t>(epoch)};
  const float jitter = 8.0f * (1.0f - t);  // frame pixels, each edge on its own
  const float left = static_cast<float>(kPersonBox.x), top = static_cast<float>(kPersonBox.y);
  const float right = left + static_cast<float>(kPersonBox.width), bottom = top + static_cast<float>(kPersonBox.height);
  const int32_t x0 = clamp_to_frame(lroundf(left + jitter * lcg.symmetric()));
  const int32_t y0 = clamp_to_frame(lroundf(top + jitter * lcg.symmetric()));
  const int32_t x1 = clamp_to_frame(lroundf(right + jitter * lcg.symmetric()));
  const int32_t y1 = clamp_to_frame(lroundf(bottom - jitter * lcg.uniform()));  // the frame ends at the bottom
  d[0] = tinytb::Detection{{x0, y0, x1 - x0, y1 - y0}, 1, 0.42f + 0.52f * t + 0.03f * lcg.symmetric()};
  d[1] = tinytb::Detection{{76, 20, 18, 24}, 2, 0.62f * (1.0f - t) + 0.05f * lcg.uniform()};
}

// The person's instance mask for `box` (frame pixels), as Mask R-CNN-style heads give it:
// predicted in box coordinates and pasted into the box, here straight at the canvas's 2x
// resolution, so it stays inside the box and its outline has no blocks. The shape is the
// person's in this frame, in units of the box (u, v in 0..1 across and down): a round
// head, sloping shoulders, the torso, and the light between the right arm and the body.
// Early in training the outline wobbles; it settles, never quite still.
void make_mask(int64_t epoch, const tinytb::Rect& box) {
  const float t = progress(epoch);
  Lcg lcg{0x3a5c0000u + static_cast<uint32_t>(epoch)};
  const float wobble = 0.012f + 0.05f * (1.0f - t);
  const float phase1 = 6.2832f * lcg.uniform(), phase2 = 6.2832f * lcg.uniform();
  const int w = kZoom * box.width, h = kZoom * box.height;
  for (int y = 0; y < h; ++y) {
    const float v = (static_cast<float>(y) + 0.5f) / static_cast<float>(h);
    const float edge = wobble * (0.6f * sinf(23.0f * v + phase1) + 0.4f * sinf(57.0f * v + phase2));
    for (int x = 0; x < w; ++x) {
      const float u = (static_cast<float>(x) + 0.5f) / static_cast<float>(w);
      const float hx = (u - 0.56f) / (0.24f + edge), hy = (v - 0.15f) / 0.137f;
      const bool head = hx * hx + hy * hy <= 1.0f;
      const float l = (0.2f - u) / 0.16f, r = (u - 0.78f) / 0.16f;  // out along each shoulder
      const float top = u < 0.2f ? 0.25f + 0.06f * l * l : u > 0.78f ? 0.262f + 0.07f * r * r : 0.25f;
      const float gx = (u - 0.77f) / 0.03f, gy = (v - 0.63f) / 0.11f;
      const bool gap = gx * gx + gy * gy <= 1.0f;
      const bool body = v >= top && u >= 0.02f - edge && u <= 0.97f + edge && !gap;
      g_mask[y * w + x] = static_cast<uint8_t>(head || body ? 1 : 0);
    }
  }
}

// pix2pix-style: the input is the frame's edges (Sobel magnitude, dark on white), the
// output the generator's guess at the frame from them. An edges-to-photo generator never
// gives the truth back: it blurs what the edges do not say, pulls tones towards middle
// gray, leaves blotches in flat areas, and its stride-2 transposed convolutions leave a
// faint checkerboard. Training shrinks each of these; none goes away.
void make_pix2pix(int64_t epoch) {
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      auto px = [](int xx, int yy) {
        xx = xx < 0 ? 0 : xx >= kSide ? kSide - 1 : xx;
        yy = yy < 0 ? 0 : yy >= kSide ? kSide - 1 : yy;
        return static_cast<int>(g_frame[yy * kSide + xx]);
      };
      const int gx = px(x + 1, y - 1) + 2 * px(x + 1, y) + px(x + 1, y + 1) - px(x - 1, y - 1) - 2 * px(x - 1, y) -
                     px(x - 1, y + 1);
      const int gy = px(x - 1, y + 1) + 2 * px(x, y + 1) + px(x + 1, y + 1) - px(x - 1, y - 1) - 2 * px(x, y - 1) -
                     px(x + 1, y - 1);
      const int m = static_cast<int>(sqrtf(static_cast<float>(gx * gx + gy * gy)));
      g_edges[y * kSide + x] = static_cast<uint8_t>(255 - (m > 255 ? 255 : m));
    }
  }
  const float t = progress(epoch);
  const int radius = 1 + static_cast<int>(lroundf(4.0f * (1.0f - t)));
  const float contrast = 0.78f + 0.12f * t;
  const float blotch = 14.0f + 36.0f * (1.0f - t);
  const float checker = 4.0f + 12.0f * (1.0f - t);
  const float grain = 30.0f * (1.0f - t);
  Lcg lcg{0x9a1e2u + static_cast<uint32_t>(epoch)};
  constexpr int kCell = 12;  // the blotches: a smooth random field on a 12-pixel grid
  constexpr int kKnots = kSide / kCell + 1;
  float knots[kKnots][kKnots];
  for (auto& row : knots) {
    for (float& k : row) k = lcg.symmetric();
  }
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      int sum = 0, n = 0;
      for (int dy = -radius; dy <= radius; ++dy) {
        for (int dx = -radius; dx <= radius; ++dx) {
          const int sx = x + dx, sy = y + dy;
          if (sx < 0 || sy < 0 || sx >= kSide || sy >= kSide) continue;
          sum += g_frame[sy * kSide + sx];
          ++n;
        }
      }
      const int kx = x / kCell, ky = y / kCell;
      const float fx = static_cast<float>(x % kCell) / kCell, fy = static_cast<float>(y % kCell) / kCell;
      const float field = (1.0f - fy) * ((1.0f - fx) * knots[ky][kx] + fx * knots[ky][kx + 1]) +
                          fy * ((1.0f - fx) * knots[ky + 1][kx] + fx * knots[ky + 1][kx + 1]);
      const float mean = static_cast<float>(sum) / static_cast<float>(n);
      const float v = 128.0f + contrast * (mean - 128.0f) + blotch * field + (((x ^ y) & 1) ? checker : -checker) +
                      grain * lcg.symmetric();
      g_output[y * kSide + x] = static_cast<uint8_t>(v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v);
    }
  }
}

// ---- the charts ------------------------------------------------------------------------------------------

enum Chart { kConfusion, kGrid, kFeatureMaps, kDetections, kPix2Pix, kCharts };
const char* const kTags[kCharts] = {"eval/confusion_matrix", "camera/grid", "model/feature_maps",
                                    "camera/detections", "pix2pix/input_output_truth"};

// Draws one chart of one epoch; returns the canvas it is on.
const tinytb::Canvas& draw(Chart chart, int64_t epoch) {
  using tinytb::ImageView;
  using tinytb::PixelFormat;
  switch (chart) {
    case kConfusion: {
      static const char* const kDigits[kClasses] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
      make_counts(epoch, g_counts);
      static char title[48];
      snprintf(title, sizeof(title), "Confusion matrix, epoch %d", static_cast<int>(epoch));
      tinytb::ConfusionMatrixOptions o;
      o.class_names = kDigits;
      o.title = title;
      must(tinytb::draw_confusion_matrix(g_rgb, g_counts, kClasses, o), kTags[chart]);
      return g_rgb;
    }
    case kGrid: {
      make_tiles(epoch);
      ImageView views[25];
      const char* labels[25];
      for (int i = 0; i < 25; ++i) {
        views[i] = ImageView::frame(PixelFormat::kGray8, g_tiles[i], 28, 28);
        labels[i] = g_labels[i];
      }
      tinytb::GridOptions o;
      o.cols = 5;
      o.zoom = 2;
      o.gap = 4;
      o.margin = 6;
      o.labels = labels;
      must(tinytb::draw_grid(g_gray, views, 25, o), kTags[chart]);
      return g_gray;
    }
    case kFeatureMaps: {
      float scale;
      int32_t zero_point;
      make_feature_maps(epoch, &scale, &zero_point);
      tinytb::FeatureMapOptions o;
      o.cols = 4;
      o.zoom = 2;
      o.labels = true;
      o.text_scale = 2;  // TensorBoard shows the 400-pixel figure about 350 wide: 16-pixel digits
      o.margin = 4;
      must(tinytb::draw_feature_maps(g_rgb, tinytb::Values(g_maps, sizeof(g_maps), {scale, zero_point}),
                                     {kMapSide, kMapSide, kMaps}, o),
           kTags[chart]);
      return g_rgb;
    }
    case kDetections: {
      tinytb::Detection d[2];
      make_detections(epoch, d);
      const tinytb::Rect& box = d[0].box;
      make_mask(epoch, box);
      must(g_rgb.resize(kZoom * kSide, kZoom * kSide), "resize");
      must(tinytb::draw_image(g_rgb, tinytb::Rect{0, 0, kZoom * kSide, kZoom * kSide},
                              ImageView::frame(PixelFormat::kGray8, g_frame, kSide, kSide)),
           "frame");
      tinytb::MaskOptions m;
      m.alpha = 96;
      m.destination = tinytb::Rect{kZoom * box.x, kZoom * box.y, kZoom * box.width, kZoom * box.height};
      must(tinytb::blend_mask(g_rgb, g_mask, static_cast<uint16_t>(m.destination.width),
                              static_cast<uint16_t>(m.destination.height), m),
           "mask");
      tinytb::DetectionOptions o;
      o.class_names = kDetectionClasses;
      o.class_count = 3;
      o.min_score = kMinScore;
      o.zoom = kZoom;
      must(tinytb::draw_detections(g_rgb, d, 2, o), kTags[chart]);
      return g_rgb;
    }
    default: {
      make_pix2pix(epoch);
      const ImageView views[3] = {ImageView::frame(PixelFormat::kGray8, g_edges, kSide, kSide),
                                  ImageView::frame(PixelFormat::kGray8, g_output, kSide, kSide),
                                  ImageView::frame(PixelFormat::kGray8, g_frame, kSide, kSide)};
      static const char* const kTitles[3] = {"input (edges)", "output", "ground truth"};
      tinytb::ConcatOptions o;
      o.extent = 2 * kSide;
      o.titles = kTitles;
      o.text_scale = 2;  // the 592-pixel figure is shown about 350 wide: 10-pixel titles
      must(tinytb::draw_concat(g_gray, views, 3, o), kTags[chart]);
      return g_gray;
    }
  }
}

int64_t g_start_seconds = 0;
int64_t g_now_epoch = 0;
tinytb::WallTime wall_time() { return tinytb::WallTime{g_start_seconds + 30 * g_now_epoch, 0}; }  // an epoch: 30 s

}  // namespace

void run(const char* logdir, Result* result) {
  load_frame();
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  g_start_seconds = static_cast<int64_t>(ts.tv_sec);
  tinytb::WriterOptions options;
  options.logdir = logdir;
  options.run = kRun;
  options.host = "stm32h7";
  options.clock.wall_time = wall_time;
  options.max_queue = 1;  // an image record is large: write each one at once
  must(g_writer.open(g_sink, options), "open");

  uint32_t records = 1;
  for (int64_t epoch = 1; epoch <= kEpochs; ++epoch) {
    g_now_epoch = epoch;
    for (int c = 0; c < kCharts; ++c) {
      const tinytb::Canvas& canvas = draw(static_cast<Chart>(c), epoch);
      must(g_writer.image(kTags[c], epoch, canvas.view(), g_png), kTags[c]);
      ++records;
    }
    make_counts(epoch, g_counts);
    must(g_writer.scalar("eval/accuracy", epoch, accuracy(g_counts)), "eval/accuracy");
    ++records;
  }
  must(g_writer.flush(), "flush");
  snprintf(result->file, sizeof(result->file), "%s/%s", g_writer.dir(), g_writer.file_name());
  result->bytes = g_writer.file_bytes();
  result->records = records;
  result->queue_high_water = g_writer.queue_high_water();
  result->queue_capacity = g_writer.queue_capacity();
  result->canvas_bytes = decltype(g_rgb)::storage_bytes() + decltype(g_gray)::storage_bytes();
  result->png_arena_bytes = Png::kArenaBytes;
  result->png_arena_used = g_png.arena_high_water();
  must(g_writer.close(), "close");
}

bool write_manifest_run(FILE* f, const char* manifest_path) {
  // The raw files go to "<the manifest's folder>/vision-images/", named by absolute path.
  char dir[PATH_MAX];
  char raw_dir[PATH_MAX + 16];
  snprintf(dir, sizeof(dir), "%s", manifest_path);
  char* slash = strrchr(dir, '/');
  if (slash != nullptr) {
    *slash = '\0';
  } else {
    snprintf(dir, sizeof(dir), ".");
  }
  char absolute[PATH_MAX];
  if (realpath(dir[0] != '\0' ? dir : "/", absolute) == nullptr) return false;
  snprintf(raw_dir, sizeof(raw_dir), "%s/vision-images", absolute);
  if (mkdir(raw_dir, 0755) != 0 && errno != EEXIST) return false;

  fprintf(f, "\"%s\": {", kRun);
  fputs("\n    \"scalars\": {\"eval/accuracy\": [", f);
  for (int64_t epoch = 1; epoch <= kEpochs; ++epoch) {
    make_counts(epoch, g_counts);
    fprintf(f, "%s[%d, %.9g]", epoch == 1 ? "" : ", ", static_cast<int>(epoch),
            static_cast<double>(accuracy(g_counts)));
  }
  fputs("]},\n    \"images\": {", f);
  for (int c = 0; c < kCharts; ++c) {
    fprintf(f, "%s\n      \"%s\": [", c == 0 ? "" : ",", kTags[c]);
    for (int64_t epoch = 1; epoch <= kEpochs; ++epoch) {
      const tinytb::Canvas& canvas = draw(static_cast<Chart>(c), epoch);
      char path[PATH_MAX + 64];
      snprintf(path, sizeof(path), "%s/vision_%d_%d.raw", raw_dir, c, static_cast<int>(epoch));
      FILE* raw = fopen(path, "wb");
      if (raw == nullptr) return false;
      const bool wrote = fwrite(canvas.pixels(), 1, canvas.size_bytes(), raw) == canvas.size_bytes();
      if (fclose(raw) != 0 || !wrote) return false;
      const bool gray = canvas.format() == tinytb::CanvasFormat::kGray8;
      fprintf(f,
              "%s[%d, {\"width\": %u, \"height\": %u, \"images\": [{\"source\": \"%s\", \"format\": \"%s\", "
              "\"width\": %u, \"height\": %u}]}]",
              epoch == 1 ? "" : ", ", static_cast<int>(epoch), canvas.width(), canvas.height(), path,
              gray ? "gray8" : "rgb888", canvas.width(), canvas.height());
    }
    fputs("]", f);
  }
  fputs("\n    }\n  }", f);
  return ferror(f) == 0;
}

}  // namespace vision_board
