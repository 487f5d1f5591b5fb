// tinytb tests and benchmarks: frames for the PNG encoders (see frames.h).
#include "frames.h"

#include <fstream>
#include <iterator>
#include <string>

#include "lodepng_decoder.h"

namespace tinytb_test {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Centre crop to w:h, then box-average down (or nearest up) to w x h.
Frame resample(const std::string& name, const DecodedPng& src, unsigned w, unsigned h, unsigned ch) {
  Frame f{name, w, h, ch, std::vector<uint8_t>(static_cast<size_t>(w) * h * ch)};
  double cw = src.width, chh = src.width * static_cast<double>(h) / w;
  if (chh > src.height) {
    chh = src.height;
    cw = src.height * static_cast<double>(w) / h;
  }
  const double x0 = (src.width - cw) / 2, y0 = (src.height - chh) / 2;
  for (unsigned y = 0; y < h; ++y) {
    for (unsigned x = 0; x < w; ++x) {
      const unsigned sx0 = static_cast<unsigned>(x0 + cw * x / w), sx1 = static_cast<unsigned>(x0 + cw * (x + 1) / w);
      const unsigned sy0 = static_cast<unsigned>(y0 + chh * y / h), sy1 = static_cast<unsigned>(y0 + chh * (y + 1) / h);
      for (unsigned c = 0; c < ch; ++c) {
        unsigned sum = 0, n = 0;
        for (unsigned sy = sy0; sy < (sy1 > sy0 ? sy1 : sy0 + 1); ++sy) {
          for (unsigned sx = sx0; sx < (sx1 > sx0 ? sx1 : sx0 + 1); ++sx) {
            const unsigned sc = src.channels == 1 ? 0 : c;
            sum += src.pixels[(static_cast<size_t>(sy) * src.width + sx) * src.channels + sc];
            ++n;
          }
        }
        f.pixels[(static_cast<size_t>(y) * w + x) * ch + c] = static_cast<uint8_t>((sum + n / 2) / n);
      }
    }
  }
  return f;
}

}  // namespace

Frame synthetic_frame(const std::string& name, unsigned width, unsigned height, unsigned channels, unsigned noise,
                      uint32_t seed) {
  Frame f{name, width, height, channels, std::vector<uint8_t>(static_cast<size_t>(width) * height * channels)};
  uint32_t r = seed;
  for (unsigned y = 0; y < height; ++y) {
    for (unsigned x = 0; x < width; ++x) {
      for (unsigned c = 0; c < channels; ++c) {
        int v = static_cast<int>((x * 160) / width + (y * 80) / height) + static_cast<int>(c) * 20;
        if (x > width / 3 && x < width / 2 && y > height / 4) v += 60;  // a bright box
        if ((x / 8 + y / 8) % 7 == 0) v -= 50;                          // diagonal stripes
        r = r * 1664525u + 1013904223u;
        if (noise != 0) v += static_cast<int>((r >> 24) % (2 * noise + 1)) - static_cast<int>(noise);
        f.pixels[(static_cast<size_t>(y) * width + x) * channels + c] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
      }
    }
  }
  return f;
}

std::vector<Frame> load_frames(const std::string& dir, std::string* error) {
  std::vector<Frame> frames;
  // person_96x96_gray.bmp: 8-bit, grey palette, rows bottom-up (its header says where they start).
  const std::vector<uint8_t> bmp = read_file(dir + "/person_96x96_gray.bmp");
  if (bmp.size() < 1078 + 96 * 96 || bmp[0] != 'B' || bmp[1] != 'M') {
    *error = "cannot read person_96x96_gray.bmp in " + dir;
    return {};
  }
  const size_t offset = bmp[10] | (bmp[11] << 8) | (bmp[12] << 16);
  Frame person{"person 96x96 gray", 96, 96, 1, std::vector<uint8_t>(96 * 96)};
  for (unsigned y = 0; y < 96; ++y) {
    for (unsigned x = 0; x < 96; ++x) person.pixels[y * 96 + x] = bmp[offset + (95 - y) * 96 + x];
  }
  frames.push_back(person);
  DecodedPng kodim01, kodim23;
  const std::vector<uint8_t> k01 = read_file(dir + "/kodim01_256x256_gray.png");
  const std::vector<uint8_t> k23 = read_file(dir + "/kodim23_768x512_rgb.png");
  if (!decode_png(k01.data(), k01.size(), &kodim01) || !decode_png(k23.data(), k23.size(), &kodim23)) {
    *error = "cannot decode kodim01/kodim23 in " + dir;
    return {};
  }
  frames.push_back(resample("kodim01 96x96 gray", kodim01, 96, 96, 1));
  frames.push_back(resample("kodim23 160x120 RGB", kodim23, 160, 120, 3));
  frames.push_back(resample("kodim23 320x240 RGB", kodim23, 320, 240, 3));
  frames.push_back(resample("kodim23 640x480 RGB", kodim23, 640, 480, 3));
  // Tiny frames: the five MNIST digits (28x28 gray, mostly black: runs and a few edges),
  // where a block's code tables weigh most against its few hundred bytes.
  for (int d = 0; d < 5; ++d) {
    const std::string file = "/mnist_sample" + std::to_string(d) + ".png";
    const std::vector<uint8_t> bytes = read_file(dir + file);
    DecodedPng digit;
    if (!decode_png(bytes.data(), bytes.size(), &digit) || digit.width != 28 || digit.height != 28) {
      *error = "cannot decode " + file.substr(1) + " in " + dir;
      return {};
    }
    frames.push_back(resample("mnist digit " + std::to_string(d) + " 28x28 gray", digit, 28, 28, 1));
  }
  DecodedPng kodim05;
  const std::vector<uint8_t> k05 = read_file(dir + "/kodim05_256x256_gray.png");
  if (!decode_png(k05.data(), k05.size(), &kodim05)) {
    *error = "cannot decode kodim05 in " + dir;
    return {};
  }
  frames.push_back(resample("kodim01 160x120 gray", kodim01, 160, 120, 1));
  frames.push_back(resample("kodim05 160x120 gray", kodim05, 160, 120, 1));
  frames.push_back(synthetic_frame("synthetic 96x96 gray", 96, 96, 1, 6, 1));
  frames.push_back(synthetic_frame("synthetic 160x120 RGB", 160, 120, 3, 6, 2));
  frames.push_back(synthetic_frame("synthetic 640x480 RGB", 640, 480, 3, 6, 3));
  return frames;
}

}  // namespace tinytb_test
