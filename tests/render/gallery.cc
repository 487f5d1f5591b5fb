// The rendering gallery: every chart drawn from real data (MNIST digits, the TFLM person
// frame with its int8 wrap undone, a Kodak photograph) into PNG files, for a person to
// look at and for tests/render/check_gallery.py to check pixel by pixel.
//
//   build/render_gallery --data examples/data --out build/render-gallery
//
// Test-side code: uses the standard library and a full lodepng (decoder included) to read
// the inputs and write the PNGs; the drawing itself is tinytb's, into plain canvases.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lodepng.h"
#include "tinytb/render/canvas.h"
#include "tinytb/render/charts.h"
#include "tinytb/render/colormap.h"

namespace {

using tinytb::Canvas;
using tinytb::CanvasFormat;
using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::Rect;
using tinytb::Rgb;
using tinytb::Status;

std::string g_out;
int g_failures = 0;

void check(Status s, const char* what) {
  if (s != Status::kOk) {
    fprintf(stderr, "gallery: %s: %s\n", what, tinytb::status_name(s));
    ++g_failures;
  }
}

struct OwnedCanvas {
  explicit OwnedCanvas(size_t bytes, CanvasFormat format = CanvasFormat::kRgb888) : storage(bytes) {
    check(canvas.init(storage.data(), storage.size(), 1, 1, format), "canvas");
  }
  std::vector<uint8_t> storage;
  Canvas canvas;
};

void save(const Canvas& c, const char* name) {
  const std::string path = g_out + "/" + name;
  const LodePNGColorType type = c.format() == CanvasFormat::kGray8 ? LCT_GREY : LCT_RGB;
  const unsigned err = lodepng_encode_file(path.c_str(), c.pixels(), c.width(), c.height(), type, 8);
  if (err != 0) {
    fprintf(stderr, "gallery: %s: %s\n", path.c_str(), lodepng_error_text(err));
    ++g_failures;
    return;
  }
  printf("  %-28s %4d x %-4d %s\n", name, c.width(), c.height(), c.format() == CanvasFormat::kGray8 ? "gray" : "RGB");
}

// ---- inputs ------------------------------------------------------------------------------------

std::vector<uint8_t> load_gray_png(const std::string& path, unsigned* w, unsigned* h) {
  unsigned char* data = nullptr;
  if (lodepng_decode_file(&data, w, h, path.c_str(), LCT_GREY, 8) != 0) {
    fprintf(stderr, "gallery: cannot read %s\n", path.c_str());
    exit(1);
  }
  std::vector<uint8_t> out(data, data + static_cast<size_t>(*w) * *h);
  free(data);
  return out;
}

std::vector<uint8_t> load_rgb_png(const std::string& path, unsigned* w, unsigned* h) {
  unsigned char* data = nullptr;
  if (lodepng_decode_file(&data, w, h, path.c_str(), LCT_RGB, 8) != 0) {
    fprintf(stderr, "gallery: cannot read %s\n", path.c_str());
    exit(1);
  }
  std::vector<uint8_t> out(data, data + static_cast<size_t>(*w) * *h * 3);
  free(data);
  return out;
}

// The TFLM person frame (person_96x96_gray_clean.bmp, examples/data/SOURCES.md): 8-bit
// BMP, bottom-up rows, a gray palette. Returned as stored.
std::vector<uint8_t> load_bmp(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) {
    fprintf(stderr, "gallery: cannot read %s\n", path.c_str());
    exit(1);
  }
  std::vector<uint8_t> bytes(20000);
  bytes.resize(fread(bytes.data(), 1, bytes.size(), f));
  fclose(f);
  return bytes;
}

// ---- the charts ------------------------------------------------------------------------------------

