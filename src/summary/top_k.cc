// tinytb: a model's best classes as a Markdown table (text_top_k()), formatted here without
// printf while the event is encoded.
#include <math.h>
#include <string.h>

#include "base/decimal.h"
#include "format/names.h"
#include "summary/real_values.h"
#include "summary/summary.h"

namespace tinytb {
namespace {

constexpr size_t kCellChars = 32;  // the longest score or index text, and then some

// ---- scores as exact binary values ----------------------------------------------------------
//
// Integer arithmetic only: on a core without a double-precision FPU (every Cortex-M
// but the M7's double variant, RV32) double arithmetic would link several KB of soft
// float. A score is (-1)^neg * n * 2^e exactly: a float32 is its own significand and
// exponent; a dequantised integer is scale's significand times |q - zero_point| (below
// 2^57), so nothing is rounded before the table's digits are.

struct Exact {
  bool nan;
  bool inf;
  bool neg;
  uint64_t n;
  int e;
};

uint32_t float_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof(b));
  return b;
}

// A finite, non-negative float32's significand and exponent (f = n * 2^e).
void split_float(uint32_t b, uint64_t* n, int* e) {
  const uint32_t exponent = (b >> 23) & 0xFF;
  const uint32_t fraction = b & 0x7FFFFF;
  *n = exponent == 0 ? fraction : (fraction | 0x800000u);
  *e = exponent == 0 ? -149 : static_cast<int>(exponent) - 150;
}

int64_t offset_at(const Values& v, size_t i) {  // q - zero_point of an integer element
  const int64_t zp = static_cast<int64_t>(v.quantization.zero_point);
  switch (v.type) {
    case ValueType::kInt8: return static_cast<const int8_t*>(v.data)[i] - zp;
    case ValueType::kUint8: return static_cast<const uint8_t*>(v.data)[i] - zp;
    case ValueType::kInt16: return static_cast<const int16_t*>(v.data)[i] - zp;
    case ValueType::kInt32: return static_cast<const int32_t*>(v.data)[i] - zp;
    case ValueType::kFloat32: break;
  }
  return 0;
}

Exact exact_at(const Values& v, size_t i) {
  Exact x{false, false, false, 0, 0};
  if (v.type == ValueType::kFloat32) {
    const uint32_t b = float_bits(static_cast<const float*>(v.data)[i]);
    x.neg = (b >> 31) != 0;
    if (((b >> 23) & 0xFF) == 0xFF) {
      x.nan = (b & 0x7FFFFF) != 0;
      x.inf = !x.nan;
      return x;
    }
    split_float(b & 0x7FFFFFFFu, &x.n, &x.e);
    return x;
  }
  // valid_values() checked the scale: finite and above zero.
  const int64_t d = offset_at(v, i);
  uint64_t scale_n = 0;
  split_float(float_bits(v.quantization.scale), &scale_n, &x.e);
  x.neg = d < 0;
  x.n = scale_n * static_cast<uint64_t>(d < 0 ? -d : d);
  return x;
}

// ---- formatting ----------------------------------------------------------------------------

constexpr uint64_t kFixedLimit = 100000000000000ull;  // 1e14: below it, fixed notation

// n * 2^e < 1e14 (n < 2^57).
bool below_fixed_limit(uint64_t n, int e) {
  if (e >= 0) return e < 47 && n <= (kFixedLimit - 1) >> e;
  return -e >= 11 || n < (kFixedLimit << -e);
}

// round(n * 10000 * 2^e), ties to even, for n * 2^e < 1e14.
uint64_t ten_thousandths(uint64_t n, int e) {
  if (e >= 0) return (n << e) * 10000u;
  const int k = -e;
  if (k >= 72) return 0;  // n * 10000 < 2^71: below one half
  const uint64_t whole = k < 64 ? n >> k : 0;
  const uint64_t rest = k < 64 ? n - (whole << k) : n;  // < 2^k
  // rest * 10000 / 2^k, its remainder kept within 64 bits: the low s bits of rest are
  // folded in first (rest >> s < 2^50, so 10000 times it fits), remembering whether they
  // left anything behind.
  const int s = k > 50 ? k - 50 : 0;
  const int bits = k - s;
  const uint64_t low = (rest & ((uint64_t{1} << s) - 1)) * 10000u;
  const bool sticky = (low & ((uint64_t{1} << s) - 1)) != 0;
  const uint64_t p = (rest >> s) * 10000u + (low >> s);
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  const uint64_t remainder = p & mask, half = uint64_t{1} << (bits - 1);
  uint64_t units = whole * 10000u + (p >> bits);
  if (remainder > half || (remainder == half && (sticky || (units & 1) != 0))) ++units;
  return units;
}

