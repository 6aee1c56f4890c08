// Text helpers: UTF-8 validation, Latin-1/CP1252 conversion, syntax checks, base64, MD5.
#include <gtest/gtest.h>

#include <string>

#include "eecall/util/text.hpp"

namespace eecall::text {
namespace {

using namespace std::string_literals;

// --- is_valid_utf8 ---------------------------------------------------------------------------

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Alerte cuve"));
  EXPECT_TRUE(is_valid_utf8("d\xc3\xa9" "bordement"));          // U+00E9
  EXPECT_TRUE(is_valid_utf8("\xc2\x80"));                       // U+0080, smallest 2-byte
  EXPECT_TRUE(is_valid_utf8("\xdf\xbf"));                       // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xe0\xa0\x80"));                   // U+0800, smallest 3-byte
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));                   // U+20AC euro
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));                   // U+D7FF, before surrogates
  EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));                   // U+E000, after surrogates
  EXPECT_TRUE(is_valid_utf8("\xef\xbf\xbd"));                   // U+FFFD
  EXPECT_TRUE(is_valid_utf8("\xf0\x90\x80\x80"));               // U+10000, smallest 4-byte
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x9a\xb0"));               // U+1F6B0
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));               // U+10FFFF, the last one
  EXPECT_TRUE(is_valid_utf8("a\0b"s));                          // NUL is ASCII
}

TEST(IsValidUtf8, RejectsLatin1Bytes) {
  EXPECT_FALSE(is_valid_utf8("d\xe9" "bordement"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xe9t\xe9"));
}

TEST(IsValidUtf8, RejectsStrayAndMissingContinuationBytes) {
  EXPECT_FALSE(is_valid_utf8("\xbf"));
  EXPECT_FALSE(is_valid_utf8("a\x80z"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));                // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x9a"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x82" "A"));        // truncated in the middle
  EXPECT_FALSE(is_valid_utf8("\xc3\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("\xc3\xa9\xa9"));        // one continuation too many
}

TEST(IsValidUtf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));            // NUL, 2 bytes
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));            // '/'
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\x80"));        // NUL, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\x8a"));        // LF, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xe0\x9f\xbf"));        // U+07FF, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\x80"));    // NUL, 4 bytes
  EXPECT_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));    // U+FFFF, 4 bytes
}

TEST(IsValidUtf8, RejectsSurrogates) {
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));                  // U+D800
  EXPECT_FALSE(is_valid_utf8("\xed\xad\xbf"));                  // U+DB7F
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));                  // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\xbd\xed\xb8\x80"));      // CESU-8 pair
}

TEST(IsValidUtf8, RejectsBeyondU10FFFF) {
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));    // U+110000
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xfe"));
}

// --- to_utf8 ---------------------------------------------------------------------------------

TEST(ToUtf8, KeepsValidUtf8) {
  EXPECT_EQ(to_utf8("Alerte cuve"), "Alerte cuve");
  EXPECT_EQ(to_utf8("d\xc3\xa9" "bordement"), "d\xc3\xa9" "bordement");
  EXPECT_EQ(to_utf8("\xe2\x82\xac"), "\xe2\x82\xac");
  EXPECT_EQ(to_utf8(""), "");
}

TEST(ToUtf8, ConvertsLatin1) {
  EXPECT_EQ(to_utf8("d\xe9" "bordement"), "d\xc3\xa9" "bordement");
  EXPECT_EQ(to_utf8("\xa0"), "\xc2\xa0");
  EXPECT_EQ(to_utf8("\xc0\xff"), "\xc3\x80\xc3\xbf");
  EXPECT_EQ(to_utf8("\xab" "cuve\xbb"), "\xc2\xab" "cuve\xc2\xbb");
}

TEST(ToUtf8, ConvertsWindows1252Range) {
  EXPECT_EQ(to_utf8("\x80"), "\xe2\x82\xac");   // euro
  EXPECT_EQ(to_utf8("\x85"), "\xe2\x80\xa6");   // ellipsis
  EXPECT_EQ(to_utf8("\x92"), "\xe2\x80\x99");   // right single quote
  EXPECT_EQ(to_utf8("\x8c"), "\xc5\x92");       // OE
  EXPECT_EQ(to_utf8("\x9c"), "\xc5\x93");       // oe
  EXPECT_EQ(to_utf8("\x9f"), "\xc5\xb8");       // Y diaeresis
}

TEST(ToUtf8, BytesUndefinedInWindows1252GiveNothing) {
  for (const char* bytes : {"\x81", "\x8d", "\x8f", "\x90", "\x9d", "caf\xe9 \x81"}) {
    EXPECT_FALSE(to_utf8(bytes).has_value()) << ::testing::PrintToString(std::string(bytes));
  }
}

TEST(ToUtf8, AnInvalidStringIsReadWhollyAsWindows1252) {
  // One stray Latin-1 byte makes the whole string Latin-1: no half-and-half guessing.
  EXPECT_EQ(to_utf8("\xc3\xa9 \xe9"), "\xc3\x83\xc2\xa9 \xc3\xa9");
}

TEST(ToUtf8, OutputIsAlwaysValidUtf8) {
  std::string all;
  for (int c = 1; c < 256; ++c) {
    if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d) continue;
    all.push_back(static_cast<char>(c));
  }
  const auto out = to_utf8(all);
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(is_valid_utf8(*out));
  EXPECT_GT(out->size(), all.size());
}

// --- is_dial_token ---------------------------------------------------------------------------

