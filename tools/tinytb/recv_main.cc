// tinytb host tool: `tinytb recv` (docs/streaming.md, docs/tools.md).
//
// Sources (a serial port, TCP connections, a file or stdin) are read with poll(); each
// link has its own StreamParser and its own files. Records go to disk with one write()
// each as soon as they are whole (no user-space buffer, so a running TensorBoard sees
// them at its next poll). Durability is the receiver's own business (the board cannot see
// it): a file is fsynced about once a second while records arrive, at every file end and
// at the end of the program, and at once on a sync frame (StreamSink::set_sync_frames).
#include "recv_main.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "file_io.h"
#include "format/event.h"
#include "format/summary_value.h"
#include "recv_stream.h"
#include "tinytb/format/record.h"

namespace tinytb_tool {

namespace {

// ---- exit codes (docs/tools.md, "recv") ------------------------------------------------------

constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;     // EX_USAGE
constexpr int kExitNotTty = 65;    // EX_DATAERR: --serial on something that is not a terminal
constexpr int kExitNoInput = 66;   // EX_NOINPUT: the device or file does not exist
constexpr int kExitIo = 74;        // EX_IOERR: cannot read the link or write DIR
constexpr int kExitInUse = 75;     // EX_TEMPFAIL: the serial port or the TCP port is in use

const char kRecvHelp[] =
    "usage: tinytb recv (--serial DEVICE [--baud N] | --tcp HOST:PORT | --file PATH) [OPTIONS] DIR\n"
    "\n"
    "Receive the records a board streams through ports/stream (StreamSink) and write them\n"
    "as TensorBoard event files under DIR, as they arrive (docs/streaming.md).\n"
    "\n"
    "  --serial DEVICE    read a serial port (raw, 8N1, no flow control)\n"
    "  --baud N           its speed (default 115200)\n"
    "  --tcp HOST:PORT    listen there; every board that connects gets its own files\n"
    "  --file PATH        read a captured byte stream; - reads standard input\n"
    "  --connections N    with --tcp: exit once N connections have come and gone\n"
    "  --max-record-mb N  drop records above N MiB (default 64): bounds the memory used\n"
    "  --stats-json FILE  at exit, write the counters of every link to FILE (JSON)\n"
    "  --quiet            no status line\n"
    "\n"
    "Each board's run is DIR/<board name>, or DIR/session-<id> when it sends none; a new\n"
    "session (the board rebooted) or a new file on the board starts a new file. A record\n"
    "is written only whole with its CRCs checked; lost frames, CRC failures, resyncs and\n"
    "dropped records are counted on the status line and logged in the run as the scalars\n"
    "tinytb_recv/*. Ctrl-C or the end of input: everything received is on disk, synced.\n"
    "\n"
    "examples:\n"
    "  tinytb recv --serial /dev/ttyUSB0 --baud 921600 logs &  tensorboard --logdir logs\n"
    "  tinytb recv --tcp 0.0.0.0:5555 logs         # ESP32s over Wi-Fi connect to port 5555\n"
    "  tinytb recv --file capture.bin logs         # a stream captured earlier\n"
    "  socat -u /dev/ttyACM0,raw - | tinytb recv --file - logs\n"
    "\n"
    "exit status: 0 done (Ctrl-C, end of input), 64 usage error, 65 not a tty, 66 no such\n"
    "             device or file, 74 I/O error, 75 serial port or TCP port in use\n";

volatile sig_atomic_t g_stop = 0;
// Line starts and ends for messages between status lines: on a terminal they overwrite the
// status line; elsewhere (a log file) plain lines.
const char* g_cr = "";
const char* g_el = "";
extern "C" void on_stop_signal(int) { g_stop = 1; }

void error_line(const std::string& text) { std::fprintf(stderr, "tinytb: recv: %s\n", text.c_str()); }

double now_seconds() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double monotonic_seconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Config {
  std::string dir;
  uint64_t max_record = 64ull << 20;
  bool quiet = false;
};

// ---- the receiver's own scalars ------------------------------------------------------------------

// One classic simple_value event, framed, with the core's encoder (its direct path for
// scalars: the same bytes the writer makes for scalar()).
bool scalar_record(const char* tag, int64_t step, float value, std::vector<uint8_t>* out) {
  namespace d = tinytb::detail;
  d::SummarySpec spec;
  spec.tag = tag;
  spec.tag_len = std::strlen(tag);
  spec.plugin_name = nullptr;
  spec.data_class = d::DataClass::kScalar;
  spec.tensor.dtype = d::DType::kFloat;
  spec.tensor.floats = &value;
  spec.tensor.float_count = 1;
  spec.classic.kind = d::ValueKind::kSimple;
  d::EventSpec event;
  const double wall = now_seconds();
  std::memcpy(&event.wall_time_bits, &wall, sizeof wall);
  event.step = step;
  event.summary = &spec;
  size_t size = 0;
  if (!d::event_size(event, &size)) return false;
  out->assign(size + tinytb::kRecordOverheadBytes, 0);
  if (!d::encode_event(event, out->data() + tinytb::kRecordHeaderBytes, size)) return false;
  tinytb::frame_record(out->data(), size);
  return true;
}

// ---- one link's files --------------------------------------------------------------------------

class LinkFiles : public RecvOutput {
 public:
  LinkFiles(const Config& config, std::string label) : config_(config), label_(std::move(label)) {}

