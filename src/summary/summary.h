// tinytb (internal): the summary layer's builders. Each turns typed inputs (a float,
// strings, a histogram, audio clips, a model's scores) into a detail::SummarySpec
// (format/summary_value.h): the TF2 tensor plus the plugin metadata TensorBoard
// dispatches on. Pure data: nothing here encodes or writes. The writer (src/writer/)
// checks tag and step, then hands the spec to the event encoder.
//
// Ownership: a spec points into the inputs and into the state struct a builder fills
// (AudioSource, TopK); the caller keeps all of them alive until the event is encoded.
// Nothing is copied, nothing allocated.
#ifndef TINYTB_SRC_SUMMARY_H_
#define TINYTB_SRC_SUMMARY_H_

#include <stddef.h>
#include <stdint.h>

#include "format/summary_value.h"
#include "tinytb/status.h"
#include "tinytb/summary/audio.h"
#include "tinytb/summary/histogram.h"
#include "tinytb/summary/top_k.h"
#include "tinytb/values.h"

namespace tinytb {
namespace detail {

// Work that must run once the record has room in the writer's queue and before it is
// encoded: the writer calls place(context, payload, bytes) with `payload` where the
// record's payload will start and `bytes` the largest payload the spec can make (as sized
// with the blobs' at() answers at that time). A failure is returned as it is and nothing
// is queued. Null place: nothing to do.
struct PlaceHook {
  Status (*place)(void* context, uint8_t* payload, size_t bytes) = nullptr;
  void* context = nullptr;
};

// Work before a record larger than the writer's queue is streamed to the sink
// (docs/storage.md, "Records larger than the queue"): the writer has flushed its queue and
// calls measure(context, window, bytes) with `window_bytes` of it (or more) that the
// summary's producers may use until the record is written. After kOk every blob's at()
// gives its exact size. Null measure: the sizes are exact already; window_bytes is 0.
struct StreamHook {
  Status (*measure)(void* context, uint8_t* window, size_t bytes) = nullptr;
  void* context = nullptr;
  size_t window_bytes = 0;
};

// A scalar: DT_FLOAT rank 0, plugin "scalars", data class SCALAR. `value` must
// outlive the spec.
void make_scalar(const float* value, SummarySpec* spec);
// The classic form: simple_value, no metadata (docs/format.md, "Summary forms").
void make_simple_scalar(const float* value, SummarySpec* spec);

// Text: DT_STRING of rank 0 (rows = cols = 1), 1 (rows = 1, cols = count) or 2
// (rows x cols), plugin "text", data class TENSOR. `cells` (NUL-terminated strings)
// must outlive the spec.
void make_text(const char* const* cells, size_t rows, size_t cols, uint8_t rank, SummarySpec* spec);

// A list (rank 1: rows = 1, cols = count) or a table (rank 2: rows x cols) as ONE
// Markdown string, DT_STRING rank 0, plugin "text", data class TENSOR: what the classic
// form writes, because tbparse fails on rank-1 and rank-2 strings. A list is "- item\n"
// per item, an item's line break a hard one ("  \n") followed by two spaces of indent. A table is a pipe table
// with an empty header row (TensorBoard draws rank-2 tables without one), then one row
// per table row; in a cell a '|' gets a backslash (unless it has one, or lies in a code
// span), a line break becomes "<br>" and '\r' is dropped.
struct MarkdownText {
  const char* const* cells = nullptr;
  size_t rows = 0;
  size_t cols = 0;
  uint8_t rank = 0;
};
// Fills `text` and `spec`; `cells` and `text` must outlive the spec. The string is
// produced while the event is encoded; its size is computed here (one pass over the cells).
void make_markdown_text(const char* const* cells, size_t rows, size_t cols, uint8_t rank, MarkdownText* text,
                        SummarySpec* spec);

// A histogram (tinytb/summary/histogram.h): DT_DOUBLE [buckets, 3] rows of (left edge,
// right edge, count), produced while the event is encoded; plugin "histograms", data
// class TENSOR. `histogram` is only read, and must outlive the spec.
void make_histogram(const HistogramBase& histogram, SummarySpec* spec);
// The classic form: a HistogramProto (min, max, num, sum, sum_squares, bucket_limit =
// the right edges, bucket = the counts), built so TensorBoard shows the tensor form's rows
// (histogram.cc says how). `histogram` must outlive the spec.
void make_classic_histogram(const HistogramBase& histogram, SummarySpec* spec);

// What the WAV producers read while the event is encoded; make_audio() fills it.
struct AudioSource {
  const AudioClip* clips = nullptr;
  uint32_t sample_rate = 0;
  uint16_t channels = 0;
  bool labelled = false;  // string_val is clip, label, clip, label, ... ([k, 2])
};

// `count` clips (tinytb/summary/audio.h) as 16-bit PCM WAV files: DT_STRING [count], or
// [count, 2] when any clip has a label; plugin "audio" with encoding WAV; data class
// BLOB_SEQUENCE. The WAV bytes are produced while the event is encoded, never stored.
// Checks the arguments as EventWriterBase::audio() documents them: kInvalidArgument, or
// kTooLarge for a clip beyond a WAV file's 4 GiB or beyond `max_bytes` (the most one
// record may take). On kOk `source` and `spec` are filled; `clips` and `source` must
// outlive the spec. On an error neither is usable.
Status make_audio(const AudioClip* clips, size_t count, uint32_t sample_rate, uint16_t channels, size_t max_bytes,
                  AudioSource* source, SummarySpec* spec);
// After a make_audio() that returned kOk: the same clips in the classic form, one
// Summary.Audio per clip (content type "audio/wav", no label: the form has none), tagged
// "<tag>/audio/<i>" when there are several.
void make_classic_audio(SummarySpec* spec);

// The ranking make_top_k() found, read while the event is encoded.
struct TopK {
  const Values* scores;
  const char* const* labels;
  size_t k;
  size_t order[kMaxTopK];  // the classes shown, best first
};

// The `k` best of `scores` as the Markdown table EventWriterBase::text_top_k() documents:
// DT_STRING rank 0, plugin "text", data class TENSOR, the string formatted while the
// event is encoded. kInvalidArgument for bad scores, k = 0, k above scores.count or
// kMaxTopK, a null or non-UTF-8 label or one with a line break among the k shown;
// kTooLarge for a label above `max_bytes`. On kOk `top` and `spec` are filled; `scores`,
// `labels` and `top` must outlive the spec.
Status make_top_k(const Values& scores, const char* const* labels, size_t k, size_t max_bytes, TopK* top,
                  SummarySpec* spec);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_SUMMARY_H_