TEST(IsDialToken, AllowedAlphabet) {
  EXPECT_TRUE(is_dial_token("100"));
  EXPECT_TRUE(is_dial_token("0240404040"));
  EXPECT_TRUE(is_dial_token("+33240404040"));
  EXPECT_TRUE(is_dial_token("*97#"));
  EXPECT_TRUE(is_dial_token("eeDomus_1.a-b"));
  EXPECT_TRUE(is_dial_token("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"));
  EXPECT_TRUE(is_dial_token(std::string(64, '1')));
}

TEST(IsDialToken, LengthLimits) {
  EXPECT_FALSE(is_dial_token(""));
  EXPECT_TRUE(is_dial_token("1"));
  EXPECT_FALSE(is_dial_token(std::string(65, '1')));
}

TEST(IsDialToken, RefusesEverythingThatCouldShapeADialString) {
  for (const char c : "/@,;: \t\r\n&|\"'<>()[]{}$%!?=\\^~`") {
    if (c == '\0') continue;  // the literal's terminator, tested below
    EXPECT_FALSE(is_dial_token(std::string("10") + c + "0")) << "character " << int(c);
  }
  EXPECT_FALSE(is_dial_token("10\0" "0"s));
  EXPECT_FALSE(is_dial_token("10\xc3\xa9"));
  EXPECT_FALSE(is_dial_token("10\xe9"));
}

// --- is_host_name ----------------------------------------------------------------------------

TEST(IsHostName, AcceptsRfc1123Names) {
  EXPECT_TRUE(is_host_name("localhost"));
  EXPECT_TRUE(is_host_name("pbx"));
  EXPECT_TRUE(is_host_name("pbx.example.com"));
  EXPECT_TRUE(is_host_name("pbx.example.com."));  // fully qualified
  EXPECT_TRUE(is_host_name("free-pbx.lan"));
  EXPECT_TRUE(is_host_name("3cx.example"));       // labels may start with a digit
  EXPECT_TRUE(is_host_name("10.pbx.lan"));
  EXPECT_TRUE(is_host_name("xn--bcher-kva.example"));
  EXPECT_TRUE(is_host_name(std::string(63, 'a') + ".lan"));
}

TEST(IsHostName, RefusesMalformedNames) {
  EXPECT_FALSE(is_host_name(""));
  EXPECT_FALSE(is_host_name("."));
  EXPECT_FALSE(is_host_name(".pbx"));
  EXPECT_FALSE(is_host_name("pbx..lan"));
  EXPECT_FALSE(is_host_name("-pbx"));
  EXPECT_FALSE(is_host_name("pbx-"));
  EXPECT_FALSE(is_host_name("pbx-.lan"));
  EXPECT_FALSE(is_host_name("pbx.-lan"));
  EXPECT_FALSE(is_host_name("pbx_1"));
  EXPECT_FALSE(is_host_name("pbx lan"));
  EXPECT_FALSE(is_host_name("pbx:5038"));
  EXPECT_FALSE(is_host_name("pbx/x"));
  EXPECT_FALSE(is_host_name("p\xc3\xa9" "bx"));
  EXPECT_FALSE(is_host_name(std::string(64, 'a') + ".lan"));
}

TEST(IsHostName, RefusesNamesOver253Characters) {
  std::string name;
  while (name.size() < 250) name += "abcdefghi.";
  name += "lan";  // 253
  EXPECT_TRUE(is_host_name(name));
  EXPECT_FALSE(is_host_name(name + "x"));
}

TEST(IsHostName, RefusesAllNumericTopLabel) {
  // RFC 1123 2.1: a host name never has the dotted-decimal form, the top label is alphabetic.
  // These are malformed IPv4 addresses; a resolver would read them its own way (octal, ...).
  EXPECT_FALSE(is_host_name("1.2.3.4"));
  EXPECT_FALSE(is_host_name("256.1.1.1"));
  EXPECT_FALSE(is_host_name("192.168.0.010"));
  EXPECT_FALSE(is_host_name("2130706433"));
  EXPECT_FALSE(is_host_name("10.1."));
}

// --- base64_encode ---------------------------------------------------------------------------

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, TranscriptE1Base64Body) {
  // e1_messagesend_pjsip: Asterisk accepted this Base64Body for "Alerte débordement cuve".
  EXPECT_EQ(base64_encode("Alerte d\xc3\xa9" "bordement cuve"), "QWxlcnRlIGTDqWJvcmRlbWVudCBjdXZl");
}

TEST(Base64, BinaryAndLongInputHaveNoLineBreaks) {
  EXPECT_EQ(base64_encode("\0\xff\n"s), "AP8K");
  const auto long_text = base64_encode(std::string(738, 'x'));
  EXPECT_EQ(long_text.size(), 984u);
  EXPECT_EQ(long_text.find_first_of("\r\n"), std::string::npos);
}

// --- md5_hex ---------------------------------------------------------------------------------

TEST(Md5Hex, KnownVectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Md5Hex, TranscriptA3ChallengeKey) {
  // a3_login_md5_challenge_ok: Challenge 147026317, secret s3cret, Asterisk accepted this Key.
  EXPECT_EQ(md5_hex("147026317" "s3cret"), "d7469cc1ea90b88a592e391879e69b9a");
}

// --- sha256_hex ------------------------------------------------------------------------------

TEST(Sha256Hex, KnownVectors) {  // FIPS 180-2 appendix B.1, and the empty string
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// --- iequals ---------------------------------------------------------------------------------

TEST(IEquals, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("ActionID", "actionid"));
  EXPECT_TRUE(iequals("RESPONSE", "Response"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Action", "Actions"));
  EXPECT_FALSE(iequals("Action", "Actiom"));
  EXPECT_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // é vs É: not ASCII, compared exactly
  EXPECT_FALSE(iequals("[", "{"));                // 0x5B vs 0x7B differ by 0x20 too
}

}  // namespace
}  // namespace eecall::text
