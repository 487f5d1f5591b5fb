// tinytb (internal): reading a Values view (include/tinytb/values.h) as real numbers,
// by the one rule values.h documents. Shared by histograms and top-k tables.
#ifndef TINYTB_SRC_REAL_VALUES_H_
#define TINYTB_SRC_REAL_VALUES_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/values.h"

namespace tinytb {
namespace detail {

// Non-null data, a count above zero, a known type, and (for integers) a finite scale
// above zero.
bool valid_values(const Values& values);

// The real value of an integer q under `quantization`: (double)scale * (double)(q - zp).
inline double dequantise(const Quantization& quantization, int64_t q) {
  return static_cast<double>(quantization.scale) *
         static_cast<double>(q - static_cast<int64_t>(quantization.zero_point));
}

// Element i as a real (floats as they are, NaN and infinities included).
double real_at(const Values& values, size_t i);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_REAL_VALUES_H_
