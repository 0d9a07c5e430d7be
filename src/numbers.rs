//! Numbers as a Chinese reader of a report expects them, the same in PDF
//! text, in the assessment's evidence and in the XLSX number formats: money
//! grouped with two decimals (64,350.16), counts plain as the sentences write
//! them (1330), rates with one decimal, changes signed.

/// `value` with `decimals` places and its thousands grouped: `1,706.80`.
pub fn grouped(value: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut out = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    // No "-0.00": a value that rounds to zero has no sign.
    if value < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// An amount of money in yuan: `64,350.16`.
pub fn money(value: f64) -> String {
    grouped(value, 2)
}

/// A change, signed: `+108`, `-1,706.80`, `0`.
pub fn signed(value: f64, decimals: usize) -> String {
    let shown = grouped(value, decimals);
    if shown.starts_with('-') || shown.chars().all(|c| !c.is_ascii_digit() || c == '0') {
        shown
    } else {
        format!("+{shown}")
    }
}

/// A change of a count, signed and, like counts in the text, not grouped:
/// `+1330`, `-2`, `0`.
pub fn signed_count(value: i64) -> String {
    if value > 0 {
        format!("+{value}")
    } else {
        value.to_string()
    }
}

/// A ratio as a percentage with one decimal: `12.5%`.
pub fn rate(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// The XLSX number format showing a number as [`grouped`] does.
pub fn grouped_format(decimals: usize) -> String {
    if decimals == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(decimals))
    }
}

/// The XLSX number format showing a count as the text writes it: plain.
pub fn count_format() -> &'static str {
    "0"
}

/// The XLSX number format showing a change of a count as [`signed_count`] does.
pub fn signed_count_format() -> &'static str {
    "+0;-0;0"
}

/// The XLSX number format showing a change as [`signed`] does.
pub fn signed_format(decimals: usize) -> String {
    let g = grouped_format(decimals);
    format!("+{g};-{g};0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_two_decimals() {
        assert_eq!(money(64350.16), "64,350.16");
        assert_eq!(money(308103.75), "308,103.75");
        assert_eq!(money(999.5), "999.50");
        assert_eq!(money(1_000_000.0), "1,000,000.00");
        assert_eq!(money(0.0), "0.00");
    }

    #[test]
    fn changes_carry_their_sign_and_zero_none() {
        assert_eq!(signed(108.0, 0), "+108");
        assert_eq!(signed(-1706.8, 2), "-1,706.80");
        assert_eq!(signed(0.0, 0), "0");
        assert_eq!(signed(-0.001, 2), "0.00");
        assert_eq!(signed(12345.0, 0), "+12,345");
    }

    #[test]
    fn rates_have_one_decimal() {
        assert_eq!(rate(0.125), "12.5%");
        assert_eq!(rate(1.0), "100.0%");
        assert_eq!(rate(0.52), "52.0%");
    }

    #[test]
    fn xlsx_formats_match_the_text() {
        assert_eq!(grouped_format(2), "#,##0.00");
        assert_eq!(signed_format(0), "+#,##0;-#,##0;0");
        assert_eq!(count_format(), "0");
        assert_eq!(signed_count_format(), "+0;-0;0");
    }

    #[test]
    fn changes_of_counts_are_signed_and_not_grouped() {
        assert_eq!(signed_count(1330), "+1330");
        assert_eq!(signed_count(-2), "-2");
        assert_eq!(signed_count(0), "0");
    }
}