void font_sheet() {
  OwnedCanvas c(400 * 200 * 3);
  check(c.canvas.resize(400, 175), "resize");
  c.canvas.clear(tinytb::kWhite);
  tinytb::TextStyle s1;
  tinytb::TextStyle s2;
  s2.scale = 2;
  char line[17] = {};
  for (int row = 0; row < 6; ++row) {
    for (int i = 0; i < 16; ++i) {
      const int ch = 0x20 + row * 16 + i;
      line[i] = ch <= 0x7E ? static_cast<char>(ch) : '\x7f';
    }
    check(tinytb::draw_text(c.canvas, 6, 6 + row * 10, line, s1), "text");
    check(tinytb::draw_text(c.canvas, 120, 6 + row * 20, line, s2), "text");
  }
  check(tinytb::draw_text(c.canvas, 6, 130, "person 0.87  no_person 0.13  T-shirt/top", s1), "text");
  check(tinytb::draw_text(c.canvas, 6, 145, "Predicted label", s2), "text");
  tinytb::TextStyle up;
  up.direction = tinytb::TextDirection::kUp;
  check(tinytb::draw_text(c.canvas, 100, 78, "True label", up), "text");
  save(c.canvas, "font.png");
}

void color_maps() {
  const char* names[] = {"gray", "viridis", "Blues", "diverging (RdBu_r)"};
  const tinytb::ColorMap maps[] = {tinytb::ColorMap::kGray, tinytb::ColorMap::kViridis, tinytb::ColorMap::kBlues,
                                   tinytb::ColorMap::kDiverging};
  OwnedCanvas c(400 * 200 * 3);
  check(c.canvas.resize(384, 4 * 34 + 8), "resize");
  c.canvas.clear(tinytb::kWhite);
  for (int i = 0; i < 4; ++i) {
    const int y = 8 + i * 34;
    check(tinytb::draw_text(c.canvas, 8, y, names[i], tinytb::TextStyle{}), "text");
    tinytb::draw_color_bar(c.canvas, Rect{8, y + 12, 368, 16}, maps[i]);
  }
  save(c.canvas, "colormaps.png");
}

// 25 tiles from the 5 MNIST samples: each digit as it is, shifted 3 px right, shifted 3 px
// down, mirrored, and turned 90 degrees, labelled so.
void mnist_grid(const std::string& data) {
  static uint8_t tiles[25][28 * 28];
  ImageView views[25];
  static char labels[25][16];
  const char* label_ptrs[25];
  const char* kinds[5] = {"", " x+3", " y+3", " flip", " rot"};
  for (int d = 0; d < 5; ++d) {
    unsigned w, h;
    const std::vector<uint8_t> digit = load_gray_png(data + "/mnist_sample" + std::to_string(d) + ".png", &w, &h);
    for (int k = 0; k < 5; ++k) {
      uint8_t* t = tiles[k * 5 + d];
      for (int y = 0; y < 28; ++y) {
        for (int x = 0; x < 28; ++x) {
          int sx = x, sy = y;
          if (k == 1) sx = x - 3;
          if (k == 2) sy = y - 3;
          if (k == 3) sx = 27 - x;
          if (k == 4) sx = y, sy = 27 - x;
          t[y * 28 + x] = sx >= 0 && sy >= 0 && sx < 28 && sy < 28 ? digit[sy * 28 + sx] : 0;
        }
      }
      views[k * 5 + d] = ImageView::frame(PixelFormat::kGray8, t, 28, 28);
      snprintf(labels[k * 5 + d], sizeof(labels[0]), "%d%s", d, kinds[k]);
      label_ptrs[k * 5 + d] = labels[k * 5 + d];
    }
  }
  tinytb::GridOptions o;
  o.cols = 5;
  o.zoom = 2;
  o.gap = 4;
  o.margin = 6;
  o.labels = label_ptrs;
  OwnedCanvas c(400 * 400 * 3);
  check(tinytb::draw_grid(c.canvas, views, 25, o), "grid");
  save(c.canvas, "grid_mnist.png");
  OwnedCanvas g(400 * 400, CanvasFormat::kGray8);
  o.labels = nullptr;
  o.background = Rgb{40, 40, 40};
  check(tinytb::draw_grid(g.canvas, views, 25, o), "grid gray");
  save(g.canvas, "grid_mnist_gray.png");
}

