// tinytb tests: a board on the host. Logs through the real EventWriter and StreamSink over a
// link to a file, standard output or a TCP receiver, optionally paced like a UART, so the
// receiver's tests, fault sweeps and the throughput benchmark have a stream with real records.
//
//   stream_source [--out PATH | --tcp HOST:PORT] [--baud N] [--session N] [--board NAME]
//                 [--steps N] [--images] [--reboot] [--seconds S] [--queue-records N] [--sync-every N]
//                 [--flush-every N] [--sync-frames]
//
// --baud N paces the link at N / 10 bytes a second (8N1: ten bit times per byte), the rate a
// UART at N baud carries. --images logs a 96x96 gray camera frame (PNG) per step beside the
// scalars, flushed every --flush-every steps (default 1; the queue holds 64 KiB, so a flush of
// several steps is a write longer than one frame and records cross frame boundaries). --reboot starts a second session (id + 1) after the first, as a board reset would.
// --sync-frames forwards the writer's syncs as sync frames (StreamSink::set_sync_frames).
// --seconds S keeps logging steps until S seconds passed (for live and throughput runs).
// Prints one JSON line at the end: frames, link bytes, record bytes (what the writer wrote),
// images, steps and the elapsed seconds.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "stream_sink.h"
#include "tinytb/tinytb.h"

namespace {

double now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A file descriptor as the link; with a baud rate, bytes leave no faster than a UART's.
class FdLink : public tinytb::ByteLink {
 public:
  FdLink(int fd, unsigned long baud) : fd_(fd), bytes_per_second_(static_cast<double>(baud) / 10.0) {}
  tinytb::Status send(const uint8_t* data, size_t size) override {
    if (bytes_per_second_ > 0) {
      if (start_ == 0) start_ = now();
      sent_ += size;
      const double due = start_ + static_cast<double>(sent_) / bytes_per_second_;
      const double wait = due - now();
      if (wait > 0) {
        struct timespec ts;
        ts.tv_sec = static_cast<time_t>(wait);
        ts.tv_nsec = static_cast<long>((wait - static_cast<double>(ts.tv_sec)) * 1e9);
        nanosleep(&ts, nullptr);
      }
    }
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n <= 0) return tinytb::Status::kIoError;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return tinytb::Status::kOk;
  }

 private:
  int fd_;
  double bytes_per_second_;
  double start_ = 0;
  uint64_t sent_ = 0;
};

// Counts what the writer hands the sink: the record bytes.
class CountingSink : public tinytb::Sink {
 public:
  explicit CountingSink(tinytb::Sink& inner) : inner_(inner) {}
  tinytb::Status open(const char* d, const char* f) override { return inner_.open(d, f); }
  tinytb::Status write(const uint8_t* data, size_t size) override {
    record_bytes += size;
    return inner_.write(data, size);
  }
  tinytb::Status sync() override { return inner_.sync(); }
  tinytb::Status truncate(uint64_t s) override { return inner_.truncate(s); }
  tinytb::Status close() override { return inner_.close(); }
  uint64_t record_bytes = 0;

 private:
  tinytb::Sink& inner_;
};

