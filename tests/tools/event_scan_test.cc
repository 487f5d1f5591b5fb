// tinytb tool tests: the scanner's verdicts, exactly, on every cut, zero-fill and bit flip.
#include "event_scan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "memory_sink.h"
#include "record_builder.h"
#include "tinytb/tinytb.h"
#include "wall_clock.h"

namespace tinytb_tool {
namespace {

using tinytb_test::Bytes;
using tinytb_test::frame;
using tinytb_test::Pb;
using tinytb_test::operator+;

ScanResult scan(const Bytes& b, const ScanOptions& options = ScanOptions()) {
  MemorySource source(b.data(), b.size());
  return scan_event_file(source, options);
}

Bytes prefix(const Bytes& b, size_t n) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)); }

// The last record boundary at or before `n` (0 if none).
size_t boundary_at_or_before(const std::vector<size_t>& ends, size_t n) {
  size_t best = 0;
  for (size_t e : ends) {
    if (e <= n) best = e;
  }
  return best;
}

// ---- a file from the real writer ---------------------------------------------------------------

tinytb::WallTime fixed_wall() { return wall_time_of(1700000000.25); }

Bytes writer_file() {
  static uint8_t buffer[64 * 1024];
  tinytb::MemorySink sink(buffer, sizeof(buffer));
  tinytb::EventWriter<4096> writer;  // new each time: steps are per writer
  tinytb::WriterOptions options;
  options.logdir = "mem";
  options.clock.wall_time = fixed_wall;
  EXPECT_EQ(writer.open(sink, options), tinytb::Status::kOk);
  for (int64_t step = 0; step < 30; ++step) {
    EXPECT_EQ(writer.scalar("model/latency_ms", step, 85.0f + static_cast<float>(step)), tinytb::Status::kOk);
    if (step % 3 == 0) {
      EXPECT_EQ(writer.scalar("camera/fps", step * 10, 7.5f), tinytb::Status::kOk);
    }
  }
  const char* const cells[] = {"class", "score", "person", "0.93"};
  EXPECT_EQ(writer.text_table("model/top", 29, cells, 2, 2), tinytb::Status::kOk);
  EXPECT_EQ(writer.text("run/config", 0, "**int8**"), tinytb::Status::kOk);
  EXPECT_EQ(writer.close(), tinytb::Status::kOk);
  return Bytes(sink.data(), sink.data() + sink.size());
}

TEST(ScanWriterFile, CleanWithTagsAndStepRanges) {
  const Bytes f = writer_file();
  const ScanResult r = scan(f);
  EXPECT_EQ(r.verdict, Verdict::kClean);
  EXPECT_EQ(r.tail, Tail::kNone);
  EXPECT_EQ(r.records, 1u + 30 + 10 + 2);
  EXPECT_EQ(r.valid_bytes, f.size());
  EXPECT_TRUE(r.first_is_file_version);
  EXPECT_EQ(r.file_version, "brain.Event:2");
  EXPECT_DOUBLE_EQ(r.min_wall_time, 1700000000.25);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  ASSERT_EQ(r.tags.size(), 4u);
  EXPECT_EQ(r.tags[0].tag, "camera/fps");  // sorted
  // The writer's default form is classic (docs/format.md, "Summary forms"): simple_value.
  EXPECT_EQ(r.tags[0].kind, "scalars (simple_value)");
  EXPECT_EQ(r.tags[0].count, 10u);
  EXPECT_EQ(r.tags[0].min_step, 0);
  EXPECT_EQ(r.tags[0].max_step, 270);
  EXPECT_EQ(r.tags[1].tag, "model/latency_ms");
  EXPECT_EQ(r.tags[1].count, 30u);
  EXPECT_EQ(r.tags[1].max_step, 29);
  EXPECT_EQ(r.tags[2].tag, "model/top");
  EXPECT_EQ(r.tags[2].kind, "text");
  EXPECT_EQ(r.tags[3].tag, "run/config");
  EXPECT_EQ(plan_repair(r, false).action, RepairAction::kNone);
}

