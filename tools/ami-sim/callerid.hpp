// Asterisk's CallerID parsing (main/callerid.c ast_callerid_parse(), as Originate uses it).
#pragma once

#include <string>
#include <string_view>

namespace eecall::sim {

struct CallerId {
  std::string name;    // empty: absent (events print "<unknown>")
  std::string number;  // empty: absent; already through ast_shrink_phone_number()
};

/// `"Name" <num>`, `Name <num>`, `<num>`, a bare number, or a bare name.
CallerId parse_caller_id(std::string_view value);

}  // namespace eecall::sim
