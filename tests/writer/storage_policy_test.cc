// The writer's storage policies: sync, rotation, names chosen by the port, steps that
// survive reboots. (The fault-injecting port's own tests: tests/ports/faulty_fs_test.cc.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb_test::tensor_form;

using tinytb::Status;
using tinytb_test::parse_file;
using tinytb_test::ParsedFile;
using tinytb_test::TestSink;

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options.logdir = "logs";
    options.run = "run";
    options.host = "board";
    options.file_stamp = 5;
    options.max_queue = 1;
    options.flush_millis = 0;
  }
  TestSink sink;
  tinytb::WriterOptions options = tensor_form();
  tinytb::EventWriter<1024, 8, 32> writer;
};

// ---- sync policy ---------------------------------------------------------------------------

// sync_every 1: the microcontrollers' default (kDefaultSyncEvery; hosts default to 0).
TEST_F(PolicyTest, SyncEveryFlush) {
  options.sync_every = 1;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  for (int64_t step = 0; step < 3; ++step) {
    ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
    EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
    EXPECT_EQ(writer.synced_bytes(), writer.file_bytes());
  }
  EXPECT_EQ(sink.syncs, 4);  // the first record, then one per flush
}

TEST_F(PolicyTest, SyncEveryNthFlush) {
  options.sync_every = 3;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  // The tag's first value brings its metadata to the file: that flush syncs anyway.
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  const int syncs_after_open = sink.syncs;
  ASSERT_EQ(writer.scalar("a", 1, 1.0f), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 2, 1.0f), Status::kOk);
  EXPECT_EQ(sink.syncs, syncs_after_open);
  EXPECT_LT(writer.synced_bytes(), writer.file_bytes());
  ASSERT_EQ(writer.scalar("a", 3, 1.0f), Status::kOk);  // the third flush syncs
  EXPECT_EQ(sink.syncs, syncs_after_open + 1);
  EXPECT_EQ(writer.synced_bytes(), writer.file_bytes());
  EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
}

TEST_F(PolicyTest, ExplicitSyncOnly) {
  options.sync_every = 0;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const int syncs_at_open = sink.syncs;
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  EXPECT_EQ(sink.syncs, syncs_at_open + 1);  // the flush bringing the tag's metadata
  const int syncs_after_open = sink.syncs;
  for (int64_t step = 1; step < 5; ++step) ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
  EXPECT_EQ(sink.syncs, syncs_after_open);
  EXPECT_EQ(writer.sync(), Status::kOk);
  EXPECT_EQ(sink.syncs, syncs_after_open + 1);
  EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
  EXPECT_EQ(writer.sync(), Status::kOk);  // nothing new: no second sync
  EXPECT_EQ(sink.syncs, syncs_after_open + 1);
  ASSERT_EQ(writer.scalar("a", 5, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);  // close syncs what is left
  EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
}

TEST_F(PolicyTest, SyncFlushesTheQueueFirst) {
  options.max_queue = 100;
  options.sync_every = 0;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  EXPECT_GT(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.sync(), Status::kOk);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(parse_file(sink.last().bytes).events.size(), 2u);
  EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
}

TEST_F(PolicyTest, AFailedSyncSendsTheRecordsAgainIntoANewFile) {
  options.sync_every = 1;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  sink.fail_sync = Status::kIoError;
  ASSERT_EQ(writer.scalar("a", 1, 2.0f), Status::kOk);
  EXPECT_EQ(writer.last_flush_status(), Status::kIoError);
  EXPECT_GT(writer.queued_bytes(), 0u);  // kept: its durability is unknown
  sink.fail_sync = Status::kOk;
  EXPECT_EQ(writer.sync(), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(sink.order.size(), 2u);
  const ParsedFile old_file = parse_file(sink.file(0).bytes);
  EXPECT_EQ(old_file.events.size(), 2u);  // cut back to before the unconfirmed record
  const ParsedFile new_file = parse_file(sink.file(1).bytes);
  ASSERT_EQ(new_file.events.size(), 2u);
  EXPECT_EQ(new_file.events[1].step, 1);
  // The re-sent record keeps the form it was queued in; the tag's metadata is in the
  // run's earlier file, where TensorBoard (first metadata per tag and run) takes it from.
  EXPECT_TRUE(old_file.events[1].values[0].has_metadata);
}

// Names FAT would change (it drops trailing dots) are refused, not mangled on the card.
TEST_F(PolicyTest, SuffixesFatWouldMangleAreRefused) {
  for (const char* suffix : {"..", ".", "v2.", ".v2"}) {
    options.suffix = suffix;
    EXPECT_EQ(writer.open(sink, options), Status::kInvalidArgument) << suffix;
  }
  EXPECT_TRUE(sink.order.empty());
}

TEST_F(PolicyTest, DirIsEmptyAfterClose) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_STREQ(writer.dir(), "logs/run");
  ASSERT_EQ(writer.close(), Status::kOk);
  EXPECT_STREQ(writer.dir(), "");
  EXPECT_STREQ(writer.file_name(), "");
}

// ---- rotation ----------------------------------------------------------------------------------

TEST_F(PolicyTest, RotationBySizeNeverSplitsARecord) {
  options.rotate_bytes = 1200;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const std::string text(200, 't');
  for (int64_t step = 0; step < 40; ++step) {
    ASSERT_EQ(writer.scalar("loss", step, static_cast<float>(step)), Status::kOk);
    ASSERT_EQ(writer.text("notes", step, text.c_str()), Status::kOk);
  }
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_GT(sink.order.size(), 5u);
  EXPECT_EQ(writer.files_opened(), sink.order.size());
  int64_t next_loss = 0;
  for (size_t i = 0; i < sink.order.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(sink.order[i - 1], sink.order[i]);
    }
    const std::string seq = i < 10 ? "000" + std::to_string(i) : "00" + std::to_string(i);
    EXPECT_NE(sink.order[i].find(".board." + seq + ".v2"), std::string::npos) << sink.order[i];
    const auto& bytes = sink.file(i).bytes;
    EXPECT_LE(bytes.size(), 1200u);
    EXPECT_EQ(sink.file(i).synced, bytes.size());  // a finished file is a durable file
    const ParsedFile f = parse_file(bytes);
    EXPECT_FALSE(f.torn || f.corrupt);
    EXPECT_EQ(f.clean_bytes, bytes.size());
    EXPECT_EQ(f.events[0].file_version, "brain.Event:2");
    bool loss_meta = false, notes_meta = false;
    for (size_t e = 1; e < f.events.size(); ++e) {
      const auto& v = f.events[e].values[0];
      bool& seen = v.tag == "loss" ? loss_meta : notes_meta;
      EXPECT_EQ(v.has_metadata, !seen) << "file " << i << " " << v.tag;  // first value of each tag in each file
      seen = true;
      if (v.tag == "loss") {
        EXPECT_EQ(f.events[e].step, next_loss++);
      }
    }
  }
  EXPECT_EQ(next_loss, 40);
}