// Every possible cut of a real file: a cut on a record boundary is a clean file with
// the records before it; any other cut is torn, and repair keeps exactly the records
// before it.
TEST(ScanWriterFile, EveryTruncationIsCleanOrTornAtTheRightOffset) {
  const Bytes f = writer_file();
  std::vector<size_t> ends;
  {
    const ScanResult whole = scan(f);
    ASSERT_EQ(whole.verdict, Verdict::kClean);
  }
  // Record ends, from the framing.
  for (size_t pos = 0; pos < f.size();) {
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len |= static_cast<uint64_t>(f[pos + static_cast<size_t>(i)]) << (8 * i);
    pos += 16 + static_cast<size_t>(len);
    ends.push_back(pos);
  }
  for (size_t n = 0; n <= f.size(); ++n) {
    const ScanResult r = scan(prefix(f, n));
    const size_t b = boundary_at_or_before(ends, n);
    ASSERT_EQ(r.valid_bytes, b) << "cut at " << n;
    if (b == n) {
      ASSERT_EQ(r.verdict, Verdict::kClean) << "cut at " << n;
      continue;
    }
    ASSERT_EQ(r.verdict, Verdict::kTorn) << "cut at " << n;
    ASSERT_EQ(r.tail, n - b < 12 ? Tail::kPartialHeader : Tail::kPartialRecord) << "cut at " << n;
    const RepairPlan plan = plan_repair(r, false);
    ASSERT_EQ(plan.action, RepairAction::kCut);
    ASSERT_EQ(plan.cut_to, b);
  }
}

// A cut followed by zeros (the file system grew the file, the data never arrived).
TEST(ScanWriterFile, EveryCutThenZerosIsTorn) {
  const Bytes f = writer_file();
  std::vector<size_t> ends;
  const ScanResult whole = scan(f);
  for (size_t pos = 0; pos < f.size();) {
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len |= static_cast<uint64_t>(f[pos + static_cast<size_t>(i)]) << (8 * i);
    pos += 16 + static_cast<size_t>(len);
    ends.push_back(pos);
  }
  for (size_t n = 0; n < f.size(); n += 3) {
    const Bytes z = prefix(f, n) + Bytes(512, 0);
    const ScanResult r = scan(z);
    ASSERT_EQ(r.verdict, Verdict::kTorn) << "cut at " << n;
    ASSERT_TRUE(r.tail == Tail::kZeroFilled || r.tail == Tail::kCutThenZeros) << "cut at " << n;
    // The valid prefix is the original's, up to the last boundary the zeros did not reach
    // (zeros that happen to equal the original's bytes may complete one more record).
    const size_t b = boundary_at_or_before(ends, n);
    ASSERT_GE(r.valid_bytes, b) << "cut at " << n;
    ASSERT_TRUE(std::equal(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(r.valid_bytes), f.begin()));
  }
  EXPECT_EQ(whole.verdict, Verdict::kClean);
}

// A single bit flip anywhere is caught (CRC-32C finds every 1-bit error), is corrupt, not
// torn, is placed at the record it hit, and every record after it is found again.
TEST(ScanWriterFile, EveryBitFlipIsCorruptAtItsRecord) {
  const Bytes f = writer_file();
  const ScanResult whole = scan(f);
  std::vector<size_t> starts;
  for (size_t pos = 0; pos < f.size();) {
    starts.push_back(pos);
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len |= static_cast<uint64_t>(f[pos + static_cast<size_t>(i)]) << (8 * i);
    pos += 16 + static_cast<size_t>(len);
  }
  for (size_t p = 0; p < f.size(); ++p) {
    Bytes g = f;
    g[p] ^= static_cast<uint8_t>(1u << (p % 8));
    const ScanResult r = scan(g);
    size_t index = 0;
    while (index + 1 < starts.size() && starts[index + 1] <= p) ++index;
    ASSERT_EQ(r.verdict, Verdict::kCorrupt) << "flip at " << p;
    ASSERT_EQ(r.valid_bytes, starts[index]) << "flip at " << p;
    ASSERT_EQ(r.records, index);
    ASSERT_TRUE(r.records_after_damage_known);
    ASSERT_EQ(r.records_after_damage, starts.size() - index - 1) << "flip at " << p;
    ASSERT_EQ(plan_repair(r, false).action, RepairAction::kRefuse);
    const RepairPlan salvage = plan_repair(r, true);
    if (index + 1 == starts.size() && index > 0) {
      ASSERT_EQ(salvage.action, RepairAction::kCut) << "flip at " << p;
      ASSERT_EQ(salvage.cut_to, starts[index]);
    } else {
      ASSERT_EQ(salvage.action, RepairAction::kRefuse) << "flip at " << p;
    }
  }
  EXPECT_EQ(whole.records, starts.size());
}

// ---- zero-filled ----------------------------------------------------------------------------------