  void attach(const StreamParser* parser) { parser_ = parser; }
  const std::string& label() const { return label_; }
  const std::string& current_run() const { return run_; }
  const std::vector<std::string>& paths() const { return paths_; }
  bool failed() const { return failed_; }
  const std::string& failure() const { return failure_; }

  void begin_file(uint32_t session, const std::string& board, const std::string&, const std::string&) override {
    char fallback[32];
    std::snprintf(fallback, sizeof fallback, "session-%08x", session);
    std::string run = safe_run_name(board);
    if (run.empty()) run = fallback;
    run_ = run;
    const std::string dir = config_.dir + "/" + run;
    std::string error;
    if (!make_directories(dir, &error)) return fail(error);
    // Named by the host's clock and a counter, not by the board's name for it: a board
    // without a clock restarts its stamps, and TensorBoard reads a run's files in name order.
    const long long stamp = static_cast<long long>(now_seconds());
    for (unsigned n = 0; n < 100000; ++n) {
      char name[160];
      std::snprintf(name, sizeof name, "events.out.tfevents.%010lld.%s.%05u.recv", stamp, run.c_str(), n);
      const std::string path = dir + "/" + name;
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0 && errno == EEXIST) continue;
      if (fd < 0) return fail(errno_text("cannot create", path));
      fd_ = Fd(fd);
      path_ = path;
      file_size_ = 0;
      starts_.clear();
      paths_.push_back(path);
      step_ = 0;
      if (!fsync_directory(dir, &error)) return fail(error);
      if (!config_.quiet) std::fprintf(stderr, "%stinytb: recv: %s: writing %s%s\n", g_cr, label_.c_str(), path.c_str(), g_el);
      return;
    }
    fail("no free file name in " + dir);
  }

  void record(const uint8_t* data, size_t size) override {
    if (!fd_.valid()) return;
    starts_.push_back(file_size_);
    if (starts_.size() > 4096) starts_.pop_front();  // as far back as the parser remembers
    append(data, size);
  }

  void drop_last_records(size_t count) override {
    if (!fd_.valid() || count == 0 || count > starts_.size()) return;
    const uint64_t cut = starts_[starts_.size() - count];
    starts_.resize(starts_.size() - count);
    if (::ftruncate(fd_.get(), static_cast<off_t>(cut)) != 0) return fail(errno_text("cannot truncate", path_));
    file_size_ = cut;
    written_ = RecvCounters();  // counters written after the cut went with it: write them again
  }

  void sync() override {
    if (!fd_.valid()) return;
    if (::fsync(fd_.get()) != 0) return fail(errno_text("cannot sync", path_));
    ++fsyncs_;
    unsynced_ = false;
    last_fsync_ = monotonic_seconds();
  }

  void end_file() override {
    if (!fd_.valid()) return;
    write_counters();
    sync();
    if (!fd_.close()) fail(errno_text("cannot close", path_));
    fd_ = Fd();
  }

