// tinytb: the summary layer, values in TF2 tensor form.
#include "summary/summary.h"

#include <string.h>

namespace tinytb {
namespace detail {
namespace {

Blob c_string_at(const void* context, size_t index) {
  const char* s = static_cast<const char* const*>(context)[index];
  Blob blob;
  blob.data = reinterpret_cast<const uint8_t*>(s);
  blob.size = strlen(s);
  return blob;
}

}  // namespace

void make_scalar(const float* value, SummarySpec* spec) {
  spec->plugin_name = "scalars";
  spec->data_class = DataClass::kScalar;
  spec->tensor = TensorSpec{};
  spec->tensor.dtype = DType::kFloat;
  spec->tensor.rank = 0;
  spec->tensor.floats = value;
  spec->tensor.float_count = 1;
}

void make_text(const char* const* cells, size_t rows, size_t cols, uint8_t rank, SummarySpec* spec) {
  spec->plugin_name = "text";
  spec->data_class = DataClass::kTensor;
  spec->tensor = TensorSpec{};
  spec->tensor.dtype = DType::kString;
  spec->tensor.rank = rank;
  if (rank == 1) {
    spec->tensor.dims[0] = static_cast<int64_t>(cols);
  } else if (rank == 2) {
    spec->tensor.dims[0] = static_cast<int64_t>(rows);
    spec->tensor.dims[1] = static_cast<int64_t>(cols);
  }
  spec->tensor.strings.count = rows * cols;
  spec->tensor.strings.context = cells;
  spec->tensor.strings.at = c_string_at;
}

}  // namespace detail
}  // namespace tinytb