TEST(ScanZeros, ZeroFilledTailIsTornAndCutBackExactly) {
  std::vector<size_t> ends;
  const Bytes f = tinytb_test::small_file(6, &ends);
  for (size_t zeros : {1u, 7u, 8u, 12u, 16u, 4096u}) {
    const ScanResult r = scan(f + Bytes(zeros, 0));
    EXPECT_EQ(r.verdict, Verdict::kTorn) << zeros;
    EXPECT_EQ(r.tail, Tail::kZeroFilled) << zeros;
    EXPECT_EQ(r.valid_bytes, f.size());
    EXPECT_EQ(r.records, 7u);
    EXPECT_NE(r.problem.find("zero"), std::string::npos);
    EXPECT_EQ(plan_repair(r, false).cut_to, f.size());
  }
}

TEST(ScanZeros, AllZeroFileIsTornWithNoRecord) {
  const ScanResult r = scan(Bytes(4096, 0));
  EXPECT_EQ(r.verdict, Verdict::kTorn);
  EXPECT_EQ(r.tail, Tail::kZeroFilled);
  EXPECT_EQ(r.records, 0u);
}

TEST(ScanZeros, ZerosInTheMiddleWithDataAfterAreCorrupt) {
  std::vector<size_t> ends;
  Bytes f = tinytb_test::small_file(6, &ends);
  std::fill(f.begin() + static_cast<std::ptrdiff_t>(ends[2]), f.begin() + static_cast<std::ptrdiff_t>(ends[3]), 0);
  const ScanResult r = scan(f);
  EXPECT_EQ(r.verdict, Verdict::kCorrupt);
  EXPECT_EQ(r.tail, Tail::kBadLengthCrc);
  EXPECT_EQ(r.valid_bytes, ends[2]);
  EXPECT_EQ(r.records_after_damage, 3u);
  EXPECT_EQ(r.first_record_after_damage, ends[3]);
}

TEST(ScanZeros, IntactHeaderThenZerosIsACutRecord) {
  const Bytes f = tinytb_test::small_file(2);
  const Bytes rec = frame(tinytb_test::summary_event(1, 5, tinytb_test::scalar_value("x", 1, true)).out);
  Bytes g = f + prefix(rec, 20) + Bytes(rec.size(), 0);  // header + 8 bytes, then zeros past the record's end
  const ScanResult r = scan(g);
  EXPECT_EQ(r.verdict, Verdict::kTorn);
  EXPECT_EQ(r.tail, Tail::kCutThenZeros);
  EXPECT_EQ(r.valid_bytes, f.size());
}

// ---- garbage and corruption ---------------------------------------------------------------------------

TEST(ScanCorrupt, GarbageAfterTheLastRecordIsCorrupt) {
  const Bytes f = tinytb_test::small_file(3);
  Bytes garbage;
  std::mt19937 rng(7);
  for (int i = 0; i < 100; ++i) garbage.push_back(static_cast<uint8_t>(rng() | 1));
  const ScanResult r = scan(f + garbage);
  EXPECT_EQ(r.verdict, Verdict::kCorrupt);
  EXPECT_EQ(r.tail, Tail::kBadLengthCrc);
  EXPECT_EQ(r.valid_bytes, f.size());
  EXPECT_EQ(r.records_after_damage, 0u);
  EXPECT_EQ(plan_repair(r, false).action, RepairAction::kRefuse);
  const RepairPlan salvage = plan_repair(r, true);
  EXPECT_EQ(salvage.action, RepairAction::kCut);
  EXPECT_EQ(salvage.cut_to, f.size());
}

TEST(ScanCorrupt, ShortGarbageIsTornPartialHeader) {
  const Bytes f = tinytb_test::small_file(1);
  const ScanResult r = scan(f + Bytes{1, 2, 3});
  EXPECT_EQ(r.verdict, Verdict::kTorn);
  EXPECT_EQ(r.tail, Tail::kPartialHeader);
}

TEST(ScanCorrupt, SalvageNeedsAValidRecordBeforeTheDamage) {
  Bytes g(64, 0x55);
  const ScanResult r = scan(g);
  EXPECT_EQ(r.verdict, Verdict::kCorrupt);
  EXPECT_EQ(plan_repair(r, true).action, RepairAction::kRefuse);
}

