// tinytb: histograms bucketed on the device, in storage the caller owns, logged in
// TensorFlow 2's form (a DT_DOUBLE [k, 3] tensor: left edge, right edge, count).
//
//   static tinytb::Histogram<30> scores;     // up to 30 buckets; storage_bytes() is constexpr
//   if (scores.compute({out->data.int8, 12, {out->params.scale, out->params.zero_point}}) == kOk)
//     (void)writer.histogram("model/scores", step, scores);
//
// Where the buckets go, chosen by the last reset*():
//
//   reset(k)                TF2's rule (the default, k = the capacity): k equal buckets
//                           over [min, max] of the data. The edges depend on all of the
//                           data, so data fed in chunks is read twice: scan() every chunk,
//                           then add() every chunk. compute() does both for one array.
//   reset_range(lo, hi, k)  k equal buckets over [lo, hi], the same arithmetic: one pass,
//                           any number of chunks. For data that cannot be read twice
//                           (a DMA buffer that is refilled), with the sensor's known range.
//   reset_edges(edges, k)   buckets [e0, e1), [e1, e2), ... [e(k-1), ek] (last one closed).
//
// The rule, in double precision, is TensorBoard 2.20.0's
// (tensorboard/plugins/histogram/summary_v2.py, histogram_pb() and _buckets()):
//   width = (hi - lo) / k; bucket = min(floor((v - lo) / width), k - 1);
//   edge i = lo + i * width (i < k), edge k = hi.
//   No data: k rows of zeros. Every value equal: every edge is that value and only the
//   last bucket counts (all of them).
// Values are turned into reals as values.h says, so a host can recompute every edge and
// count exactly from the same inputs (tests/tensorboard does, with TensorBoard's own code).
//
// Values outside the buckets (possible with reset_range / reset_edges, or when a chunk
// changed between scan() and add()) are counted in the first or last bucket, as
// tf.histogram_fixed_width does, and in out_of_range(). NaN and infinities are never
// counted in a bucket: add() skips them and counts them in nonfinite().
//
// Cost: once enough values came in, they are bucketed by integer compares against
// per-bucket thresholds found once per (input type, quantisation, edges), so a 96x96
// frame costs 9216 short binary searches, not 9216 double divisions (software on
// Cortex-M4F, ESP32-S3 and RP2040). Same results bit for bit. docs/summaries.md has figures.
//
// Errors: every call checks its arguments first and on failure changes nothing.
// Not thread-safe; a histogram belongs to one task.
#ifndef TINYTB_HISTOGRAM_H_
#define TINYTB_HISTOGRAM_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/status.h"
#include "tinytb/values.h"

namespace tinytb {

// The size-erased histogram. Use Histogram<K> to get one with storage.
class HistogramBase {
 public:
  static constexpr size_t kDefaultBuckets = 30;  // tf.summary.histogram's default

  HistogramBase(const HistogramBase&) = delete;
  HistogramBase& operator=(const HistogramBase&) = delete;

  // TF2's rule with capacity() buckets, or with `buckets`. Clears the counts.
  // kInvalidArgument for 0 buckets, kTooLarge for more than capacity().
  Status reset();
  Status reset(size_t buckets);
  // `buckets` equal buckets over [lo, hi]. kInvalidArgument unless lo < hi, both
  // finite and hi - lo finite; bucket counts as reset().
  Status reset_range(double lo, double hi, size_t buckets);
  // `buckets` buckets between buckets + 1 caller edges, finite and strictly increasing
  // (kInvalidArgument otherwise). The histogram BORROWS `edges`: keep the array valid
  // and unchanged until the next reset*() (a `static const double[]` is the usual case).
  Status reset_edges(const double* edges, size_t buckets);

  // Zero the counts and forget the data range; keep the bucket placement.
  void clear();

  // Pass 1 of TF2's rule: widen [min, max] by these values (NaN and infinities are
  // ignored). Only before the first add() since the last clear()/reset*(): afterwards
  // kInvalidArgument (the edges are fixed). With reset_range/reset_edges it only checks
  // its argument. Errors: kInvalidArgument for a null pointer, zero count or bad scale.
  Status scan(const Values& values);

