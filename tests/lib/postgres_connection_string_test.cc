#include "paybench/writes/postgres_connection_string.h"

#include <gtest/gtest.h>

#include <string>

namespace paybench {
namespace {

struct RedactionCase {
  std::string dsn;
  std::string expected;
};

TEST(RedactConnectionStringTest, HidesSecretValues) {
  const RedactionCase cases[] = {
      {"", ""},
      {"host=db port=5432 user=app dbname=ledger", "host=db port=5432 user=app dbname=ledger"},
      {"host=db password=secret", "host=db password=***"},
      {"password = 'se cret' host=db", "password = *** host=db"},
      {"host=db password=se\\ cret port=5", "host=db password=*** port=5"},
      {"password='it\\'s' user=app", "password=*** user=app"},
      {"host=db sslpassword=secret", "host=db sslpassword=***"},
      // A misspelled keyword: libpq rejects it, and its value may still be a password.
      {"host=db passwd=secret", "host=db passwd=***"},
      // A missing '=' or quote: the rest may be a password.
      {"host=db password secret", "host=db ***"},
      {"host=db dbname", "host=db dbname"},
      {"host=db dbname ledger", "host=db dbname ***"},
      {"host=db password='secret", "host=db password=***"},
      {"postgresql://app:secret@db:5432/ledger", "postgresql://app:***@db:5432/ledger"},
      {"postgres://app:s:e@cret@db/ledger", "postgres://app:***@db/ledger"},
      {"postgresql://app@db/ledger?password=secret&sslmode=require",
       "postgresql://app@db/ledger?password=***&sslmode=require"},
      {"postgresql://db/ledger?application_name=bench&secret",
       "postgresql://db/ledger?application_name=bench&***"},
      {"postgresql://db:5432/ledger", "postgresql://db:5432/ledger"},
  };
  for (const RedactionCase& test_case : cases) {
    EXPECT_EQ(redact_connection_string(test_case.dsn), test_case.expected)
        << "dsn: " << test_case.dsn;
  }
}

TEST(RedactConnectionSecretsTest, HidesSecretAsWritten) {
  const std::string dsn = "postgresql://app:se%zzcret@db/ledger";
  const std::string message = "invalid percent-encoded token: \"se%zzcret\"";
  EXPECT_EQ(redact_connection_secrets(message, dsn), "invalid percent-encoded token: \"***\"");
}

TEST(RedactConnectionSecretsTest, HidesDecodedSecret) {
  EXPECT_EQ(redact_connection_secrets("user p@ss", "postgresql://app:p%40ss@db"), "user ***");
  EXPECT_EQ(redact_connection_secrets("value se cret", "password='se cret'"), "value ***");
  EXPECT_EQ(redact_connection_secrets("value it's", "password='it\\'s'"), "value ***");
}

TEST(RedactConnectionSecretsTest, KeepsMessageWithoutSecrets) {
  const std::string message =
      "connection to server at \"127.0.0.1\", port 1 failed: Connection refused";
  EXPECT_EQ(redact_connection_secrets(message, "host=127.0.0.1 port=1 password=secret"), message);
}

}  // namespace
}  // namespace paybench