TEST(ScanCorrupt, UndecodablePayloadWithGoodCrcs) {
  const Bytes f = tinytb_test::small_file(1);
  const Bytes bad = frame(Bytes{0x0F, 0x01});  // field 1, wire type 7
  const ScanResult r = scan(f + bad + tinytb_test::small_file(1));
  EXPECT_EQ(r.verdict, Verdict::kCorrupt);
  EXPECT_EQ(r.tail, Tail::kUndecodable);
  EXPECT_EQ(r.valid_bytes, f.size());
  EXPECT_EQ(r.records_after_damage, 2u);
}

TEST(ScanCorrupt, TruncatedNestedLengthIsUndecodable) {
  Pb e;
  e.double_field(1, 1.0);
  e.key(5, 2);
  e.varint(100);  // a Summary of 100 bytes, with 2 present
  e.raw({0x0A, 0x00});
  const ScanResult r = scan(tinytb_test::small_file(0) + frame(e.out));
  EXPECT_EQ(r.tail, Tail::kUndecodable);
}

TEST(ScanCorrupt, InvalidUtf8TagIsUndecodable) {
  const Pb v = tinytb_test::scalar_value(std::string("a\xC3\x28", 3), 1.0f, true);
  const ScanResult r = scan(tinytb_test::small_file(0) + frame(tinytb_test::summary_event(2.0, 1, v).out));
  EXPECT_EQ(r.verdict, Verdict::kCorrupt);
  EXPECT_EQ(r.tail, Tail::kUndecodable);
  EXPECT_NE(r.problem.find("UTF-8"), std::string::npos);
}

TEST(ScanCorrupt, NonFiniteWallTime) {
  for (double wall : {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    const Bytes f = tinytb_test::small_file(2);
    const ScanResult r = scan(f + frame(tinytb_test::file_version_event(wall).out));
    EXPECT_EQ(r.verdict, Verdict::kCorrupt);
    EXPECT_EQ(r.tail, Tail::kBadWallTime);
    EXPECT_EQ(r.valid_bytes, f.size());
  }
}

// ---- lengths that lie -----------------------------------------------------------------------------------

TEST(ScanLengths, HugeLengthWithGoodCrcIsTornNotAnAllocation) {
  for (uint64_t length : {uint64_t{1} << 63, ~uint64_t{0}, ~uint64_t{0} - 15, uint64_t{1} << 40}) {
    const Bytes f = tinytb_test::small_file(1);
    const ScanResult r = scan(f + tinytb_test::header_only(length) + Bytes(100, 0xAB));
    EXPECT_EQ(r.verdict, Verdict::kTorn) << length;
    EXPECT_EQ(r.tail, Tail::kPartialRecord) << length;
    EXPECT_EQ(r.valid_bytes, f.size());
  }
}

TEST(ScanLengths, LengthExactlyToTheEndWithBadCrcIsCorrupt) {
  const Bytes f = tinytb_test::small_file(1);
  Bytes g = f + tinytb_test::header_only(10) + Bytes(14, 0x77);  // 10 payload + 4 trailer, wrong CRC
  const ScanResult r = scan(g);
  EXPECT_EQ(r.verdict, Verdict::kCorrupt);
  EXPECT_EQ(r.tail, Tail::kBadPayloadCrc);
  EXPECT_EQ(r.declared_record_bytes, 26u);
}

TEST(ScanLengths, EmptyPayloadRecordIsAValidEmptyEvent) {
  const ScanResult r = scan(tinytb_test::small_file(1) + frame(Bytes()));
  EXPECT_EQ(r.verdict, Verdict::kClean);
  EXPECT_EQ(r.records, 3u);
}

TEST(ScanLengths, LargeRecordsAreCrcCheckedInChunksWhenAboveTheParseLimit) {
  std::vector<size_t> ends;
  const Bytes f = tinytb_test::small_file(4, &ends);
  ScanOptions options;
  options.max_parse_bytes = 8;  // every record is above it
  const ScanResult r = scan(f, options);
  EXPECT_EQ(r.verdict, Verdict::kClean);
  EXPECT_EQ(r.records, 5u);
  EXPECT_EQ(r.unparsed_records, 5u);
  EXPECT_TRUE(r.tags.empty());
  Bytes g = f;
  g[ends[2] + 14] ^= 0x10;
  const ScanResult bad = scan(g, options);
  EXPECT_EQ(bad.verdict, Verdict::kCorrupt);
  EXPECT_EQ(bad.valid_bytes, ends[2]);
}

// ---- content warnings (verdict unchanged) -------------------------------------------------------------------

TEST(ScanWarnings, FirstRecordNotFileVersion) {
  const Bytes f = frame(tinytb_test::summary_event(1.0, 0, tinytb_test::scalar_value("a", 1, true)).out);
  const ScanResult r = scan(f);
  EXPECT_EQ(r.verdict, Verdict::kClean);
  EXPECT_FALSE(r.first_is_file_version);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("file_version"), std::string::npos);
  MemorySource source(f.data(), f.size());
  EXPECT_FALSE(starts_with_file_version(source));
}