TEST_F(PolicyTest, RotationLimitMustHoldAFullQueue) {
  options.rotate_bytes = 1024;  // the first record plus a 1024-byte queue do not fit
  EXPECT_EQ(writer.open(sink, options), Status::kInvalidArgument);
  EXPECT_EQ(sink.opens, 0);
  options.rotate_bytes = 1024 + tinytb::file_version_record_bytes();
  EXPECT_EQ(writer.open(sink, options), Status::kOk);
}

TEST_F(PolicyTest, DefaultRotationStaysBelowFat32sLimit) {
  EXPECT_EQ(tinytb::WriterOptions().rotate_bytes, 4294967296ull - 67108864ull);
  EXPECT_LT(tinytb::WriterOptions().rotate_bytes, 0xFFFFFFFFull);
}

TEST_F(PolicyTest, RotationThatCannotOpenTheNextFileRefusesTheValueAndRecovers) {
  options.rotate_bytes = 1100;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const std::string text(300, 't');
  Status s = Status::kOk;
  int64_t step = 0;
  sink.fail_open = Status::kNoSpace;  // the directory is full
  for (; step < 10 && s == Status::kOk; ++step) s = writer.text("n", step, text.c_str());
  EXPECT_EQ(s, Status::kNoSpace);
  const int64_t refused = step - 1;
  sink.fail_open = Status::kOk;
  ASSERT_EQ(writer.text("n", refused, text.c_str()), Status::kOk);  // the refused step is still free
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(sink.order.size(), 2u);
  const ParsedFile second = parse_file(sink.file(1).bytes);
  ASSERT_EQ(second.events.size(), 2u);
  EXPECT_EQ(second.events[1].step, refused);
  EXPECT_TRUE(second.events[1].values[0].has_metadata);
}

// ---- names chosen by the port -----------------------------------------------------------------

class ShortNameSink : public TestSink {
 public:
  Status name_file(const tinytb::FileNameParts& parts, char* out, size_t capacity) override {
    const std::string name = std::to_string(parts.stamp) + "_" + std::to_string(parts.sequence);
    if (name.size() + 1 > capacity) return Status::kInvalidArgument;
    memcpy(out, name.c_str(), name.size() + 1);
    return parts.sequence > 1 ? Status::kInvalidArgument : Status::kOk;
  }
};

