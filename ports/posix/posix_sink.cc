// tinytb port: POSIX files.
#include "posix_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace tinytb {
namespace {

// mkdir -p for `path`, which is modified in place and restored.
int make_dirs(char* path) {
  const size_t n = strlen(path);
  for (size_t i = 1; i <= n; ++i) {
    if (i < n && path[i] != '/') continue;
    const char saved = path[i];
    path[i] = '\0';
    const int rc = mkdir(path, 0755);
    const int err = errno;
    path[i] = saved;
    if (rc != 0 && err != EEXIST) return err;
  }
  return 0;
}

// 2020-01-01T00:00:00Z. An earlier reading is a clock nobody set (boards without an RTC
// start at 1970), and the writer then falls back to uptime and file_stamp (clock.h).
constexpr time_t kUnsetBefore = 1577836800;

double wall_seconds() {
  timespec ts{};
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < kUnsetBefore) return 0.0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

uint64_t uptime_ms() {
  timespec ts{};
  // CLOCK_MONOTONIC exists wherever POSIX timers do; it cannot fail with a valid pointer.
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

}  // namespace

Clock posix_clock() {
  Clock clock;
  clock.wall_seconds = wall_seconds;
  clock.uptime_ms = uptime_ms;
  return clock;
}

Status posix_status(int err) {
  // EFBIG: the file hit the file system's or the process's size limit (FAT32: 4 GiB).
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) return Status::kNoSpace;
  if (err == EEXIST) return Status::kExists;
  if (err == ENAMETOOLONG || err == EINVAL) return Status::kInvalidArgument;
  return Status::kIoError;
}

bool posix_write_all(int fd, const uint8_t* data, size_t size, int* err) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return false;
    }
    if (n == 0) {  // no progress: an I/O error rather than a spin
      *err = EIO;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

Status PosixSink::fail(int err) {
  error_ = err;
  return posix_status(err);
}

Status PosixSink::open(const char* dir, const char* file_name) {
  if (fd_ >= 0) return Status::kAlreadyOpen;
  if (dir == nullptr || file_name == nullptr) return Status::kInvalidArgument;
  const size_t dir_len = strlen(dir);
  const size_t name_len = strlen(file_name);
  char path[TINYTB_MAX_DIR_LEN + 1 + 256];
  if (dir_len == 0 || dir_len > TINYTB_MAX_DIR_LEN || name_len == 0 || dir_len + 1 + name_len >= sizeof(path)) {
    return Status::kInvalidArgument;
  }
  memcpy(dir_, dir, dir_len + 1);
  const int err = make_dirs(dir_);
  if (err != 0) return fail(err);
  memcpy(path, dir, dir_len);
  path[dir_len] = '/';
  memcpy(path + dir_len + 1, file_name, name_len + 1);
  int fd;
  do {
    // O_APPEND: after a truncate() the next write must land at the new end, not at the old
    // offset (which would leave a zero-filled hole, a corrupt tail for every reader).
    fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail(errno);
  fd_ = fd;
  error_ = 0;
  dir_synced_ = false;
  return Status::kOk;
}

Status PosixSink::write(const uint8_t* data, size_t size) {
  if (fd_ < 0) return Status::kNotOpen;
  if (data == nullptr) return Status::kInvalidArgument;
  int err = 0;
  if (!posix_write_all(fd_, data, size, &err)) return fail(err);
  return Status::kOk;
}

Status PosixSink::sync() {
  if (fd_ < 0) return Status::kNotOpen;
  if (fsync(fd_) != 0) return fail(errno);
  if (!dir_synced_) {
    const int dfd = ::open(dir_, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return fail(errno);
    const int rc = fsync(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0 && err != EINVAL) return fail(err);  // some file systems cannot fsync a directory
    dir_synced_ = true;
  }
  return Status::kOk;
}

Status PosixSink::truncate(uint64_t size) {
  if (fd_ < 0) return Status::kNotOpen;
  int rc;
  do {
    rc = ftruncate(fd_, static_cast<off_t>(size));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return fail(errno);
  return Status::kOk;
}

Status PosixSink::close() {
  if (fd_ < 0) return Status::kNotOpen;
  const int fd = fd_;
  fd_ = -1;
  // No retry on EINTR: on Linux the descriptor is released even then.
  if (::close(fd) != 0 && errno != EINTR) return fail(errno);
  return Status::kOk;
}

}  // namespace tinytb
