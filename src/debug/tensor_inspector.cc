// tinytb: the tensor inspector (include/tinytb/debug/tensor_inspector.h).
#include "tinytb/debug/tensor_inspector.h"

#include <math.h>

#include "debug/debug_text.h"
#include "debug/int_to_float.h"

namespace tinytb {
namespace {

// Values summed into one float before the partial sum joins the total: a float sum of a
// few hundred terms keeps about float precision, and so does the sum of the partials, where
// one running float over a million values would drift by a part in a thousand.
constexpr size_t kBlock = 256;

bool usable_scale(float scale) { return scale > 0.0f && scale <= 3.4028235e38f; }
bool finite(float v) { return v == v && v <= 3.4028235e38f && v >= -3.4028235e38f; }

class BlockSum {
 public:
  void add(float v) {
    part_ += v;
    if (++in_part_ == kBlock) {
      total_ += part_;
      part_ = 0.0f;
      in_part_ = 0;
    }
  }
  float total() const { return total_ + part_; }

 private:
  float total_ = 0.0f;
  float part_ = 0.0f;
  size_t in_part_ = 0;
};

template <typename T>
void integer_stats(const T* d, size_t n, Quantization q, int64_t lowest, int64_t highest, TensorStats* st) {
  // Pass 1, exact: sum, extremes, zeros (q == zero_point is the real 0) and values at the
  // type's limits.
  int64_t sum = 0;
  int64_t lo = d[0];
  int64_t hi = d[0];
  uint32_t zeros = 0;
  uint32_t saturated = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = d[i];
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v == q.zero_point) ++zeros;
    if (v == lowest || v == highest) ++saturated;
  }
  const float count = static_cast<float>(n);
  const float mean_q = detail::int_to_float(sum) / count;
  // Pass 2: the spread around the mean, in float (the values are integers, so the only
  // rounding is in the squares' sums).
  BlockSum squares;
  for (size_t i = 0; i < n; ++i) {
    const float dv = static_cast<float>(d[i]) - mean_q;
    squares.add(dv * dv);
  }
  st->count = static_cast<uint32_t>(n);
  st->nonfinite = 0;
  st->min = q.scale * detail::int_to_float(lo - q.zero_point);
  st->max = q.scale * detail::int_to_float(hi - q.zero_point);
  st->mean = q.scale * (detail::int_to_float(sum - static_cast<int64_t>(n) * q.zero_point) / count);
  st->std = q.scale * sqrtf(squares.total() / count);
  st->zero_fraction = static_cast<float>(zeros) / count;
  st->saturated_fraction = static_cast<float>(saturated) / count;
}

Status float_stats(const float* d, size_t n, TensorStats* st) {
  BlockSum sum;
  uint32_t used = 0;
  uint32_t zeros = 0;
  float lo = 0.0f;
  float hi = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float v = d[i];
    if (!finite(v)) continue;
    if (used == 0 || v < lo) lo = v;
    if (used == 0 || v > hi) hi = v;
    if (v == 0.0f) ++zeros;
    sum.add(v);
    ++used;
  }
  if (used == 0) return Status::kInvalidArgument;
  const float count = static_cast<float>(used);
  const float mean = sum.total() / count;
  BlockSum squares;
  for (size_t i = 0; i < n; ++i) {
    if (!finite(d[i])) continue;
    const float dv = d[i] - mean;
    squares.add(dv * dv);
  }
  st->count = used;
  st->nonfinite = static_cast<uint32_t>(n) - used;
  st->min = lo;
  st->max = hi;
  st->mean = mean;
  st->std = sqrtf(squares.total() / count);
  st->zero_fraction = static_cast<float>(zeros) / count;
  st->saturated_fraction = 0.0f;
  return Status::kOk;
}

bool shape_given(HwcShape s) { return s.height != 0 || s.width != 0 || s.channels != 0; }

}  // namespace