TEST(ScanWarnings, StepsNotIncreasing) {
  Bytes f = tinytb_test::small_file(0);
  for (int64_t step : {5, 6, 6, 2}) {
    f = f + frame(tinytb_test::summary_event(1.0, step, tinytb_test::scalar_value("loss", 1, true)).out);
  }
  const ScanResult r = scan(f);
  EXPECT_EQ(r.verdict, Verdict::kClean);
  ASSERT_EQ(r.tags.size(), 1u);
  EXPECT_EQ(r.tags[0].steps_not_increasing, 2u);
  EXPECT_EQ(r.tags[0].min_step, 2);
  EXPECT_EQ(r.tags[0].max_step, 6);
  ASSERT_EQ(r.warnings.size(), 1u);  // once per tag
  EXPECT_NE(r.warnings[0].find("step 6 after 6"), std::string::npos);
}

TEST(ScanWarnings, DoubleScalarIsDroppedByTheDataServer) {
  const Bytes f = tinytb_test::small_file(0) +
                  frame(tinytb_test::summary_event(1.0, 0, tinytb_test::scalar_value("d", 1, true, 2)).out);
  const ScanResult r = scan(f);
  EXPECT_EQ(r.verdict, Verdict::kClean);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("DT_FLOAT"), std::string::npos);
}

TEST(ScanWarnings, ImageShapeMustMatchItsStrings) {
  Pb shape_dim;
  shape_dim.varint_field(1, 3);
  Pb shape;
  shape.message_field(2, shape_dim);
  Pb tensor;
  tensor.varint_field(1, 7).message_field(2, shape).string_field(8, "4").string_field(8, "3");  // 2 of 3
  Pb plugin;
  plugin.string_field(1, "images");
  Pb meta;
  meta.message_field(1, plugin).varint_field(4, 3);
  Pb value;
  value.string_field(1, "camera/frame").message_field(8, tensor).message_field(9, meta);
  const ScanResult r = scan(tinytb_test::small_file(0) + frame(tinytb_test::summary_event(1.0, 0, value).out));
  EXPECT_EQ(r.verdict, Verdict::kClean);
  ASSERT_EQ(r.tags.size(), 1u);
  EXPECT_EQ(r.tags[0].kind, "images");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("shape"), std::string::npos);
}

TEST(ScanWarnings, LegacyFormsAndUnknownFieldsAreAccepted) {
  Pb histo;
  histo.double_field(1, 0).double_field(2, 1);
  Pb v1;
  v1.string_field(1, "legacy/scalar").float_field(2, 1.5f);
  Pb v2;
  v2.string_field(1, "legacy/histo").message_field(5, histo);
  Pb summary;
  summary.message_field(1, v1).message_field(1, v2);
  Pb e;
  e.double_field(1, 2.0).varint_field(2, 3).message_field(5, summary).varint_field(1000, 9);  // unknown field
  Pb graph;
  graph.string_field(4, std::string("\x01\x02\x03", 3));  // graph_def: skipped bytes
  const ScanResult r = scan(tinytb_test::small_file(0) + frame(e.out) + frame(graph.out));
  EXPECT_EQ(r.verdict, Verdict::kClean) << r.problem;
  ASSERT_EQ(r.tags.size(), 2u);
  EXPECT_EQ(r.tags[0].kind, "histograms (classic)");
  EXPECT_EQ(r.tags[1].kind, "scalars (simple_value)");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ScanWarnings, TagTableIsBounded) {
  Bytes f = tinytb_test::small_file(0);
  for (int i = 0; i < 50; ++i) {
    f = f + frame(tinytb_test::summary_event(1.0, 0, tinytb_test::scalar_value("t" + std::to_string(i), 1, true)).out);
  }
  ScanOptions options;
  options.max_tags = 10;
  options.max_warnings = 0;
  const ScanResult r = scan(f, options);
  EXPECT_EQ(r.tags.size(), 10u);
  EXPECT_EQ(r.untracked_tags, 40u);
}

// ---- odds and ends ------------------------------------------------------------------------------------------------

