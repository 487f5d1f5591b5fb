// tinytb tests: images in the manifest (tests/tensorboard/images.py has the schema).
//
// An image is recorded as what the program handed the writer: the view (format, size,
// stride, window, tensor parameters) and a file holding the bytes it pointed at, so the
// judge can compute the pixels on its own. Test code only: it uses the std library.
#ifndef TINYTB_TESTS_TENSORBOARD_IMAGE_MANIFEST_H_
#define TINYTB_TESTS_TENSORBOARD_IMAGE_MANIFEST_H_

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "manifest.h"
#include "tinytb/image/image_view.h"

namespace tinytb_test {

inline const char* format_name(tinytb::PixelFormat f) {
  switch (f) {
    case tinytb::PixelFormat::kGray8: return "gray8";
    case tinytb::PixelFormat::kRgb888: return "rgb888";
    case tinytb::PixelFormat::kBgr888: return "bgr888";
    case tinytb::PixelFormat::kRgba8888: return "rgba8888";
    case tinytb::PixelFormat::kRgb565Le: return "rgb565le";
    case tinytb::PixelFormat::kRgb565Be: return "rgb565be";
    case tinytb::PixelFormat::kYuyv: return "yuyv";
    case tinytb::PixelFormat::kUyvy: return "uyvy";
    case tinytb::PixelFormat::kTensorU8: return "tensor_u8";
    case tinytb::PixelFormat::kTensorI8: return "tensor_i8";
    case tinytb::PixelFormat::kTensorF32: return "tensor_f32";
  }
  return "unknown";
}

// Files with the bytes views point at, in one directory (absolute paths in the manifest).
class SourceFiles {
 public:
  // Creates `dir` and its parents if needed. False if it cannot.
  bool init(const std::string& dir) {
    for (size_t slash = dir.find('/', 1); slash != std::string::npos; slash = dir.find('/', slash + 1)) {
      mkdir(dir.substr(0, slash).c_str(), 0777);
    }
    mkdir(dir.c_str(), 0777);
    char real[PATH_MAX];
    if (realpath(dir.c_str(), real) == nullptr) return false;
    dir_ = real;
    return true;
  }
  // Writes `size` bytes as `name`; returns its absolute path ("" on failure).
  std::string write(const std::string& name, const void* data, size_t size) {
    const std::string path = dir_ + "/" + name;
    FILE* f = fopen(path.c_str(), "wb");
    if (f == nullptr) return "";
    const bool ok = fwrite(data, 1, size, f) == size;
    if (fclose(f) != 0 || !ok) return "";
    return path;
  }

 private:
  std::string dir_;
};

// One view: `source` holds the buffer that starts at `base`; the view's data lies in it.
inline std::string json_view(const tinytb::ImageView& v, const std::string& source, const void* base) {
  const long offset = static_cast<long>(static_cast<const uint8_t*>(v.data) - static_cast<const uint8_t*>(base));
  std::string out = "{\"source\": " + json_string(source) + ", \"offset\": " + std::to_string(offset) +
                    ", \"format\": \"" + format_name(v.format) + "\", \"width\": " + std::to_string(v.width) +
                    ", \"height\": " + std::to_string(v.height);
  if (v.format >= tinytb::PixelFormat::kTensorU8) {
    out += ", \"channels\": " + std::to_string(v.channels) + ", \"layout\": \"" +
           (v.layout == tinytb::TensorLayout::kChw ? "chw" : "hwc") + "\"";
    if (v.format == tinytb::PixelFormat::kTensorI8) {
      out += ", \"scale\": " + json_float(v.quantization.scale) +
             ", \"zero_point\": " + std::to_string(v.quantization.zero_point);
    }
    if (v.format != tinytb::PixelFormat::kTensorU8) {
      out += v.range.per_image ? std::string(", \"range\": \"min_max\"")
                               : ", \"range\": [" + json_float(v.range.lo) + ", " + json_float(v.range.hi) + "]";
    }
  } else {
    out += ", \"row_stride\": " + std::to_string(v.row_stride);
  }
  if (v.crop_x || v.crop_y || v.crop_width || v.crop_height) {
    out += ", \"crop\": [" + std::to_string(v.crop_x) + ", " + std::to_string(v.crop_y) + ", " +
           std::to_string(v.crop_width) + ", " + std::to_string(v.crop_height) + "]";
  }
  if (v.downscale != 1) out += ", \"downscale\": " + std::to_string(v.downscale);
  return out + "}";
}

inline std::string json_encoded(const std::string& path) { return "{\"encoded\": " + json_string(path) + "}"; }

// The value of one images point: {"width": w, "height": h, "images": [items]}.
inline std::string json_images(uint32_t width, uint32_t height, const std::vector<std::string>& items) {
  std::string out = "{\"width\": " + std::to_string(width) + ", \"height\": " + std::to_string(height) +
                    ", \"images\": [";
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + items[i];
  return out + "]}";
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_TENSORBOARD_IMAGE_MANIFEST_H_
