// tinytb tests: a stand-in for ChaN's FatFs (see fatfs_standin.h for what it models).
#include "fatfs_standin.h"

#include <ctype.h>
#include <string.h>

#include <algorithm>
#include <set>

namespace fatfs_standin {
namespace {

struct Entry {
  std::string path;  // normalized: no drive, no leading '/', '/' separators
  std::string key;   // upper-case: FAT names compare case-insensitively
  std::vector<uint8_t> live;
  std::vector<uint8_t> durable;
  bool entry_durable = false;
  bool open = false;
  uint64_t clusters = 0;  // allocated now
};

struct Volume {
  uint64_t volume_bytes = 1 << 20;
  uint32_t cluster_bytes = 512;
  uint64_t max_file = 0xFFFFFFFFull;
  std::vector<Entry> files;
  std::set<std::string> dirs;  // keys; "" is the root
  uint64_t leaked = 0;
  uint32_t calls = 0;
  uint32_t fail_from = 0, fail_count = 0;
  FRESULT fail_result = FR_OK;
  uint32_t cut_at = 0;
  bool off = false;
};

Volume g;

std::string upper(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return out;
}

// Strip "0:" / "SD:" and leading '/'; collapse nothing else (FatFs rejects "a//b" names).
std::string normalize(const char* path) {
  std::string p = path;
  const size_t colon = p.find(':');
  if (colon != std::string::npos && p.find('/') > colon) p = p.substr(colon + 1);
  while (!p.empty() && p[0] == '/') p = p.substr(1);
  return p;
}

bool valid_segment(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  if (FF_USE_LFN) {
    if (s.size() > FF_MAX_LFN) return false;
    for (unsigned char c : s) {
      if (c < 0x20 || strchr("\"*/:<>?\\|\x7F", c) != nullptr) return false;
    }
    return true;
  }
  const size_t dot = s.find('.');
  const std::string base = s.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (base.empty() || base.size() > 8 || ext.size() > 3 || (dot != std::string::npos && ext.empty())) return false;
  for (unsigned char c : base + ext) {
    if (c <= 0x20 || c == 0x7F || strchr("\"*+,./:;<=>?[\\]|", c) != nullptr) return false;
  }
  return true;
}

// Split "a/b/c" into parent key "A/B" and the last segment; false if any segment is invalid.
bool split(const std::string& path, std::string* parent_key, std::string* name) {
  size_t start = 0;
  std::vector<std::string> segs;
  while (true) {
    const size_t slash = path.find('/', start);
    segs.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  for (const std::string& s : segs) {
    if (!valid_segment(s)) return false;
  }
  *name = segs.back();
  segs.pop_back();
  std::string parent;
  for (size_t i = 0; i < segs.size(); ++i) parent += (i ? "/" : "") + segs[i];
  *parent_key = upper(parent);
  return true;
}

uint64_t clusters_for(uint64_t bytes) { return (bytes + g.cluster_bytes - 1) / g.cluster_bytes; }

uint64_t free_clusters() {
  uint64_t used = g.leaked;
  for (const Entry& e : g.files) used += e.clusters;
  const uint64_t total = g.volume_bytes / g.cluster_bytes;
  return used >= total ? 0 : total - used;
}

// Counts the call and applies the fault plan: FR_OK to go ahead.
FRESULT begin() {
  if (g.off) return FR_DISK_ERR;
  ++g.calls;
  if (g.cut_at != 0 && g.calls == g.cut_at) {
    g.off = true;
    return FR_DISK_ERR;
  }
  if (g.fail_count != 0 && g.calls >= g.fail_from && g.calls - g.fail_from < g.fail_count) return g.fail_result;
  return FR_OK;
}

Entry* entry_of(FIL* fp) {
  if (fp == nullptr || fp->handle < 0 || static_cast<size_t>(fp->handle) >= g.files.size()) return nullptr;
  Entry* e = &g.files[static_cast<size_t>(fp->handle)];
  return e->open ? e : nullptr;
}

bool hard(FRESULT r) { return r == FR_DISK_ERR || r == FR_INT_ERR; }

// The common start of every call on an open file: validity, the abort flag, the plan.
FRESULT begin_file(FIL* fp, Entry** e) {
  *e = entry_of(fp);
  if (*e == nullptr) return FR_INVALID_OBJECT;
  if (fp->err != 0) return static_cast<FRESULT>(fp->err);
  const FRESULT r = begin();
  if (hard(r)) fp->err = static_cast<BYTE>(r);
  return r;
}

bool name_taken(const std::string& key) {
  if (g.dirs.count(key) != 0) return true;
  for (const Entry& e : g.files) {
    if (e.key == key) return true;
  }
  return false;
}

}  // namespace

void reset(uint64_t volume_bytes, uint32_t cluster_bytes) {
  g = Volume();
  g.volume_bytes = volume_bytes;
  g.cluster_bytes = cluster_bytes;
  g.dirs.insert("");
}

void set_max_file_size(uint64_t bytes) { g.max_file = bytes; }
void set_volume_bytes(uint64_t bytes) { g.volume_bytes = bytes; }

void fail_at(uint32_t op, FRESULT result, uint32_t count) {
  g.fail_from = op;
  g.fail_count = count;
  g.fail_result = result;
}

void cut_power_at(uint32_t op) { g.cut_at = op; }
bool powered_off() { return g.off; }
uint32_t calls() { return g.calls; }

void power_loss() {
  std::vector<Entry> kept;
  for (Entry& e : g.files) {
    const uint64_t durable_clusters = clusters_for(e.durable.size());
    if (e.clusters > durable_clusters) g.leaked += e.clusters - durable_clusters;
    if (!e.entry_durable) {
      g.leaked += durable_clusters;
      continue;
    }
    e.live = e.durable;
    e.clusters = durable_clusters;
    e.open = false;
    kept.push_back(e);
  }
  g.files = kept;
  g.off = false;
  g.cut_at = 0;
  g.fail_count = 0;
}

std::vector<File> files() {
  std::vector<File> out;
  for (const Entry& e : g.files) out.push_back({e.path, e.live});
  return out;
}

bool dir_exists(const std::string& path) { return g.dirs.count(upper(normalize(path.c_str()))) != 0; }
uint64_t leaked_clusters() { return g.leaked; }

void add_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  Entry e;
  e.path = FF_USE_LFN ? normalize(path.c_str()) : upper(normalize(path.c_str()));
  e.key = upper(e.path);
  e.live = e.durable = bytes;
  e.entry_durable = true;
  e.clusters = clusters_for(bytes.size());
  g.files.push_back(e);
}

}  // namespace fatfs_standin

