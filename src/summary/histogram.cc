// tinytb: histograms: bucketing on the device, and the TF2 tensor form.
#include "tinytb/summary/histogram.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "summary/real_values.h"
#include "summary/summary.h"

namespace tinytb {
namespace {

// ---- values as integer keys -------------------------------------------------------------
//
// Every input value has an int64 key (the integer itself; for a float, its bits in
// sign-magnitude order), and its real value never decreases as the key grows. Bucketing
// is monotone too, so "bucket(real(key)) >= j" holds exactly for keys at or above one
// threshold: per-bucket thresholds, found once, replace per-value double math.

int64_t float_key(float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof(bits));
  return (bits & 0x80000000u) != 0 ? -static_cast<int64_t>(bits & 0x7FFFFFFFu) - 1 : static_cast<int64_t>(bits);
}

float key_float(int64_t key) {
  const uint32_t bits = key >= 0 ? static_cast<uint32_t>(key) : (static_cast<uint32_t>(-(key + 1)) | 0x80000000u);
  float f;
  memcpy(&f, &bits, sizeof(f));
  return f;
}

struct KeyRange {
  int64_t lo;
  int64_t hi;
};

// bucket_of() evaluations find_thresholds() needs per threshold, about: the guess is
// right or one key off (measured: 60 to 62 for 31 thresholds, for uint8 pixels, int8
// scores, float activations and int16/int32 inputs).
constexpr size_t kEvaluationsPerThreshold = 2;

KeyRange key_range(ValueType type) {
  switch (type) {
    case ValueType::kInt8: return {INT8_MIN, INT8_MAX};
    case ValueType::kUint8: return {0, UINT8_MAX};
    case ValueType::kInt16: return {INT16_MIN, INT16_MAX};
    case ValueType::kInt32: return {INT32_MIN, INT32_MAX};
    case ValueType::kFloat32: break;
  }
  return {float_key(-FLT_MAX), float_key(FLT_MAX)};  // finite floats only
}

double real_of(const Values& values, int64_t key) {
  return values.type == ValueType::kFloat32 ? static_cast<double>(key_float(key))
                                            : detail::dequantise(values.quantization, key);
}

bool valid(const Values& values) { return detail::valid_values(values); }

// The key whose value is nearest `x`: a starting point for the threshold searches.
int64_t key_near(const Values& values, const KeyRange& range, double x) {
  double key;
  if (values.type == ValueType::kFloat32) {
    if (!(x > -static_cast<double>(FLT_MAX))) return range.lo;
    if (!(x < static_cast<double>(FLT_MAX))) return range.hi;
    return float_key(static_cast<float>(x));
  }
  key = x / static_cast<double>(values.quantization.scale) + static_cast<double>(values.quantization.zero_point);
  if (!(key > static_cast<double>(range.lo))) return range.lo;
  if (!(key < static_cast<double>(range.hi))) return range.hi;
  return static_cast<int64_t>(floor(key + 0.5));
}

bool has_finite(const Values& values) {
  if (values.type != ValueType::kFloat32) return true;
  const float* f = static_cast<const float*>(values.data);
  for (size_t i = 0; i < values.count; ++i) {
    if (isfinite(f[i])) return true;
  }
  return false;
}

// Smallest and largest key; false when there is none (floats that are all NaN or inf).
template <typename T>
bool integer_extremes(const T* data, size_t n, int64_t* lo, int64_t* hi) {
  T a = data[0], b = data[0];
  for (size_t i = 1; i < n; ++i) {
    if (data[i] < a) a = data[i];
    if (data[i] > b) b = data[i];
  }
  *lo = a;
  *hi = b;
  return true;
}

bool float_extremes(const float* data, size_t n, int64_t* lo, int64_t* hi) {
  bool any = false;
  float a = 0.0f, b = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float f = data[i];
    if (!isfinite(f)) continue;
    if (!any || f < a) a = f;
    if (!any || f > b) b = f;
    any = true;
  }
  *lo = float_key(a);
  *hi = float_key(b);
  return any;
}

