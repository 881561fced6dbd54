#include "paybench/writes/postgres_connection_string.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace paybench {
namespace {

constexpr std::string_view kMask = "***";

// A secret value in a connection string: the bytes [begin, end).
struct SecretSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Returns the keywords whose values may be shown: every option of PQconndefaults() except those
// whose display character is '*'. Empty when libpq cannot list its options (out of memory), which
// makes every value count as secret.
const std::set<std::string, std::less<>>& displayable_keywords() {
  static const std::set<std::string, std::less<>> keywords = [] {
    std::set<std::string, std::less<>> result;
    PQconninfoOption* options = PQconndefaults();
    if (options == nullptr) {
      return result;
    }
    for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      const bool secret = option->dispchar != nullptr && option->dispchar[0] == '*';
      if (!secret) {
        result.emplace(option->keyword);
      }
    }
    PQconninfoFree(options);
    return result;
  }();
  return keywords;
}

bool is_displayable(std::string_view keyword) { return displayable_keywords().contains(keyword); }

// Finds the secret values of a keyword/value connection string, scanning it as libpq's
// conninfo_parse() does: `keyword = value` pairs separated by white space, values optionally in
// single quotes, a backslash escaping the next character.
std::vector<SecretSpan> find_keyword_value_secrets(std::string_view dsn) {
  std::vector<SecretSpan> secrets;
  const std::size_t size = dsn.size();
  std::size_t pos = 0;
  const auto skip_spaces = [&] {
    while (pos < size && is_space(dsn[pos])) {
      ++pos;
    }
  };

  while (true) {
    skip_spaces();
    if (pos == size) {
      break;
    }

    const std::size_t keyword_begin = pos;
    while (pos < size && !is_space(dsn[pos]) && dsn[pos] != '=') {
      ++pos;
    }
    const std::string_view keyword = dsn.substr(keyword_begin, pos - keyword_begin);
    skip_spaces();
    if (pos == size || dsn[pos] != '=') {
      // libpq rejects a keyword without '='. What follows may be a password typed without its
      // '=', and an unknown keyword may be the password itself, so hide them up to the end.
      const std::size_t hidden_begin = is_displayable(keyword) ? pos : keyword_begin;
      if (hidden_begin < size) {
        secrets.push_back({hidden_begin, size});
      }
      break;
    }
    ++pos;
    skip_spaces();

    const std::size_t value_begin = pos;
    if (pos < size && dsn[pos] == '\'') {
      ++pos;
      bool closed = false;
      while (pos < size) {
        if (dsn[pos] == '\\') {
          pos = std::min(pos + 2, size);
        } else if (dsn[pos++] == '\'') {
          closed = true;
          break;
        }
      }
      if (!closed) {
        secrets.push_back({value_begin, size});
        break;
      }
    } else {
      while (pos < size && !is_space(dsn[pos])) {
        pos = dsn[pos] == '\\' ? std::min(pos + 2, size) : pos + 1;
      }
    }

    if (!is_displayable(keyword)) {
      secrets.push_back({value_begin, pos});
    }
  }
  return secrets;
}

// Finds the secret values of a URI connection string: the password in
// "postgresql://user:password@host" and the values of secret query parameters. The user info
// ends at the last '@' before the query, which hides more than libpq would read as the password
// when the URI is malformed, never less.
std::vector<SecretSpan> find_uri_secrets(std::string_view dsn, std::size_t prefix_size) {
  std::vector<SecretSpan> secrets;
  const std::size_t query_begin = std::min(dsn.find('?', prefix_size), dsn.size());

  const std::size_t at = dsn.substr(0, query_begin).rfind('@');
  if (at != std::string_view::npos && at >= prefix_size) {
    const std::size_t colon = dsn.substr(0, at).find(':', prefix_size);
    if (colon != std::string_view::npos) {
      secrets.push_back({colon + 1, at});
    }
  }

  std::size_t pos = query_begin + 1;
  while (pos < dsn.size()) {
    const std::size_t parameter_end = std::min(dsn.find('&', pos), dsn.size());
    const std::string_view parameter = dsn.substr(pos, parameter_end - pos);
    const std::size_t equals = parameter.find('=');
    if (equals == std::string_view::npos) {
      secrets.push_back({pos, parameter_end});
    } else if (!is_displayable(parameter.substr(0, equals))) {
      secrets.push_back({pos + equals + 1, parameter_end});
    }
    pos = parameter_end + 1;
  }
  return secrets;
}

std::vector<SecretSpan> find_secrets(std::string_view dsn) {
  for (const std::string_view prefix : {"postgresql://", "postgres://"}) {
    if (dsn.starts_with(prefix)) {
      return find_uri_secrets(dsn, prefix.size());
    }
  }
  return find_keyword_value_secrets(dsn);
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower >= 'a' && lower <= 'f') {
    return lower - 'a' + 10;
  }
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool escape = text[i] == '%' && i + 2 < text.size() &&
                        hex_digit_value(text[i + 1]) >= 0 && hex_digit_value(text[i + 2]) >= 0;
    if (escape) {
      const int byte = hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2]);
      decoded += static_cast<char>(byte);
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

// Removes the surrounding single quotes and the escaping backslashes, as libpq does.
std::string unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    text = text.substr(1, text.size() - 2);
  }
  std::string unescaped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
    }
    unescaped += text[i];
  }
  return unescaped;
}

void replace_all(std::string& text, std::string_view target) {
  if (target.empty()) {
    return;
  }
  std::size_t pos = 0;
  while ((pos = text.find(target, pos)) != std::string::npos) {
    text.replace(pos, target.size(), kMask);
    pos += kMask.size();
  }
}

}  // namespace

std::string redact_connection_string(std::string_view dsn) {
  std::string redacted;
  std::size_t copied_up_to = 0;
  for (const SecretSpan& secret : find_secrets(dsn)) {
    redacted.append(dsn.substr(copied_up_to, secret.begin - copied_up_to));
    redacted.append(kMask);
    copied_up_to = secret.end;
  }
  redacted.append(dsn.substr(copied_up_to));
  return redacted;
}

std::string redact_connection_secrets(std::string_view message, std::string_view dsn) {
  std::vector<std::string> forms;
  for (const SecretSpan& secret : find_secrets(dsn)) {
    const std::string_view written = dsn.substr(secret.begin, secret.end - secret.begin);
    forms.emplace_back(written);
    forms.push_back(unquote(written));
    forms.push_back(percent_decode(written));
  }

  // Longest first, so that a secret containing another is replaced whole.
  std::sort(forms.begin(), forms.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string redacted(message);
  for (const std::string& form : forms) {
    replace_all(redacted, form);
  }
  return redacted;
}

}  // namespace paybench
