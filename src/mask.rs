//! ID numbers and phone numbers as pages and the 人才风采 show them: masked
//! (150602********1234, 139****1234). A diagnostic quotes what the unit
//! typed, so its message and value are masked wherever they are shown; the
//! whole value stays in the unit's own downloads (the original and its
//! feedback workbook), where it is corrected.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// An 18- or 15-character resident ID number, a mobile number, or a
/// landline with its area code; not inside a longer run of digits or
/// letters (ASCII word boundaries: a Chinese character next to the digits,
/// as in “电话13947711111”, still bounds them).
static PERSONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<id18>(?-u:\b)\d{17}[\dXx](?-u:\b))
        | (?P<id15>(?-u:\b)\d{15}(?-u:\b))
        | (?P<mobile>(?-u:\b)1[3-9]\d{9}(?-u:\b))
        | (?P<landline>(?-u:\b)0\d{2,3}-\d{7,8}(?-u:\b))",
    )
    .expect("the masking pattern is valid")
});

/// `text` with every ID number and phone number in it masked.
pub(crate) fn masked(text: &str) -> Cow<'_, str> {
    PERSONAL.replace_all(text, |c: &regex::Captures<'_>| {
        let whole = &c[0];
        let (keep_start, keep_end) = if c.name("id18").is_some() || c.name("id15").is_some() {
            (6, 4)
        } else if c.name("mobile").is_some() {
            (3, 4)
        } else {
            (whole.find('-').map_or(3, |i| i + 1), 4)
        };
        let hidden = whole.len() - keep_start - keep_end;
        format!(
            "{}{}{}",
            &whole[..keep_start],
            "*".repeat(hidden),
            &whole[whole.len() - keep_end..]
        )
    })
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn ids_and_phones_are_masked_in_a_message() {
        assert_eq!(
            masked("身份证号“15060219850312123X”的校验位不对"),
            "身份证号“150602********123X”的校验位不对"
        );
        assert_eq!(masked("150602850312123"), "150602*****2123");
        assert_eq!(masked("电话 13947711111。"), "电话 139****1111。");
        assert_eq!(masked("电话13947711111"), "电话139****1111");
        assert_eq!(masked("0477-8581234"), "0477-***1234");
    }

    #[test]
    fn dates_codes_and_counts_are_left_alone() {
        for text in [
            "2023-07-15",
            "150602-01-01",
            "第 12 行",
            "20230912",
            "RC001",
        ] {
            assert_eq!(masked(text), text);
        }
    }
}
