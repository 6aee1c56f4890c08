// Rendering an Outcome for people and machines. Knows nothing of sockets or CGI.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eecall/action/outcome.hpp"

namespace eecall {

enum class Format { xml, json, text };

/// "xml", "json" or "text" (any case); nullopt for anything else.
std::optional<Format> parse_format(std::string_view name) noexcept;

/// The Content-Type of a format, with charset where it matters.
std::string_view content_type(Format format) noexcept;

/// `<?xml version="1.0" encoding="UTF-8"?><eecall><result>1</result>...</eecall>` + LF.
std::string render_xml(const Outcome& outcome);
/// `{"result":1,...}` + LF, same fields as XML.
std::string render_json(const Outcome& outcome);
/// One human line + LF, e.g. `OK call: Originate successfully queued (42 ms)`.
std::string render_text(const Outcome& outcome);

std::string render(const Outcome& outcome, Format format);

}  // namespace eecall
