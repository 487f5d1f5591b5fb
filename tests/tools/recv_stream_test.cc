// tinytb tool tests: the stream receiver's parser (tools/tinytb/recv_stream.h) fed by the
// real StreamSink (ports/stream), so the port and the receiver are held to one wire format.
#include "recv_stream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "memory_sink.h"
#include "record_builder.h"
#include "stream_sink.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb_test::Bytes;

// ---- doubles -------------------------------------------------------------------------------------

class VectorLink : public tinytb::ByteLink {
 public:
  tinytb::Status send(const uint8_t* data, size_t size) override {
    if (fail_after_ >= 0 && static_cast<long>(bytes.size() + size) > fail_after_) return tinytb::Status::kIoError;
    bytes.insert(bytes.end(), data, data + size);
    return tinytb::Status::kOk;
  }
  tinytb::Status flush() override {
    ++flushes;
    return tinytb::Status::kOk;
  }
  Bytes bytes;
  int flushes = 0;
  long fail_after_ = -1;
};

struct ReceivedFile {
  uint32_t session = 0;
  std::string board, dir, name;
  std::vector<Bytes> records;
  int syncs = 0;
  bool ended = false;
};

class Files : public tinytb_tool::RecvOutput {
 public:
  void begin_file(uint32_t session, const std::string& board, const std::string& dir,
                  const std::string& name) override {
    files.push_back(ReceivedFile{session, board, dir, name, {}, 0, false});
  }
  void record(const uint8_t* data, size_t size) override {
    ASSERT_FALSE(files.empty());
    ASSERT_FALSE(files.back().ended);
    files.back().records.emplace_back(data, data + size);
  }
  void sync() override { ++files.back().syncs; }
  void end_file() override { files.back().ended = true; }
  void drop_last_records(size_t count) override {
    ASSERT_LE(count, files.back().records.size());
    files.back().records.resize(files.back().records.size() - count);
  }
  std::vector<Bytes> all_records() const {
    std::vector<Bytes> out;
    for (const auto& f : files) out.insert(out.end(), f.records.begin(), f.records.end());
    return out;
  }
  std::vector<ReceivedFile> files;
};

// n records of growing size (some above one frame's payload).
std::vector<Bytes> make_records(int n, size_t big_every = 4) {
  std::vector<Bytes> out;
  for (int i = 0; i < n; ++i) {
    Bytes payload(static_cast<size_t>(20 + 37 * i) + (i % static_cast<int>(big_every) == 1 ? 9000 : 0));
    for (size_t k = 0; k < payload.size(); ++k) payload[k] = static_cast<uint8_t>(k * 31 + static_cast<size_t>(i));
    out.push_back(tinytb_test::frame(payload));
  }
  return out;
}

// One session: open, every record in its own write (the writer's pattern for big records is
// several writes; a record per write is the other extreme), a sync frame every 3, close.
Bytes stream_of(const std::vector<Bytes>& records, uint32_t session = 0x1234abcd, const char* board = "cam-01") {
  VectorLink link;
  tinytb::StreamSink sink(link, session, board);
  sink.set_sync_frames(true);
  EXPECT_EQ(sink.open("logs/run", "events.out.tfevents.0000000001.tinytb.0.v2"), tinytb::Status::kOk);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(sink.write(records[i].data(), records[i].size()), tinytb::Status::kOk);
    if (i % 3 == 2) {
      EXPECT_EQ(sink.sync(), tinytb::Status::kOk);
    }
  }
  EXPECT_EQ(sink.close(), tinytb::Status::kOk);
  return link.bytes;
}

// Where each frame starts, by walking the known-good stream.
std::vector<size_t> frame_starts(const Bytes& s) {
  std::vector<size_t> out;
  size_t pos = 0;
  while (pos + tinytb::kStreamHeaderBytes <= s.size()) {
    out.push_back(pos);
    const size_t length = s[pos + 4] | (static_cast<size_t>(s[pos + 5]) << 8);
    pos += tinytb::kStreamHeaderBytes + length + tinytb::kStreamTrailerBytes;
  }
  EXPECT_EQ(pos, s.size());
  return out;
}

Files receive(const Bytes& s, size_t chunk = 4096, tinytb_tool::RecvCounters* counters = nullptr) {
  Files files;
  tinytb_tool::StreamParser parser(files);
  for (size_t at = 0; at < s.size(); at += chunk) parser.feed(s.data() + at, std::min(chunk, s.size() - at));
  parser.finish();
  if (counters != nullptr) *counters = parser.counters();
  return files;
}

