// tinytb: what a PNG encoder's arena must hold, and what it really held, for the frame
// sizes docs/images.md reports: png_arena_bytes() (the bound for any content, for 32-bit
// MCUs and this 64-bit host) next to arena_high_water() after encoding a real frame and
// worst-case noise with this build of the library.
//
//   make image-arena-report              (prints the table; docs/images.md holds a copy)
//   build/image_arena_report [--data DIR] [--check docs/images.md]
//
// --check fails (exit 1) unless every row of the table appears verbatim in the file, so
// the figures in the docs cannot drift from what the library reports.
// Frames: examples/data/person_96x96_gray.bmp (the TFLM person-detection input) and
// kodim23_768x512_rgb.png cut to 640x480, down-scaled 4x to 160x120 and packed RGB565
// big-endian as an ESP32 camera driver delivers it, and the 640x480 cut itself as RGB888.
// Every PngMode: stored, fast and compressed (tinytb's deflate), lodepng.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lodepng_decoder.h"
#include "tinytb/png/png_encoder.h"

namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }

struct Frame {
  std::vector<uint8_t> bytes;
  ImageView view;
};

// The 8-bit BMP as it is in memory: rows bottom-up, so a negative stride.
bool person_frame(const std::string& dir, Frame* f) {
  f->bytes = read_file(dir + "/person_96x96_gray.bmp");
  if (f->bytes.size() < 1078 || f->bytes[0] != 'B' || f->bytes[1] != 'M') return false;
  const uint32_t offset = le32(&f->bytes[10]), w = le32(&f->bytes[18]), h = le32(&f->bytes[22]);
  if (w != 96 || h != 96 || offset + w * h > f->bytes.size()) return false;
  f->view = ImageView::frame(PixelFormat::kGray8, &f->bytes[offset + (h - 1) * w], w, h, -static_cast<int32_t>(w),
                             w * h);
  return true;
}

// The photograph as a QQVGA RGB565 big-endian camera frame.
bool camera_frame(const std::string& dir, Frame* f) {
  const std::vector<uint8_t> png = read_file(dir + "/kodim23_768x512_rgb.png");
  tinytb_test::DecodedPng photo;
  if (png.empty() || !tinytb_test::decode_png(png.data(), png.size(), &photo) || photo.channels != 3) return false;
  f->bytes.resize(160 * 120 * 2);
  for (uint32_t y = 0; y < 120; ++y) {
    for (uint32_t x = 0; x < 160; ++x) {
      uint32_t sum[3] = {0, 0, 0};
      for (uint32_t dy = 0; dy < 4; ++dy)
        for (uint32_t dx = 0; dx < 4; ++dx)
          for (uint32_t c = 0; c < 3; ++c) sum[c] += photo.pixels[((16 + y * 4 + dy) * 768 + 64 + x * 4 + dx) * 3 + c];
      const uint32_t r = (sum[0] + 8) / 16, g = (sum[1] + 8) / 16, b = (sum[2] + 8) / 16;
      const uint32_t word = ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
      f->bytes[(y * 160 + x) * 2] = static_cast<uint8_t>(word >> 8);
      f->bytes[(y * 160 + x) * 2 + 1] = static_cast<uint8_t>(word);
    }
  }
  f->view = ImageView::frame(PixelFormat::kRgb565Be, f->bytes.data(), 160, 120);
  return true;
}

// The same 640x480 window of the photograph, RGB888 as it is (read in place).
bool vga_frame(const std::string& dir, Frame* f) {
  const std::vector<uint8_t> png = read_file(dir + "/kodim23_768x512_rgb.png");
  tinytb_test::DecodedPng photo;
  if (png.empty() || !tinytb_test::decode_png(png.data(), png.size(), &photo) || photo.channels != 3) return false;
  f->bytes = photo.pixels;
  f->view = ImageView::frame(PixelFormat::kRgb888, f->bytes.data(), 768, 512).cropped(64, 16, 640, 480);
  return true;
}

const char* mode_name(PngMode mode) { return tinytb::png_mode_name(mode); }

struct Measured {
  size_t high_water = 0;
  size_t png_bytes = 0;
  bool ok = false;
};

