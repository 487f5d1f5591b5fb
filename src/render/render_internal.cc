// tinytb: number text, layout arithmetic shared by the charts.
#include "render_internal.h"

#include "base/decimal.h"

namespace tinytb {
namespace render {

void format_uint(uint64_t v, char* out) { out[detail::format_decimal(v, out)] = '\0'; }

void format_ratio2(uint64_t numerator, uint64_t denominator, char* out) {
  // Hundredths, rounded half up: (200 n + d) / (2 d). Inputs are uint32 counts at most,
  // so 200 n fits 64 bits with room to spare.
  const uint64_t hundredths = (200 * numerator + denominator) / (2 * denominator);
  format_uint(hundredths / 100, out);
  while (*out != '\0') ++out;
  *out++ = '.';
  *out++ = static_cast<char>('0' + (hundredths / 10) % 10);
  *out++ = static_cast<char>('0' + hundredths % 10);
  *out = '\0';
}

void format_fixed2(float v, char* out) {
  if (v != v) {
    out[0] = 'n', out[1] = 'a', out[2] = 'n', out[3] = '\0';
    return;
  }
  const bool negative = v < 0.0f;
  const float magnitude = negative ? -v : v;
  if (negative) *out++ = '-';
  if (magnitude >= 1e9f) {  // includes infinity: no fixed-point text is worth printing
    const char* word = magnitude > 3.4028235e38f ? "inf" : "big";
    while (*word != '\0') *out++ = *word++;
    *out = '\0';
    return;
  }
  // Hundredths in 64 bits; + 0.5 rounds half away from zero (the sign is printed apart).
  const auto hundredths = static_cast<uint64_t>(static_cast<double>(magnitude) * 100.0 + 0.5);
  format_ratio2(hundredths, 100, out);
}

int32_t ceil_sqrt(size_t n) {
  int32_t r = 1;
  while (static_cast<size_t>(r) * static_cast<size_t>(r) < n) ++r;
  return r;
}

Status check_size(int64_t width, int64_t height) {
  if (width < 1 || height < 1 || width > kMaxCanvasSide || height > kMaxCanvasSide) return Status::kTooLarge;
  return Status::kOk;
}

Status fit_canvas(Canvas& canvas, int64_t width, int64_t height) {
  const Status s = check_size(width, height);
  if (s != Status::kOk) return s;
  return canvas.resize(static_cast<uint16_t>(width), static_cast<uint16_t>(height));
}

}  // namespace render
}  // namespace tinytb