  // The counters as scalars in the run: when they changed, at most once a second, and
  // never before the board's first record (its file_version event must come first). Then
  // the file's own fsync, at most once a second while bytes arrive.
  void tick(double now) {
    write_counters_if_changed(now);
    if (fd_.valid() && unsynced_ && now - last_fsync_ >= 1.0) sync();
  }

  uint64_t fsyncs() const { return fsyncs_; }

 private:
  void write_counters_if_changed(double now) {
    if (!fd_.valid() || parser_ == nullptr || starts_.empty() || now - last_counters_ < 1.0) return;
    const RecvCounters& c = parser_->counters();
    if (c.frames_lost == written_.frames_lost && c.crc_failures == written_.crc_failures &&
        c.resyncs == written_.resyncs && c.records_dropped == written_.records_dropped &&
        c.duplicates == written_.duplicates && step_ > 0) {
      return;
    }
    write_counters();
    last_counters_ = now;
  }

  void write_counters() {
    if (!fd_.valid() || parser_ == nullptr) return;
    const RecvCounters& c = parser_->counters();
    const struct {
      const char* tag;
      uint64_t value;
    } rows[] = {
        {"tinytb_recv/frames_lost", c.frames_lost},     {"tinytb_recv/crc_failures", c.crc_failures},
        {"tinytb_recv/resyncs", c.resyncs},             {"tinytb_recv/records_dropped", c.records_dropped},
        {"tinytb_recv/duplicate_frames", c.duplicates}, {"tinytb_recv/bytes_skipped", c.bytes_skipped},
    };
    std::vector<uint8_t> bytes;
    for (const auto& row : rows) {
      if (!scalar_record(row.tag, step_, static_cast<float>(row.value), &bytes)) return fail("cannot encode a scalar");
      append(bytes.data(), bytes.size());
    }
    ++step_;
    written_ = c;
  }

  void append(const uint8_t* data, size_t size) {
    if (!fd_.valid()) return;
    if (!write_all(fd_.get(), data, size)) return fail(errno_text("cannot write", path_));
    file_size_ += size;
    unsynced_ = true;
  }

  void fail(const std::string& why) {
    if (!failed_) failure_ = why;
    failed_ = true;
    fd_ = Fd();
    g_stop = 1;  // a receiver that cannot write must not look as if it were receiving
  }

  const Config& config_;
  std::string label_;
  const StreamParser* parser_ = nullptr;
  Fd fd_;
  std::string path_;
  std::string run_;
  std::vector<std::string> paths_;
  uint64_t file_size_ = 0;
  std::deque<uint64_t> starts_;  // where the board's last records start in the file
  int64_t step_ = 0;
  RecvCounters written_;
  double last_counters_ = 0.0;
  bool unsynced_ = false;     // bytes written since the last fsync
  double last_fsync_ = 0.0;   // monotonic
  uint64_t fsyncs_ = 0;
  bool failed_ = false;
  std::string failure_;
};

// A link: a descriptor, its parser and its files.
struct Link {
  Link(const Config& config, std::string label, Fd fd_in, const StreamParser::Options& options)
      : files(config, std::move(label)), parser(files, options), fd(std::move(fd_in)) {
    files.attach(&parser);
  }
  LinkFiles files;
  StreamParser parser;
  Fd fd;
  bool ended = false;
};

// ---- opening the sources -------------------------------------------------------------------------

bool baud_constant(unsigned long baud, speed_t* out) {
  static const struct {
    unsigned long baud;
    speed_t value;
  } table[] = {
      {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},     {115200, B115200},
      {230400, B230400},   {460800, B460800},   {500000, B500000},   {576000, B576000},   {921600, B921600},
      {1000000, B1000000}, {1500000, B1500000}, {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000},
  };
  for (const auto& row : table) {
    if (row.baud == baud) return (*out = row.value), true;
  }
  return false;
}

int open_serial(const std::string& device, unsigned long baud, Fd* out) {
  speed_t speed;
  if (!baud_constant(baud, &speed)) return error_line("unsupported --baud " + std::to_string(baud)), kExitUsage;
  const int fd = ::open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    error_line(errno_text("cannot open serial device", device));
    if (e == ENOENT || e == ENODEV || e == ENXIO) return kExitNoInput;
    if (e == EBUSY) return kExitInUse;
    return kExitIo;
  }
  Fd holder(fd);
  if (!::isatty(fd)) return error_line(device + " is not a tty (for a file or a pipe use --file)"), kExitNotTty;
  // Another program reading the same port would take bytes from under us: refuse, the way
  // minicom and screen do (an advisory lock, plus exclusive mode for later opens).
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return error_line(device + " is in use by another program"), kExitInUse;
  }
  (void)::ioctl(fd, TIOCEXCL);
  struct termios tio;
  if (::tcgetattr(fd, &tio) != 0) return error_line(errno_text("cannot configure", device)), kExitIo;
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS | CSTOPB);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) return error_line(errno_text("cannot configure", device)), kExitIo;
  *out = std::move(holder);
  return kExitOk;
}

