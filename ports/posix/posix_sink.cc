// tinytb port: POSIX files.
//
// Also built on newlib and picolibc (ESP-IDF's VFS, Zephyr's POSIX layer, bare-metal
// toolchains) under strict -std=c++17, where their headers show POSIX names (O_CLOEXEC,
// ftruncate) only to a program that asks for them: so this file asks for POSIX.1-2008
// before any header, unless the build already chose a feature set (glibc's g++ predefines
// _GNU_SOURCE; macOS shows everything by default and is left alone).
// tests/ports/check_posix_newlib.sh compiles it with arm-none-eabi (newlib) and riscv64
// (picolibc).
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L
#endif

#include "posix_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// Flags some C libraries lack even for POSIX.1-2008, with what their absence means here:
#ifndef O_CLOEXEC
#define O_CLOEXEC 0  // no exec() (an RTOS VFS): no child a descriptor could leak into
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0  // sync() opens dir_, which open() created or found as a directory
#endif

namespace tinytb {
namespace {

// mkdir -p for `path`, which is modified in place and restored. *created is the length
// of the prefix the first directory it created ends at, or 0 when it created none.
int make_dirs(char* path, size_t* created) {
  *created = 0;
  const size_t n = strlen(path);
  for (size_t i = 1; i <= n; ++i) {
    if (i < n && path[i] != '/') continue;
    const char saved = path[i];
    path[i] = '\0';
    const int rc = mkdir(path, 0755);
    const int err = errno;
    path[i] = saved;
    if (rc != 0 && err != EEXIST) return err;
    if (rc == 0 && *created == 0) *created = i;
  }
  return 0;
}

// fsync the directory named by the first `len` bytes of `path` ("." for 0 on a relative
// path, "/" on an absolute one). 0, or the errno.
int sync_dir(char* path, size_t len) {
  char root[2] = {path[0] == '/' ? '/' : '.', '\0'};
  char* name = path;
  char saved = '\0';
  if (len == 0) {
    name = root;
  } else {
    saved = path[len];
    path[len] = '\0';
  }
  const int dfd = ::open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err = dfd < 0 ? errno : 0;
  if (len != 0) path[len] = saved;
  if (dfd < 0) return err;
  if (fsync(dfd) != 0) err = errno;
  ::close(dfd);
  return err == EINVAL ? 0 : err;  // some file systems cannot fsync a directory
}

// 2020-01-01T00:00:00Z. An earlier reading is a clock nobody set (boards without an RTC
// start at 1970), and the writer then falls back to uptime and file_stamp (clock.h).
constexpr time_t kUnsetBefore = 1577836800;

// The POSIX clocks exist where the C library defines CLOCK_MONOTONIC (glibc, musl, macOS,
// and newlib/picolibc configured with POSIX timers). A C library without them (generic
// bare-metal newlib and picolibc declare no clock_gettime) gets the fallback below.
#if defined(CLOCK_MONOTONIC)
#define TINYTB_POSIX_HAS_CLOCKS 1
#else
#define TINYTB_POSIX_HAS_CLOCKS 0
#endif

#if TINYTB_POSIX_HAS_CLOCKS
WallTime wall_time() {
  timespec ts{};
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < kUnsetBefore) return WallTime{};
  return WallTime{static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

uint64_t uptime_ms() {
  timespec ts{};
  // CLOCK_MONOTONIC exists wherever POSIX timers do; it cannot fail with a valid pointer.
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}
#else
// ISO C's time(): whole seconds, with the same "not set before 2020" rule.
WallTime wall_time() {
  const time_t now = time(nullptr);
  if (now == static_cast<time_t>(-1) || now < kUnsetBefore) return WallTime{};
  return WallTime{static_cast<int64_t>(now), 0};
}
#endif

}  // namespace

Clock posix_clock() {
  Clock clock;
  clock.wall_time = wall_time;
#if TINYTB_POSIX_HAS_CLOCKS
  clock.uptime_ms = uptime_ms;
#endif
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
  // Directories an earlier open() made, which no sync covered yet, stay owed when this
  // directory lies under them.
  size_t owed = 0;
  if (created_ != 0 && strncmp(dir, dir_, created_) == 0 && (dir[created_] == '/' || dir[created_] == '\0')) {
    owed = created_;
  }
  memcpy(dir_, dir, dir_len + 1);
  size_t created = 0;
  const int err = make_dirs(dir_, &created);
  created_ = created != 0 && (owed == 0 || created < owed) ? created : owed;
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
    // The file's entry is in dir_; every directory open() created is an entry in its
    // parent, which needs its own fsync, or a power cut can lose the run directory
    // with the synced file in it. Parents first: from the one holding the first
    // created directory down to dir_.
    const size_t n = strlen(dir_);
    if (created_ != 0) {
      size_t parent = created_;
      while (parent > 0 && dir_[parent - 1] != '/') --parent;
      int err = sync_dir(dir_, parent > 1 ? parent - 1 : (parent == 1 ? 1 : 0));
      for (size_t i = created_; err == 0 && i < n; ++i) {
        if (dir_[i] == '/') err = sync_dir(dir_, i);
      }
      if (err != 0) return fail(err);
    }
    const int err = sync_dir(dir_, n);
    if (err != 0) return fail(err);
    created_ = 0;
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
