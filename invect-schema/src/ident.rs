//! Identifier rules shared by the macro (at compile time) and the runtime.

/// PostgreSQL's identifier limit in bytes; the tightest of the three dialects.
pub const MAX_IDENTIFIER_LEN: usize = 63;

/// Why a name cannot be used as a table, column or type name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierProblem {
    Empty,
    TooLong(usize),
    NotPlain,
}

impl std::fmt::Display for IdentifierProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdentifierProblem::Empty => f.write_str("is empty"),
            IdentifierProblem::TooLong(n) => write!(
                f,
                "is {n} bytes long; PostgreSQL allows at most {MAX_IDENTIFIER_LEN}"
            ),
            IdentifierProblem::NotPlain => f.write_str(
                "is not a plain identifier: use lower-case letters, digits and `_`, \
                 not starting with a digit (snake_case, e.g. `audit_logs`)",
            ),
        }
    }
}

/// Checks that `name` is a plain snake_case identifier of at most 63 bytes.
///
/// Lower case only: MySQL's table-name case sensitivity depends on the server's
/// file system, so mixed case would behave differently across installations.
pub fn check_identifier(name: &str) -> Result<(), IdentifierProblem> {
    if name.is_empty() {
        return Err(IdentifierProblem::Empty);
    }
    if name.len() > MAX_IDENTIFIER_LEN {
        return Err(IdentifierProblem::TooLong(name.len()));
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(IdentifierProblem::NotPlain)
    }
}

/// Shortens a generated name (index, constraint) to 63 bytes, keeping it unique
/// by replacing the tail with a hash of the whole name.
pub fn fit_identifier(name: String) -> String {
    if name.len() <= MAX_IDENTIFIER_LEN {
        return name;
    }
    let hash = fnv1a(name.as_bytes());
    let keep = MAX_IDENTIFIER_LEN - 9;
    let mut cut = keep;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash:08x}", &name[..cut])
}

/// 32-bit FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_snake_case_and_rejects_the_rest() {
        assert_eq!(check_identifier("flow_runs2"), Ok(()));
        assert_eq!(check_identifier("_x"), Ok(()));
        assert_eq!(check_identifier(""), Err(IdentifierProblem::Empty));
        assert_eq!(check_identifier("Flows"), Err(IdentifierProblem::NotPlain));
        assert_eq!(check_identifier("2x"), Err(IdentifierProblem::NotPlain));
        assert_eq!(check_identifier("a-b"), Err(IdentifierProblem::NotPlain));
        assert_eq!(
            check_identifier(&"a".repeat(64)),
            Err(IdentifierProblem::TooLong(64))
        );
        assert_eq!(check_identifier(&"a".repeat(63)), Ok(()));
    }

    #[test]
    fn long_generated_names_are_shortened_stably() {
        let long = format!("{}_idx", "t".repeat(80));
        let a = fit_identifier(long.clone());
        let b = fit_identifier(long);
        assert_eq!(a, b);
        assert_eq!(a.len(), MAX_IDENTIFIER_LEN);
        assert_ne!(
            fit_identifier(format!("{}_a_idx", "t".repeat(80))),
            fit_identifier(format!("{}_b_idx", "t".repeat(80)))
        );
        assert_eq!(fit_identifier("short".into()), "short");
    }
}
