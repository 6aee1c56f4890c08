#include "support/answer.hpp"

#include <tinyxml2.h>

#include "support/transcript.hpp"

namespace eecall::test {

std::string xml_field(const std::string& xml, const std::string& name) {
  tinyxml2::XMLDocument doc;
  if (doc.Parse(xml.c_str(), xml.size()) != tinyxml2::XML_SUCCESS) return {};
  const auto* root = doc.FirstChildElement("eecall");
  if (root == nullptr) return {};
  const auto* element = root->FirstChildElement(name.c_str());
  if (element == nullptr || element->GetText() == nullptr) return {};
  return element->GetText();
}

std::string CgiAnswer::xml(const std::string& name) const { return xml_field(body, name); }

std::string CgiAnswer::header(const std::string& name) const { return header_value(headers, name); }

CgiAnswer parse_cgi_answer(const std::string& out) {
  CgiAnswer answer;
  const auto end = out.find("\r\n\r\n");
  if (end == std::string::npos) return answer;
  answer.headers = out.substr(0, end + 2);
  answer.body = out.substr(end + 4);
  const auto status = header_value(answer.headers, "Status");
  answer.status = status.empty() ? 0 : std::stoi(status);
  answer.content_type = header_value(answer.headers, "Content-Type");
  return answer;
}

}  // namespace eecall::test