bool extremes(const Values& v, int64_t* lo, int64_t* hi) {
  switch (v.type) {
    case ValueType::kInt8: return integer_extremes(static_cast<const int8_t*>(v.data), v.count, lo, hi);
    case ValueType::kUint8: return integer_extremes(static_cast<const uint8_t*>(v.data), v.count, lo, hi);
    case ValueType::kInt16: return integer_extremes(static_cast<const int16_t*>(v.data), v.count, lo, hi);
    case ValueType::kInt32: return integer_extremes(static_cast<const int32_t*>(v.data), v.count, lo, hi);
    case ValueType::kFloat32: break;
  }
  return float_extremes(static_cast<const float*>(v.data), v.count, lo, hi);
}

// More values than the 32-bit counters can take, with `used` counted already.
bool too_many(size_t n, uint32_t used) { return static_cast<uint64_t>(n) > static_cast<uint64_t>(UINT32_MAX - used); }

// The bucket of `key` given the thresholds t[0..buckets]: how many are <= key, minus 1.
int bucket_by_thresholds(const int64_t* t, size_t buckets, int64_t key) {
  size_t a = 0, b = buckets + 1;
  while (a < b) {
    const size_t mid = a + (b - a) / 2;
    if (t[mid] <= key) {
      a = mid + 1;
    } else {
      b = mid;
    }
  }
  return static_cast<int>(a) - 1;
}

}  // namespace

// ---- placement ------------------------------------------------------------------------------

HistogramBase::HistogramBase(uint32_t* counts, int64_t* thresholds, size_t capacity)
    : counts_(counts), thresholds_(thresholds), capacity_(capacity) {
  (void)configure(Mode::kDataRange, capacity, 0.0, 0.0, nullptr);
}

Status HistogramBase::reset() { return reset(capacity_); }

Status HistogramBase::reset(size_t buckets) { return configure(Mode::kDataRange, buckets, 0.0, 0.0, nullptr); }

Status HistogramBase::reset_range(double lo, double hi, size_t buckets) {
  if (!isfinite(lo) || !isfinite(hi) || !(lo < hi) || !isfinite(hi - lo)) return Status::kInvalidArgument;
  return configure(Mode::kFixedRange, buckets, lo, hi, nullptr);
}

Status HistogramBase::reset_edges(const double* edges, size_t buckets) {
  if (edges == nullptr || buckets == 0) return Status::kInvalidArgument;
  if (buckets > capacity_) return Status::kTooLarge;
  for (size_t i = 0; i <= buckets; ++i) {
    if (!isfinite(edges[i]) || (i > 0 && !(edges[i - 1] < edges[i]))) return Status::kInvalidArgument;
  }
  return configure(Mode::kEdges, buckets, edges[0], edges[buckets], edges);
}

Status HistogramBase::configure(Mode mode, size_t buckets, double lo, double hi, const double* edges) {
  if (buckets == 0) return Status::kInvalidArgument;
  if (buckets > capacity_) return Status::kTooLarge;
  mode_ = mode;
  buckets_ = buckets;
  edges_ = edges;
  lo_ = lo;
  hi_ = hi;
  width_ = (hi - lo) / static_cast<double>(buckets);
  thresholds_valid_ = false;
  clear();
  return Status::kOk;
}

void HistogramBase::clear() {
  memset(counts_, 0, buckets_ * sizeof(counts_[0]));
  count_ = nonfinite_ = out_of_range_ = 0;
  sum_ = sum_squares_ = 0.0;
  direct_values_ = 0;
  scanned_ = false;
  scan_lo_ = scan_hi_ = 0.0;
  if (mode_ == Mode::kDataRange) {
    fixed_ = false;
    thresholds_valid_ = false;
    lo_ = hi_ = width_ = 0.0;
  } else {
    fixed_ = true;  // the thresholds stay valid: the edges did not move
  }
}

// TF2's rule: the first add() takes the range scan() found.
bool HistogramBase::freeze_range() {
  if (!scanned_) return false;
  lo_ = scan_lo_;
  hi_ = scan_hi_;
  width_ = (hi_ - lo_) / static_cast<double>(buckets_);
  fixed_ = true;
  thresholds_valid_ = false;
  return true;
}

