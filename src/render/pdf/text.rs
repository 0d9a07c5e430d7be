//! The embedded CJK font (WenQuanYi Micro Hei, TrueType outlines, Apache-2.0 /
//! GPL-3 with font exception; licence in templates/fonts/) and line breaking
//! by Chinese rules: no line starts with closing punctuation, none ends with an
//! opening one; Latin words and numbers are not split.

use std::sync::OnceLock;

use printpdf::ParsedFont;

pub const FONT: &[u8] = include_bytes!("../../../templates/fonts/wqy-microhei.ttc");

pub fn font() -> &'static ParsedFont {
    static FONT_PARSED: OnceLock<ParsedFont> = OnceLock::new();
    FONT_PARSED.get_or_init(|| {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(FONT, 0, &mut warnings)
            .expect("the embedded font parses (checked by tests)")
    })
}

/// Width of `text` at `size` points.
pub fn width(text: &str, size: f32) -> f32 {
    let f = font();
    let upem = f32::from(f.pdf_font_metrics.units_per_em.max(1));
    text.chars()
        .map(|c| {
            f.lookup_glyph_index(c as u32)
                .map(|g| f.get_horizontal_advance(g))
                .map_or(size * 0.5, |w| f32::from(w) / upem * size)
        })
        .sum()
}

/// Characters a line may not start with.
const NO_START: &str = "，。、；：？！）】》”’」』〉…%,.;:?!)]}>";
/// Characters a line may not end with.
const NO_END: &str = "（【《“‘「『〈([{<";

/// Break `text` into lines no wider than `max` (a line may overhang by one
/// closing punctuation mark rather than start the next line with it).
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, size, max, &mut lines);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || (c.is_ascii_punctuation() && !word.is_empty() && !matches!(c, ',' | ';' | ')' | '('))
        {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        out.push(c.to_string());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn wrap_paragraph(text: &str, size: f32, max: f32, lines: &mut Vec<String>) {
    let mut line = String::new();
    let mut line_width = 0.0;
    for token in tokens(text) {
        let w = width(&token, size);
        let starts_badly = token.chars().next().is_some_and(|c| NO_START.contains(c));
        if line_width + w > max && !line.is_empty() && !starts_badly {
            // Do not leave an opening bracket at the end of the line.
            let mut carry = String::new();
            while line.chars().last().is_some_and(|c| NO_END.contains(c)) {
                if let Some(c) = line.pop() {
                    carry.insert(0, c);
                }
            }
            lines.push(line.trim_end().to_string());
            line = carry;
            line_width = width(&line, size);
            if token == " " {
                continue;
            }
        }
        line.push_str(&token);
        line_width += w;
    }
    lines.push(line.trim_end().to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_chinese_digits_and_latin() {
        for c in "人才工作站0123456789AZaz（）：".chars() {
            assert!(font().lookup_glyph_index(c as u32).is_some(), "{c}");
        }
        assert!(width("中", 10.0) > width("1", 10.0));
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        let text = "截至二〇二三年底，本站在库人才二百一十五人，较上年增长百分之十二点五。其中持证社工（含助理社会工作师）九十八人。";
        for max in [40.0, 55.0, 61.0, 80.0, 100.0, 137.0] {
            let lines = wrap(text, 10.0, max);
            assert_eq!(lines.concat(), text, "nothing lost at {max}");
            for (i, l) in lines.iter().enumerate() {
                let first = l.chars().next().unwrap_or(' ');
                assert!(
                    i == 0 || !NO_START.contains(first),
                    "{max}: line {i} starts with {first}: {lines:?}"
                );
                let last = l.chars().last().unwrap_or(' ');
                assert!(
                    i + 1 == lines.len() || !NO_END.contains(last),
                    "{max}: line {i} ends with {last}: {lines:?}"
                );
            }
        }
    }

    #[test]
    fn numbers_and_latin_words_are_not_split() {
        let lines = wrap("合计经费12345.67元，来自Dongsheng项目", 10.0, 60.0);
        assert!(lines.iter().any(|l| l.contains("12345.67")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("Dongsheng")), "{lines:?}");
    }
}
