// tinytb port: an in-memory file system that loses power and fails on command.
#include "faulty_fs.h"

#include <string.h>

namespace tinytb {

namespace {

int32_t native_code(Status status) {
  switch (status) {
    case Status::kNoSpace: return FaultyFs::kErrNoSpace;
    case Status::kExists: return FaultyFs::kErrExists;
    default: return FaultyFs::kErrIo;
  }
}

}  // namespace

FaultyFs::FaultyFs(uint8_t* arena, size_t arena_bytes, File* files, size_t max_files)
    : arena_(arena), arena_bytes_(arena_bytes), files_(files), max_files_(max_files), capacity_(arena_bytes) {}

void FaultyFs::fail_at(uint32_t op, Status status, uint32_t count) {
  fail_from_ = op;
  fail_count_ = count;
  fail_status_ = status;
}

Status FaultyFs::begin(Op op, bool* injected) {
  *injected = false;
  if (powered_off_) return Status::kIoError;
  ++ops_;
  ++by_kind_[static_cast<size_t>(op)];
  if (cut_at_ != 0 && ops_ == cut_at_) {
    powered_off_ = true;
    *injected = true;
    return Status::kIoError;
  }
  if (fail_count_ != 0 && ops_ >= fail_from_ && ops_ - fail_from_ < fail_count_) {
    *injected = true;
    return fail_status_;
  }
  return Status::kOk;
}

size_t FaultyFs::used_bytes() const {
  size_t used = 0;
  for (size_t i = 0; i < file_count_; ++i) used += files_[i].size;
  return used;
}

uint32_t FaultyFs::next_random() {  // xorshift32: reproducible, no library state
  random_ ^= random_ << 13;
  random_ ^= random_ >> 17;
  random_ ^= random_ << 5;
  return random_;
}

size_t FaultyFs::find(const char* path) const {
  size_t i = 0;
  while (i < file_count_ && strcmp(files_[i].path, path) != 0) ++i;
  return i;
}

Status FaultyFs::open_file(const char* dir, const char* name, size_t* index) {
  const size_t dir_len = strlen(dir);
  const size_t name_len = strlen(name);
  if (dir_len + 1 + name_len > kMaxPathLen) return Status::kInvalidArgument;
  char path[kMaxPathLen + 1];
  memcpy(path, dir, dir_len);
  path[dir_len] = '/';
  memcpy(path + dir_len + 1, name, name_len + 1);
  if (find(path) != file_count_) return Status::kExists;
  if (file_count_ == max_files_) return Status::kNoSpace;  // the directory is full
  File& f = files_[file_count_];
  memcpy(f.path, path, dir_len + 1 + name_len + 1);
  f.start = file_count_ == 0 ? 0 : files_[file_count_ - 1].start + files_[file_count_ - 1].size;
  f.size = 0;
  f.synced = 0;
  f.name_durable = false;
  f.lost_from = 0;
  f.lost_to = 0;
  *index = file_count_++;
  return Status::kOk;
}

Status FaultyFs::append(size_t index, const uint8_t* data, size_t size, bool injected_failure, int32_t* err) {
  File& f = files_[index];
  const size_t used = used_bytes();
  const size_t room_capacity = capacity_ > used ? capacity_ - used : 0;
  const size_t room_arena = arena_bytes_ - (f.start + f.size);
  const size_t room = room_capacity < room_arena ? room_capacity : room_arena;
  size_t n = injected_failure ? size / 2 : size;
  if (n > room) n = room;
  memcpy(arena_ + f.start + f.size, data, n);
  f.size += n;
  if (n < size && !injected_failure) {
    *err = kErrNoSpace;
    return Status::kNoSpace;
  }
  return Status::kOk;
}

Status FaultyFs::sync_file(size_t index) {
  File& f = files_[index];
  f.synced = f.size;
  f.name_durable = true;
  return Status::kOk;
}

void FaultyFs::drop_dirty(size_t index) {
  File& f = files_[index];
  if (f.size <= f.synced) return;
  lost_sync_bytes_ += f.size - f.synced;
  f.lost_from = f.lost_to > f.lost_from && f.lost_from < f.synced ? f.lost_from : f.synced;
  if (f.size > f.lost_to) f.lost_to = f.size;
}

Status FaultyFs::truncate_file(size_t index, uint64_t size) {
  File& f = files_[index];
  if (size > f.size) {
    ++violations_;
    return Status::kInvalidArgument;
  }
  if (size < f.synced) {
    ++violations_;  // allowed by POSIX, but it would destroy records a sync confirmed
    f.synced = static_cast<size_t>(size);
  }
  f.size = static_cast<size_t>(size);
  if (f.lost_to > f.size) f.lost_to = f.size;
  if (f.lost_to <= f.lost_from) f.lost_from = f.lost_to = 0;
  return Status::kOk;
}

void FaultyFs::reboot(PowerLoss model, uint32_t seed) {
  random_ = seed * 2654435761u + 0x9E3779B9u;
  if (random_ == 0) random_ = 1;
  size_t kept = 0;
  for (size_t i = 0; i < file_count_; ++i) {
    File f = files_[i];
    const bool garble = model == PowerLoss::kGarbleUnsynced;
    // A name never synced may be gone; with kGarbleUnsynced it may also have made it.
    if (!f.name_durable && (!garble || next_random() % 2 == 0)) continue;
    const size_t unsynced = f.size - f.synced;
    size_t keep = 0;
    if (garble && unsynced > 0) {
      keep = next_random() % (unsynced + 1);
      uint8_t* p = arena_ + f.start + f.synced;
      switch (next_random() % 3) {
        case 0:  // a clean prefix reached the medium
          break;
        case 1: {  // some bytes flipped
          const uint32_t flips = 1 + next_random() % 4;
          for (uint32_t k = 0; k < flips && keep > 0; ++k) {
            p[next_random() % keep] ^= static_cast<uint8_t>(1 + next_random() % 255);
          }
          break;
        }
        default: {  // the size was recorded but the data never written: zeros
          const size_t zeros = next_random() % (keep + 1);
          memset(p + keep - zeros, 0, zeros);
          break;
        }
      }
    }
    f.size = f.synced + keep;
    // What a failed sync dropped never reached the medium, whatever later syncs said.
    if (f.lost_to > f.lost_from && f.lost_from < f.size) {
      const size_t end = f.lost_to < f.size ? f.lost_to : f.size;
      memset(arena_ + f.start + f.lost_from, 0, end - f.lost_from);
    }
    f.lost_from = 0;
    f.lost_to = 0;
    f.synced = f.size;
    f.name_durable = true;
    files_[kept++] = f;
  }
  file_count_ = kept;
  open_index_ = -1;
  powered_off_ = false;
  cut_at_ = 0;
  fail_count_ = 0;
}

// ---- the sink ---------------------------------------------------------------------------

Status FaultySink::fail(Status status) {
  error_ = native_code(status);
  return status;
}

Status FaultySink::open(const char* dir, const char* file_name) {
  if (index_ >= 0) return Status::kAlreadyOpen;
  if (dir == nullptr || file_name == nullptr || dir[0] == '\0' || file_name[0] == '\0') {
    return Status::kInvalidArgument;
  }
  if (fs_->open_index_ >= 0) return Status::kAlreadyOpen;  // one open file per file system
  bool injected = false;
  Status s = fs_->begin(FaultyFs::Op::kOpen, &injected);
  if (s != Status::kOk) return fail(s);
  size_t index = 0;
  s = fs_->open_file(dir, file_name, &index);
  if (s != Status::kOk) return fail(s);
  index_ = static_cast<int32_t>(index);
  fs_->open_index_ = index_;
  error_ = 0;
  return Status::kOk;
}

Status FaultySink::write(const uint8_t* data, size_t size) {
  if (index_ < 0) return Status::kNotOpen;
  if (data == nullptr || size == 0) return Status::kInvalidArgument;
  if (index_ != fs_->open_index_) {  // the file system rebooted under this sink
    ++fs_->violations_;
    return Status::kNotOpen;
  }
  bool injected = false;
  Status s = fs_->begin(FaultyFs::Op::kWrite, &injected);
  if (s != Status::kOk) {
    int32_t ignored = 0;
    if (injected) (void)fs_->append(static_cast<size_t>(index_), data, size, true, &ignored);
    return fail(s);
  }
  int32_t err = 0;
  s = fs_->append(static_cast<size_t>(index_), data, size, false, &err);
  if (s != Status::kOk) {
    error_ = err;
    return s;
  }
  return Status::kOk;
}

Status FaultySink::sync() {
  if (index_ < 0) return Status::kNotOpen;
  if (index_ != fs_->open_index_) return Status::kNotOpen;
  bool injected = false;
  const Status s = fs_->begin(FaultyFs::Op::kSync, &injected);
  if (s != Status::kOk) {
    if (injected && !fs_->powered_off_) fs_->drop_dirty(static_cast<size_t>(index_));
    return fail(s);
  }
  return fs_->sync_file(static_cast<size_t>(index_));
}

Status FaultySink::truncate(uint64_t size) {
  if (index_ < 0) return Status::kNotOpen;
  if (index_ != fs_->open_index_) return Status::kNotOpen;
  bool injected = false;
  const Status s = fs_->begin(FaultyFs::Op::kTruncate, &injected);
  if (s != Status::kOk) return fail(s);
  return fs_->truncate_file(static_cast<size_t>(index_), size);
}

Status FaultySink::close() {
  if (index_ < 0) return Status::kNotOpen;
  bool injected = false;
  const Status s = fs_->begin(FaultyFs::Op::kClose, &injected);
  // Released even when closing fails, as POSIX close() does.
  if (fs_->open_index_ == index_) fs_->open_index_ = -1;
  index_ = -1;
  if (s != Status::kOk) return fail(s);
  return Status::kOk;
}

}  // namespace tinytb