// ---- the port -----------------------------------------------------------------------------------

TEST(StreamSink, OpenFrameIsLaidOutAsDocumented) {
  VectorLink link;
  tinytb::StreamSink sink(link, 0x11223344, "b1");
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  const Bytes& b = link.bytes;
  ASSERT_EQ(b.size(), 18u + 7u + 4u);
  const Bytes head(b.begin(), b.begin() + 14);
  EXPECT_EQ(head, (Bytes{0xE7, 0x5A, 1, 1, 7, 0, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0}));
  const uint32_t hcrc = tinytb::crc32c(b.data(), 14);
  EXPECT_EQ(Bytes(b.begin() + 14, b.begin() + 18),
            (Bytes{uint8_t(hcrc), uint8_t(hcrc >> 8), uint8_t(hcrc >> 16), uint8_t(hcrc >> 24)}));
  EXPECT_EQ(Bytes(b.begin() + 18, b.begin() + 25), (Bytes{2, 'b', '1', 1, 'd', 1, 'f'}));
  const uint32_t pcrc = tinytb::crc32c(b.data() + 18, 7);
  EXPECT_EQ(Bytes(b.begin() + 25, b.end()),
            (Bytes{uint8_t(pcrc), uint8_t(pcrc >> 8), uint8_t(pcrc >> 16), uint8_t(pcrc >> 24)}));
  EXPECT_EQ(sink.link_bytes(), b.size());
}

TEST(StreamSink, SplitsLongWritesAndNumbersEveryFrame) {
  VectorLink link;
  tinytb::StreamSink sink(link, 7, "");
  sink.set_sync_frames(true);
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  Bytes data(2 * tinytb::kStreamMaxPayload + 5, 0xAB);
  ASSERT_EQ(sink.write(data.data(), data.size()), tinytb::Status::kOk);
  ASSERT_EQ(sink.sync(), tinytb::Status::kOk);
  ASSERT_EQ(sink.close(), tinytb::Status::kOk);
  const auto starts = frame_starts(link.bytes);
  ASSERT_EQ(starts.size(), 6u);  // open, 3 data, sync, close
  for (size_t i = 0; i < starts.size(); ++i) EXPECT_EQ(link.bytes[starts[i] + 10], i);
  EXPECT_EQ(link.bytes[starts[3] + 4], 5);
  EXPECT_EQ(link.flushes, 2);
  EXPECT_EQ(sink.frames_sent(), 6u);
}

// By default a sync costs no link bytes: the board cannot see the host's durability, so
// the sink only pushes the link (the receiver fsyncs on its own schedule).
TEST(StreamSink, SyncByDefaultOnlyFlushesTheLink) {
  VectorLink link;
  tinytb::StreamSink sink(link, 7, "b");
  EXPECT_FALSE(sink.sync_frames());
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  const uint8_t byte = 1;
  ASSERT_EQ(sink.write(&byte, 1), tinytb::Status::kOk);
  const size_t before = link.bytes.size();
  ASSERT_EQ(sink.sync(), tinytb::Status::kOk);
  EXPECT_EQ(link.bytes.size(), before);
  EXPECT_EQ(link.flushes, 1);
  EXPECT_EQ(sink.frames_sent(), 2u);  // open, data
  ASSERT_EQ(sink.close(), tinytb::Status::kOk);
  const auto starts = frame_starts(link.bytes);
  ASSERT_EQ(starts.size(), 3u);  // open, data, close
  EXPECT_EQ(link.bytes[starts[2] + 3], static_cast<uint8_t>(tinytb::StreamFrameType::kClose));
}

TEST(StreamSink, Errors) {
  VectorLink link;
  tinytb::StreamSink sink(link, 1, "b");
  uint8_t byte = 0;
  EXPECT_EQ(sink.write(&byte, 1), tinytb::Status::kNotOpen);
  EXPECT_EQ(sink.sync(), tinytb::Status::kNotOpen);
  EXPECT_EQ(sink.close(), tinytb::Status::kNotOpen);
  tinytb::StreamSink long_name(link, 1, "a-board-name-longer-than-32-bytes");
  EXPECT_EQ(long_name.open("d", "f"), tinytb::Status::kInvalidArgument);
  tinytb::StreamSink bad_name(link, 1, "no/slash");
  EXPECT_EQ(bad_name.open("d", "f"), tinytb::Status::kInvalidArgument);
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  EXPECT_EQ(sink.open("d", "f"), tinytb::Status::kAlreadyOpen);
  link.fail_after_ = static_cast<long>(link.bytes.size()) + 10;
  EXPECT_EQ(sink.write(&byte, 1), tinytb::Status::kIoError);
}

