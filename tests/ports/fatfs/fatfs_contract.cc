// The sink contract (tests/support/sink_contract.h) for the FatFs port on ChaN's FatFs over
// the host block device (host_disk.h), on a FAT16 card made by mkfs.fat; built for each
// configuration of tests/ports/fatfs/ffconf.h (fatfs_tests_lfn0, _lfn1, _tiny).
//
// The card caches writes until FatFs's CTRL_SYNC (write-back), so power_cut() loses every
// sector f_sync has not committed. read() syncs the open file first (FatFs shows other
// readers a file as of its last f_sync). limit_file_size() is not offered: a FAT volume fills up
// by whole clusters, so "10 bytes fit, 16 do not" cannot be set up on a real one; the full
// card is tested in fatfs_sink_test.cc (FullCardIsNoSpaceAndTheWriterRecovers).
#include <string>
#include <vector>

#include "fatfs_sink.h"
#include "host_disk.h"
#include "sink_contract.h"

namespace {

class FatfsPort : public tinytb_test::SinkContractPort {
 public:
  FatfsPort() {
    if (!host_disk::use_card(host_disk::kFat16Cluster4k)) ADD_FAILURE() << "no card";
    host_disk::write_back(true);
  }

  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "contract"; }

  // Another reader on the volume sees a file as its directory entry describes it: as of
  // its last f_sync. The suite asks for the bytes written so far, so the sink's open file
  // (if any) is synced first, through the sink, as the writer would.
  bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
    (void)sink_.sync();
    FIL f;
    if (f_open(&f, (dir + "/" + name).c_str(), FA_READ) != FR_OK) return false;
    bytes->resize(f_size(&f));
    UINT got = 0;
    const FRESULT r = bytes->empty() ? FR_OK : f_read(&f, bytes->data(), static_cast<UINT>(bytes->size()), &got);
    f_close(&f);
    return r == FR_OK && got == bytes->size();
  }

  // The power fails: the card keeps what the last CTRL_SYNC committed; FatFs starts over.
  void power_cut() {
    host_disk::power_on();
    if (host_disk::mount() != FR_OK) ADD_FAILURE() << "the card does not mount after the cut";
  }

 private:
  tinytb::FatfsSink sink_;
};

}  // namespace

#if FF_FS_TINY
INSTANTIATE_TYPED_TEST_SUITE_P(FatfsTiny, SinkContract, ::testing::Types<FatfsPort>);
#elif FF_USE_LFN
INSTANTIATE_TYPED_TEST_SUITE_P(FatfsLongNames, SinkContract, ::testing::Types<FatfsPort>);
#else
INSTANTIATE_TYPED_TEST_SUITE_P(FatfsShortNames, SinkContract, ::testing::Types<FatfsPort>);
#endif
