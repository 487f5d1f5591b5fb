// tinytb host tool: files (POSIX). Reading goes through pread, never mmap: a card
// pulled out or a file cut by someone else mid-read is an I/O error, not a SIGBUS.
#ifndef TINYTB_TOOLS_FILE_IO_H_
#define TINYTB_TOOLS_FILE_IO_H_

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "event_scan.h"

namespace tinytb_tool {

// An open file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept;
  ~Fd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  bool close();  // false if close() reported an error (after a write: data may be lost)

 private:
  int fd_ = -1;
};

// Bytes of an open file, by pread. The size is the one given (fixed for a scan).
class FileSource : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, uint64_t base = 0) : fd_(fd), size_(size), base_(base) {}
  uint64_t size() const override { return size_; }
  bool read(uint64_t offset, uint8_t* out, size_t n) override;
  // Called with the number of bytes each successful read returned (progress display).
  std::function<void(uint64_t)> on_read;

 private:
  int fd_;
  uint64_t size_;
  uint64_t base_;  // offset 0 of this source is byte `base` of the file
};

// "what: path: strerror(errno)"
std::string errno_text(const std::string& what, const std::string& path);

// Opens `path` read-only and fstat()s it. On failure *error says why.
bool open_for_reading(const std::string& path, Fd* fd, struct stat* st, std::string* error);

bool pread_all(int fd, uint64_t offset, uint8_t* out, size_t n);
bool write_all(int fd, const uint8_t* data, size_t n);

// Copies [offset, offset + n) of `from` to the current position of `to`, reporting
// progress per chunk. False on a read or write error (*error says which).
bool copy_range(int from, uint64_t offset, uint64_t n, int to, const std::function<void(uint64_t)>& progress,
                std::string* error);

// Are [0, n) of `a` and [0, n) of `b` the same bytes? False on a read error.
bool same_prefix(int a, int b, uint64_t n, bool* equal, const std::function<void(uint64_t)>& progress);

// fsync() the directory so that a rename or a new file in it is durable.
bool fsync_directory(const std::string& dir, std::string* error);

// mkdir -p; each directory it makes is fsynced in its parent (fsync_directory) before the
// next one, so that it survives a power cut. The last one's entries are the caller's to sync.
bool make_directories(const std::string& dir, std::string* error);

// A regular file found under a root by walk_tree.
struct FoundFile {
  std::string path;      // root + "/" + relative
  std::string relative;  // path under the root, '/'-separated, from readdir names only
  std::string dir;       // relative directory ("" at the root)
  std::string name;      // basename
  uint64_t size = 0;
};

// Every regular file under `root`, recursively, sorted by relative path. Symbolic
// links are neither followed nor listed. False on an error (*error says which); the
// files found so far are kept.
bool walk_tree(const std::string& root, std::vector<FoundFile>* out, std::string* error);

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_FILE_IO_H_
