// tinytb: Values as real numbers.
#include "summary/real_values.h"

#include <math.h>

namespace tinytb {
namespace detail {

bool valid_values(const Values& values) {
  if (values.data == nullptr || values.count == 0) return false;
  switch (values.type) {
    case ValueType::kFloat32: return true;
    case ValueType::kInt8:
    case ValueType::kUint8:
    case ValueType::kInt16:
    case ValueType::kInt32: break;
    default: return false;
  }
  const float scale = values.quantization.scale;
  return isfinite(scale) && scale > 0.0f;
}

double real_at(const Values& v, size_t i) {
  switch (v.type) {
    case ValueType::kInt8: return dequantise(v.quantization, static_cast<const int8_t*>(v.data)[i]);
    case ValueType::kUint8: return dequantise(v.quantization, static_cast<const uint8_t*>(v.data)[i]);
    case ValueType::kInt16: return dequantise(v.quantization, static_cast<const int16_t*>(v.data)[i]);
    case ValueType::kInt32: return dequantise(v.quantization, static_cast<const int32_t*>(v.data)[i]);
    case ValueType::kFloat32: break;
  }
  return static_cast<double>(static_cast<const float*>(v.data)[i]);
}

}  // namespace detail
}  // namespace tinytb
