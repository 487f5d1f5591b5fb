// tinytb host tool: files (POSIX).
#include "file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace tinytb_tool {
namespace {

constexpr size_t kCopyChunk = 1 << 20;

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Fd::~Fd() { close(); }

bool Fd::close() {
  if (fd_ < 0) return true;
  const int rc = ::close(fd_);
  fd_ = -1;
  return rc == 0;
}

bool FileSource::read(uint64_t offset, uint8_t* out, size_t n) {
  if (offset > size_ || n > size_ - offset) return false;
  if (!pread_all(fd_, base_ + offset, out, n)) return false;
  if (on_read) on_read(n);
  return true;
}

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool open_for_reading(const std::string& path, Fd* fd, struct stat* st, std::string* error) {
  // O_NONBLOCK: opening a FIFO read-only would otherwise wait for a writer forever;
  // this way it opens at once and fstat() refuses it. A regular file ignores the flag.
  Fd f(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!f.valid()) return (*error = errno_text("cannot open", path)), false;
  if (::fstat(f.get(), st) != 0) return (*error = errno_text("cannot stat", path)), false;
  if (!S_ISREG(st->st_mode)) {
    *error = "not a regular file: " + path;
    return false;
  }
  const int flags = ::fcntl(f.get(), F_GETFL);
  if (flags < 0 || ::fcntl(f.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return (*error = errno_text("cannot set blocking reads on", path)), false;
  }
  *fd = std::move(f);
  return true;
}

bool pread_all(int fd, uint64_t offset, uint8_t* out, size_t n) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got == 0) errno = EIO;  // the file ended early: it shrank since it was measured
      return false;
    }
    out += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

bool write_all(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    const ssize_t put = ::write(fd, data, n);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      if (put == 0) errno = EIO;
      return false;
    }
    data += put;
    n -= static_cast<size_t>(put);
  }
  return true;
}

bool copy_range(int from, uint64_t offset, uint64_t n, int to, const std::function<void(uint64_t)>& progress,
                std::string* error) {
  std::vector<uint8_t> buffer(static_cast<size_t>(std::min<uint64_t>(n, kCopyChunk)));
  while (n > 0) {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(n, kCopyChunk));
    if (!pread_all(from, offset, buffer.data(), k)) return (*error = std::string("read: ") + std::strerror(errno)), false;
    if (!write_all(to, buffer.data(), k)) return (*error = std::string("write: ") + std::strerror(errno)), false;
    offset += k;
    n -= k;
    if (progress) progress(k);
  }
  return true;
}

bool same_prefix(int a, int b, uint64_t n, bool* equal, const std::function<void(uint64_t)>& progress) {
  std::vector<uint8_t> x(static_cast<size_t>(std::min<uint64_t>(n, kCopyChunk)));
  std::vector<uint8_t> y(x.size());
  uint64_t offset = 0;
  *equal = true;
  while (offset < n) {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(n - offset, kCopyChunk));
    if (!pread_all(a, offset, x.data(), k) || !pread_all(b, offset, y.data(), k)) return false;
    if (progress) progress(k);
    if (std::memcmp(x.data(), y.data(), k) != 0) {
      *equal = false;
      return true;
    }
    offset += k;
  }
  return true;
}

bool fsync_directory(const std::string& dir, std::string* error) {
  Fd d(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!d.valid()) return (*error = errno_text("cannot open directory", dir)), false;
  if (::fsync(d.get()) != 0 && errno != EINVAL) return (*error = errno_text("cannot sync directory", dir)), false;
  return true;
}

bool make_directories(const std::string& dir, std::string* error) {
  // One level at a time, so that each directory made is fsynced in its parent at once:
  // a new directory's name lives in its parent, and a power cut must not take a run
  // directory away after its files were reported copied.
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path sofar;
  for (const fs::path& part : fs::path(dir)) {
    sofar /= part;
    if (part.empty() || part == "." || part == sofar.root_path()) continue;
    if (::mkdir(sofar.c_str(), 0755) == 0) {
      const fs::path parent = sofar.parent_path();
      if (!fsync_directory(parent.string(), error)) return false;
      continue;
    }
    if (errno != EEXIST) return (*error = errno_text("cannot create directory", sofar.string())), false;
    if (!fs::is_directory(sofar, ec)) {
      *error = "cannot create directory " + sofar.string() + ": a file of that name is in the way";
      return false;
    }
  }
  return true;
}

bool walk_tree(const std::string& root, std::vector<FoundFile>* out, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path base(root);
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec), end;
  bool ok = true;
  if (ec) {
    *error = "cannot read directory " + root + ": " + ec.message();
    return false;
  }
  std::vector<FoundFile> found;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const fs::file_status st = it->symlink_status(ec);
    if (ec) break;
    if (!fs::is_regular_file(st)) continue;  // directories are walked; links, devices, fifos skipped
    FoundFile f;
    const fs::path rel = it->path().lexically_relative(base);
    f.relative = rel.generic_string();
    f.dir = rel.parent_path().generic_string();
    f.name = rel.filename().string();
    f.path = it->path().string();
    f.size = it->file_size(ec);
    if (ec) break;
    found.push_back(std::move(f));
  }
  if (ec) {
    *error = "cannot read directory " + root + ": " + ec.message();
    ok = false;
  }
  std::sort(found.begin(), found.end(),
            [](const FoundFile& a, const FoundFile& b) { return a.relative < b.relative; });
  out->insert(out->end(), found.begin(), found.end());
  return ok;
}

}  // namespace tinytb_tool
