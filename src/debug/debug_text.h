// tinytb (internal): the short texts the debug layer builds on the stack: tags joined from a
// prefix and a name, and notes. Bounded buffers; no printf (newlib-nano's is large).
#ifndef TINYTB_SRC_DEBUG_TEXT_H_
#define TINYTB_SRC_DEBUG_TEXT_H_

#include <stddef.h>
#include <stdint.h>

#include "base/decimal.h"

namespace tinytb {
namespace detail {

// The longest reason or layer name the debug layer puts into a tag.
constexpr size_t kMaxTagPart = 48;
// The longest tag it builds: a caller's prefix, a separator and a name. A longer one is
// written as an empty tag, which the writer refuses (kInvalidTag). It lives on the stack of
// every logging call of the layer, so it is no longer than tags usefully get.
constexpr size_t kMaxDebugTag = 96;

inline bool tag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}
inline char tag_safe(char c) { return tag_char(c) ? c : '_'; }

// One tag component: 1..kMaxTagPart characters of [A-Za-z0-9_.-].
inline bool valid_tag_part(const char* s) {
  size_t n = 0;
  for (; s[n] != '\0'; ++n) {
    if (n == kMaxTagPart || !tag_char(s[n])) return false;
  }
  return n > 0;
}

// Appends into a caller's buffer, always NUL-terminated; overflowed() once anything was cut.
class TextBuilder {
 public:
  TextBuilder(char* out, size_t capacity) : out_(out), cap_(capacity) { out_[0] = '\0'; }
  TextBuilder& add(const char* s) { return add_cut(s, cap_); }
  TextBuilder& add_char(char c) {
    put(c);
    return *this;
  }
  TextBuilder& add_cut(const char* s, size_t max) {
    for (size_t i = 0; s[i] != '\0' && i < max; ++i) put(s[i]);
    return *this;
  }
  TextBuilder& add_int(int64_t v, size_t min_digits = 1) {
    char digits[kMaxDecimalDigits];
    if (v < 0) put('-');
    const uint64_t magnitude = v < 0 ? 0u - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    const size_t n = format_decimal(magnitude, digits, min_digits);
    for (size_t i = 0; i < n; ++i) put(digits[i]);
    return *this;
  }
  bool overflowed() const { return overflow_; }
  size_t size() const { return len_; }

 private:
  void put(char c) {
    if (len_ + 1 >= cap_) {
      overflow_ = true;
      return;
    }
    out_[len_++] = c;
    out_[len_] = '\0';
  }
  char* out_;
  size_t cap_;
  size_t len_ = 0;
  bool overflow_ = false;
};

// "<prefix><separator><name>", or "" when it does not fit.
class TagText {
 public:
  TagText(const char* prefix, const char* separator, const char* name) { set(prefix, separator, name); }
  void set(const char* prefix, const char* separator, const char* name) {
    TextBuilder b(text_, sizeof(text_));
    b.add(prefix).add(separator).add(name);
    if (b.overflowed()) text_[0] = '\0';
  }
  const char* c_str() const { return text_; }

 private:
  char text_[kMaxDebugTag + 1];
};

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_DEBUG_TEXT_H_
