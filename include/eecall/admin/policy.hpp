// The admin's policy applied to one incoming request, before anything reaches the PBX:
// the token, the choice of profile (whose secret only ever goes to its own host), URL
// credentials allowed or not (the command line's are not a URL's), and which numbers may be
// dialled.
#pragma once

#include <string>

#include "eecall/admin/config.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {

/// What a front end received.
struct Incoming {
  Params params;
  std::string bearer_token;  // from `Authorization: Bearer ...` (CGI), else empty
  SettingValues overrides;   // command-line options (already checked), applied last
  RequestLimits limits;      // what this front end tolerates (the command line waits longer)
  bool over_http = false;    // the CGI front end: a check=1 needs the configuration's token
  // The command line front end: its --ip/--user/--secret (or QUERY, EECALL_SECRET) are typed by
  // a user of this machine, not read from a URL that logs and proxies keep, so
  // allow_url_credentials = no does not refuse them. False unless the command line sets it.
  bool command_line = false;
};

/// The request with its profile merged in, and the settings that apply to it.
struct Resolved {
  Params params;  // ip/port/user/secret come from the profile when one is used
  EffectiveSettings settings;
  std::string profile;  // empty: old-style URL credentials
};

/// Token, profile choice and settings. Failures: forbidden (403: the token, or URL credentials
/// with allow_url_credentials = no, except from the command line), invalid_parameter (a profile
/// named with URL credentials, or unknown), config_error (a bad EECALL_* value).
Result<Resolved> resolve(const Incoming& incoming, const Config& config,
                         const SettingValues& environment);

/// The token alone, for requests that name no PBX (a background job's state). Failure: forbidden.
Status check_token(const Incoming& incoming, const Config& config);

/// The settings of a request that names no PBX: EECALL_* variables, [general], command line.
Result<EffectiveSettings> general_settings(const Incoming& incoming, const Config& config,
                                           const SettingValues& environment);

/// allow_from (calls) and allow_to (calls and messages), matched against the whole value.
Status check_allowed(const Request& request, const Policy& policy);
/// One value against one of them: forbidden naming `param` and `setting` when it does not match.
Status check_allowed_value(const std::string& pattern, const std::string& value, const char* param,
                                          const char* setting);

/// allow_hosts, for a request whose PBX the URL (or --ip) named; a profile's host is the admin's
/// own choice and is not checked. Nothing is resolved: a name matches only a listed name.
Status check_host_allowed(const Request& request, const Policy& policy);

/// Constant-time comparison (of SHA-256 digests, so the length leaks nothing either).
bool token_matches(std::string_view expected, std::string_view given);

}  // namespace eecall
