// tinytb: a model's best classes as a text table (EventWriterBase::text_top_k()).
//
// The ranking keeps one class index per shown row on the stack of the logging call, so
// the number of rows has a fixed ceiling.
#ifndef TINYTB_TOP_K_H_
#define TINYTB_TOP_K_H_

#include <stddef.h>

namespace tinytb {

// The most classes text_top_k() shows (also EventWriterBase::kMaxTopK).
constexpr size_t kMaxTopK = 32;

}  // namespace tinytb

#endif  // TINYTB_TOP_K_H_
