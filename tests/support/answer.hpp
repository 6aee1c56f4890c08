// Reading eecall's answers back: CGI headers, the XML body (as eeDomus reads it) and JSON.
#pragma once

#include <string>

namespace eecall::test {

struct CgiAnswer {
  int status = 0;
  std::string content_type;
  std::string headers;  // every header line, CRLF-terminated
  std::string body;
  /// Text of /eecall/<name> in the XML body ("" when absent or not XML).
  [[nodiscard]] std::string xml(const std::string& name) const;
  /// Value of header `name` (case-insensitive), "" when absent.
  [[nodiscard]] std::string header(const std::string& name) const;
};

/// Splits `Status:`/`Content-Type:` headers from the body; status 0 when malformed.
CgiAnswer parse_cgi_answer(const std::string& stdout_bytes);

/// Text of /eecall/<name> in an XML document.
std::string xml_field(const std::string& xml, const std::string& name);

}  // namespace eecall::test