// A number of up to 192 bits in 32-bit limbs (the largest score: a 24-bit scale
// significand times a 33-bit offset times 2^104).
struct Wide {
  static constexpr int kLimbs = 6;
  uint32_t limb[kLimbs];

  uint32_t divide_by_10() {  // returns the remainder; 16 bits at a time: no 64-bit division
    uint32_t rem = 0;
    for (int i = kLimbs - 1; i >= 0; --i) {
      const uint32_t hi = (rem << 16) | (limb[i] >> 16);
      rem = hi % 10;
      const uint32_t lo = (rem << 16) | (limb[i] & 0xFFFF);
      rem = lo % 10;
      limb[i] = ((hi / 10) << 16) | (lo / 10);
    }
    return rem;
  }
  bool at_least(uint32_t v) const {
    for (int i = kLimbs - 1; i > 0; --i) {
      if (limb[i] != 0) return true;
    }
    return limb[0] >= v;
  }
};

// d.dddde+XX for n * 2^e >= 1e14: five significant digits, rounded to nearest (ties to even).
size_t format_scientific(uint64_t n, int e, char* out) {
  Wide w{};
  bool sticky = false;
  if (e < 0) {  // only for integer scores with a small scale: e >= -10 here
    sticky = (n & ((uint64_t{1} << -e) - 1)) != 0;
    n >>= -e;
    e = 0;
  }
  w.limb[e / 32] = static_cast<uint32_t>(n << (e % 32));
  w.limb[e / 32 + 1] = static_cast<uint32_t>((n << (e % 32)) >> 32);
  if (e % 32 != 0 && e / 32 + 2 < Wide::kLimbs) w.limb[e / 32 + 2] = static_cast<uint32_t>(n >> (64 - e % 32));
  int exponent = 4;
  uint32_t last = 0;
  while (w.at_least(100000)) {
    sticky = sticky || last != 0;
    last = w.divide_by_10();
    ++exponent;
  }
  uint32_t mantissa = w.limb[0];
  if (last > 5 || (last == 5 && (sticky || (mantissa & 1) != 0))) ++mantissa;
  if (mantissa >= 100000) {
    mantissa /= 10;
    ++exponent;
  }
  size_t k = 0;
  out[k++] = static_cast<char>('0' + mantissa / 10000);
  out[k++] = '.';
  for (uint32_t div = 1000; div != 0; div /= 10) out[k++] = static_cast<char>('0' + mantissa / div % 10);
  out[k++] = 'e';
  out[k++] = '+';
  return k + detail::format_decimal(static_cast<uint64_t>(exponent), out + k);  // 14 and up: two digits or three
}

// Like printf("%.4f") for |v| < 1e14, digit for digit (ties to even, as glibc rounds the
// exact binary value). Larger magnitudes are written as d.dddde+XX.
size_t format_score(const Exact& x, char* out) {
  if (x.nan) {
    memcpy(out, "nan", 3);
    return 3;
  }
  size_t n = 0;
  if (x.neg) out[n++] = '-';
  if (x.inf) {
    memcpy(out + n, "inf", 3);
    return n + 3;
  }
  if (!below_fixed_limit(x.n, x.e)) return n + format_scientific(x.n, x.e, out + n);
  const uint64_t units = ten_thousandths(x.n, x.e);
  uint32_t frac = 0;
  n += detail::format_decimal(detail::divide_small(units, 10000, &frac), out + n);
  out[n++] = '.';
  for (uint32_t div = 1000; div != 0; div /= 10) out[n++] = static_cast<char>('0' + frac / div % 10);
  return n;
}

// ---- ranking ---------------------------------------------------------------------------------

// Higher scores first, NaN last, ties by index. Integer scores compare by q - zero_point
// (one positive scale for all of them); floats as floats.
bool ranks_before(const Values& v, size_t ia, size_t ib) {
  if (v.type != ValueType::kFloat32) {
    const int64_t a = offset_at(v, ia), b = offset_at(v, ib);
    return a > b || (a == b && ia < ib);
  }
  const float a = static_cast<const float*>(v.data)[ia], b = static_cast<const float*>(v.data)[ib];
  if (isnan(a) || isnan(b)) return isnan(a) == isnan(b) ? ia < ib : isnan(b);
  return a > b || (a == b && ia < ib);
}

using detail::TopK;

