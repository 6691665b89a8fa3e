//! Passwords out of every message: connection strings and driver text with
//! secrets masked, and values shown safely (control characters escaped, length
//! bounded). Pure functions, used by config, the driver and the errors.

/// `s` for a message: control characters escaped, at most 200 characters.
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 200;
    let mut out: String = s.chars().take(MAX).flat_map(char::escape_debug).collect();
    // escape_debug also escapes quotes; they are fine in messages.
    out = out.replace("\\\"", "\"").replace("\\'", "'");
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// An id for a message: shown safely, `(no id)` when empty.
pub(crate) fn shown_id(id: &str) -> String {
    if id.trim().is_empty() {
        "(no id)".into()
    } else {
        shown(id)
    }
}

/// Query parameters whose value is a secret.
const SECRET_PARAMS: [&str; 4] = ["password", "pass", "pwd", "sslpassword"];

/// `url` with the password of its `user:password@` part, and the value of
/// any `password=` parameter, replaced by `***`. Anything that might be a
/// password is hidden, even in strings that do not parse as URLs.
///
/// ```
/// use invect_runtime::redact_connection_string;
/// assert_eq!(
///     redact_connection_string("postgres://app:hunter2@db:5432/app"),
///     "postgres://app:***@db:5432/app"
/// );
/// ```
pub fn redact_connection_string(url: &str) -> String {
    // Without `://` (`postgresql:user:pw@host`, `user:pw@host`), everything
    // from the first `:` to the `@` is hidden.
    let (scheme, rest) = url.split_at(url.find("://").map_or(0, |i| i + 3));
    // The userinfo ends at the last `@` before the query; failing that (a
    // password with an unescaped `?`), at the last `@` of all.
    let query_at = rest.find(['?', '#']).unwrap_or(rest.len());
    let at = rest[..query_at].rfind('@').or_else(|| rest.rfind('@'));
    let rest = match (at, rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}:***{}", &rest[..colon], &rest[at..])
        }
        _ => rest.to_string(),
    };
    format!("{scheme}{}", redact_query_part(&rest))
}

/// `s` with the secret parameters of its query (after `?` or `#`) masked.
fn redact_query_part(s: &str) -> String {
    match s.find(['?', '#']) {
        Some(q) => format!("{}{}", &s[..q], redact_params(&s[q..])),
        None => s.to_string(),
    }
}

/// `query` (`?a=b&password=c`) with secret parameter values masked.
fn redact_params(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while !rest.is_empty() {
        let end = rest[1..]
            .find(['&', ';', '#'])
            .map_or(rest.len(), |i| i + 1);
        let (pair, next) = rest.split_at(end);
        out.push_str(&mask_param(pair));
        rest = next;
    }
    out
}

/// `?key=value` or `&key=value`: the value masked when the key is secret.
fn mask_param(pair: &str) -> String {
    let Some(eq) = pair.find('=') else {
        return pair.to_string();
    };
    let key = pair[..eq].trim_start_matches(['?', '&', ';', '#', ' ']);
    if SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s)) {
        format!("{}=***", &pair[..eq])
    } else {
        pair.to_string()
    }
}

/// Free text (an error message, a line of a file) with the password of every
/// URL in it, and every `password=` value, replaced by `***`.
pub(crate) fn redact_text(text: &str) -> String {
    let stop = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (before, after) = rest.split_at(i + 3);
        out.push_str(before);
        let end = after.find(stop).unwrap_or(after.len());
        out.push_str(&redact_connection_string(&format!("x://{}", &after[..end]))[4..]);
        rest = &after[end..];
    }
    out.push_str(rest);
    mask_words(&out)
}

/// `password=value` / `password: value` anywhere in `text`, value masked.
fn mask_words(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find("password") {
        let key_end = search + found + "password".len();
        let after = &text[key_end..];
        let sep = after.len() - after.trim_start_matches([' ', '=', ':']).len();
        if sep == 0 || !after[..sep].contains(['=', ':']) {
            search = key_end;
            continue;
        }
        let value_start = key_end + sep;
        let value = &text[value_start..];
        let value_len = value
            .find(|c: char| c.is_whitespace() || matches!(c, '&' | ';' | ',' | ')'))
            .unwrap_or(value.len());
        let value = &value[..value_len];
        // MySQL's "(using password: YES)" says whether one was sent, not what it is.
        if value_len > 0 && !matches!(value, "***" | "YES" | "NO") {
            out.push_str(&text[copied..value_start]);
            out.push_str("***");
            copied = value_start + value_len;
        }
        search = value_start + value_len;
    }
    out.push_str(&text[copied..]);
    out
}

/// The password of `user:password@` and of `password=` parameters, as
/// written and percent-decoded: masked in driver messages.
pub(crate) fn secrets_of(s: &str) -> Vec<String> {
    let mut found = Vec::new();
    let rest = &s[s.find("://").map_or(0, |i| i + 3)..];
    let query_at = rest.find(['?', '#']).unwrap_or(rest.len());
    let at = rest[..query_at].rfind('@').or_else(|| rest.rfind('@'));
    if let (Some(at), Some(colon)) = (at, rest.find(':'))
        && colon < at
    {
        let userinfo = &rest[colon + 1..at];
        found.push(userinfo.to_string());
        // `scheme:user:password@` without `//`: the part after the last `:` too.
        if let Some((_, last)) = userinfo.rsplit_once(':') {
            found.push(last.to_string());
        }
    }
    if let Some(q) = s.find('?') {
        for pair in s[q + 1..].split(['&', ';']) {
            if let Some((key, value)) = pair.split_once('=')
                && SECRET_PARAMS
                    .iter()
                    .any(|k| key.trim().eq_ignore_ascii_case(k))
            {
                found.push(value.to_string());
            }
        }
    }
    let decoded: Vec<String> = found.iter().map(|p| percent_decode(p)).collect();
    found.extend(decoded);
    found.retain(|p| !p.is_empty());
    // Longest first, so a secret containing another is masked whole.
    found.sort_by_key(|p| std::cmp::Reverse(p.len()));
    found.dedup();
    found
}

/// `text` with every occurrence of each secret (as written and
/// percent-decoded) replaced by `***`.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = if secret.chars().count() < SHORT_SECRET {
            replace_whole_words(&out, secret)
        } else {
            out.replace(secret.as_str(), "***")
        };
    }
    out
}

/// Secrets shorter than this are masked only where they stand alone: a
/// one-letter password must not turn "address" into "addre***s".
const SHORT_SECRET: usize = 4;

/// `text` with every occurrence of `word` that is not part of a longer
/// alphanumeric run replaced by `***`.
fn replace_whole_words(text: &str, word: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(word) {
        let before = rest[..i]
            .chars()
            .next_back()
            .or(if i == 0 { prev } else { None });
        let after = rest[i + word.len()..].chars().next();
        let alone =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..i]);
        out.push_str(if alone { "***" } else { word });
        prev = word.chars().next_back();
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

/// `%XX` sequences decoded (invalid ones kept as written), lossy UTF-8.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn short_secrets_are_masked_only_where_they_stand_alone() {
        let secrets = vec!["p".to_string()];
        assert_eq!(
            scrub("failed to lookup address", &secrets),
            "failed to lookup address"
        );
        assert_eq!(scrub("user:p@host p", &secrets), "user:***@host ***");
        assert_eq!(
            scrub("hunter2 hunter22", &["hunter2".to_string()]),
            "*** ***2"
        );
    }
}
