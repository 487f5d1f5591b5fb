// The PNG-only application for tests/writer/check_config_link.sh: a PngEncoder used with no
// writer (encoding frames to a buffer). Its inline arena is sized by the deflate knobs, so
// a build whose knobs differ from the library's must fail to link here too.
#include <stdio.h>

#include "tinytb/png/png_encoder.h"

int main() {
  static uint8_t frame[32 * 24];
  for (size_t i = 0; i < sizeof(frame); ++i) frame[i] = static_cast<uint8_t>(i * 7);
  static tinytb::PngEncoder<32, 24, 1, tinytb::PngMode::kCompressed> png;
  static uint8_t out[4096];
  size_t size = 0;
  const tinytb::Status s =
      png.encode(tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, frame, 32, 24), out, sizeof(out), &size);
  printf("%s, %zu bytes of PNG\n", tinytb::status_name(s), size);
  return s == tinytb::Status::kOk ? 0 : 1;
}
