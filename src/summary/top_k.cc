// tinytb: writer.text_top_k(): a model's best classes as a text table, formatted here
// without printf, cell by cell while the event is encoded.
#include <math.h>
#include <string.h>

#include "format/names.h"
#include "summary/real_values.h"
#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {
namespace {

constexpr size_t kCellChars = 32;  // the longest score or index text, and then some

// ---- formatting ----------------------------------------------------------------------------

size_t put_digits(uint64_t v, char* out) {  // decimal, no sign
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

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
    n += put_digits(units / 10000, out + n);
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
  return n + put_digits(static_cast<uint64_t>(exponent), out + n);  // 14 and up: two digits or three
}

// ---- ranking ---------------------------------------------------------------------------------

// Higher scores first, NaN last, ties by index.
bool ranks_before(double a, size_t ia, double b, size_t ib) {
  if (isnan(a) || isnan(b)) return isnan(a) == isnan(b) ? ia < ib : isnan(b);
  return a > b || (a == b && ia < ib);
}

struct TopK {
  const Values* scores;
  const char* const* labels;
  size_t k;
  size_t order[EventWriterBase::kMaxTopK];  // the classes shown, best first
};

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

// Cells row-major: "class", "score", then label, score for each shown class.
bool produce_cell(const void* context, size_t index, detail::ByteOut* out) {
  const TopK& t = *static_cast<const TopK*>(context);
  const size_t cls = t.order[index / 2 - 1];
  char text[kCellChars];
  const size_t n = index % 2 == 1 ? format_score(detail::real_at(*t.scores, cls), text) : put_digits(cls, text);
  return out->write(reinterpret_cast<const uint8_t*>(text), n);
}

detail::Blob cell_at(const void* context, size_t index) {
  const TopK& t = *static_cast<const TopK*>(context);
  detail::Blob blob;
  if (index < 2) {
    const char* header = index == 0 ? "class" : "score";
    blob.data = reinterpret_cast<const uint8_t*>(header);
    blob.size = strlen(header);
    return blob;
  }
  const size_t cls = t.order[index / 2 - 1];
  if (index % 2 == 0 && t.labels != nullptr) {
    blob.data = reinterpret_cast<const uint8_t*>(t.labels[cls]);
    blob.size = strlen(t.labels[cls]);
    return blob;
  }
  char text[kCellChars];  // formatted once for the size, again when produced
  blob.size = index % 2 == 1 ? format_score(detail::real_at(*t.scores, cls), text) : put_digits(cls, text);
  blob.produce = produce_cell;
  return blob;
}

}  // namespace

// ---- the writer --------------------------------------------------------------------------------

Status EventWriterBase::log_top_k(detail::TagRef tag, int64_t step, const Values& scores, const char* const* labels,
                                  size_t k) {
  if (!detail::valid_values(scores) || k == 0 || k > scores.count || k > kMaxTopK) return Status::kInvalidArgument;
  TopK top;
  top.scores = &scores;
  top.labels = labels;
  top.k = k;
  for (size_t r = 0; r < k; ++r) {
    top.order[r] = next_best(scores, r == 0, r == 0 ? 0 : top.order[r - 1]);
    if (labels != nullptr) {
      const char* label = labels[top.order[r]];
      if (label == nullptr) return Status::kInvalidArgument;
      const size_t n = detail::bounded_length(label, queue_cap_);
      if (n > queue_cap_) return Status::kTooLarge;
      if (!detail::is_utf8(label, n)) return Status::kInvalidArgument;
    }
  }
  Summary summary;
  detail::SummarySpec& spec = summary.spec;
  // The same form as text_table(): DT_STRING [k + 1, 2], plugin "text", TENSOR.
  static const char* const kNoCells[1] = {""};
  detail::make_text(kNoCells, k + 1, 2, 2, &spec);
  spec.tensor.strings.context = &top;
  spec.tensor.strings.at = cell_at;
  return log_summary(tag, step, summary);
}

Status EventWriterBase::text_top_k(const char* tag, int64_t step, const Values& scores, const char* const* labels,
                                   size_t k) {
  return log_top_k(detail::TagRef{nullptr, tag}, step, scores, labels, k);
}

Status Scope::text_top_k(const char* name, int64_t step, const Values& scores, const char* const* labels, size_t k) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_top_k(ref(name), step, scores, labels, k);
}

}  // namespace tinytb
