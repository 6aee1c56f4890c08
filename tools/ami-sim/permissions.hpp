// Asterisk's manager permission classes (manager.h EVENT_FLAG_*) and the exact string
// conversions manager.c applies to `write=` lists and to the `Events:` / `EventMask:` headers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eecall::sim {

using ClassMask = std::int32_t;

namespace flag {
inline constexpr ClassMask system = 1 << 0;
inline constexpr ClassMask call = 1 << 1;
inline constexpr ClassMask command = 1 << 4;
inline constexpr ClassMask reporting = 1 << 9;
inline constexpr ClassMask dtmf = 1 << 8;
inline constexpr ClassMask dialplan = 1 << 11;
inline constexpr ClassMask originate = 1 << 12;
inline constexpr ClassMask agi = 1 << 13;
inline constexpr ClassMask security = 1 << 18;
inline constexpr ClassMask message = 1 << 30;
inline constexpr ClassMask all = 0x7FFFFFFF;  // INT_MAX, the "all" alias
}  // namespace flag

/// manager.c get_perm(): the classes named in a comma list, with ast_instring()'s quirks
/// (case-sensitive; a non-last item matches when it is a prefix of the class name).
ClassMask get_perm(std::string_view list);

/// manager.c strings_to_mask(), used for `Events:`: -1 for empty (mask unchanged), a number
/// as itself, ast_false -> 0, ast_true -> every class, else get_perm().
std::int64_t strings_to_mask(std::string_view value);

/// manager.c authority_to_str(): "call,all", "system,all", ...
std::string authority_to_str(ClassMask authority);

/// utils.c ast_true() / ast_false(): yes/true/y/t/1/on and no/false/n/f/0/off, any case.
bool ast_true(std::string_view value);
bool ast_false(std::string_view value);

}  // namespace eecall::sim
