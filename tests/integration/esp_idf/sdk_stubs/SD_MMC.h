// Stand-in (README.md): Arduino-ESP32's SD_MMC as the sketch uses it.
#pragma once
class SDMMCFS {
 public:
  bool begin(const char* mountpoint, bool mode1bit);
};
extern SDMMCFS SD_MMC;