// -1 below the buckets, buckets_ above them, else the bucket; never decreasing in value.
int HistogramBase::bucket_of(double value) const {
  const int k = static_cast<int>(buckets_);
  if (value < lo_) return -1;
  if (value > hi_) return k;
  if (mode_ == Mode::kEdges) {
    size_t a = 1, b = buckets_;  // how many of edges[1..k-1] are <= value
    while (a < b) {
      const size_t mid = a + (b - a) / 2;
      if (edges_[mid] <= value) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return static_cast<int>(a) - 1;
  }
  if (lo_ == hi_) return k - 1;  // every value equal: the last bucket
  const double q = (value - lo_) / width_;
  if (!(q < static_cast<double>(k - 1))) return k - 1;  // TF2 clamps; also catches q = inf
  return static_cast<int>(floor(q));
}

// thresholds_[j] = the smallest key whose bucket is >= j (one past the largest key when
// there is none), for j = 0..buckets_. Each search starts from the key nearest the
// bucket's edge, gallops to a bracket and bisects it: a few evaluations of bucket_of()
// per threshold (an exact bisection of 2^32 float keys would take 32).
void HistogramBase::find_thresholds(const Values& values) {
  const KeyRange range = key_range(values.type);
  const int64_t end = range.hi + 1;  // the "no key" sentinel
  int64_t from = range.lo;
  for (size_t j = 0; j <= buckets_; ++j) {
    const int target = static_cast<int>(j);
    auto at_least = [&](int64_t key) { return key >= end || bucket_of(real_of(values, key)) >= target; };
    int64_t guess = key_near(values, range, edge_for_threshold(j));
    if (guess < from) guess = from;
    int64_t below = from - 1, above = end;  // at_least(above); !at_least(below) unless below < from
    if (at_least(guess)) {
      above = guess;
      for (int64_t step = 1;; step *= 2) {
        const int64_t key = above - step;
        if (key < from) break;
        if (!at_least(key)) {
          below = key;
          break;
        }
        above = key;
      }
    } else {
      below = guess;
      for (int64_t step = 1;; step *= 2) {
        const int64_t key = below + step < end ? below + step : end;
        if (at_least(key)) {
          above = key;
          break;
        }
        below = key;
      }
    }
    while (above - below > 1) {
      const int64_t mid = below + (above - below) / 2;
      if (at_least(mid)) {
        above = mid;
      } else {
        below = mid;
      }
    }
    thresholds_[j] = above;
    from = above;
  }
  thresholds_valid_ = true;
  direct_values_ = 0;
  thresholds_type_ = values.type;
  thresholds_quantization_ = values.quantization;
}

// Where threshold j should be, in value: the left edge of bucket j (lo for j = 0, hi
// for the first key above the buckets).
double HistogramBase::edge_for_threshold(size_t j) const {
  if (j == 0) return lo_;
  if (j >= buckets_ || lo_ == hi_) return hi_;
  return mode_ == Mode::kEdges ? edges_[j] : lo_ + static_cast<double>(j) * width_;
}

// ---- counting ---------------------------------------------------------------------------------

void HistogramBase::tally(int bucket) {
  if (bucket < 0) {
    ++out_of_range_;
    bucket = 0;
  } else if (bucket >= static_cast<int>(buckets_)) {
    ++out_of_range_;
    bucket = static_cast<int>(buckets_) - 1;
  }
  ++counts_[bucket];
  ++count_;
}

template <typename T>
void HistogramBase::count_integers(const T* data, size_t n, const Values& values, bool use_thresholds) {
  if (use_thresholds) {
    for (size_t i = 0; i < n; ++i) tally(bucket_by_thresholds(thresholds_, buckets_, data[i]));
    return;
  }
  for (size_t i = 0; i < n; ++i) tally(bucket_of(detail::dequantise(values.quantization, data[i])));
}

void HistogramBase::count_floats(const float* data, size_t n, bool use_thresholds) {
  for (size_t i = 0; i < n; ++i) {
    const float f = data[i];
    if (!isfinite(f)) {
      ++nonfinite_;
      continue;
    }
    tally(use_thresholds ? bucket_by_thresholds(thresholds_, buckets_, float_key(f))
                         : bucket_of(static_cast<double>(f)));
  }
}

Status HistogramBase::scan(const Values& values) {
  if (!valid(values)) return Status::kInvalidArgument;
  if (mode_ != Mode::kDataRange) return Status::kOk;
  if (fixed_) return Status::kInvalidArgument;  // add() already placed the edges
  int64_t lo_key = 0, hi_key = 0;
  if (!extremes(values, &lo_key, &hi_key)) return Status::kOk;
  const double lo = real_of(values, lo_key);
  const double hi = real_of(values, hi_key);
  if (!scanned_ || lo < scan_lo_) scan_lo_ = lo;
  if (!scanned_ || hi > scan_hi_) scan_hi_ = hi;
  scanned_ = true;
  return Status::kOk;
}

Status HistogramBase::add(const Values& values) {
  if (!valid(values)) return Status::kInvalidArgument;
  if (too_many(values.count, count_ + nonfinite_)) return Status::kTooLarge;
  if (!fixed_) {
    if (!scanned_) {
      if (has_finite(values)) return Status::kInvalidArgument;  // no range to bucket them in
      nonfinite_ += static_cast<uint32_t>(values.count);
      return Status::kOk;
    }
    (void)freeze_range();
  }
  // Thresholds pay off once more values were bucketed than bisection steps find them:
  // per value until then (so 12 model outputs never pay for a table), by table after
  // (so a frame fed row by row does). At most twice the cheaper of the two.
  const bool cached = thresholds_valid_ && thresholds_type_ == values.type &&
                      (values.type == ValueType::kFloat32 ||
                       (memcmp(&thresholds_quantization_.scale, &values.quantization.scale, sizeof(float)) == 0 &&
                        thresholds_quantization_.zero_point == values.quantization.zero_point));
  const size_t setup = (buckets_ + 1) * kEvaluationsPerThreshold;
  const bool use_thresholds = cached || direct_values_ + values.count >= setup;
  if (use_thresholds && !cached) find_thresholds(values);
  if (!use_thresholds) direct_values_ += values.count;

  switch (values.type) {
    case ValueType::kInt8:
      count_integers(static_cast<const int8_t*>(values.data), values.count, values, use_thresholds);
      break;
    case ValueType::kUint8:
      count_integers(static_cast<const uint8_t*>(values.data), values.count, values, use_thresholds);
      break;
    case ValueType::kInt16:
      count_integers(static_cast<const int16_t*>(values.data), values.count, values, use_thresholds);
      break;
    case ValueType::kInt32:
      count_integers(static_cast<const int32_t*>(values.data), values.count, values, use_thresholds);
      break;
    case ValueType::kFloat32:
      count_floats(static_cast<const float*>(values.data), values.count, use_thresholds);
      break;
  }
  add_sums(values);
  return Status::kOk;
}

// sum and sum_squares of the finite values, for the classic form's HistogramProto.
// Integers are summed as integers (exact, one pass of adds and multiplies) and turned
// into reals once per call: sum (q - zp) = S1 - n zp, sum (q - zp)^2 = S2 - 2 zp S1 + n zp^2.
// int32 squares would overflow, so they, like floats, are summed as doubles.
namespace {

template <typename T>
void integer_sums(const T* data, size_t n, const Quantization& q, double* sum, double* squares) {
  int64_t s1 = 0;
  uint64_t s2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = data[i];
    s1 += v;
    s2 += static_cast<uint64_t>(static_cast<int64_t>(v) * v);
  }
  const double scale = static_cast<double>(q.scale);
  const double zp = static_cast<double>(q.zero_point);
  const double count = static_cast<double>(n);
  const double d1 = static_cast<double>(s1);
  *sum += scale * (d1 - count * zp);
  *squares += scale * scale * (static_cast<double>(s2) - 2.0 * zp * d1 + count * zp * zp);
}

void real_sums(const Values& values, double* sum, double* squares) {
  for (size_t i = 0; i < values.count; ++i) {
    const double v = detail::real_at(values, i);
    if (!isfinite(v)) continue;
    *sum += v;
    *squares += v * v;
  }
}

}  // namespace