TEST(TeeSink, BothSinksGetTheSameBytesAndALinkFailureIsOnlyCounted) {
  std::vector<uint8_t> memory(1 << 16);
  tinytb::MemorySink card(memory.data(), memory.size());
  VectorLink link;
  tinytb::StreamSink stream(link, 99, "tee");
  stream.set_sync_frames(true);  // so the writer's syncs are seen to pass the tee
  tinytb::TeeSink tee(card, stream);
  static tinytb::EventWriter<4096> writer;
  tinytb::WriterOptions options;
  options.logdir = "logs";
  ASSERT_EQ(writer.open(tee, options), tinytb::Status::kOk);
  for (int step = 0; step < 20; ++step) ASSERT_EQ(writer.scalar("loss", step, 1.0f / (1 + step)), tinytb::Status::kOk);
  ASSERT_EQ(writer.text("note", 1, "hello from the tee"), tinytb::Status::kOk);
  ASSERT_EQ(writer.close(), tinytb::Status::kOk);
  EXPECT_EQ(tee.secondary_errors(), 0u);

  Files files = receive(link.bytes);
  ASSERT_EQ(files.files.size(), 1u);
  Bytes joined;
  for (const auto& r : files.files[0].records) joined.insert(joined.end(), r.begin(), r.end());
  EXPECT_EQ(joined, Bytes(card.data(), card.data() + card.size()));
  EXPECT_EQ(files.files[0].board, "tee");
  EXPECT_GE(files.files[0].syncs, 1);

  // Now the link fails: the card still gets everything, the tee counts the failures.
  tinytb::MemorySink card2(memory.data(), memory.size());
  VectorLink dead;
  dead.fail_after_ = 0;
  tinytb::StreamSink stream2(dead, 100, "tee");
  tinytb::TeeSink tee2(card2, stream2);
  ASSERT_EQ(writer.open(tee2, options), tinytb::Status::kOk);
  ASSERT_EQ(writer.scalar("loss2", 1, 0.5f), tinytb::Status::kOk);
  ASSERT_EQ(writer.close(), tinytb::Status::kOk);
  EXPECT_GE(tee2.secondary_errors(), 1u);
  EXPECT_GT(card2.size(), 0u);
}

// ---- the receiver -------------------------------------------------------------------------------

TEST(StreamParser, RoundTripInAnySplit) {
  const auto records = make_records(12);
  const Bytes s = stream_of(records);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}, s.size()}) {
    tinytb_tool::RecvCounters c;
    Files files = receive(s, chunk, &c);
    ASSERT_EQ(files.files.size(), 1u) << chunk;
    EXPECT_EQ(files.files[0].records, records) << chunk;
    EXPECT_EQ(files.files[0].board, "cam-01");
    EXPECT_EQ(files.files[0].dir, "logs/run");
    EXPECT_EQ(files.files[0].name, "events.out.tfevents.0000000001.tinytb.0.v2");
    EXPECT_EQ(files.files[0].syncs, 4);
    EXPECT_TRUE(files.files[0].ended);
    EXPECT_EQ(c.frames_lost + c.crc_failures + c.resyncs + c.records_dropped + c.duplicates + c.bytes_skipped, 0u);
    EXPECT_EQ(c.records, records.size());
  }
}

TEST(StreamParser, ARecordLargerThanManyFramesArrivesWhole) {
  Bytes payload(300000);
  std::mt19937 rng(5);
  for (auto& b : payload) b = static_cast<uint8_t>(rng());
  const std::vector<Bytes> records = {tinytb_test::frame(payload)};
  // Several writes for the one record, as the writer does for a record above its queue.
  VectorLink link;
  tinytb::StreamSink sink(link, 3, "big");
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  for (size_t at = 0; at < records[0].size(); at += 10000) {
    ASSERT_EQ(sink.write(records[0].data() + at, std::min<size_t>(10000, records[0].size() - at)), tinytb::Status::kOk);
  }
  ASSERT_EQ(sink.close(), tinytb::Status::kOk);
  Files files = receive(link.bytes, 1000);
  ASSERT_EQ(files.files.size(), 1u);
  EXPECT_EQ(files.files[0].records, records);
}

