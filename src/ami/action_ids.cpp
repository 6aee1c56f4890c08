// The default ActionID source: `eecall-<48 random bits in hex>-<n>`, so that two processes
// (two CGI requests on the same AMI user) never share an ActionID.
#include <cstdint>
#include <cstdio>
#include <random>

#include "eecall/ami/session.hpp"

namespace eecall::ami {

ActionIdSource random_action_ids() {
  std::random_device rd;
  const auto tag = (static_cast<std::uint64_t>(rd()) << 32) | rd();
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "eecall-%012llx-",
                static_cast<unsigned long long>(tag & 0xFFFFFFFFFFFFull));
  return [prefix = std::string(prefix), n = 0](std::string_view) mutable {
    return prefix + std::to_string(++n);
  };
}

}  // namespace eecall::ami
