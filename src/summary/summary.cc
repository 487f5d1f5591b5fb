// tinytb: the summary layer: scalars and text, in the tensor and the classic forms.
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

// ---- lists and tables as one Markdown string ---------------------------------------------

// Writes the Markdown text, or only counts it when `out` is null.
struct MarkdownSink {
  ByteOut* out;
  size_t bytes;
  bool ok;
  void put(const char* p, size_t n) {
    bytes += n;
    if (out != nullptr && n > 0 && ok) ok = out->write(reinterpret_cast<const uint8_t*>(p), n);
  }
};

// A list item: a line break becomes a hard one (two spaces before it: TensorBoard would
// join the lines otherwise) and the next line is indented, so it stays in the item.
void put_item(const char* s, MarkdownSink* sink) {
  sink->put("- ", 2);
  const char* run = s;
  for (const char* p = s; *p != '\0'; ++p) {
    if (*p != '\n') continue;
    sink->put(run, static_cast<size_t>(p - run));
    sink->put("  \n  ", 5);
    run = p + 1;
  }
  sink->put(run, strlen(run));
  sink->put("\n", 1);
}

// A table cell: one line, its '|' not splitting it.
void put_cell(const char* s, MarkdownSink* sink) {
  sink->put(" ", 1);
  const char* run = s;
  bool in_code = false;
  for (const char* p = s; *p != '\0'; ++p) {
    const char c = *p;
    if (c == '`') in_code = !in_code;
    const bool bare_pipe = c == '|' && !in_code && (p == s || p[-1] != '\\');
    if (!bare_pipe && c != '\n' && c != '\r') continue;
    sink->put(run, static_cast<size_t>(p - run));
    run = p + 1;
    if (bare_pipe) {
      sink->put("\\|", 2);
    } else if (c == '\n') {
      sink->put("<br>", 4);
    }
  }
  sink->put(run, strlen(run));
  sink->put(" |", 2);
}

void put_markdown(const MarkdownText& text, MarkdownSink* sink) {
  if (text.rank == 1) {
    for (size_t i = 0; i < text.cols; ++i) put_item(text.cells[i], sink);
    return;
  }
  sink->put("|", 1);
  for (size_t c = 0; c < text.cols; ++c) sink->put("  |", 3);
  sink->put("\n|", 2);
  for (size_t c = 0; c < text.cols; ++c) sink->put(" --- |", 6);
  sink->put("\n", 1);
  for (size_t r = 0; r < text.rows; ++r) {
    sink->put("|", 1);
    for (size_t c = 0; c < text.cols; ++c) put_cell(text.cells[r * text.cols + c], sink);
    sink->put("\n", 1);
  }
}

bool produce_markdown(const void* context, size_t, ByteOut* out) {
  MarkdownSink sink{out, 0, true};
  put_markdown(*static_cast<const MarkdownText*>(context), &sink);
  return sink.ok;
}

Blob markdown_at(const void* context, size_t) {
  MarkdownSink sink{nullptr, 0, true};
  put_markdown(*static_cast<const MarkdownText*>(context), &sink);
  Blob blob;
  blob.size = sink.bytes;
  blob.produce = produce_markdown;
  return blob;
}

}  // namespace

void make_simple_scalar(const float* value, SummarySpec* spec) {
  make_scalar(value, spec);
  spec->plugin_name = nullptr;
  spec->classic.kind = ValueKind::kSimple;
}

void make_markdown_text(const char* const* cells, size_t rows, size_t cols, uint8_t rank, MarkdownText* text,
                        SummarySpec* spec) {
  *text = MarkdownText{cells, rows, cols, rank};
  make_text(cells, 1, 1, 0, spec);
  spec->tensor.strings.context = text;
  spec->tensor.strings.at = markdown_at;
}

void make_scalar(const float* value, SummarySpec* spec) {
  spec->plugin_name = "scalars";
  spec->data_class = DataClass::kScalar;
  spec->classic = ClassicSpec{};
  spec->tensor = TensorSpec{};
  spec->tensor.dtype = DType::kFloat;
  spec->tensor.rank = 0;
  spec->tensor.floats = value;
  spec->tensor.float_count = 1;
}

void make_text(const char* const* cells, size_t rows, size_t cols, uint8_t rank, SummarySpec* spec) {
  spec->plugin_name = "text";
  spec->data_class = DataClass::kTensor;
  spec->classic = ClassicSpec{};
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