void HistogramBase::add_sums(const Values& values) {
  switch (values.type) {
    case ValueType::kInt8:
      integer_sums(static_cast<const int8_t*>(values.data), values.count, values.quantization, &sum_, &sum_squares_);
      break;
    case ValueType::kUint8:
      integer_sums(static_cast<const uint8_t*>(values.data), values.count, values.quantization, &sum_,
                   &sum_squares_);
      break;
    case ValueType::kInt16:
      integer_sums(static_cast<const int16_t*>(values.data), values.count, values.quantization, &sum_,
                   &sum_squares_);
      break;
    case ValueType::kInt32:
    case ValueType::kFloat32:
      real_sums(values, &sum_, &sum_squares_);
      break;
  }
}

Status HistogramBase::compute(const Values& values) {
  if (!valid(values)) return Status::kInvalidArgument;
  if (too_many(values.count, 0)) return Status::kTooLarge;
  clear();
  (void)scan(values);  // cannot fail: valid, and clear() unfixed the range
  return add(values);
}

// ---- the tensor rows ------------------------------------------------------------------------------

double HistogramBase::left_edge(size_t i) const {
  if (i >= buckets_) return 0.0;
  if (mode_ == Mode::kEdges) return edges_[i];
  if (mode_ == Mode::kDataRange && count_ == 0) return 0.0;  // TF2: no data, rows of zeros
  if (lo_ == hi_) return lo_;
  return lo_ + static_cast<double>(i) * width_;
}