using fatfs_standin::g;

extern "C" {

FRESULT f_mkdir(const TCHAR* path) {
  if (path == nullptr) return FR_INVALID_PARAMETER;
  const FRESULT r = fatfs_standin::begin();
  if (r != FR_OK) return r;
  std::string parent_key, name;
  const std::string p = fatfs_standin::normalize(path);
  if (!fatfs_standin::split(p, &parent_key, &name)) return FR_INVALID_NAME;
  if (g.dirs.count(parent_key) == 0) return FR_NO_PATH;
  const std::string key = fatfs_standin::upper(p);
  if (fatfs_standin::name_taken(key)) return FR_EXIST;
  if (fatfs_standin::free_clusters() == 0) return FR_DENIED;
  g.dirs.insert(key);
  return FR_OK;
}

FRESULT f_open(FIL* fp, const TCHAR* path, BYTE mode) {
  if (fp == nullptr || path == nullptr) return FR_INVALID_OBJECT;
  fp->handle = -1;
  fp->err = 0;
  fp->fptr = 0;
  if (mode != (FA_CREATE_NEW | FA_WRITE)) return FR_INVALID_PARAMETER;  // the only mode modelled
  const FRESULT r = fatfs_standin::begin();
  if (r != FR_OK) return r;
  std::string parent_key, name;
  const std::string p = fatfs_standin::normalize(path);
  if (!fatfs_standin::split(p, &parent_key, &name)) return FR_INVALID_NAME;
  if (g.dirs.count(parent_key) == 0) return FR_NO_PATH;
  const std::string key = fatfs_standin::upper(p);
  if (fatfs_standin::name_taken(key)) return FR_EXIST;
  fatfs_standin::Entry e;
  e.path = FF_USE_LFN ? p : key;
  e.key = key;
  e.open = true;
  g.files.push_back(e);
  fp->handle = static_cast<int>(g.files.size() - 1);
  return FR_OK;
}

FRESULT f_write(FIL* fp, const void* buff, UINT btw, UINT* bw) {
  if (bw != nullptr) *bw = 0;
  if (buff == nullptr || bw == nullptr) return FR_INVALID_PARAMETER;
  fatfs_standin::Entry* e = nullptr;
  const FRESULT r = fatfs_standin::begin_file(fp, &e);
  if (r != FR_OK) return r;
  uint64_t n = btw;
  if (fp->fptr + n > g.max_file) n = g.max_file > fp->fptr ? g.max_file - fp->fptr : 0;
  const uint64_t end = fp->fptr + n;
  const uint64_t need = fatfs_standin::clusters_for(end);
  if (need > e->clusters) {
    const uint64_t grow = std::min(need - e->clusters, fatfs_standin::free_clusters());
    e->clusters += grow;
    const uint64_t room = e->clusters * g.cluster_bytes;
    if (end > room) n = room > fp->fptr ? room - fp->fptr : 0;
  }
  if (e->live.size() < fp->fptr + n) e->live.resize(static_cast<size_t>(fp->fptr + n));
  memcpy(e->live.data() + fp->fptr, buff, static_cast<size_t>(n));
  fp->fptr += static_cast<FSIZE_t>(n);
  *bw = static_cast<UINT>(n);
  return FR_OK;
}

FRESULT f_sync(FIL* fp) {
  fatfs_standin::Entry* e = nullptr;
  const FRESULT r = fatfs_standin::begin_file(fp, &e);
  if (r != FR_OK) return r;
  e->durable = e->live;
  e->entry_durable = true;
  return FR_OK;
}

FRESULT f_lseek(FIL* fp, FSIZE_t ofs) {
  fatfs_standin::Entry* e = nullptr;
  const FRESULT r = fatfs_standin::begin_file(fp, &e);
  if (r != FR_OK) return r;
  if (ofs > e->live.size()) {  // in write mode, seeking past the end expands the file
    const uint64_t need = fatfs_standin::clusters_for(ofs);
    if (need > e->clusters) {
      const uint64_t grow = std::min(need - e->clusters, fatfs_standin::free_clusters());
      e->clusters += grow;
      if (e->clusters < need) ofs = static_cast<FSIZE_t>(e->clusters * g.cluster_bytes);
    }
    e->live.resize(ofs, 0);
  }
  fp->fptr = ofs;
  return FR_OK;
}

FRESULT f_truncate(FIL* fp) {
  fatfs_standin::Entry* e = nullptr;
  const FRESULT r = fatfs_standin::begin_file(fp, &e);
  if (r != FR_OK) return r;
  if (fp->fptr < e->live.size()) {
    e->live.resize(fp->fptr);
    e->clusters = fatfs_standin::clusters_for(fp->fptr);
  }
  return FR_OK;
}

FRESULT f_close(FIL* fp) {
  fatfs_standin::Entry* e = nullptr;
  const FRESULT r = fatfs_standin::begin_file(fp, &e);
  if (r != FR_OK) return r;  // f_close syncs first; an aborted file object stays open
  e->durable = e->live;
  e->entry_durable = true;
  e->open = false;
  fp->handle = -1;
  return FR_OK;
}

}  // extern "C"