void confusion_matrices() {
  // Fashion-MNIST, as in TensorBoard's image-summary tutorial; counts of a plausible model.
  const char* names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  const uint32_t counts[100] = {
      812, 2, 14, 38, 5, 1, 118, 0, 10, 0,   3, 962, 2, 24, 5, 0, 2, 0, 2, 0,    16, 1, 771, 10, 112, 0, 86, 0, 4, 0,
      25, 9, 11, 882, 36, 0, 33, 0, 4, 0,    1, 1, 96, 32, 806, 0, 61, 0, 3, 0,   0, 0, 0, 1, 0, 954, 0, 31, 2, 12,
      142, 2, 98, 34, 87, 0, 622, 0, 15, 0,  0, 0, 0, 0, 0, 21, 0, 951, 0, 28,    4, 1, 4, 6, 3, 3, 9, 5, 965, 0,
      0, 0, 0, 0, 0, 9, 1, 37, 0, 953};
  tinytb::ConfusionMatrixOptions o;
  o.class_names = names;
  OwnedCanvas c(600 * 600 * 3);
  check(tinytb::draw_confusion_matrix(c.canvas, counts, 10, o), "confusion matrix");
  save(c.canvas, "confusion_matrix.png");

  // A small one with short names, counts in the cells, viridis, an empty row, at 2x.
  const char* small_names[3] = {"cat", "dog", "bird"};
  const uint32_t small[9] = {45, 3, 2, 10, 38, 2, 0, 0, 0};
  tinytb::ConfusionMatrixOptions s;
  s.class_names = small_names;
  s.cell_text = tinytb::CellText::kCount;
  s.map = tinytb::ColorMap::kViridis;
  s.text_scale = 2;
  s.title = "Counts (bird: no samples yet)";
  check(tinytb::draw_confusion_matrix(c.canvas, small, 3, s), "small confusion matrix");
  save(c.canvas, "confusion_matrix_small.png");
}

// A 3x3 convolution with stride 2 over the 96x96 frame, 8 hand-made filters, quantised to
// int8 as a TFLM conv layer's output would be: 48x48x8.
void conv_features(const uint8_t* frame, std::vector<int8_t>* q, float* scale, int32_t* zero_point,
                   std::vector<float>* f) {
  const float k[8][9] = {
      {-1, 0, 1, -2, 0, 2, -1, 0, 1},        // vertical edges (Sobel x)
      {-1, -2, -1, 0, 0, 0, 1, 2, 1},        // horizontal edges (Sobel y)
      {0, 1, 0, 1, -4, 1, 0, 1, 0},          // Laplacian
      {1, 2, 1, 2, 4, 2, 1, 2, 1},           // blur (/16)
      {0, -1, 0, -1, 5, -1, 0, -1, 0},       // sharpen
      {-2, -1, 0, -1, 1, 1, 0, 1, 2},        // emboss
      {0, 1, 2, -1, 0, 1, -2, -1, 0},        // diagonal edges
      {2, 1, 0, 1, 0, -1, 0, -1, -2},        // the other diagonal
  };
  f->assign(48 * 48 * 8, 0.0f);
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 48; ++x) {
      for (int c = 0; c < 8; ++c) {
        float acc = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int sy = std::min(95, std::max(0, 2 * y + dy));
            const int sx = std::min(95, std::max(0, 2 * x + dx));
            acc += k[c][(dy + 1) * 3 + dx + 1] * (frame[sy * 96 + sx] / 255.0f);
          }
        }
        if (c == 3) acc /= 16.0f;
        (*f)[(y * 48 + x) * 8 + c] = acc;
      }
    }
  }
  float lo = 0, hi = 0;
  for (float v : *f) lo = std::min(lo, v), hi = std::max(hi, v);
  *scale = (hi - lo) / 255.0f;
  *zero_point = static_cast<int32_t>(lroundf(-128.0f - lo / *scale));
  q->resize(f->size());
  for (size_t i = 0; i < f->size(); ++i) {
    const long v = lroundf((*f)[i] / *scale) + *zero_point;
    (*q)[i] = static_cast<int8_t>(std::min(127L, std::max(-128L, v)));
  }
}