double HistogramBase::right_edge(size_t i) const {
  if (i >= buckets_) return 0.0;
  if (i + 1 < buckets_) return left_edge(i + 1);
  if (mode_ == Mode::kDataRange && count_ == 0) return 0.0;
  return hi_;
}

namespace {

void put_le_double(uint8_t* out, double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof(bits));
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(bits >> (8 * i));
}

// tensor_content, one 24-byte row (left, right, count as little-endian doubles) at a time.
bool produce_rows(const void* context, size_t, detail::ByteOut* out) {
  const HistogramBase& h = *static_cast<const HistogramBase*>(context);
  uint8_t row[24];
  for (size_t i = 0; i < h.buckets(); ++i) {
    put_le_double(row, h.left_edge(i));
    put_le_double(row + 8, h.right_edge(i));
    put_le_double(row + 16, static_cast<double>(h.bucket_count(i)));
    if (!out->write(row, sizeof(row))) return false;
  }
  return true;
}

}  // namespace

// ---- the summary ---------------------------------------------------------------------------

namespace {

double limit_at(const void* context, size_t i) { return static_cast<const HistogramBase*>(context)->right_edge(i); }

double count_at(const void* context, size_t i) {
  return static_cast<double>(static_cast<const HistogramBase*>(context)->bucket_count(i));
}

}  // namespace

// The classic HistogramProto. TensorBoard's data server turns it into the rows
// (min or bucket_limit[i - 1], bucket_limit[i] or max, bucket[i]), so with min and max the
// outer edges of the whole range it serves exactly the tensor form's rows. (Its Python
// loader, data_compat.py, also drops the empty buckets at both ends: with TF2's rule the
// end buckets are never empty but for no data.) With TF2's rule min and max are the
// data's own.
void detail::make_classic_histogram(const HistogramBase& h, detail::SummarySpec* spec) {
  spec->plugin_name = nullptr;
  spec->tensor = detail::TensorSpec{};
  detail::ClassicSpec& c = spec->classic;
  c = detail::ClassicSpec{};
  c.kind = detail::ValueKind::kHisto;
  c.min = h.left_edge(0);
  c.max = h.right_edge(h.buckets() - 1);
  c.num = static_cast<double>(h.count());
  c.sum = h.sum();
  c.sum_squares = h.sum_squares();
  c.buckets = h.buckets();
  c.histo = &h;
  c.limit = limit_at;
  c.count = count_at;
}

void detail::make_histogram(const HistogramBase& h, detail::SummarySpec* spec) {
  spec->classic = detail::ClassicSpec{};
  spec->plugin_name = "histograms";
  spec->data_class = detail::DataClass::kTensor;
  spec->tensor = detail::TensorSpec{};
  spec->tensor.dtype = detail::DType::kDouble;
  spec->tensor.rank = 2;
  spec->tensor.dims[0] = static_cast<int64_t>(h.buckets());
  spec->tensor.dims[1] = 3;
  spec->tensor.content.size = 24 * h.buckets();
  spec->tensor.content.produce = produce_rows;
  spec->tensor.content_context = &h;
}

}  // namespace tinytb
