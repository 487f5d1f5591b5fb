// tinytb: the library's version, the one number every package manifest repeats.
//
// library.json (PlatformIO), library.properties (Arduino) and idf_component.yml (ESP-IDF)
// carry the same MAJOR.MINOR.PATCH; tests/integration/manifests/check_versions.py fails
// when one of them differs from this file. Bump all four together.
#ifndef TINYTB_VERSION_H_
#define TINYTB_VERSION_H_

#define TINYTB_VERSION_MAJOR 0
#define TINYTB_VERSION_MINOR 1
#define TINYTB_VERSION_PATCH 0
#define TINYTB_VERSION_STRING "0.1.0"

// One number that compares in order: 10000 * major + 100 * minor + patch.
#define TINYTB_VERSION (TINYTB_VERSION_MAJOR * 10000 + TINYTB_VERSION_MINOR * 100 + TINYTB_VERSION_PATCH)

#endif  // TINYTB_VERSION_H_
