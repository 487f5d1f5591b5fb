// tinytb host tool: `tinytb recv`, the receiving end of ports/stream (docs/streaming.md).
#ifndef TINYTB_TOOLS_RECV_MAIN_H_
#define TINYTB_TOOLS_RECV_MAIN_H_

#include <string>
#include <vector>

namespace tinytb_tool {

// Runs `tinytb recv ARGS` (the words after "recv"); returns the exit code.
int cmd_recv(const std::vector<std::string>& args);

// Turn untrusted bytes (a board name) into a run directory name: [A-Za-z0-9_.-] kept,
// anything else becomes '_', at most 64 bytes, never "", "." or "..". Empty in, empty out.
std::string safe_run_name(const std::string& raw);

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_RECV_MAIN_H_
