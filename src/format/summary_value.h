// tinytb (internal): one Summary.Value as the event encoder sees it: a tensor (dtype,
// shape, contents) plus the plugin metadata TensorBoard dispatches on. Pure data that
// points into caller memory; event.cc turns it into bytes, src/summary/ fills it from
// typed inputs (scalars, text, histograms, audio, images).
//
// Lifetime: a spec and everything it points to (tag, strings, contexts) must stay valid
// until the event that carries it has been encoded; nothing here is copied.
#ifndef TINYTB_SRC_FORMAT_SUMMARY_VALUE_H_
#define TINYTB_SRC_FORMAT_SUMMARY_VALUE_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/config.h"

namespace tinytb {
namespace detail {

// The tensor element types we write (values are TensorFlow's DataType numbers).
enum class DType : uint8_t { kFloat = 1, kDouble = 2, kString = 7 };

// SummaryMetadata.data_class.
enum class DataClass : uint8_t { kScalar = 1, kTensor = 2, kBlobSequence = 3 };

// Where a produced blob's bytes go (the encoder's output: nanopb's stream, or the direct
// encoder's buffer; format/event.h). write() returns false when the output fails; stop
// producing then. Inline, so that a producer pulls in no encoder of its own.
class ByteOut {
 public:
  ByteOut(bool (*write_fn)(void* context, const uint8_t* data, size_t size), void* context)
      : write_(write_fn), context_(context) {}
  bool write(const uint8_t* data, size_t size) { return write_(context_, data, size); }

 private:
  bool (*write_)(void* context, const uint8_t* data, size_t size);
  void* context_;
};

// One string_val entry: either `size` bytes at `data` (caller memory), or, when data
// is null, `size` bytes that `produce` writes in pieces while the event is encoded
// (WAV samples converted chunk by chunk, ...). produce() must write exactly `size`
// bytes; it is called once per encoding, never during the sizing passes.
struct Blob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool (*produce)(const void* context, size_t index, ByteOut* out) = nullptr;
};

// The strings of a DT_STRING tensor, produced on demand so nothing is copied.
struct StringSource {
  size_t count = 0;
  const void* context = nullptr;
  Blob (*at)(const void* context, size_t index) = nullptr;
};

struct TensorSpec {
  DType dtype = DType::kFloat;
  uint8_t rank = 0;
  int64_t dims[TINYTB_MAX_RANK] = {};
  const float* floats = nullptr;  // float_val (packed), `float_count` values
  size_t float_count = 0;
  StringSource strings;           // string_val
  // tensor_content: raw little-endian values, row-major. Either content.size bytes at
  // content.data, or produced while encoding by content.produce(content_context, 0, out).
  Blob content;
  const void* content_context = nullptr;
};

// Which field of Summary.Value carries the value: the TF2 tensor (field 8), or one of
// the classic fields tensorboardX and TF1 write (docs/format.md, "Summary forms").
enum class ValueKind : uint8_t { kTensor = 0, kSimple, kImage, kHisto, kAudio };

// The classic fields, for every kind but kTensor. kSimple reads tensor.floats[0].
//
// kImage and kAudio write one Summary.Value per item, all in the one event: item i is
// the string first + i * stride of tensor.strings (its Blob: data, or produced while
// encoding). With items > 1 value i is tagged "<tag><suffix><i>" (TF1's "/image/0", ...);
// with one item it carries the tag as it is.
//
// kHisto reads its buckets through limit() and count() with `histo` as the context.
struct ClassicSpec {
  ValueKind kind = ValueKind::kTensor;
  size_t items = 0;
  size_t first = 0;
  size_t stride = 1;
  const char* suffix = nullptr;
  // kImage
  int32_t width = 0;
  int32_t height = 0;
  int32_t colorspace = 0;
  // kAudio (content_type "audio/wav"); frames(tensor.strings.context, item).
  float sample_rate = 0.0f;
  int64_t num_channels = 0;
  int64_t (*frames)(const void* context, size_t item) = nullptr;
  // kHisto
  double min = 0.0;
  double max = 0.0;
  double num = 0.0;
  double sum = 0.0;
  double sum_squares = 0.0;
  size_t buckets = 0;
  const void* histo = nullptr;
  double (*limit)(const void* histo, size_t bucket) = nullptr;
  double (*count)(const void* histo, size_t bucket) = nullptr;
};

struct SummarySpec {
  const char* tag = nullptr;  // not NUL-terminated necessarily; tag_len bytes
  size_t tag_len = 0;
  const char* plugin_name = nullptr;
  DataClass data_class = DataClass::kScalar;
  // PluginData.content (a serialized plugin proto, e.g. AudioPluginData); empty = version 0.
  const uint8_t* plugin_content = nullptr;
  size_t plugin_content_size = 0;
  // Or, with plugin_content null: plugin_content_size bytes that plugin_produce(plugin_context,
  // out) writes while the event is encoded (never during the sizing passes), so a plugin proto
  // is streamed from its inputs instead of being serialized into a buffer first (hparams).
  bool (*plugin_produce)(const void* context, ByteOut* out) = nullptr;
  const void* plugin_context = nullptr;
  bool with_metadata = true;  // tensor form only: classic values carry no metadata
  TensorSpec tensor;
  ClassicSpec classic;
};

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_FORMAT_SUMMARY_VALUE_H_