  // Count the values into the buckets. With TF2's rule the first add() fixes the edges
  // from what scan() saw; finite values with nothing scanned before are kInvalidArgument.
  // Errors: as scan(), and kTooLarge if more than 2^32 - 1 values would be counted.
  Status add(const Values& values);

  // clear(), then scan() and add() over one array: the histogram of exactly these values.
  Status compute(const Values& values);

  size_t capacity() const { return capacity_; }
  size_t buckets() const { return buckets_; }
  // Finite values counted by add() (out-of-range ones included), NaN/infinities skipped,
  // and values counted in an end bucket because they were outside it.
  uint32_t count() const { return count_; }
  uint32_t nonfinite() const { return nonfinite_; }
  uint32_t out_of_range() const { return out_of_range_; }
  // The sum and the sum of squares of the finite values add() counted, as reals (values.h),
  // in double precision: the classic form's HistogramProto carries them.
  double sum() const { return sum_; }
  double sum_squares() const { return sum_squares_; }

  // Row i of the tensor writer.histogram() logs (0 for i >= buckets()).
  double left_edge(size_t i) const;
  double right_edge(size_t i) const;
  uint32_t bucket_count(size_t i) const { return i < buckets_ ? counts_[i] : 0; }

 protected:
  HistogramBase(uint32_t* counts, int64_t* thresholds, size_t capacity);
  ~HistogramBase() = default;

 private:
  enum class Mode : uint8_t { kDataRange, kFixedRange, kEdges };
  struct Thresholds;

  Status configure(Mode mode, size_t buckets, double lo, double hi, const double* edges);
  bool freeze_range();
  int bucket_of(double value) const;
  double edge_for_threshold(size_t j) const;
  void find_thresholds(const Values& values);
  template <typename T>
  void count_integers(const T* data, size_t n, const Values& values, bool use_thresholds);
  void count_floats(const float* data, size_t n, bool use_thresholds);
  void tally(int bucket);
  void add_sums(const Values& values);

  // Storage (owned by the derived Histogram).
  uint32_t* const counts_;
  int64_t* const thresholds_;  // capacity + 1 keys: see find_thresholds()
  const size_t capacity_;

  // Placement.
  Mode mode_ = Mode::kDataRange;
  size_t buckets_ = 0;
  double lo_ = 0.0;
  double hi_ = 0.0;
  double width_ = 0.0;
  const double* edges_ = nullptr;
  bool fixed_ = false;  // lo_/hi_ hold the edges (always, except TF2's rule before add())

  // TF2's rule, pass 1.
  bool scanned_ = false;
  double scan_lo_ = 0.0;
  double scan_hi_ = 0.0;

  // Which input the thresholds were found for.
  bool thresholds_valid_ = false;
  ValueType thresholds_type_ = ValueType::kFloat32;
  Quantization thresholds_quantization_;
  size_t direct_values_ = 0;  // bucketed one by one since the thresholds were last valid

  uint32_t count_ = 0;
  uint32_t nonfinite_ = 0;
  uint32_t out_of_range_ = 0;
  double sum_ = 0.0;
  double sum_squares_ = 0.0;
};

// A histogram with storage for up to K buckets (12 K + 8 bytes besides the base). It
// starts as reset(): TF2's rule with K buckets.
template <size_t K = HistogramBase::kDefaultBuckets>
class Histogram : public HistogramBase {
  static_assert(K >= 1 && K <= 65535, "K must be 1..65535 buckets");

 public:
  static constexpr size_t kCapacity = K;
  // Bytes of RAM this histogram takes (constexpr).
  static constexpr size_t storage_bytes() { return sizeof(Histogram); }

  Histogram() : HistogramBase(counts_, thresholds_, K) {}

 private:
  uint32_t counts_[K];
  int64_t thresholds_[K + 1];
};

}  // namespace tinytb

#endif  // TINYTB_HISTOGRAM_H_