Status tensor_stats(const Values& t, TensorStats* stats) {
  if (stats == nullptr || t.data == nullptr || t.count == 0 || t.count > 0xFFFFFFFFu) return Status::kInvalidArgument;
  if (t.type != ValueType::kFloat32 && !usable_scale(t.quantization.scale)) return Status::kInvalidArgument;
  TensorStats st;
  switch (t.type) {
    case ValueType::kFloat32: {
      const Status s = float_stats(static_cast<const float*>(t.data), t.count, &st);
      if (s != Status::kOk) return s;
      break;
    }
    case ValueType::kInt8:
      integer_stats(static_cast<const int8_t*>(t.data), t.count, t.quantization, -128, 127, &st);
      break;
    case ValueType::kUint8:
      integer_stats(static_cast<const uint8_t*>(t.data), t.count, t.quantization, 0, 255, &st);
      break;
    case ValueType::kInt16:
      integer_stats(static_cast<const int16_t*>(t.data), t.count, t.quantization, -32768, 32767, &st);
      break;
    case ValueType::kInt32:
      integer_stats(static_cast<const int32_t*>(t.data), t.count, t.quantization, INT32_MIN, INT32_MAX, &st);
      break;
    default:
      return Status::kInvalidArgument;
  }
  *stats = st;
  return Status::kOk;
}

const char* TensorInspector::tag(const char* prefix, const char* name) {
  static_assert(kMaxTag == detail::kMaxDebugTag, "one limit for every debug tag");
  detail::TextBuilder b(tag_, sizeof(tag_));
  b.add(prefix).add("/").add(name);
  if (b.overflowed()) tag_[0] = '\0';  // the writer refuses it: kInvalidTag
  return tag_;
}

// The statistics, their scalars and the histogram: a call of its own, so that its frame is
// gone before inspect() logs the image below it.
Status TensorInspector::log_stats(const char* prefix, int64_t step, const Values& tensor) {
  Status s = tensor_stats(tensor, &stats_);  // stats_ changes only when it succeeds
  if (s != Status::kOk) return s;
  struct Named {
    const char* name;
    float TensorStats::*value;
  };
  static constexpr Named kScalars[] = {{"min", &TensorStats::min},
                                       {"max", &TensorStats::max},
                                       {"mean", &TensorStats::mean},
                                       {"std", &TensorStats::std},
                                       {"zero_fraction", &TensorStats::zero_fraction},
                                       {"saturated_fraction", &TensorStats::saturated_fraction}};
  // Floats have no quantisation limits: their saturated fraction would be a constant 0.
  const size_t n = tensor.type == ValueType::kFloat32 ? 5 : 6;
  for (size_t i = 0; i < n; ++i) {
    s = writer_.scalar(tag(prefix, kScalars[i].name), step, stats_.*kScalars[i].value);
    if (s != Status::kOk) return s;
  }
  s = histogram_.compute(tensor);
  if (s != Status::kOk) return s;
  return writer_.histogram(tag(prefix, "histogram"), step, histogram_);
}

Status TensorInspector::inspect(const char* prefix, int64_t step, const Values& tensor, HwcShape shape) {
  if (prefix == nullptr) return Status::kInvalidArgument;
  const bool image = shape_given(shape);
  if (image && (shape.height == 0 || shape.width == 0 || shape.channels == 0 ||
                static_cast<size_t>(shape.height) * shape.width * shape.channels != tensor.count)) {
    return Status::kInvalidArgument;
  }
  Status s = log_stats(prefix, step, tensor);
  if (s != Status::kOk) return s;
  if (!image || canvas_ == nullptr || png_ == nullptr) return Status::kOk;
  s = draw_feature_maps(*canvas_, tensor, shape, map_options_);
  if (s != Status::kOk) return s;
  return writer_.image(tag(prefix, "channels"), step, canvas_->view(), *png_);
}

void TensorInspector::set_layer_prefix(uint32_t index, const char* name) {
  detail::TextBuilder b(prefix_, sizeof(prefix_));
  b.add("layers/").add_int(index, 2).add("_");
  // Interpreters name ops freely; only tag-safe characters go into the tag.
  size_t n = 0;
  for (; n < kMaxLayerName && name[n] != '\0'; ++n) b.add_char(detail::tag_safe(name[n]));
  if (n == 0) b.add("layer");
}

Status TensorInspector::layer(int64_t step, uint32_t index, const char* name, const Values& tensor, HwcShape shape) {
  if (name == nullptr) return Status::kInvalidArgument;
  set_layer_prefix(index, name);
  return inspect(prefix_, step, tensor, shape);
}

}  // namespace tinytb
