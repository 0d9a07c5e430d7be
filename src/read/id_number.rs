//! Chinese resident ID numbers (GB 11643-1999): 17 digits and a check character.

use chrono::NaiveDate;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits, or `None` if they are not 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK[(sum % 11) as usize])
}

/// An ID number whose shape (17 digits + digit or X) is right; the check
/// character and the embedded birth date are not yet verified.
pub fn is_well_formed(id: &str) -> bool {
    // Bytes, not string slices: user text may put a multi-byte character
    // across byte 17.
    match id.as_bytes() {
        [first17 @ .., last] if first17.len() == 17 => {
            first17.iter().all(u8::is_ascii_digit) && (last.is_ascii_digit() || *last == b'X')
        }
        _ => false,
    }
}

/// The birth date embedded in a well-formed ID number.
pub fn birth_date(id: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        id.get(6..10)?.parse().ok()?,
        id.get(10..12)?.parse().ok()?,
        id.get(12..14)?.parse().ok()?,
    )
}

/// The sex encoded in the 17th digit: odd is 男, even is 女.
pub fn sex(id: &str) -> Option<&'static str> {
    let digit = id.chars().nth(16)?.to_digit(10)?;
    Some(if digit % 2 == 1 { "男" } else { "女" })
}

/// Complete an ID number from 17 digits (used by the sample generator).
pub fn with_check_char(first17: &str) -> Option<String> {
    Some(format!("{first17}{}", check_char(first17)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing: an 18-byte value whose last character is multi-byte
    /// made `id[..17]` panic.
    #[test]
    fn multibyte_character_across_byte_17_is_not_well_formed() {
        let id = "110105194912310源"; // 15 digits + 3 bytes
        assert_eq!(id.len(), 18);
        assert!(!is_well_formed(id));
        assert_eq!(birth_date("110105源4912310023"), None);
        assert_eq!(check_char(&id[..15]), None);
    }

    #[test]
    fn known_check_characters() {
        // The worked example of GB 11643-1999.
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(check_char("44052418800101001"), Some('4'));
        assert_eq!(check_char("1101051949123100"), None);
    }

    #[test]
    fn birth_date_and_sex() {
        let id = "11010519491231002X";
        assert!(is_well_formed(id));
        assert_eq!(birth_date(id), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(sex(id), Some("女"));
    }
}
