// The constexpr sizes in tinytb/sizing.h against what the encoder really writes.
#include "tinytb/summary/sizing.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "test_sink.h"
#include "tinytb/writer/event_writer.h"
#include "wall_clock.h"

namespace {

using tinytb_test::tensor_form;

constexpr tinytb::SummaryForm kForms[] = {tinytb::SummaryForm::kTensor, tinytb::SummaryForm::kClassic};

using tinytb::Status;

tinytb::WallTime wall() { return wall_time_of(1.7e9); }

// Bytes one call adds to the file (max_queue = 1: every record is flushed alone).
template <typename Log>
size_t record_size(Log log, tinytb::SummaryForm form = tinytb::SummaryForm::kTensor) {
  tinytb_test::TestSink sink;
  auto owned = std::make_unique<tinytb::EventWriter<70000, 2, 128>>();  // fresh steps every time
  auto& writer = *owned;
  tinytb::WriterOptions options = tensor_form();
  options.form = form;
  options.max_queue = 1;
  options.clock.wall_time = wall;
  EXPECT_EQ(writer.open(sink, options), Status::kOk);
  const size_t before = sink.last().bytes.size();
  EXPECT_EQ(log(writer), Status::kOk);
  const size_t after = sink.last().bytes.size();
  EXPECT_EQ(writer.close(), Status::kOk);
  return after - before;
}

TEST(Sizing, ScalarBoundHoldsAndIsTight) {
  static_assert(tinytb::scalar_record_bytes(16) < 100, "a scalar is small");
  for (size_t len = 1; len <= 128; ++len) {
    const std::string tag(len, 't');
    for (int64_t step : {int64_t{0}, int64_t{1}, int64_t{300}, std::numeric_limits<int64_t>::max(), int64_t{-1}}) {
      const std::string unique = tag.substr(0, len);
      const size_t real = record_size([&](tinytb::EventWriterBase& w) { return w.scalar(unique.c_str(), step, 1.5f); });
      EXPECT_LE(real, tinytb::scalar_record_bytes(len)) << "tag " << len << " step " << step;
      EXPECT_GE(real + 12, tinytb::scalar_record_bytes(len)) << "bound too loose, tag " << len;
      const size_t classic = record_size([&](tinytb::EventWriterBase& w) { return w.scalar(unique.c_str(), step, 1.5f); },
                                         tinytb::SummaryForm::kClassic);
      EXPECT_LE(classic, tinytb::scalar_record_bytes(len)) << "classic, tag " << len << " step " << step;
    }
  }
}

void text_bound_holds(tinytb::SummaryForm form);

TEST(Sizing, TextBoundHolds) {
  for (tinytb::SummaryForm form : kForms) {
    text_bound_holds(form);
  }
  // The classic form's worst cases: every byte a '|' (two bytes in a cell) or a line break
  // ("<br>" in a cell, five bytes in a list item).
  for (const char* fill : {"|", "\n", "a"}) {
    const std::string cell(300, fill[0]);
    const char* ptrs[4] = {cell.c_str(), cell.c_str(), cell.c_str(), cell.c_str()};
    for (size_t rows : {1u, 2u, 4u}) {
      const size_t table = record_size([&](tinytb::EventWriterBase& w) { return w.text_table("t", 1, ptrs, rows, 4 / rows); },
                                       tinytb::SummaryForm::kClassic);
      EXPECT_LE(table, tinytb::text_record_bytes(1, 4, 1200, 2)) << fill << rows;
    }
    const size_t list = record_size([&](tinytb::EventWriterBase& w) { return w.text_list("t", 1, ptrs, 4); },
                                    tinytb::SummaryForm::kClassic);
    EXPECT_LE(list, tinytb::text_record_bytes(1, 4, 1200, 1)) << fill;
  }
}

void text_bound_holds(tinytb::SummaryForm form) {
  for (size_t n : {0u, 1u, 100u, 127u, 128u, 5000u, 60000u}) {
    const std::string s(n, 'm');
    const size_t real = record_size([&](tinytb::EventWriterBase& w) { return w.text("notes", 1, s.c_str()); }, form);
    EXPECT_LE(real, tinytb::text_record_bytes(5, 1, n, 0)) << n;
  }
  const std::vector<std::string> cells = {"class", "score", "person", "0.93", "no person", "0.07"};
  const char* ptrs[6];
  size_t total = 0;
  for (size_t i = 0; i < 6; ++i) {
    ptrs[i] = cells[i].c_str();
    total += cells[i].size();
  }
  const size_t table =
      record_size([&](tinytb::EventWriterBase& w) { return w.text_table("top_k", 7, ptrs, 3, 2); }, form);
  EXPECT_LE(table, tinytb::text_record_bytes(5, 6, total, 2));
  const size_t list = record_size([&](tinytb::EventWriterBase& w) { return w.text_list("top_k", 7, ptrs, 6); }, form);
  EXPECT_LE(list, tinytb::text_record_bytes(5, 6, total, 1));
}

TEST(Sizing, FileVersionRecordIsExact) {
  tinytb_test::TestSink sink;
  tinytb::EventWriter<512, 1> writer;
  tinytb::WriterOptions options = tensor_form();
  options.clock.wall_time = wall;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(sink.last().bytes.size(), tinytb::file_version_record_bytes());
  ASSERT_EQ(writer.close(), Status::kOk);
}

TEST(Sizing, StorageBytesIsTheWholeObjectAndGrowsWithTheConfiguration) {
  using Small = tinytb::EventWriter<512, 4, 32>;
  using Big = tinytb::EventWriter<4096, 32, 64>;
  static_assert(Small::storage_bytes() == sizeof(Small), "exact");
  static_assert(Big::storage_bytes() - Small::storage_bytes() >=
                    (4096 - 512) + (32 - 4) * sizeof(tinytb::detail::TagSlot) + (33 * 65 - 5 * 33),
                "queue and tag table are inline");
  EXPECT_LT(Small::storage_bytes(), 512u + 4 * 16u + 5 * 33u + 512u);  // the base adds well under 512 bytes
}

}  // namespace