Measured measure(const ImageView& view, PngMode mode) {
  const uint32_t w = view.output_width(), h = view.output_height();
  const uint8_t ch = view.output_channels();
  const size_t arena = tinytb::png_arena_bytes(w, h, ch, mode);
  std::unique_ptr<uint64_t[]> memory(new uint64_t[arena / 8 + 1]);
  tinytb::PngEncoderBase png(reinterpret_cast<uint8_t*>(memory.get()), arena, tinytb::PngLimits{w, h, ch, 1, mode, tinytb::png_lodepng_mode});
  std::vector<uint8_t> out(tinytb::png_max_bytes(w, h, ch));
  Measured m;
  m.ok = png.encode(view, out.data(), out.size(), &m.png_bytes) == tinytb::Status::kOk;
  m.high_water = png.arena_high_water();
  return m;
}

std::string kb(size_t bytes) {
  char buf[48];
  snprintf(buf, sizeof(buf), "%zu (%.1f KiB)", bytes, static_cast<double>(bytes) / 1024.0);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "examples/data";
  const char* check = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc) {
      check = argv[++i];
    } else {
      fprintf(stderr, "usage: image_arena_report [--data DIR] [--check FILE.md]\n");
      return 2;
    }
  }
  Frame person, camera, vga;
  if (!person_frame(dir, &person) || !camera_frame(dir, &camera) || !vga_frame(dir, &vga)) {
    fprintf(stderr, "image_arena_report: cannot read the frames in %s\n", dir.c_str());
    return 1;
  }
  std::vector<uint8_t> noise(640 * 480 * 3);
  std::mt19937 rng(1);
  for (auto& b : noise) b = static_cast<uint8_t>(rng());

  struct Row {
    const char* name;
    const Frame* frame;
    ImageView noise_view;
  };
  const Row rows[] = {
      {"96x96 gray", &person, ImageView::frame(PixelFormat::kGray8, noise.data(), 96, 96)},
      {"160x120 RGB", &camera, ImageView::frame(PixelFormat::kRgb888, noise.data(), 160, 120)},
      {"640x480 RGB", &vga, ImageView::frame(PixelFormat::kRgb888, noise.data(), 640, 480)},
  };
  std::vector<std::string> lines;
  lines.push_back("| image | mode | arena bound, 32-bit MCU | arena bound, 64-bit host | used: real frame | "
                  "used: noise | PNG of the real frame |");
  lines.push_back("|---|---|---|---|---|---|---|");
  bool ok = true;
  for (const Row& r : rows) {
    for (PngMode mode : {PngMode::kStored, PngMode::kFast, PngMode::kCompressed, PngMode::kLodepng}) {
      const ImageView& v = r.frame->view;
      const uint32_t w = v.output_width(), h = v.output_height();
      const uint8_t ch = v.output_channels();
      const Measured real = measure(v, mode), worst = measure(r.noise_view, mode);
      ok = ok && real.ok && worst.ok;
      lines.push_back(std::string("| ") + r.name + " | " + mode_name(mode) +
                      " | " + kb(tinytb::png_arena_bytes(w, h, ch, mode, 1, 4)) + " | " +
                      kb(tinytb::png_arena_bytes(w, h, ch, mode, 1, 8)) + " | " + kb(real.high_water) + " | " +
                      kb(worst.high_water) + " | " + std::to_string(real.png_bytes) + " B |");
    }
  }
  printf("Images: arena sizes (png_arena_bytes() bounds; used = arena_high_water() after one encode)\n\n");
  for (const std::string& line : lines) printf("%s\n", line.c_str());
  if (!ok) {
    fprintf(stderr, "image_arena_report: an encode failed\n");
    return 1;
  }
  if (check != nullptr) {
    const std::vector<uint8_t> text = read_file(check);
    const std::string readme(text.begin(), text.end());
    for (const std::string& line : lines) {
      if (readme.find(line) == std::string::npos) {
        fprintf(stderr, "%s does not hold this row of the report:\n  %s\n", check, line.c_str());
        ok = false;
      }
    }
    printf("\n%s: %s\n", check, ok ? "every row matches" : "out of date");
  }
  return ok ? 0 : 1;
}
