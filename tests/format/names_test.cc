// Text rules: UTF-8 validation, run paths, file-name tokens, decimal formatting.
#include "format/names.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

using tinytb::detail::append_decimal;
using tinytb::detail::is_clean_utf8;
using tinytb::detail::is_name_token;
using tinytb::detail::is_run_path;
using tinytb::detail::is_utf8;

bool clean(const std::string& s) { return is_clean_utf8(s.data(), s.size()); }

TEST(Utf8, AcceptsValidText) {
  EXPECT_TRUE(clean("train/loss"));
  EXPECT_TRUE(clean("caf\xC3\xA9"));              // é
  EXPECT_TRUE(clean("\xE2\x9C\x93"));             // ✓
  EXPECT_TRUE(clean("\xE6\x97\xA5\xE6\x9C\xAC"));  // 日本
  EXPECT_TRUE(clean("\xF0\x9F\x93\xB7"));          // 📷
  EXPECT_TRUE(clean("\xF4\x8F\xBF\xBF"));          // U+10FFFF
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_FALSE(clean("\x80"));              // lone continuation
  EXPECT_FALSE(clean("\xC3"));              // truncated
  EXPECT_FALSE(clean("\xE2\x9C"));          // truncated
  EXPECT_FALSE(clean("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(clean("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(clean("\xF0\x80\x80\xAF"));  // overlong
  EXPECT_FALSE(clean("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(clean("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(clean("\xFF"));
  EXPECT_FALSE(clean("a\xC3(b"));  // bad continuation
}

TEST(Utf8, CleanRejectsControlCharactersButTextAllowsThem) {
  EXPECT_FALSE(clean("a\nb"));
  EXPECT_FALSE(clean("a\tb"));
  EXPECT_FALSE(clean(std::string("a\0b", 3)));
  EXPECT_FALSE(clean("\x7F"));
  EXPECT_FALSE(clean("\xC2\x85"));  // C1 NEL
  const std::string text = "line 1\nline 2\t| cell |";
  EXPECT_TRUE(is_utf8(text.data(), text.size()));
  EXPECT_FALSE(is_utf8("\xC0\xAF", 2));
}

TEST(RunPath, RelativeSegmentsOnly) {
  EXPECT_TRUE(is_run_path(""));
  EXPECT_TRUE(is_run_path("train"));
  EXPECT_TRUE(is_run_path("board1/int8"));
  EXPECT_FALSE(is_run_path("/abs"));
  EXPECT_FALSE(is_run_path("a//b"));
  EXPECT_FALSE(is_run_path("a/"));
  EXPECT_FALSE(is_run_path("../up"));
  EXPECT_FALSE(is_run_path("a/./b"));
  EXPECT_FALSE(is_run_path("a\\b"));
  EXPECT_FALSE(is_run_path("a\nb"));
}

TEST(NameToken, HostAndSuffixCharacters) {
  EXPECT_TRUE(is_name_token("esp32-cam_1", 32, false));
  EXPECT_FALSE(is_name_token("a.b", 32, false));
  EXPECT_TRUE(is_name_token("v2.profile", 16, true));
  // FAT drops trailing dots, so these would name another file than the one asked for.
  for (const char* mangled : {"..", ".", "v2.", ".v2", "v2..x"}) EXPECT_FALSE(is_name_token(mangled, 16, true)) << mangled;
  EXPECT_FALSE(is_name_token("", 32, false));
  EXPECT_FALSE(is_name_token("a/b", 32, true));
  EXPECT_FALSE(is_name_token("abcdef", 5, false));
  EXPECT_FALSE(is_name_token(nullptr, 5, false));
}

TEST(Decimal, ZeroPaddedAndBounded) {
  char out[16];
  size_t pos = 0;
  ASSERT_TRUE(append_decimal(out, sizeof(out), &pos, 42, 10));
  EXPECT_STREQ(out, "0000000042");
  pos = 0;
  ASSERT_TRUE(append_decimal(out, sizeof(out), &pos, 4294967295u, 10));
  EXPECT_STREQ(out, "4294967295");
  pos = 0;
  ASSERT_TRUE(append_decimal(out, sizeof(out), &pos, 0, 1));
  EXPECT_STREQ(out, "0");
  char small[4];
  pos = 0;
  EXPECT_FALSE(append_decimal(small, sizeof(small), &pos, 1234, 1));  // needs 5 with NUL
  EXPECT_EQ(pos, 0u);
}

}  // namespace