void feature_maps(const uint8_t* frame) {
  std::vector<int8_t> q;
  std::vector<float> f;
  float scale;
  int32_t zp;
  conv_features(frame, &q, &scale, &zp, &f);
  tinytb::FeatureMapOptions o;
  o.cols = 4;
  o.zoom = 2;
  o.labels = true;
  o.margin = 4;
  OwnedCanvas c(600 * 600 * 3);
  check(tinytb::draw_feature_maps(c.canvas, tinytb::Values(q.data(), q.size(), {scale, zp}), {48, 48, 8}, o),
        "feature maps");
  save(c.canvas, "feature_maps_int8_viridis.png");
  o.map = tinytb::ColorMap::kDiverging;
  o.normalization = tinytb::Normalization::kSymmetric;
  check(tinytb::draw_feature_maps(c.canvas, tinytb::Values(f.data(), f.size()), {48, 48, 8}, o), "feature maps");
  save(c.canvas, "feature_maps_float_diverging.png");
}

void detections(const ImageView& frame) {
  OwnedCanvas c(192 * 192 * 3);
  check(c.canvas.resize(192, 192), "resize");
  check(tinytb::draw_image(c.canvas, Rect{0, 0, 192, 192}, frame), "frame");
  // The person's instance mask (class 1), pasted into its box at the canvas's resolution
  // (frame box (24, 6, 48, 90) at 2x): a round head over sloping shoulders and the torso.
  constexpr int kMaskW = 96, kMaskH = 180;
  static uint8_t mask[kMaskW * kMaskH];
  for (int y = 0; y < kMaskH; ++y) {
    for (int x = 0; x < kMaskW; ++x) {
      const float u = (x + 0.5f) / kMaskW, v = (y + 0.5f) / kMaskH;
      const float hx = (u - 0.56f) / 0.25f, hy = (v - 0.21f) / 0.13f;
      const bool head = hx * hx + hy * hy <= 1.0f;
      const float side = u < 0.5f ? (0.25f - u) / 0.22f : (u - 0.75f) / 0.22f;  // out along a shoulder
      const bool body = v >= 0.3f + (side > 0.0f ? 0.07f * side * side : 0.0f) && u >= 0.02f && u <= 0.98f;
      mask[y * kMaskW + x] = head || body ? 1 : 0;
    }
  }
  tinytb::MaskOptions m;
  m.alpha = 96;
  m.palette = nullptr;
  m.destination = Rect{48, 12, kMaskW, kMaskH};
  check(tinytb::blend_mask(c.canvas, mask, kMaskW, kMaskH, m), "mask");
  const char* names[3] = {"background", "person", "light"};
  const tinytb::Detection dets[3] = {
      {{24, 6, 48, 90}, 1, 0.87f},
      {{38, 10, 20, 26}, 1, 0.41f},  // a second, weaker box on the face
      {{2, 4, 18, 30}, 2, 0.66f},    // a ceiling light, off to the left
  };
  tinytb::DetectionOptions d;
  d.class_names = names;
  d.class_count = 3;
  d.zoom = 2;
  check(tinytb::draw_detections(c.canvas, dets, 3, d), "detections");
  save(c.canvas, "detections.png");
}