// The next class after `prev` in rank order (or the best when there is none).
size_t next_best(const Values& scores, bool first, size_t prev) {
  size_t best = scores.count;
  for (size_t i = 0; i < scores.count; ++i) {
    if (!first && !ranks_before(scores, prev, i)) continue;
    if (best == scores.count || ranks_before(scores, i, best)) best = i;
  }
  return best;
}

// ---- the table ---------------------------------------------------------------------------------

// TensorBoard's text plugin draws a rank-2 string tensor as a table without a header row
// (its make_table() is called without headers) and renders every cell as Markdown on its
// own; only a Markdown pipe table gets a header. So the table is one rank-0 string:
//   | class | score |
//   | --- | --- |
//   | yes | 0.9570 |
// It is written twice, the same way: once to count its bytes, once into the event.
constexpr char kHeader[] = "| class | score |\n| --- | --- |\n";

struct TableOut {
  detail::ByteOut* out;  // null: count only
  size_t size;
  bool ok;
  void put(const char* text, size_t n) {
    size += n;
    if (out != nullptr && ok && n > 0) ok = out->write(reinterpret_cast<const uint8_t*>(text), n);
  }
};

// A label as literal cell text: the characters that would start Markdown markup in a
// cell, or end the cell, get a backslash; HTML's '<' and '&' become entities (a label
// "<b>" must not turn the row bold). Line breaks never get here (make_top_k refuses them).
void put_label(const char* label, TableOut* t) {
  const char* run = label;  // plain bytes go out in runs
  for (const char* p = label; *p != '\0'; ++p) {
    const char c = *p;
    const char* escaped = c == '<' ? "&lt;" : c == '&' ? "&amp;" : nullptr;
    const bool backslash = c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '|';
    if (escaped == nullptr && !backslash) continue;
    t->put(run, static_cast<size_t>(p - run));
    if (escaped != nullptr) {
      t->put(escaped, strlen(escaped));
    } else {
      t->put("\\", 1);
      t->put(p, 1);
    }
    run = p + 1;
  }
  t->put(run, strlen(run));
}

void put_table(const TopK& top, TableOut* t) {
  t->put(kHeader, sizeof(kHeader) - 1);
  for (size_t r = 0; r < top.k; ++r) {
    const size_t cls = top.order[r];
    char text[kCellChars];
    t->put("| ", 2);
    if (top.labels != nullptr) {
      put_label(top.labels[cls], t);
    } else {
      t->put(text, detail::format_decimal(cls, text));
    }
    t->put(" | ", 3);
    t->put(text, format_score(exact_at(*top.scores, cls), text));
    t->put(" |\n", 3);
  }
}

bool produce_table(const void* context, size_t, detail::ByteOut* out) {
  TableOut t{out, 0, true};
  put_table(*static_cast<const TopK*>(context), &t);
  return t.ok;
}

detail::Blob table_at(const void* context, size_t) {
  TableOut t{nullptr, 0, true};
  put_table(*static_cast<const TopK*>(context), &t);
  detail::Blob blob;
  blob.size = t.size;
  blob.produce = produce_table;
  return blob;
}

}  // namespace

// ---- the summary -------------------------------------------------------------------------------

Status detail::make_top_k(const Values& scores, const char* const* labels, size_t k, size_t max_bytes, TopK* top,
                          SummarySpec* spec) {
  if (!valid_values(scores) || k == 0 || k > scores.count || k > kMaxTopK) return Status::kInvalidArgument;
  top->scores = &scores;
  top->labels = labels;
  top->k = k;
  for (size_t r = 0; r < k; ++r) {
    top->order[r] = next_best(scores, r == 0, r == 0 ? 0 : top->order[r - 1]);
    if (labels != nullptr) {
      const char* label = labels[top->order[r]];
      if (label == nullptr) return Status::kInvalidArgument;
      const size_t n = bounded_length(label, max_bytes);
      if (n > max_bytes) return Status::kTooLarge;
      if (!is_utf8(label, n)) return Status::kInvalidArgument;
      if (memchr(label, '\n', n) != nullptr || memchr(label, '\r', n) != nullptr) return Status::kInvalidArgument;
    }
  }
  // The same form as text(): DT_STRING rank 0, plugin "text", TENSOR.
  static const char* const kNoCells[1] = {""};
  make_text(kNoCells, 1, 1, 0, spec);
  spec->tensor.strings.context = top;
  spec->tensor.strings.at = table_at;
  return Status::kOk;
}

}  // namespace tinytb
