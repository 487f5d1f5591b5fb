// tinytb: text rules for tags, paths and file names.
#include "format/names.h"

#include <stdint.h>
#include <string.h>

#include "base/decimal.h"
#include "tinytb/config.h"

namespace tinytb {
namespace detail {

namespace {

bool check_utf8(const char* text, size_t size, bool allow_control) {
  const uint8_t* s = reinterpret_cast<const uint8_t*>(text);
  size_t i = 0;
  while (i < size) {
    const uint8_t c = s[i];
    if (c < 0x80) {
      if (!allow_control && (c < 0x20 || c == 0x7F)) return false;
      ++i;
      continue;
    }
    size_t extra;
    uint32_t code;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      code = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      code = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      code = c & 0x07u;
    } else {
      return false;  // continuation byte first, 0xC0/0xC1 (overlong), or above 0xF4
    }
    if (size - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const uint8_t cc = s[i + k];
      if ((cc & 0xC0u) != 0x80u) return false;
      code = (code << 6) | (cc & 0x3Fu);
    }
    if ((extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000)) return false;  // overlong
    if (code >= 0xD800 && code <= 0xDFFF) return false;                               // surrogate
    if (code > 0x10FFFF) return false;
    if (!allow_control && code >= 0x80 && code <= 0x9F) return false;  // C1 control characters
    i += extra + 1;
  }
  return true;
}

}  // namespace

bool is_clean_utf8(const char* text, size_t size) { return check_utf8(text, size, false); }

bool is_utf8(const char* text, size_t size) { return check_utf8(text, size, true); }

size_t bounded_length(const char* text, size_t limit) {
#if !TINYTB_SMALL_TARGET
  // The C library's word-at-a-time scan: every tag logged passes here (3.8% of a scalar's
  // time on x86-64 as the loop below). Same contract: it stops at the NUL or at limit + 1.
  return limit == SIZE_MAX ? strlen(text) : strnlen(text, limit + 1);
#else
  size_t n = 0;
  while (n <= limit && text[n] != '\0') ++n;
  return n;
#endif
}

bool is_name_token(const char* text, size_t max_len, bool allow_dot) {
  if (text == nullptr) return false;
  const size_t n = bounded_length(text, max_len);
  if (n == 0 || n > max_len) return false;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    // A dot only between two other characters: FAT drops trailing dots (".." would name
    // another file than the one asked for), and a leading or doubled one joins the dot
    // before the token into a run of dots.
    const bool dot_ok = allow_dot && c == '.' && i > 0 && i + 1 < n && text[i - 1] != '.';
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || dot_ok;
    if (!ok) return false;
  }
  return true;
}

bool is_run_path(const char* text) {
  const size_t n = strlen(text);
  if (n == 0) return true;
  if (!is_clean_utf8(text, n)) return false;
  size_t start = 0;
  for (size_t i = 0; i <= n; ++i) {
    if (i < n && text[i] == '\\') return false;
    if (i == n || text[i] == '/') {
      const size_t len = i - start;
      if (len == 0) return false;
      if (len == 1 && text[start] == '.') return false;
      if (len == 2 && text[start] == '.' && text[start + 1] == '.') return false;
      start = i + 1;
    }
  }
  return true;
}

bool append_text(char* out, size_t capacity, size_t* pos, const char* text) {
  const size_t n = strlen(text);
  if (*pos + n + 1 > capacity) return false;
  memcpy(out + *pos, text, n);
  *pos += n;
  out[*pos] = '\0';
  return true;
}

bool append_decimal(char* out, size_t capacity, size_t* pos, uint64_t value, int min_digits) {
  char digits[kMaxDecimalDigits];
  const size_t count = format_decimal(value, digits, min_digits > 0 ? static_cast<size_t>(min_digits) : 1);
  if (*pos + count + 1 > capacity) return false;
  memcpy(out + *pos, digits, count);
  *pos += count;
  out[*pos] = '\0';
  return true;
}

}  // namespace detail
}  // namespace tinytb