TEST(ScanMisc, EmptyFileIsClean) {
  const ScanResult r = scan(Bytes());
  EXPECT_EQ(r.verdict, Verdict::kClean);
  EXPECT_EQ(r.records, 0u);
  EXPECT_EQ(plan_repair(r, false).action, RepairAction::kNone);
}

TEST(ScanMisc, RandomBytesNeverPassAndNeverCrash) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    Bytes g(static_cast<size_t>(rng() % 300));
    for (uint8_t& b : g) b = static_cast<uint8_t>(rng());
    const ScanResult r = scan(g);
    ASSERT_LE(r.valid_bytes, g.size());
    if (!g.empty() && r.verdict == Verdict::kClean) {
      ASSERT_GT(r.records, 0u);
    }
  }
}

class FailingSource : public ByteSource {
 public:
  explicit FailingSource(const Bytes& b, uint64_t fail_from) : bytes_(b), fail_from_(fail_from) {}
  uint64_t size() const override { return bytes_.size(); }
  bool read(uint64_t offset, uint8_t* out, size_t n) override {
    if (offset + n > fail_from_) return false;
    std::memcpy(out, bytes_.data() + offset, n);
    return true;
  }

 private:
  const Bytes& bytes_;
  uint64_t fail_from_;
};

TEST(ScanMisc, ReadErrorIsReportedAndNeverRepaired) {
  std::vector<size_t> ends;
  const Bytes f = tinytb_test::small_file(4, &ends);
  FailingSource source(f, ends[2] + 3);
  const ScanResult r = scan_event_file(source);
  EXPECT_TRUE(r.read_error);
  EXPECT_EQ(r.tail, Tail::kReadError);
  EXPECT_EQ(r.valid_bytes, ends[2]);  // the header read at ends[2] is the one that fails
  EXPECT_EQ(plan_repair(r, true).action, RepairAction::kRefuse);
}

TEST(ScanMisc, StartsWithFileVersion) {
  const Bytes f = tinytb_test::small_file(2);
  MemorySource s(f.data(), f.size());
  EXPECT_TRUE(starts_with_file_version(s));
  const Bytes torn = prefix(f, 20);
  MemorySource t(torn.data(), torn.size());
  EXPECT_FALSE(starts_with_file_version(t));
  const Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
  MemorySource j(jpeg.data(), jpeg.size());
  EXPECT_FALSE(starts_with_file_version(j));
}

TEST(ScanMisc, PrintableEscapesControlsAndBadUtf8) {
  EXPECT_EQ(printable("loss/train"), "loss/train");
  EXPECT_EQ(printable("pr\xC3\xA9" "cision"), "pr\xC3\xA9" "cision");
  EXPECT_EQ(printable("\x1b[2Jx"), "\\x1b[2Jx");
  EXPECT_EQ(printable("a\\b"), "a\\\\b");
  EXPECT_EQ(printable(std::string("\xC3\x28", 2)), "\\xc3(");
  EXPECT_EQ(printable("\xC2\x9B"), "\\xc2\\x9b");  // C1 control (CSI)
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  // Bidirectional overrides and invisible format characters (issue 18): escaped too.
  EXPECT_EQ(printable("a\xE2\x80\xAE" "b"), "a\\xe2\\x80\\xae" "b");        // U+202E
  EXPECT_EQ(printable("\xE2\x81\xA6"), "\\xe2\\x81\\xa6");                  // U+2066
  EXPECT_EQ(printable("\xEF\xBB\xBF"), "\\xef\\xbb\\xbf");                  // U+FEFF
  EXPECT_EQ(printable("\xF3\xA0\x81\x81"), "\\xf3\\xa0\\x81\\x81");        // U+E0041
  EXPECT_EQ(printable("\xE2\x80\x94"), "\xE2\x80\x94");                    // an em dash stays
}

TEST(SafeFileName, UnsafeBytesBecomeUnderscores) {
  EXPECT_EQ(tinytb_tool::safe_file_name("run1/events.out.tfevents.1.h.v2"), "run1/events.out.tfevents.1.h.v2");
  EXPECT_EQ(tinytb_tool::safe_file_name("r\x1b[2J/a\xE2\x80\xAE" "b"), "r_[2J/a___b");
  EXPECT_EQ(tinytb_tool::safe_file_name(std::string("\xC3\x28\x07", 3)), "_(_");
  EXPECT_EQ(tinytb_tool::safe_file_name("pr\xC3\xA9" "cision"), "pr\xC3\xA9" "cision");
}

}  // namespace
}  // namespace tinytb_tool
