// The POSIX port's own behaviour: errno mapping, short writes and EINTR, /dev/full, and the
// writer against a real size limit. What every port promises (exclusive create, directories,
// appends, truncate, ...) is checked by the contract suite (posix_contract.cc).
#include "posix_sink.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <algorithm>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event_reader.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb::Status;

std::string make_temp_dir() {
  char tmpl[] = "/tmp/tinytb_posix_XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "";
}

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

const uint8_t* u8(const char* s) { return reinterpret_cast<const uint8_t*>(s); }

TEST(PosixSink, ErrnoMapping) {
  EXPECT_EQ(tinytb::posix_status(ENOSPC), Status::kNoSpace);
  EXPECT_EQ(tinytb::posix_status(EDQUOT), Status::kNoSpace);
  EXPECT_EQ(tinytb::posix_status(EFBIG), Status::kNoSpace);
  EXPECT_EQ(tinytb::posix_status(EEXIST), Status::kExists);
  EXPECT_EQ(tinytb::posix_status(EIO), Status::kIoError);
  EXPECT_EQ(tinytb::posix_status(EACCES), Status::kIoError);
}

TEST(PosixSink, DevFullIsNoSpace) {
  const int fd = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  int err = 0;
  EXPECT_FALSE(tinytb::posix_write_all(fd, u8("abc"), 3, &err));
  EXPECT_EQ(err, ENOSPC);
  ::close(fd);
}

void on_alarm(int) {}

TEST(PosixSink, WriteAllSurvivesShortWritesAndEintr) {
  // A pipe takes 64 KiB before it blocks; a slow reader and a 1 ms interval timer whose
  // handler does not restart system calls make write() return short counts and EINTR.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  struct sigaction sa = {};
  sa.sa_handler = on_alarm;
  sa.sa_flags = 0;  // no SA_RESTART
  struct sigaction old = {};
  ASSERT_EQ(sigaction(SIGALRM, &sa, &old), 0);
  std::vector<uint8_t> data(1 << 20);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31 + 7);
  std::vector<uint8_t> got;
  std::thread reader([&] {
    uint8_t buf[4096];
    for (;;) {
      const ssize_t n = read(fds[0], buf, sizeof(buf));
      if (n <= 0) break;
      got.insert(got.end(), buf, buf + n);
      usleep(20);
    }
  });
  itimerval timer = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_REAL, &timer, nullptr);
  int err = 0;
  const bool ok = tinytb::posix_write_all(fds[1], data.data(), data.size(), &err);
  itimerval off = {};
  setitimer(ITIMER_REAL, &off, nullptr);
  close(fds[1]);
  reader.join();
  close(fds[0]);
  sigaction(SIGALRM, &old, nullptr);
  EXPECT_TRUE(ok) << err;
  EXPECT_EQ(got, data);
}

TEST(PosixSink, WriterOnRealFilesAndARealSizeLimit) {
  // RLIMIT_FSIZE makes the kernel refuse to grow files past a size (EFBIG after a short
  // write): a real storage limit, hit in the middle of a flush.
  const std::string root = make_temp_dir();
  signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit = {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);

  static tinytb::PosixSink sink;
  static tinytb::EventWriter<2048, 4> writer;
  tinytb::WriterOptions options;
  options.logdir = root.c_str();
  options.run = "run";
  options.max_queue = 20;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  for (int64_t step = 0; step < 20; ++step) ASSERT_EQ(writer.scalar("loss", step, 1.0f / (1 + step)), Status::kOk);
  const uint64_t good = writer.file_bytes();

  rlimit limit = old_limit;
  limit.rlim_cur = good + 100;  // room for a couple of records, not for 20
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  for (int64_t step = 20; step < 40; ++step) ASSERT_EQ(writer.scalar("loss", step, 2.0f), Status::kOk);
  EXPECT_EQ(writer.last_flush_status(), Status::kNoSpace);
  EXPECT_EQ(sink.last_error(), EFBIG);
  const std::string dir = root + "/run";
  const auto names = list_dir(dir);
  ASSERT_EQ(names.size(), 1u);
  const std::string path = dir + "/" + names[0];
  auto f = tinytb_test::parse_file(read_all(path));
  EXPECT_FALSE(f.torn || f.corrupt);  // the partial write was cut back
  EXPECT_EQ(f.events.size(), 21u);

  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);  // space is back
  ASSERT_EQ(writer.close(), Status::kOk);
  f = tinytb_test::parse_file(read_all(path));
  EXPECT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 41u);
  for (int64_t step = 0; step < 40; ++step) EXPECT_EQ(f.events[static_cast<size_t>(step) + 1].step, step);
  EXPECT_EQ(list_dir(dir).size(), 1u);
}

}  // namespace
