//! Normalisation of what people type into spreadsheets.
//!
//! Headers, sheet names and enumeration values are compared in a normalised form:
//! NFKC (full-width letters, digits and brackets become half-width), with
//! whitespace, line breaks and the required-field marks `*` / `★` / `☆` removed.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// NFKC form of `s`, borrowed when it already is (the common case: the quick
/// check avoids normalising every cell of a large ledger).
fn nfkc(s: &str) -> Cow<'_, str> {
    if plain(s) {
        return Cow::Borrowed(s);
    }
    match is_nfkc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.nfkc().collect()),
    }
}

/// NFKC-normalise and trim. Used for values: full-width digits become ASCII,
/// `（` becomes `(`, the ideographic space becomes a space.
pub(crate) fn half_width(s: &str) -> String {
    nfkc(s).trim().to_string()
}

/// Only ASCII and CJK unified ideographs: already NFKC (none of them
/// decomposes or combines), and checked far faster than by the general test.
fn plain(s: &str) -> bool {
    s.is_ascii()
        || s.chars()
            .all(|c| c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// Whether `s` is its own [`match_key`] (the common case for typed values).
pub(crate) fn is_match_key(s: &str) -> bool {
    plain(s) && !s.chars().any(|c| c.is_whitespace() || c == '*')
}

/// The key two headers (or enum values, or sheet names) are compared by.
pub(crate) fn match_key(s: &str) -> String {
    match_key_of(s).into_owned()
}

/// [`match_key`], borrowed when `s` is already its own key (scanning many
/// cells for a few labels copies none of them).
pub(crate) fn match_key_of(s: &str) -> Cow<'_, str> {
    if is_match_key(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        nfkc(s)
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '★' | '☆'))
            .collect(),
    )
}

/// The key a sheet name is matched by: like [`match_key`], without a trailing `台账`.
pub(crate) fn sheet_key(s: &str) -> String {
    let key = match_key(s);
    match key.strip_suffix("台账") {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => key,
    }
}

/// Width of a string in Excel column units: a CJK character counts as two.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_marks_are_ignored_in_keys() {
        assert_eq!(match_key(" ★经费（元）\n"), "经费(元)");
        assert_eq!(match_key("人才 编号*"), "人才编号");
        assert_eq!(half_width("　１２３ "), "123");
    }

    proptest::proptest! {
        /// The fast path for plain text agrees with full NFKC.
        #[test]
        fn plain_text_shortcut_agrees_with_nfkc(s in "[a-zA-Z0-9 *（）１２　\u{4E00}-\u{4E20}\u{0301}\u{FF21}-\u{FF25}]{0,12}") {
            let slow: String = s
                .nfkc()
                .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '★' | '☆'))
                .collect();
            proptest::prop_assert_eq!(match_key(&s), slow);
            let normal: String = s.nfkc().collect();
            proptest::prop_assert_eq!(half_width(&s), normal.trim());
        }
    }

    #[test]
    fn sheet_key_drops_the_ledger_suffix() {
        assert_eq!(sheet_key("问题台账"), "问题");
        assert_eq!(sheet_key(" 问 题 "), "问题");
        assert_eq!(sheet_key("台账"), "台账");
    }
}