TEST(StreamParser, ALostFrameCostsOnlyTheRecordsItCarried) {
  const auto records = make_records(12);
  const Bytes s = stream_of(records);
  const auto starts = frame_starts(s);
  // Frame 1 is the first data frame: record 0 alone (20 bytes + framing).
  for (size_t victim = 1; victim + 1 < starts.size(); ++victim) {
    Bytes damaged(s.begin(), s.begin() + starts[victim]);
    damaged.insert(damaged.end(), s.begin() + starts[victim + 1], s.end());
    tinytb_tool::RecvCounters c;
    Files files = receive(damaged, 4096, &c);
    EXPECT_EQ(c.frames_lost, 1u) << victim;
    EXPECT_EQ(c.crc_failures, 0u);
    // Every record received is one of the originals, in order, and only records that
    // overlap the lost frame are missing.
    const auto got = files.all_records();
    size_t k = 0;
    for (const auto& r : got) {
      while (k < records.size() && records[k] != r) ++k;
      ASSERT_LT(k, records.size()) << "a record that was never sent, victim " << victim;
      ++k;
    }
    EXPECT_GE(got.size() + 2, records.size()) << victim;
  }
}

TEST(StreamParser, FlippedInsertedAndDuplicatedBytes) {
  const auto records = make_records(9);
  const Bytes s = stream_of(records);
  const auto starts = frame_starts(s);
  {  // a flipped bit inside a data frame's payload: that frame is lost, counted as a CRC failure
    Bytes d = s;
    d[starts[2] + 30] ^= 0x10;
    tinytb_tool::RecvCounters c;
    Files files = receive(d, 4096, &c);
    EXPECT_EQ(c.crc_failures, 1u);
    EXPECT_EQ(c.frames_lost, 1u);
    EXPECT_EQ(c.resyncs, 1u);
    EXPECT_EQ(files.all_records().size(), records.size() - 1);
  }
  {  // garbage (with marker bytes in it) between two frames: nothing lost
    Bytes d(s.begin(), s.begin() + starts[3]);
    const Bytes junk = {0xE7, 0x5A, 0x01, 0xE7, 0xE7, 0x5A, 0x00, 0x42, 0xE7};
    d.insert(d.end(), junk.begin(), junk.end());
    d.insert(d.end(), s.begin() + starts[3], s.end());
    tinytb_tool::RecvCounters c;
    Files files = receive(d, 5, &c);
    EXPECT_EQ(files.all_records(), records);
    EXPECT_EQ(c.resyncs, 1u);
    EXPECT_EQ(c.bytes_skipped, junk.size());
    EXPECT_EQ(c.frames_lost, 0u);
  }
  {  // a frame repeated whole: dropped as a duplicate
    Bytes d(s.begin(), s.begin() + starts[4]);
    d.insert(d.end(), s.begin() + starts[3], s.end());
    tinytb_tool::RecvCounters c;
    Files files = receive(d, 4096, &c);
    EXPECT_EQ(files.all_records(), records);
    EXPECT_EQ(c.duplicates, 1u);
  }
}

TEST(StreamParser, ATruncateWithdrawsTheRecordsOfTheFailedWriteSoNoneIsWrittenTwice) {
  const Bytes r0 = tinytb_test::frame(Bytes(50, 1));
  const Bytes r1 = tinytb_test::frame(Bytes(60, 2));
  const Bytes r2 = tinytb_test::frame(Bytes(tinytb::kStreamMaxPayload + 1000, 3));
  Bytes queue = r1;
  queue.insert(queue.end(), r2.begin(), r2.end());
  VectorLink link;
  tinytb::StreamSink sink(link, 8, "t");
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  ASSERT_EQ(sink.write(r0.data(), r0.size()), tinytb::Status::kOk);
  // The link dies a few bytes into the second frame of the queue: r1 arrived whole (first frame).
  link.fail_after_ = static_cast<long>(link.bytes.size() + tinytb::kStreamHeaderBytes + tinytb::kStreamMaxPayload +
                                       tinytb::kStreamTrailerBytes + 5);
  EXPECT_EQ(sink.write(queue.data(), queue.size()), tinytb::Status::kIoError);
  link.fail_after_ = -1;
  // What the writer does: cut back to the last whole record, later write the queue again.
  ASSERT_EQ(sink.truncate(r0.size()), tinytb::Status::kOk);
  ASSERT_EQ(sink.write(queue.data(), queue.size()), tinytb::Status::kOk);
  ASSERT_EQ(sink.close(), tinytb::Status::kOk);
  tinytb_tool::RecvCounters c;
  Files files = receive(link.bytes, 333, &c);
  ASSERT_EQ(files.files.size(), 1u);
  EXPECT_EQ(files.files[0].records, (std::vector<Bytes>{r0, r1, r2}));
  EXPECT_EQ(c.records_withdrawn, 1u);
  EXPECT_EQ(c.records_dropped, 0u);  // r2's start was cut by the failed write, and sent again
  EXPECT_EQ(c.records, 3u);
  EXPECT_EQ(c.truncates_unmatched, 0u);
}