int open_listener(const std::string& where, Fd* out) {
  const size_t colon = where.rfind(':');
  if (colon == std::string::npos || colon + 1 >= where.size()) {
    return error_line("--tcp wants HOST:PORT, got " + where), kExitUsage;
  }
  std::string host = where.substr(0, colon);
  const std::string port = where.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  struct addrinfo hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  struct addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return error_line("--tcp " + where + ": " + gai_strerror(rc)), kExitUsage;
  int last_errno = 0;
  for (struct addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    Fd holder(fd);
    const int one = 1;
    (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 16) == 0) {
      ::freeaddrinfo(found);
      *out = std::move(holder);
      return kExitOk;
    }
    last_errno = errno;
  }
  ::freeaddrinfo(found);
  error_line("cannot listen on " + where + ": " + std::strerror(last_errno));
  return last_errno == EADDRINUSE ? kExitInUse : kExitIo;
}

std::string peer_name(const struct sockaddr_storage& addr) {
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "tcp ?";
  }
  return std::string("tcp ") + host + ":" + port;
}

// ---- status -----------------------------------------------------------------------------------

void status_line(const std::vector<std::unique_ptr<Link>>& links, size_t ended_links, bool final_line) {
  RecvCounters sum;
  std::string runs;
  size_t live = 0;
  for (const auto& link : links) {
    const RecvCounters& c = link->parser.counters();
    sum.records += c.records;
    sum.record_bytes += c.record_bytes;
    sum.frames_lost += c.frames_lost;
    sum.crc_failures += c.crc_failures;
    sum.resyncs += c.resyncs;
    sum.records_dropped += c.records_dropped;
    sum.duplicates += c.duplicates;
    if (!link->ended) {
      ++live;
      if (!link->files.current_run().empty() && runs.size() < 60) {
        runs += (runs.empty() ? "" : ",") + link->files.current_run();
      }
    }
  }
  const size_t shown = final_line ? links.size() : live;
  (void)ended_links;
  std::fprintf(stderr,
               "%stinytb recv: %zu link%s%s%s | %llu records %.1f KB | lost frames %llu, CRC failures %llu, "
               "resyncs %llu, dropped records %llu, duplicates %llu%s%s",
               g_cr, shown, shown == 1 ? "" : "s", runs.empty() ? "" : " ", runs.c_str(),
               static_cast<unsigned long long>(sum.records), static_cast<double>(sum.record_bytes) / 1024.0,
               static_cast<unsigned long long>(sum.frames_lost), static_cast<unsigned long long>(sum.crc_failures),
               static_cast<unsigned long long>(sum.resyncs), static_cast<unsigned long long>(sum.records_dropped),
               static_cast<unsigned long long>(sum.duplicates), g_el, final_line ? "\n" : "");
  std::fflush(stderr);
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

bool write_stats(const std::string& path, const std::vector<std::unique_ptr<Link>>& links) {
  std::string j = "{\"links\": [\n";
  for (size_t i = 0; i < links.size(); ++i) {
    const RecvCounters& c = links[i]->parser.counters();
    const struct {
      const char* name;
      uint64_t value;
    } rows[] = {
        {"bytes_in", c.bytes_in},           {"frames", c.frames},
        {"frames_lost", c.frames_lost},     {"duplicates", c.duplicates},
        {"crc_failures", c.crc_failures},   {"resyncs", c.resyncs},
        {"bytes_skipped", c.bytes_skipped}, {"records", c.records},
        {"record_bytes", c.record_bytes},   {"records_dropped", c.records_dropped},
        {"records_too_large", c.records_too_large}, {"records_withdrawn", c.records_withdrawn},
        {"truncates_unmatched", c.truncates_unmatched}, {"sessions", c.sessions},
        {"files", c.files}, {"fsyncs", links[i]->files.fsyncs()},
    };
    j += "  {\"link\": \"" + json_escape(links[i]->files.label()) + "\"";
    for (const auto& row : rows) j += std::string(", \"") + row.name + "\": " + std::to_string(row.value);
    j += ", \"paths\": [";
    const auto& paths = links[i]->files.paths();
    for (size_t k = 0; k < paths.size(); ++k) j += (k ? ", \"" : "\"") + json_escape(paths[k]) + "\"";
    j += "]}";
    j += i + 1 < links.size() ? ",\n" : "\n";
  }
  j += "]}\n";
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(j.data(), 1, j.size(), f) == j.size();
  return std::fclose(f) == 0 && ok;
}


// ---- the loop ------------------------------------------------------------------------------------

// Reads every link until Ctrl-C (SIGINT, SIGTERM), the end of a file or serial input, or
// --connections TCP connections have ended; then ends every file (synced) and reports.
int run_links(const Config& config, Fd* listener, std::vector<std::unique_ptr<Link>>* links, long connections,
              const std::string& stats_json) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  (void)::sigaction(SIGINT, &sa, nullptr);
  (void)::sigaction(SIGTERM, &sa, nullptr);
  (void)::signal(SIGPIPE, SIG_IGN);

  const bool show_status = !config.quiet && ::isatty(STDERR_FILENO) == 1;
  if (::isatty(STDERR_FILENO) == 1) {
    g_cr = "\r";
    g_el = "\033[K";
  }
  const StreamParser::Options options = [&] {
    StreamParser::Options o;
    o.max_record = config.max_record;
    return o;
  }();
  std::vector<uint8_t> buffer(64 * 1024);
  size_t ended_links = 0;
  double last_status = 0.0;
  int exit_code = kExitOk;
  while (!g_stop) {
    std::vector<struct pollfd> fds;
    std::vector<Link*> owners;
    if (listener->valid()) {
      fds.push_back({listener->get(), POLLIN, 0});
      owners.push_back(nullptr);
    }
    for (auto& link : *links) {
      if (link->ended) continue;
      fds.push_back({link->fd.get(), POLLIN, 0});
      owners.push_back(link.get());
    }
    if (fds.empty()) break;  // every input ended
    const int ready = ::poll(fds.data(), fds.size(), 200);
    if (ready < 0 && errno != EINTR) {
      error_line(std::string("poll: ") + std::strerror(errno));
      exit_code = kExitIo;
      break;
    }
    for (size_t i = 0; ready > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Link* link = owners[i];
      if (link == nullptr) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        const int fd = ::accept4(listener->get(), reinterpret_cast<struct sockaddr*>(&peer), &len, SOCK_CLOEXEC);
        if (fd >= 0) {
          links->push_back(std::make_unique<Link>(config, peer_name(peer), Fd(fd), options));
          if (!config.quiet) std::fprintf(stderr, "%stinytb: recv: %s connected%s\n", g_cr, peer_name(peer).c_str(), g_el);
        }
        continue;
      }
      const ssize_t n = ::read(link->fd.get(), buffer.data(), buffer.size());
      if (n > 0) {
        link->parser.feed(buffer.data(), static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
        // End of input, a closed connection, or a serial adapter unplugged.
        if (n < 0) error_line(link->files.label() + ": " + std::strerror(errno));
        link->parser.finish();
        link->ended = true;
        link->fd = Fd();
        ++ended_links;
        if (!config.quiet) std::fprintf(stderr, "%stinytb: recv: %s ended%s\n", g_cr, link->files.label().c_str(), g_el);
        if (connections > 0 && listener->valid() && static_cast<long>(ended_links) >= connections) g_stop = 1;
      }
    }
    const double now = monotonic_seconds();
    for (auto& link : *links) link->files.tick(now);
    if (show_status && now - last_status >= 0.5) {
      status_line(*links, ended_links, false);
      last_status = now;
    }
  }
  for (auto& link : *links) {
    if (!link->ended) link->parser.finish();
    if (link->files.failed()) {
      error_line(link->files.failure());
      exit_code = kExitIo;
    }
  }
  if (!config.quiet) status_line(*links, ended_links, true);
  if (!stats_json.empty() && !write_stats(stats_json, *links)) {
    error_line("cannot write " + stats_json);
    exit_code = kExitIo;
  }
  return exit_code;
}
}  // namespace

