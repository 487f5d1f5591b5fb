// tinytb host tool: `tinytb compare RUN_A RUN_B [--out DIR]` (docs/tools.md).
#ifndef TINYTB_TOOLS_COMPARE_MAIN_H_
#define TINYTB_TOOLS_COMPARE_MAIN_H_

#include <string>
#include <vector>

namespace tinytb_tool {

// Runs `tinytb compare ARGS` (the words after "compare"); returns the exit code.
int cmd_compare(const std::vector<std::string>& args);

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_COMPARE_MAIN_H_
