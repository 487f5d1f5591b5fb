// The scanner's per-file tag statistics stay within the bound docs/security.md states
// (kTagStatsBytesPerTag per tag, everything included), even for tags and plugin names as
// long as a file can make them. Measured: a global operator new that counts live bytes
// (malloc_usable_size, what the allocator really hands out), switched on for one scan.
// Not under AddressSanitizer, which owns the allocator there.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <new>
#include <string>

#include "event_scan.h"
#include "record_builder.h"

#if !defined(__SANITIZE_ADDRESS__)

namespace {

bool g_counting = false;
size_t g_live = 0;
size_t g_peak = 0;

void* counted_alloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  if (g_counting) {
    g_live += malloc_usable_size(p);
    if (g_live > g_peak) g_peak = g_live;
  }
  return p;
}

void counted_free(void* p) {
  if (p == nullptr) return;
  if (g_counting) {
    const size_t n = malloc_usable_size(p);
    g_live = g_live > n ? g_live - n : 0;
  }
  std::free(p);
}

}  // namespace

void* operator new(size_t n) { return counted_alloc(n); }
void* operator new[](size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }

namespace {

using tinytb_test::Bytes;
using tinytb_test::Pb;

// A scalar whose tag is `tag` and whose metadata names a plugin `plugin`.
Pb value_with_plugin(const std::string& tag, const std::string& plugin) {
  Pb value = tinytb_test::scalar_value(tag, 1.0f, false);
  Pb pd;
  pd.string_field(1, plugin);
  Pb meta;
  meta.message_field(1, pd);
  value.message_field(9, meta);
  return value;
}

// Peak heap bytes of one scan of a file of kRecords values on `tags` distinct tags of 300
// bytes (cut to 256), each named with a 4000-byte plugin name.
constexpr size_t kRecords = 3000;
size_t scan_peak(size_t tags, size_t* tag_bytes, size_t* kind_bytes) {
  const std::string plugin(4000, 'p');  // plugin names a file can make as long as it likes
  Bytes file = tinytb_test::frame(tinytb_test::file_version_event().out);
  for (size_t i = 0; i < kRecords; ++i) {
    std::string tag = "tag" + std::to_string(i % tags) + "/";
    tag.resize(300, 'x');
    const int64_t step = static_cast<int64_t>(i / tags);
    const Bytes record =
        tinytb_test::frame(tinytb_test::summary_event(1.0, step, value_with_plugin(tag, plugin)).out);
    file.insert(file.end(), record.begin(), record.end());
  }
  tinytb_tool::MemorySource source(file.data(), file.size());
  g_live = g_peak = 0;
  g_counting = true;
  {
    const tinytb_tool::ScanResult r = tinytb_tool::scan_event_file(source, tinytb_tool::ScanOptions());
    *tag_bytes = r.tags.empty() ? 0 : r.tags[0].tag.size();
    *kind_bytes = r.tags.empty() ? 0 : r.tags[0].kind.size();
  }
  g_counting = false;
  return g_peak;
}

TEST(TagMemory, StatisticsStayWithinTheStatedBoundPerTag) {
  // The fixed part (read-ahead, one payload, the parsed event) from the same records on
  // one tag; what more tags add is the statistics.
  size_t tag_bytes = 0, kind_bytes = 0;
  const size_t one = scan_peak(1, &tag_bytes, &kind_bytes);
  constexpr size_t kTags = kRecords;
  const size_t many = scan_peak(kTags, &tag_bytes, &kind_bytes);
  EXPECT_EQ(tag_bytes, tinytb_tool::ScanOptions().max_tag_bytes);
  EXPECT_LE(kind_bytes, tinytb_tool::kMaxKindBytes);
  const size_t per_tag = (many > one ? many - one : 0) / (kTags - 1);
  RecordProperty("bytes_per_tag", static_cast<int>(per_tag));
  EXPECT_LE(per_tag, tinytb_tool::kTagStatsBytesPerTag) << "peak " << many << " B, " << one << " B with one tag";
  EXPECT_GT(per_tag, tinytb_tool::ScanOptions().max_tag_bytes) << "the count must see the tags themselves";
}

}  // namespace

#endif  // !defined(__SANITIZE_ADDRESS__)
