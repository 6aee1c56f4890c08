#include "inventory.hpp"

#include <algorithm>
#include <array>

#include "eecall/util/text.hpp"

namespace eecall::sim {

namespace {

// The lab's modules directory: modules.conf loads every one of them (autoload = no).
// The kit with AMD (shared/asterisk/README.md) added app_amd, app_waitforsilence and res_agi.
constexpr std::array<std::string_view, 96> lab_modules = {
    // clang-format off
    "app_amd", "app_dial", "app_echo", "app_playback", "app_read", "app_senddtmf", "app_system",
    "app_verbose", "app_waitforsilence",
    "bridge_native_rtp", "bridge_simple", "bridge_softmix", "chan_pjsip", "chan_sip", "codec_alaw",
    "codec_gsm", "codec_resample", "codec_ulaw", "format_gsm", "format_pcm", "format_sln",
    "format_wav", "func_callerid", "func_channel", "func_curl", "func_global", "func_logic",
    "func_strings", "pbx_config", "res_agi", "res_curl", "res_format_attr_celt", "res_format_attr_g729",
    "res_format_attr_h263", "res_format_attr_h264", "res_format_attr_ilbc", "res_format_attr_opus",
    "res_format_attr_silk", "res_format_attr_siren14", "res_format_attr_siren7",
    "res_format_attr_vp8", "res_http_media_cache", "res_musiconhold", "res_pjproject", "res_pjsip",
    "res_pjsip_acl", "res_pjsip_aoc", "res_pjsip_authenticator_digest", "res_pjsip_caller_id",
    "res_pjsip_config_wizard", "res_pjsip_dialog_info_body_generator", "res_pjsip_diversion",
    "res_pjsip_dlg_options", "res_pjsip_dtmf_info", "res_pjsip_empty_info",
    "res_pjsip_endpoint_identifier_anonymous", "res_pjsip_endpoint_identifier_ip",
    "res_pjsip_endpoint_identifier_user", "res_pjsip_exten_state", "res_pjsip_header_funcs",
    "res_pjsip_history", "res_pjsip_logger", "res_pjsip_maintenance", "res_pjsip_messaging",
    "res_pjsip_mwi", "res_pjsip_mwi_body_generator", "res_pjsip_nat", "res_pjsip_notify",
    "res_pjsip_one_touch_record_info", "res_pjsip_outbound_authenticator_digest",
    "res_pjsip_outbound_publish", "res_pjsip_outbound_registration", "res_pjsip_path",
    "res_pjsip_pidf_body_generator", "res_pjsip_pidf_digium_body_supplement",
    "res_pjsip_pidf_eyebeam_body_supplement", "res_pjsip_publish_asterisk", "res_pjsip_pubsub",
    "res_pjsip_refer", "res_pjsip_registrar", "res_pjsip_rfc3326", "res_pjsip_rfc3329",
    "res_pjsip_sdp_rtp", "res_pjsip_send_to_voicemail", "res_pjsip_session",
    "res_pjsip_sips_contact", "res_pjsip_t38", "res_pjsip_xpidf_body_generator", "res_rtp_asterisk",
    "res_sorcery_astdb", "res_sorcery_config", "res_sorcery_memory", "res_sorcery_memory_cache",
    "res_sorcery_realtime", "res_srtp", "res_timing_timerfd"
    // clang-format on
};

// shared/asterisk/templates/pjsip.conf with its standard ports.
const std::array<PjsipEndpoint, 9> lab_endpoints{{
    {"100", "sip:100@127.0.0.1:5070", "NonQualified", 0, "Not in use"},
    {"101", "sip:101@127.0.0.1:5071", "NonQualified", 0, "Not in use"},
    {"102", "sip:102@127.0.0.1:5072", "Unreachable", 30, "Unavailable"},
    {"103", "", "", 0, "Unavailable"},
    {"104", "sip:104@127.0.0.1:5074", "NonQualified", 0, "Not in use"},
    {"105", "sip:105@127.0.0.1:5075", "NonQualified", 0, "Not in use"},
    {"106", "sip:106@127.0.0.1:5076", "NonQualified", 0, "Not in use"},
    {"107", "sip:107@127.0.0.1:5077", "NonQualified", 0, "Not in use"},
    {"108", "sip:108@127.0.0.1:5078", "NonQualified", 0, "Not in use"},
}};

ami::Message list_event(std::string_view name, std::string_view action_id) {
  ami::Message m{{"Event", std::string(name)}};
  if (!action_id.empty()) m.add("ActionID", std::string(action_id));
  return m;
}

}  // namespace

bool module_loaded(std::string_view name, const Options& options) {
  std::string file(name);
  if (file.size() < 3 || !text::iequals(std::string_view(file).substr(file.size() - 3), ".so")) file += ".so";
  const auto named = [&](std::string_view module) { return text::iequals(std::string(module) + ".so", file); };
  return std::any_of(lab_modules.begin(), lab_modules.end(), named) &&
         std::none_of(options.unloaded.begin(), options.unloaded.end(),
                      [&](const std::string& module) { return named(module); });
}

const PjsipEndpoint* find_pjsip_endpoint(std::string_view name) {
  for (const auto& e : lab_endpoints) {
    if (e.name == name) return &e;  // sorcery ids are case-sensitive
  }
  return nullptr;
}

std::vector<ami::Message> pjsip_endpoint_events(const PjsipEndpoint& e, std::string_view action_id) {
  std::vector<ami::Message> out;
  auto endpoint = list_event("EndpointDetail", action_id);
  endpoint.add("ObjectType", "endpoint");
  endpoint.add("ObjectName", e.name);
  endpoint.add("Context", "from-internal");
  endpoint.add("Aors", e.name);
  endpoint.add("Transport", "transport-udp");
  endpoint.add("DeviceState", e.device_state);
  endpoint.add("ActiveChannels", "0");
  out.push_back(std::move(endpoint));

  auto transport = list_event("TransportDetail", action_id);
  transport.add("ObjectType", "transport");
  transport.add("ObjectName", "transport-udp");
  transport.add("Protocol", "udp");
  transport.add("Bind", "127.0.0.1:5060");
  transport.add("EndpointName", e.name);
  out.push_back(std::move(transport));

  auto aor = list_event("AorDetail", action_id);
  aor.add("ObjectType", "aor");
  aor.add("ObjectName", e.name);
  aor.add("MaxContacts", "1");
  aor.add("Contacts", e.contact.empty() ? std::string() : e.name + "/" + e.contact);
  aor.add("QualifyFrequency", std::to_string(e.qualify_frequency));
  aor.add("TotalContacts", e.contact.empty() ? "0" : "1");
  aor.add("ContactsRegistered", "0");
  aor.add("EndpointName", e.name);
  out.push_back(std::move(aor));

  if (!e.contact.empty()) {
    auto contact = list_event("ContactStatusDetail", action_id);
    contact.add("AOR", e.name);
    contact.add("URI", e.contact);
    contact.add("Status", e.status);
    contact.add("RoundtripUsec", "N/A");
    contact.add("EndpointName", e.name);
    out.push_back(std::move(contact));
  }
  auto complete = list_event("EndpointDetailComplete", action_id);
  complete.add("EventList", "Complete");
  complete.add("ListItems", std::to_string(out.size()));
  out.push_back(std::move(complete));
  return out;
}

std::vector<ami::Header> sip_peer_headers(std::string_view peer) {
  if (peer != "100" && peer != "101") return {};
  const std::string name(peer);
  const std::string port = peer == "100" ? "5070" : "5071";
  return {{"Channeltype", "SIP"},       {"ObjectName", name},      {"ChanObjectType", "peer"},
          {"Context", "from-internal"}, {"Dynamic", "N"},          {"ToHost", "127.0.0.1"},
          {"Address-IP", "127.0.0.1"},  {"Address-Port", port},    {"Default-Username", name},
          {"Codecs", "(ulaw|alaw)"},    {"Status", "Unmonitored"}, {"QualifyFreq", "60000 ms"}};
}

std::vector<ami::Header> core_settings_headers(const Options& options) {
  return {{"AMIversion", "9.0.0"},
          {"AsteriskVersion", "20.20.1"},
          {"SystemName", ""},
          {"CoreMaxCalls", "0"},
          {"CoreMaxLoadAvg", "0.000000"},
          {"CoreRunUser", options.run_user},
          {"CoreRunGroup", options.run_group},
          {"CoreMaxFilehandles", "0"},
          {"CoreRealTimeEnabled", "No"},
          {"CoreCDRenabled", "No"},
          {"CoreHTTPenabled", "No"},
          {"SoundsSearchCustomDir", "No"}};
}

}  // namespace eecall::sim