TEST(StreamParser, ANewSessionIsANewFileAndStaleFramesAreDropped) {
  const auto a = make_records(3);
  const auto b = make_records(4);
  const Bytes sa = stream_of(a, 1, "x");
  const Bytes sb = stream_of(b, 2, "x");
  // The first session without its close frame (the board reset), then the second; then a
  // replay of the first session's bytes.
  const auto starts = frame_starts(sa);
  Bytes s(sa.begin(), sa.begin() + starts.back());
  s.insert(s.end(), sb.begin(), sb.end());
  s.insert(s.end(), sa.begin(), sa.end());
  tinytb_tool::RecvCounters c;
  Files files = receive(s, 4096, &c);
  ASSERT_EQ(files.files.size(), 2u);
  EXPECT_EQ(files.files[0].session, 1u);
  EXPECT_EQ(files.files[0].records, a);
  EXPECT_TRUE(files.files[0].ended);
  EXPECT_EQ(files.files[1].session, 2u);
  EXPECT_EQ(files.files[1].records, b);
  EXPECT_EQ(c.sessions, 2u);
  EXPECT_EQ(c.duplicates, starts.size());
}

TEST(StreamParser, AReceiverStartedLateFindsTheNextRecord) {
  const auto records = make_records(10);
  const Bytes s = stream_of(records);
  const auto starts = frame_starts(s);
  // Start in the middle of frame 3.
  const Bytes late(s.begin() + starts[3] + 9, s.end());
  tinytb_tool::RecvCounters c;
  Files files = receive(late, 100, &c);
  ASSERT_EQ(files.files.size(), 1u);
  EXPECT_EQ(files.files[0].board, "");  // the open frame was never seen
  EXPECT_EQ(c.frames_lost, 4u);         // frames 0..3
  const auto got = files.all_records();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), records.back());
  EXPECT_EQ(Bytes(got.front()), records[records.size() - got.size()]);
}

TEST(StreamParser, MemoryStaysBoundedWhateverTheBytesSay) {
  // Random bytes plus forged frames that announce a huge record, in small feeds.
  std::mt19937 rng(17);
  Files files;
  tinytb_tool::StreamParser::Options options;
  options.max_record = 1 << 20;
  tinytb_tool::StreamParser parser(files, options);
  size_t peak = 0;
  VectorLink link;
  tinytb::StreamSink sink(link, 5, "");
  ASSERT_EQ(sink.open("d", "f"), tinytb::Status::kOk);
  Bytes forged = tinytb_test::header_only(uint64_t{1} << 40);  // a record header claiming 1 TiB
  ASSERT_EQ(sink.write(forged.data(), forged.size()), tinytb::Status::kOk);
  forged = tinytb_test::header_only(900000);  // and one under the limit that never completes
  ASSERT_EQ(sink.write(forged.data(), forged.size()), tinytb::Status::kOk);
  parser.feed(link.bytes.data(), link.bytes.size());
  for (int i = 0; i < 4000; ++i) {
    Bytes junk(1024);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    if (i % 7 == 0) junk[100] = 0xE7, junk[101] = 0x5A;
    parser.feed(junk.data(), junk.size());
    peak = std::max(peak, parser.buffered());
  }
  parser.finish();
  EXPECT_LE(peak, options.max_record + tinytb::kStreamMaxPayload + 64 + 1024);
  EXPECT_GE(parser.counters().records_too_large, 1u);
  EXPECT_GT(parser.counters().bytes_skipped, 4000u * 1000u);
}

TEST(StreamParser, RecordsAboveTheLimitAreSkippedAndTheNextOnesKept) {
  const std::vector<Bytes> records = {tinytb_test::frame(Bytes(100, 1)), tinytb_test::frame(Bytes(5000, 7)),
                                      tinytb_test::frame(Bytes(200, 3))};
  const Bytes s = stream_of(records);
  Files files;
  tinytb_tool::StreamParser::Options options;
  options.max_record = 4096;
  tinytb_tool::StreamParser parser(files, options);
  parser.feed(s.data(), s.size());
  parser.finish();
  EXPECT_EQ(parser.counters().records_too_large, 1u);
  EXPECT_EQ(files.all_records(), (std::vector<Bytes>{records[0], records[2]}));
}

}  // namespace
