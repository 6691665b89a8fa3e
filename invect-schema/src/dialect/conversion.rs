//! What adoption needs from a dialect to take over a column another tool
//! made with a type of its own.

/// How adoption converts a column to its declared type in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The statements, in order.
    pub statements: Vec<String>,
    /// A condition true for the rows whose value the conversion would
    /// change (adoption counts them and refuses if any), when some can be.
    pub changes_value: Option<String>,
}
