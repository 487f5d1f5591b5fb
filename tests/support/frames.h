// tinytb tests and benchmarks: the frames the PNG benchmarks measure, from the real images in
// examples/data (cropped to 4:3 and box-scaled) and a fixed synthetic set. Host code.
#ifndef TINYTB_TESTS_PNG_FRAMES_H_
#define TINYTB_TESTS_PNG_FRAMES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tinytb_test {

struct Frame {
  std::string name;
  unsigned width = 0;
  unsigned height = 0;
  unsigned channels = 0;
  std::vector<uint8_t> pixels;  // rows packed, channels interleaved
};

// The real frames: person 96x96 gray, kodim23 at 160x120, 320x240, 640x480 RGB, kodim01
// 96x96 gray, the five MNIST digits (28x28 gray), kodim01 and kodim05 at 160x120 gray; and
// synthetic ones (gradient, edges, sensor noise; fixed seed). Empty with
// *error set when the data directory cannot be read.
std::vector<Frame> load_frames(const std::string& data_dir, std::string* error);

// A synthetic camera-like frame: smooth gradient, a few hard edges, noise of amplitude
// `noise` (0 = none), from `seed`.
Frame synthetic_frame(const std::string& name, unsigned width, unsigned height, unsigned channels, unsigned noise,
                      uint32_t seed);

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_PNG_FRAMES_H_
