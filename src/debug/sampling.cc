// tinytb: sampling policies and triggers (include/tinytb/debug/sampling.h).
#include "tinytb/debug/sampling.h"

#include "debug/int_to_float.h"

namespace tinytb {
namespace {

// Finite, above zero: the scale rule of values.h, checked without <cmath>.
bool usable_scale(float scale) { return scale > 0.0f && scale <= 3.4028235e38f; }

template <typename T>
void best_integer(const T* data, size_t n, Quantization q, Sample* out) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (data[i] > data[best]) best = i;
  }
  out->value = q.scale * detail::int_to_float(static_cast<int64_t>(data[best]) - q.zero_point);
  out->label = static_cast<int32_t>(best);
}

}  // namespace

Sample Sample::top1(int64_t step, const Values& scores) {
  Sample s;
  s.step = step;
  s.value = __builtin_nanf("");
  if (scores.data == nullptr || scores.count == 0 || scores.count > 0x7FFFFFFFu) return s;
  if (scores.type != ValueType::kFloat32 && !usable_scale(scores.quantization.scale)) return s;
  // Integers: the largest q is the largest real (scale > 0), so the argmax needs no conversion.
  switch (scores.type) {
    case ValueType::kInt8:
      best_integer(static_cast<const int8_t*>(scores.data), scores.count, scores.quantization, &s);
      break;
    case ValueType::kUint8:
      best_integer(static_cast<const uint8_t*>(scores.data), scores.count, scores.quantization, &s);
      break;
    case ValueType::kInt16:
      best_integer(static_cast<const int16_t*>(scores.data), scores.count, scores.quantization, &s);
      break;
    case ValueType::kInt32:
      best_integer(static_cast<const int32_t*>(scores.data), scores.count, scores.quantization, &s);
      break;
    case ValueType::kFloat32: {
      const float* f = static_cast<const float*>(scores.data);
      for (size_t i = 0; i < scores.count; ++i) {
        if (f[i] == f[i] && (s.label < 0 || f[i] > s.value)) {
          s.value = f[i];
          s.label = static_cast<int32_t>(i);
        }
      }
      break;
    }
  }
  return s;
}

bool EveryNSteps::due(const Sample& s) const {
  if (n_ == 0) return false;
  // The remainder of a negative step is negative or zero: zero is all that matters.
  return s.step % static_cast<int64_t>(n_) == 0;
}

bool FirstN::sample(const Sample& s) {
  if (!due(s)) return false;
  taken(s);
  return true;
}

bool OnChange::due(const Sample& s) const {
  if (!have_) return true;
  const bool now_nan = s.value != s.value;
  const bool last_nan = last_ != last_;
  if (now_nan || last_nan) return now_nan != last_nan;
  if (s.value == last_) return false;  // equal, infinities included: no change
  const float diff = s.value > last_ ? s.value - last_ : last_ - s.value;
  return diff > threshold_;  // inf - finite is inf: a change beyond any threshold
}

bool OnChange::sample(const Sample& s) {
  if (!due(s)) return false;
  taken(s);
  return true;
}

bool ClassFlip::due(const Sample& s) {
  const bool flip = have_ && s.label != last_;
  previous_ = last_;
  last_ = s.label;
  have_ = true;
  return flip;
}

namespace detail {

bool RateLimitBase::due_in(const uint64_t* times) {
  now_valid_ = false;
  if (uptime_ms_ == nullptr) return false;
  now_ = uptime_ms_();
  now_valid_ = true;
  if (period_ms_ == 0 || used_ < k_) return true;
  // A clock that went back (below the newest take): a new epoch, so due; taken() forgets the ring.
  if (now_ < times[(head_ + used_ - 1) % k_]) return true;
  return now_ - times[head_] >= period_ms_;
}

void RateLimitBase::taken_in(uint64_t* times) {
  if (!now_valid_) return;
  if (used_ > 0) {
    const uint64_t newest = times[(head_ + used_ - 1) % k_];
    if (now_ < newest) reset_ring();
  }
  if (used_ < k_) {
    times[(head_ + used_) % k_] = now_;
    ++used_;
  } else {
    times[head_] = now_;  // the oldest leaves, the newest takes its place
    head_ = (head_ + 1) % k_;
  }
  now_valid_ = false;
}

}  // namespace detail
}  // namespace tinytb
