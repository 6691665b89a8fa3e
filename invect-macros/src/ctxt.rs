//! Collects every error so they are all reported at once, each at its span.

use std::fmt::Display;

use quote::ToTokens;

/// An error accumulator: `error_at` as often as needed, then `finish`.
#[derive(Default)]
pub struct Ctxt {
    errors: Option<syn::Error>,
}

impl Ctxt {
    /// Records an error pointing at `tokens`.
    pub fn error_at(&mut self, tokens: impl ToTokens, msg: impl Display) {
        self.push(syn::Error::new_spanned(tokens, msg));
    }

    /// Records an error that already has a span.
    pub fn push(&mut self, err: syn::Error) {
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }

    /// Whether anything was reported yet.
    pub fn has_errors(&self) -> bool {
        self.errors.is_some()
    }

    /// Every error so far, combined, if there was one.
    pub fn finish(self) -> Result<(), syn::Error> {
        self.errors.map_or(Ok(()), Err)
    }
}
