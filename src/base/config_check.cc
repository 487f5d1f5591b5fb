// tinytb: the one definition of the configuration symbol (tinytb/config.h explains the
// check). Built with the library's -D flags, it names the library's values, so only an
// application built with the same values finds it at link time.
#include "tinytb/config.h"

namespace tinytb {
namespace config_check {

template <>
const char ThisBuild::same_values = 1;

}  // namespace config_check
}  // namespace tinytb
