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

// ---- formatting ----------------------------------------------------------------------------

// Like printf("%.4f") for |v| < 1e14, digit for digit: v * 10^4 is exact in double for
// every float32 and every 8- and 16-bit dequantised value (at most 24 + 17 + 10
// significant bits), and rint() rounds its exact ties to even as printf does. Larger
// magnitudes are written as d.dddde+XX (the last digit may differ from printf's).
size_t format_score(double v, char* out) {
  if (isnan(v)) {
    memcpy(out, "nan", 3);
    return 3;
  }
  size_t n = 0;
  if (signbit(v)) out[n++] = '-';
  const double a = fabs(v);
  if (isinf(a)) {
    memcpy(out + n, "inf", 3);
    return n + 3;
  }
  if (a < 1e14) {
    const uint64_t units = static_cast<uint64_t>(rint(a * 10000.0));
    n += detail::format_decimal(units / 10000, out + n);
    out[n++] = '.';
    const uint64_t frac = units % 10000;
    for (uint64_t div = 1000; div != 0; div /= 10) out[n++] = static_cast<char>('0' + frac / div % 10);
    return n;
  }
  // Scientific: divide down to [1, 10) (no log10/pow: they would pull kilobytes of libm in).
  double m = a;
  int exponent = 0;
  while (m >= 10.0) {
    m /= 10.0;
    ++exponent;
  }
  uint64_t mantissa = static_cast<uint64_t>(rint(m * 10000.0));
  if (mantissa >= 100000) {
    mantissa /= 10;
    ++exponent;
  }
  out[n++] = static_cast<char>('0' + mantissa / 10000);
  out[n++] = '.';
  for (uint64_t div = 1000; div != 0; div /= 10) out[n++] = static_cast<char>('0' + mantissa / div % 10);
  out[n++] = 'e';
  out[n++] = '+';
  return n + detail::format_decimal(static_cast<uint64_t>(exponent), out + n);  // 14 and up: two digits or three
}

// ---- ranking ---------------------------------------------------------------------------------

// Higher scores first, NaN last, ties by index.
bool ranks_before(double a, size_t ia, double b, size_t ib) {
  if (isnan(a) || isnan(b)) return isnan(a) == isnan(b) ? ia < ib : isnan(b);
  return a > b || (a == b && ia < ib);
}

using detail::TopK;

// The next class after `prev` in rank order (or the best when there is none).
size_t next_best(const Values& scores, bool first, size_t prev) {
  const double prev_value = first ? 0.0 : detail::real_at(scores, prev);
  size_t best = scores.count;
  double best_value = 0.0;
  for (size_t i = 0; i < scores.count; ++i) {
    const double v = detail::real_at(scores, i);
    if (!first && !ranks_before(prev_value, prev, v, i)) continue;
    if (best == scores.count || ranks_before(v, i, best_value, best)) {
      best = i;
      best_value = v;
    }
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
    t->put(text, format_score(detail::real_at(*top.scores, cls), text));
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