int connect_tcp(const std::string& where) {
  const size_t colon = where.rfind(':');
  if (colon == std::string::npos) return -1;
  struct addrinfo hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo* found = nullptr;
  if (getaddrinfo(where.substr(0, colon).c_str(), where.substr(colon + 1).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (int attempt = 0; attempt < 50 && fd < 0; ++attempt) {
    fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
      usleep(100000);
    }
  }
  freeaddrinfo(found);
  return fd;
}

constexpr uint32_t kSide = 96;
uint8_t g_frame[kSide * kSide];

// A camera-like frame: a moving gradient, a bright square and sensor noise.
void make_frame(int step) {
  uint32_t seed = 12345u + static_cast<uint32_t>(step);
  for (uint32_t y = 0; y < kSide; ++y) {
    for (uint32_t x = 0; x < kSide; ++x) {
      seed = seed * 1664525u + 1013904223u;
      int v = static_cast<int>((x + y + static_cast<uint32_t>(step) * 3) % 192) + static_cast<int>(seed >> 29);
      const uint32_t sx = static_cast<uint32_t>(step * 5) % (kSide - 20);
      if (x >= sx && x < sx + 20 && y >= 30 && y < 50) v = 240;
      g_frame[y * kSide + x] = static_cast<uint8_t>(v);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = "-", tcp, board = "host-board";
  unsigned long baud = 0, session = 4242;
  long steps = 20;
  double seconds = 0;
  bool images = false, reboot = false, sync_frames = false;
  unsigned long queue_records = 10;
  unsigned long sync_every = 1;
  long flush_every = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--images") {
      images = true;
    } else if (a == "--reboot") {
      reboot = true;
    } else if (a == "--sync-frames") {
      sync_frames = true;
    } else if (v != nullptr && a == "--out") {
      out = v, ++i;
    } else if (v != nullptr && a == "--tcp") {
      tcp = v, ++i;
    } else if (v != nullptr && a == "--baud") {
      baud = std::strtoul(v, nullptr, 10), ++i;
    } else if (v != nullptr && a == "--session") {
      session = std::strtoul(v, nullptr, 10), ++i;
    } else if (v != nullptr && a == "--board") {
      board = v, ++i;
    } else if (v != nullptr && a == "--steps") {
      steps = std::strtol(v, nullptr, 10), ++i;
    } else if (v != nullptr && a == "--seconds") {
      seconds = std::strtod(v, nullptr), ++i;
    } else if (v != nullptr && a == "--flush-every") {
      flush_every = std::max(1L, std::strtol(v, nullptr, 10)), ++i;
    } else if (v != nullptr && a == "--sync-every") {
      sync_every = std::strtoul(v, nullptr, 10), ++i;
    } else if (v != nullptr && a == "--queue-records") {
      queue_records = std::strtoul(v, nullptr, 10), ++i;
    } else {
      std::fprintf(stderr, "stream_source: bad argument %s\n", a.c_str());
      return 64;
    }
  }
  int fd = STDOUT_FILENO;
  if (!tcp.empty()) {
    fd = connect_tcp(tcp);
    if (fd < 0) return std::fprintf(stderr, "stream_source: cannot connect to %s\n", tcp.c_str()), 1;
  } else if (out != "-") {
    fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return std::perror(out.c_str()), 1;
  }
  FdLink link(fd, baud);
  // One writer per session: a rebooted board starts with a fresh one.
  static tinytb::EventWriter<65536, 16> writers[2];
  static tinytb::PngEncoder<kSide, kSide, 1, tinytb::PngMode::kCompressed> png;
  uint64_t frames = 0, link_bytes = 0, record_bytes = 0, image_count = 0;
  long total_steps = 0;
  const double start = now();
  for (int run = 0; run < (reboot ? 2 : 1); ++run) {
    tinytb::EventWriter<65536, 16>& writer = writers[run];
    tinytb::StreamSink stream(link, static_cast<uint32_t>(session) + static_cast<uint32_t>(run), board.c_str());
    stream.set_sync_frames(sync_frames);
    CountingSink counting(stream);
    tinytb::WriterOptions options;
    options.logdir = "logs";
    options.run = board.c_str();
    options.max_queue = static_cast<uint32_t>(queue_records);
    options.flush_millis = 0;
    options.sync_every = static_cast<uint32_t>(sync_every);
    if (writer.open(counting, options) != tinytb::Status::kOk) return std::fprintf(stderr, "open failed\n"), 1;
    for (long step = 0; seconds > 0 ? now() - start < seconds * (run + 1) / (reboot ? 2 : 1) : step < steps; ++step) {
      tinytb::Status s = writer.scalar("loss", step, 1.0f / static_cast<float>(1 + step));
      if (s == tinytb::Status::kOk) s = writer.scalar("latency_ms", step, 12.5f + static_cast<float>(step % 7));
      if (s == tinytb::Status::kOk && step % 5 == 0) s = writer.text("note", step, "streamed from the host board");
      if (s == tinytb::Status::kOk && images) {
        make_frame(static_cast<int>(step));
        s = writer.image("camera", step, tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_frame, kSide, kSide),
                         png);
        ++image_count;
      }
      if (s == tinytb::Status::kOk && images && (step + 1) % flush_every == 0) s = writer.flush();
      if (s != tinytb::Status::kOk) {
        std::fprintf(stderr, "stream_source: logging failed: %s\n", tinytb::status_name(s));
        return 1;
      }
      ++total_steps;
    }
    if (writer.close() != tinytb::Status::kOk) return std::fprintf(stderr, "close failed\n"), 1;
    frames += stream.frames_sent();
    link_bytes += stream.link_bytes();
    record_bytes += counting.record_bytes;
  }
  const double elapsed = now() - start;
  std::fprintf(stderr,
               "{\"frames\": %llu, \"link_bytes\": %llu, \"record_bytes\": %llu, \"images\": %llu, \"steps\": %ld, "
               "\"seconds\": %.3f}\n",
               static_cast<unsigned long long>(frames), static_cast<unsigned long long>(link_bytes),
               static_cast<unsigned long long>(record_bytes), static_cast<unsigned long long>(image_count),
               total_steps, elapsed);
  if (fd != STDOUT_FILENO) close(fd);
  return 0;
}