void concat(const ImageView& frame, const std::string& data) {
  unsigned w, h;
  const std::vector<uint8_t> photo = load_rgb_png(data + "/kodim23_768x512_rgb.png", &w, &h);
  // "input | model output | ground truth": a gray version, a blurred coloured one, the photo.
  std::vector<uint8_t> gray(w * h), blurred(w * h * 3);
  for (unsigned i = 0; i < w * h; ++i) {
    gray[i] = static_cast<uint8_t>((77 * photo[3 * i] + 150 * photo[3 * i + 1] + 29 * photo[3 * i + 2] + 128) >> 8);
  }
  for (unsigned y = 0; y < h; ++y) {
    for (unsigned x = 0; x < w; ++x) {
      for (int c = 0; c < 3; ++c) {
        int sum = 0, n = 0;
        for (int dy = -4; dy <= 4; ++dy) {
          for (int dx = -4; dx <= 4; ++dx) {
            const int sx = static_cast<int>(x) + dx * 2, sy = static_cast<int>(y) + dy * 2;
            if (sx < 0 || sy < 0 || sx >= static_cast<int>(w) || sy >= static_cast<int>(h)) continue;
            sum += photo[(sy * w + sx) * 3 + c];
            ++n;
          }
        }
        blurred[(y * w + x) * 3 + c] = static_cast<uint8_t>(sum / n);
      }
    }
  }
  const ImageView views[3] = {ImageView::frame(PixelFormat::kGray8, gray.data(), w, h).downscaled(4),
                              ImageView::frame(PixelFormat::kRgb888, blurred.data(), w, h).downscaled(4),
                              ImageView::frame(PixelFormat::kRgb888, photo.data(), w, h).downscaled(4)};
  const char* titles[3] = {"input", "model output", "ground truth"};
  tinytb::ConcatOptions o;
  o.titles = titles;
  // 192-pixel RGB rows, down-scaled: more than the default stack scratch; the caller's.
  static uint8_t scratch[8192];
  o.scratch = tinytb::Scratch{scratch, sizeof(scratch)};
  OwnedCanvas c(700 * 300 * 3);
  check(tinytb::draw_concat(c.canvas, views, 3, o), "concat");
  save(c.canvas, "concat_photo.png");

  o.scratch = tinytb::Scratch{};
  const ImageView small[2] = {frame, frame.cropped(24, 0, 48, 48)};
  const char* small_titles[2] = {"frame", "crop x2"};
  o.titles = small_titles;
  o.extent = 192;
  check(tinytb::draw_concat(c.canvas, small, 2, o), "concat");
  save(c.canvas, "concat_frame.png");
  o.direction = tinytb::Direction::kVertical;
  o.extent = 96;
  check(tinytb::draw_concat(c.canvas, small, 2, o), "concat");
  save(c.canvas, "concat_vertical.png");
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "examples/data";
  g_out = "build/render-gallery";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    if (strcmp(argv[i], "--out") == 0) g_out = argv[i + 1];
  }
  printf("render gallery: %s\n", g_out.c_str());
  std::vector<uint8_t> bmp = load_bmp(data + "/person_96x96_gray_clean.bmp");
  if (bmp.size() != 1078 + 96 * 96) {
    fprintf(stderr, "gallery: unexpected BMP size %zu\n", bmp.size());
    return 1;
  }
  // Bottom-up rows: the top row is the last one stored; a negative stride walks up.
  const ImageView frame = ImageView::frame(PixelFormat::kGray8, bmp.data() + 1078 + 95 * 96, 96, 96, -96, 96 * 96);
  std::vector<uint8_t> top_down(96 * 96);
  for (int y = 0; y < 96; ++y) memcpy(&top_down[y * 96], bmp.data() + 1078 + (95 - y) * 96, 96);

  font_sheet();
  color_maps();
  mnist_grid(data);
  confusion_matrices();
  feature_maps(top_down.data());
  detections(frame);
  concat(frame, data);
  printf("%d failures\n", g_failures);
  return g_failures == 0 ? 0 : 1;
}
