// tinytb port: FAT file systems through ChaN's FatFs.
#include "fatfs_sink.h"

#include <string.h>

#include "fat_names.h"

namespace tinytb {

namespace {

// Longest "<dir>/<name>" path: the directory, a '/', the long file name form.
constexpr size_t kMaxPath = TINYTB_MAX_DIR_LEN + 1 + kMaxFileNameLen;

// A leading "0:" or "SD:" names a drive, not a directory.
size_t drive_prefix(const char* path) {
  for (size_t i = 0; path[i] != '\0' && path[i] != '/'; ++i) {
    if (path[i] == ':') return i + 1;
  }
  return 0;
}

}  // namespace

Status fatfs_status(FRESULT result) {
  switch (result) {
    case FR_OK: return Status::kOk;
    case FR_DENIED: return Status::kNoSpace;
    case FR_EXIST: return Status::kExists;
    case FR_INVALID_NAME:
    case FR_INVALID_PARAMETER: return Status::kInvalidArgument;
    default: return Status::kIoError;
  }
}

Status FatfsSink::fail(FRESULT result) {
  error_ = result;
  return fatfs_status(result);
}

Status FatfsSink::name_file(const FileNameParts& parts, char* out, size_t capacity) {
  if (kShortNames) return short_file_name(parts, out, capacity);
  return long_file_name(parts, out, capacity);
}

Status FatfsSink::open(const char* dir, const char* file_name) {
  if (open_) return Status::kAlreadyOpen;
  if (dir == nullptr || file_name == nullptr) return Status::kInvalidArgument;
  const size_t dir_len = strlen(dir);
  const size_t name_len = strlen(file_name);
  if (dir_len == 0 || name_len == 0 || dir_len + 1 + name_len > kMaxPath) return Status::kInvalidArgument;
  char path[kMaxPath + 1];
  memcpy(path, dir, dir_len);
  path[dir_len] = '/';
  memcpy(path + dir_len + 1, file_name, name_len + 1);

  // Check every level before touching the volume: a refused name changes nothing.
  const size_t first = drive_prefix(path);
  if (kShortNames) {
    size_t start = first;
    for (size_t i = first; i <= dir_len + 1 + name_len; ++i) {
      if (path[i] != '/' && path[i] != '\0') continue;
      if (i > start && !is_short_name(path + start, i - start)) return Status::kInvalidArgument;
      start = i + 1;
    }
  }
  // mkdir -p, one level at a time (FatFs has no recursive mkdir).
  for (size_t i = first; i <= dir_len; ++i) {
    if (i < dir_len && path[i] != '/') continue;
    if (i == first || path[i - 1] == '/' || path[i - 1] == ':') continue;  // "/x", "a//b", "0:/"
    path[i] = '\0';
    const FRESULT r = f_mkdir(path);
    path[i] = '/';
    if (r != FR_OK && r != FR_EXIST) return fail(r);
  }
  const FRESULT r = f_open(&file_, path, FA_CREATE_NEW | FA_WRITE);
  if (r != FR_OK) return fail(r);
  open_ = true;
  error_ = FR_OK;
  synced_size_ = 0;
  return Status::kOk;
}

Status FatfsSink::write(const uint8_t* data, size_t size) {
  if (!open_) return Status::kNotOpen;
  if (data == nullptr) return Status::kInvalidArgument;
  // UINT is 16 bits on some targets: write in pieces it can count.
  const size_t piece_max = static_cast<UINT>(-1);
  while (size > 0) {
    const UINT piece = static_cast<UINT>(size < piece_max ? size : piece_max);
    UINT written = 0;
    const FRESULT r = f_write(&file_, data, piece, &written);
    if (r != FR_OK) return fail(r);
    if (written < piece) return fail(FR_DENIED);  // FatFs's way of saying the volume is full
    data += written;
    size -= written;
  }
  return Status::kOk;
}

Status FatfsSink::sync() {
  if (!open_) return Status::kNotOpen;
  const FRESULT r = f_sync(&file_);
  if (r == FR_OK) {
    synced_size_ = f_size(&file_);
    return Status::kOk;
  }
  // FatFs marks what it wrote clean even when the card then fails to commit it (a card
  // that loses its cache, as Linux drops the dirty pages of a failed fsync). Its next
  // write of the directory sector would make the entry claim those lost bytes: cut the
  // file back to what the last good f_sync committed, so that it ends at a record
  // boundary. Best effort: an aborted file object refuses, and then nothing is written.
  if (f_lseek(&file_, synced_size_) == FR_OK && f_truncate(&file_) == FR_OK) (void)f_sync(&file_);
  return fail(r);
}

Status FatfsSink::truncate(uint64_t size) {
  if (!open_) return Status::kNotOpen;
  if (static_cast<uint64_t>(static_cast<FSIZE_t>(size)) != size) return Status::kInvalidArgument;
  // f_lseek past the end of a writable file extends it with whatever its new clusters
  // hold. The writer never asks for that, but after a failed sync cut the file back (see
  // sync()) its idea of the length is too long: the bytes it means are gone.
  if (size > f_size(&file_)) return Status::kIoError;
  FRESULT r = f_lseek(&file_, static_cast<FSIZE_t>(size));
  if (r == FR_OK) r = f_truncate(&file_);
  if (r == FR_OK && synced_size_ > size) synced_size_ = static_cast<FSIZE_t>(size);
  return r == FR_OK ? Status::kOk : fail(r);
}

Status FatfsSink::close() {
  if (!open_) return Status::kNotOpen;
  open_ = false;  // forgotten even if f_close fails: an aborted file object cannot be closed
  const FRESULT r = f_close(&file_);
  return r == FR_OK ? Status::kOk : fail(r);
}

}  // namespace tinytb
