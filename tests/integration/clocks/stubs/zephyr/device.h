// Stub of Zephyr's device.h: a device the test can mark ready or not.
#pragma once
struct device {
  bool ready;
};
extern "C" bool device_is_ready(const struct device* dev);
