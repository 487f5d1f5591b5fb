// tinytb: scalars against a native C++ writer on the full protobuf runtime (docs/bench.md,
// "Scalars against a native protobuf writer"). A benchmark only: the library never links
// libprotobuf, and this program is built by `make bench-native` / `make test-programs` only.
//
// One process logs one run, chosen by --writer:
//   tinytb         the judged run: EventWriter<> (every template default: on a host a 64 KiB
//                  queue, 16 tags) on PosixSink, WriterOptions at their defaults plus
//                  posix_clock() (the documented setup on Linux): the host defaults
//                  (event_writer.h, kDefaultQueueBytes): max_queue 0 (write the queue when
//                  full), flush_millis 5000, sync_every 0 (fsync at open(), close(), sync(),
//                  rotation and a tag's first record in a file), the classic form (simple_value).
//   tinytb-mcu     informational: the microcontroller defaults on this host: EventWriter<1024>,
//                  max_queue 10, flush_millis 120000, sync_every 1 (an fsync after every flush,
//                  so every 10 records).
//   native         the reference below, written as a careful C++ developer would.
// Workload: --events N scalars over four tags, round robin: event i goes to tag i % 4 at
// step i / 4 with the value i * 0.25 (exact in a float up to 2^24, so the read-back can
// compare values exactly).
//
// The clock starts before the writer is opened and stops once every record has been
// handed to the operating system: tinytb's flush() (its close(), which fsyncs, is timed
// apart in the judged run and inside the time in the microcontroller-defaults run, where
// every flush fsyncs anyway), the native writer's close() (queue drained, thread joined, fclose; no
// fsync). Prints one JSON object on stdout; tests/bench/native_run.py runs the processes
// interleaved and reads the files back with TensorBoard's loader.
//
// The native reference, as TensorFlow's and tensorboardX's writers are built: the caller
// fills a tinytb_pb::Event (protoc's C++ classes for our own .proto,
// src/format/proto/tensorboard_event.proto) with a Summary.Value carrying simple_value,
// the same form tinytb's default writes, and moves it into a bounded queue; a background
// thread takes the queue's contents in batches, serializes each event (SerializeToString
// into one reused string), frames it as a TFRecord (length, masked CRC-32C of the length,
// data, masked CRC-32C of the data; the CRC is tinytb::crc32c_extend, the same function
// the library uses, so both sides get the same checksum speed) and writes it through a
// stdio FILE with a 64 KiB buffer. The caller blocks only when 1024 events are waiting.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench_clock.h"
#include "posix_sink.h"
#include "tensorboard_event.pb.h"
#include "tinytb/format/crc32c.h"
#include "tinytb/tinytb.h"

namespace {

const char* const kTags[4] = {"train/loss", "train/accuracy", "train/learning_rate", "train/grad_norm"};

using bench::cpu_s;
using bench::now_s;
double wall_seconds() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
float value_of(size_t i) { return static_cast<float>(i) * 0.25f; }

class NativeEventWriter {
 public:
  bool open(const std::string& dir) {
    mkdir(dir.c_str(), 0755);
    char name[160];
    snprintf(name, sizeof name, "/events.out.tfevents.%lld.native", static_cast<long long>(time(nullptr)));
    file_ = fopen((dir + name).c_str(), "wb");
    if (file_ == nullptr) return false;
    buffer_.resize(64 * 1024);
    setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
    thread_ = std::thread([this] { run(); });
    tinytb_pb::Event first;
    first.set_wall_time(wall_seconds());
    first.set_file_version("brain.Event:2");
    push(std::move(first));
    return true;
  }

  void add_scalar(const std::string& tag, int64_t step, float value) {
    tinytb_pb::Event event;
    event.set_wall_time(wall_seconds());
    event.set_step(step);
    tinytb_pb::Summary::Value* v = event.mutable_summary()->add_value();
    v->set_tag(tag);
    v->set_simple_value(value);
    push(std::move(event));
  }

  // Drains the queue, joins the thread and closes the file (no fsync, as TF and
  // tensorboardX). False when a write failed.
  bool close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    ready_.notify_one();
    thread_.join();
    const bool closed = fclose(file_) == 0;
    file_ = nullptr;
    return closed && ok_;
  }

 private:
  static constexpr size_t kMaxPending = 1024;