TEST_F(PolicyTest, ThePortChoosesTheNameForm) {
  ShortNameSink s;
  ASSERT_EQ(writer.open(s, options), Status::kOk);
  EXPECT_EQ(s.current_name, "logs/run/5_0");
  EXPECT_STREQ(writer.file_name(), "5_0");
  ASSERT_EQ(writer.close(), Status::kOk);
  s.exists_left = 1;
  EXPECT_EQ(writer.open(s, options), Status::kInvalidArgument);  // 5_1 taken; 5_2 cannot be named
  EXPECT_FALSE(writer.is_open());
}

TEST_F(PolicyTest, SequencesStopWhereNamesWouldStopSorting) {
  for (int i = 0; i < 10; ++i) {
    sink.exists_left = 999;  // names 0..998 of this round taken: the writer takes the 1000th
    ASSERT_EQ(writer.open(sink, options), Status::kOk) << i;
    ASSERT_EQ(writer.close(), Status::kOk);
  }
  EXPECT_NE(sink.order.back().find(".board.9999.v2"), std::string::npos) << sink.order.back();
  EXPECT_EQ(writer.open(sink, options), Status::kInvalidArgument);
  EXPECT_FALSE(writer.is_open());
}

TEST(FileName, LongForm) {
  char out[tinytb::kMaxFileNameLen + 1];
  ASSERT_EQ(tinytb::long_file_name({1732241520u, 3, "cam", "v2"}, out, sizeof(out)), Status::kOk);
  EXPECT_STREQ(out, "events.out.tfevents.1732241520.cam.0003.v2");
  ASSERT_EQ(tinytb::long_file_name({42, 9999, "h", "x.y"}, out, sizeof(out)), Status::kOk);
  EXPECT_STREQ(out, "events.out.tfevents.0000000042.h.9999.x.y");
  EXPECT_EQ(tinytb::long_file_name({42, 10000, "h", "x.y"}, out, sizeof(out)), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::long_file_name({42, 0, "h", "v2"}, out, 10), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::long_file_name({42, 0, nullptr, "v2"}, out, sizeof(out)), Status::kInvalidArgument);
}

// ---- steps that survive reboots ------------------------------------------------------------------

TEST_F(PolicyTest, SeededStepsContinueASeries) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.seed_step("train/loss", 1599), Status::kOk);  // persisted before the reboot
  EXPECT_EQ(writer.scalar("train/loss", 1599, 1.0f), Status::kStepNotIncreasing);
  tinytb::Scope train(writer, "train");
  ASSERT_EQ(train.scalar("loss", 1600, 1.0f), Status::kOk);
  int64_t last = 0;
  ASSERT_EQ(writer.last_step("train/loss", &last), Status::kOk);
  EXPECT_EQ(last, 1600);
  EXPECT_EQ(writer.seed_step("train/loss", 1000), Status::kStepNotIncreasing);  // never lowers
  ASSERT_EQ(writer.seed_step("train/loss", 1600), Status::kOk);
  ASSERT_EQ(writer.seed_step("train/loss", 2000), Status::kOk);
  EXPECT_EQ(writer.scalar("train/loss", 1601, 1.0f), Status::kStepNotIncreasing);
  ASSERT_EQ(writer.close(), Status::kOk);
  const ParsedFile f = parse_file(sink.last().bytes);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_TRUE(f.events[1].values[0].has_metadata);  // a seeded tag still gets its metadata
}

TEST_F(PolicyTest, SeedStepRefusalsChangeNothing) {
  EXPECT_EQ(writer.seed_step("a", 1), Status::kNotOpen);
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(writer.seed_step(nullptr, 1), Status::kInvalidArgument);
  EXPECT_EQ(writer.seed_step("", 1), Status::kInvalidTag);
  EXPECT_EQ(writer.seed_step("bad\ntag", 1), Status::kInvalidTag);
  int64_t last = 0;
  EXPECT_EQ(writer.last_step("a", &last), Status::kInvalidArgument);
  EXPECT_EQ(writer.last_step(nullptr, &last), Status::kInvalidArgument);
  for (int i = 0; i < 8; ++i) ASSERT_EQ(writer.seed_step(("t" + std::to_string(i)).c_str(), 7), Status::kOk);
  EXPECT_EQ(writer.seed_step("t8", 7), Status::kTooManyTags);
  EXPECT_EQ(writer.tag_count(), 8u);
  EXPECT_EQ(writer.queued_bytes(), 0u);
}

}  // namespace