std::string safe_run_name(const std::string& raw) {
  std::string out;
  for (const char ch : raw) {
    if (out.size() >= 64) break;
    const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                      ch == '-' || ch == '.';
    out += keep ? ch : '_';
  }
  if (out.empty()) return out;
  if (out[0] == '.') out[0] = '_';  // never ".", "..", or a hidden directory
  return out;
}

// ---- the command ---------------------------------------------------------------------------------

int cmd_recv(const std::vector<std::string>& args) {
  Config config;
  std::string serial, tcp, file, stats_json;
  unsigned long baud = 115200;
  long connections = 0;
  std::vector<std::string> operands;
  auto number = [](const std::string& text, unsigned long* out) {
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    *out = std::stoul(text);
    return true;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::string* next = i + 1 < args.size() ? &args[i + 1] : nullptr;
    if (a == "--help" || a == "-h") {
      std::printf("%s", kRecvHelp);
      return kExitOk;
    }
    if (a == "--quiet") {
      config.quiet = true;
      continue;
    }
    if (!a.empty() && a[0] == '-' && a != "-") {
      if (next == nullptr) return error_line("missing value after " + a + " (see tinytb recv --help)"), kExitUsage;
      unsigned long n = 0;
      if (a == "--serial") {
        serial = *next;
      } else if (a == "--tcp") {
        tcp = *next;
      } else if (a == "--file") {
        file = *next;
      } else if (a == "--stats-json") {
        stats_json = *next;
      } else if (a == "--baud" && number(*next, &n)) {
        baud = n;
      } else if (a == "--connections" && number(*next, &n) && n > 0) {
        connections = static_cast<long>(n);
      } else if (a == "--max-record-mb" && number(*next, &n) && n > 0 && n <= 4096) {
        config.max_record = static_cast<uint64_t>(n) << 20;
      } else {
        return error_line("unknown option or bad value: " + a + " " + *next + " (see tinytb recv --help)"),
               kExitUsage;
      }
      ++i;
      continue;
    }
    operands.push_back(a);
  }
  const int sources = !serial.empty() + !tcp.empty() + !file.empty();
  if (sources != 1) return error_line("give exactly one of --serial, --tcp, --file (see tinytb recv --help)"), kExitUsage;
  if (operands.size() != 1) return error_line("needs one DIR (see tinytb recv --help)"), kExitUsage;
  config.dir = operands[0];
  {
    std::string error;
    if (!make_directories(config.dir, &error)) return error_line(error), kExitIo;
  }
  StreamParser::Options options;
  options.max_record = config.max_record;

  Fd listener;
  std::vector<std::unique_ptr<Link>> links;
  if (!serial.empty()) {
    Fd fd;
    const int rc = open_serial(serial, baud, &fd);
    if (rc != kExitOk) return rc;
    links.push_back(std::make_unique<Link>(config, "serial " + serial, std::move(fd), options));
  } else if (!tcp.empty()) {
    const int rc = open_listener(tcp, &listener);
    if (rc != kExitOk) return rc;
    if (!config.quiet) std::fprintf(stderr, "tinytb: recv: listening on %s\n", tcp.c_str());
  } else {
    int fd = STDIN_FILENO;
    if (file != "-") {
      fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        const int e = errno;
        error_line(errno_text("cannot open", file));
        return e == ENOENT ? kExitNoInput : kExitIo;
      }
    } else {
      fd = ::dup(STDIN_FILENO);
    }
    links.push_back(std::make_unique<Link>(config, file == "-" ? "stdin" : "file " + file, Fd(fd), options));
  }
  return run_links(config, &listener, &links, connections, stats_json);
}

}  // namespace tinytb_tool