  void push(tinytb_pb::Event&& event) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [this] { return pending_.size() < kMaxPending; });
    pending_.push_back(std::move(event));
    const bool wake = pending_.size() == 1;
    lock.unlock();
    if (wake) ready_.notify_one();
  }

  void run() {
    std::vector<tinytb_pb::Event> batch;
    std::string bytes;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !pending_.empty() || closing_; });
        if (pending_.empty()) return;
        batch.swap(pending_);
      }
      room_.notify_all();
      for (const tinytb_pb::Event& event : batch) {
        event.SerializeToString(&bytes);
        write_record(bytes);
      }
      batch.clear();
    }
  }

  void write_record(const std::string& data) {
    uint8_t header[12];
    const uint64_t len = data.size();
    for (int i = 0; i < 8; ++i) header[i] = static_cast<uint8_t>(len >> (8 * i));
    const uint32_t len_crc = tinytb::mask_crc(tinytb::crc32c(header, 8));
    for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<uint8_t>(len_crc >> (8 * i));
    const uint32_t crc = tinytb::mask_crc(tinytb::crc32c(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    uint8_t footer[4];
    for (int i = 0; i < 4; ++i) footer[i] = static_cast<uint8_t>(crc >> (8 * i));
    if (fwrite(header, 1, sizeof header, file_) != sizeof header || fwrite(data.data(), 1, data.size(), file_) != data.size() ||
        fwrite(footer, 1, sizeof footer, file_) != sizeof footer) {
      ok_ = false;
    }
  }

  FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::vector<tinytb_pb::Event> pending_;
  bool closing_ = false;
  bool ok_ = true;  // written by the thread only, read after join()
};

struct Result {
  double seconds = 0, cpu_seconds = 0, close_seconds = 0;
  double open_seconds = 0;  // inside `seconds`: tinytb's open() fsyncs the new file and its directory
  bool ok = false;
  std::string error;
};

Result run_native(const std::string& logdir, size_t events) {
  const std::string tags[4] = {kTags[0], kTags[1], kTags[2], kTags[3]};
  Result r;
  NativeEventWriter writer;
  const double t0 = now_s(), c0 = cpu_s();
  if (!writer.open(logdir)) {
    r.error = "cannot create the event file";
    return r;
  }
  r.open_seconds = now_s() - t0;
  for (size_t i = 0; i < events; ++i) writer.add_scalar(tags[i & 3], static_cast<int64_t>(i >> 2), value_of(i));
  r.ok = writer.close();
  r.seconds = now_s() - t0;
  r.cpu_seconds = cpu_s() - c0;
  if (!r.ok) r.error = "write failed";
  return r;
}

tinytb::EventWriter<> g_writer;  // every template default
tinytb::EventWriter<1024> g_mcu_writer;  // the microcontrollers' default queue
tinytb::PosixSink g_sink;

Result run_tinytb(const std::string& logdir, size_t events, bool mcu_defaults) {
  Result r;
  tinytb::WriterOptions o;
  o.logdir = logdir.c_str();
  o.clock = tinytb::posix_clock();
  if (mcu_defaults) {
    o.max_queue = 10;
    o.flush_millis = 120000;
    o.sync_every = 1;
  }
  tinytb::EventWriterBase& w =
      mcu_defaults ? static_cast<tinytb::EventWriterBase&>(g_mcu_writer) : static_cast<tinytb::EventWriterBase&>(g_writer);
  const double t0 = now_s(), c0 = cpu_s();
  tinytb::Status s = w.open(g_sink, o);
  r.open_seconds = now_s() - t0;
  for (size_t i = 0; i < events && s == tinytb::Status::kOk; ++i) {
    s = w.scalar(kTags[i & 3], static_cast<int64_t>(i >> 2), value_of(i));
  }
  if (s == tinytb::Status::kOk) s = w.flush();
  const double t1 = now_s(), c1 = cpu_s();
  const tinytb::Status c = w.close();
  const double t2 = now_s();
  r.seconds = (mcu_defaults ? t2 : t1) - t0;
  r.cpu_seconds = (mcu_defaults ? cpu_s() : c1) - c0;
  r.close_seconds = t2 - t1;
  if (s == tinytb::Status::kOk) s = c;
  r.ok = s == tinytb::Status::kOk;
  if (!r.ok) r.error = tinytb::status_name(s);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;
  std::string writer, logdir;
  size_t events = 1000000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has = i + 1 < argc;
    if (a == "--writer" && has) writer = argv[++i];
    else if (a == "--logdir" && has) logdir = argv[++i];
    else if (a == "--events" && has) events = strtoul(argv[++i], nullptr, 10);
    else {
      writer.clear();
      break;
    }
  }
  if (logdir.empty() ||
      (writer != "tinytb" && writer != "tinytb-mcu" && writer != "native")) {
    fprintf(stderr,
            "usage: native_scalar_bench --writer tinytb|tinytb-mcu|native --logdir DIR [--events N]\n");
    return 2;
  }
  const Result r = writer == "native" ? run_native(logdir, events)
                                      : run_tinytb(logdir, events, writer == "tinytb-mcu");
  printf("{\"writer\": \"%s\", \"events\": %zu, \"seconds\": %.6f, \"cpu_seconds\": %.6f, \"close_seconds\": %.6f, "
         "\"open_seconds\": %.6f, \"ok\": %s, \"error\": \"%s\"}\n",
         writer.c_str(), events, r.seconds, r.cpu_seconds, r.close_seconds, r.open_seconds, r.ok ? "true" : "false", r.error.c_str());
  google::protobuf::ShutdownProtobufLibrary();
  return r.ok ? 0 : 1;
}
