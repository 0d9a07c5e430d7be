//! The embedded faces and line breaking by Chinese rules: no line starts
//! with closing punctuation, none ends with an opening one; Latin words and
//! numbers are not split.
//!
//! Faces (licences in templates/fonts/): WenQuanYi Micro Hei (Apache-2.0 /
//! GPL-3 with font exception), the sans of tables and figures and the 黑体
//! of headings; AR PL SungtiL GB (宋) and AR PL KaitiM GB (楷), both under
//! the Arphic Public License; FandolFang (仿宋, the body of official
//! documents; GPL-3 with the font exception, OpenType with CFF outlines,
//! which printpdf subsets like TrueType). These cover GB 2312 only: a
//! character they lack (a rare surname character) is drawn and measured in
//! WenQuanYi, glyph by glyph.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::ParsedFont;

/// A typeface of the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    /// 黑: WenQuanYi Micro Hei, which also has every character the others lack.
    Hei,
    /// 宋: AR PL SungtiL GB.
    Song,
    /// 楷: AR PL KaitiM GB.
    Kai,
    /// 仿宋: FandolFang.
    Fang,
}

/// The face that draws a character and its glyph there, if any.
type Drawn = (Face, Option<u16>);

const HEI: &[u8] = include_bytes!("../../../templates/fonts/wqy-microhei.ttc");
const SONG: &[u8] = include_bytes!("../../../templates/fonts/gbsn00lp.ttf");
const KAI: &[u8] = include_bytes!("../../../templates/fonts/gkai00mp.ttf");
const FANG: &[u8] = include_bytes!("../../../templates/fonts/FandolFang-Regular.otf");

impl Face {
    /// The parsed font, parsed on first use.
    pub fn font(self) -> &'static ParsedFont {
        static PARSED: [OnceLock<ParsedFont>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let (slot, bytes) = match self {
            Face::Hei => (&PARSED[0], HEI),
            Face::Song => (&PARSED[1], SONG),
            Face::Kai => (&PARSED[2], KAI),
            Face::Fang => (&PARSED[3], FANG),
        };
        slot.get_or_init(|| {
            let mut warnings = Vec::new();
            ParsedFont::from_bytes(bytes, 0, &mut warnings)
                .expect("the embedded fonts parse (checked by tests)")
        })
    }

    /// The name the PDF gives the font, fixed so output does not depend on
    /// how many documents were rendered before.
    pub fn pdf_name(self) -> &'static str {
        match self {
            Face::Hei => "JUCAIHEIWQYMICROHEI",
            Face::Song => "JUCAISONGARPLSUNGTI",
            Face::Kai => "JUCAIKAIARPLKAITI",
            Face::Fang => "JUCAIFANGFANDOLFANG",
        }
    }

    /// The face that draws `c` (this one, or 黑 for what it lacks) and
    /// its glyph there, if any; each character looked up once per thread.
    fn glyph(self, c: char) -> Drawn {
        thread_local! {
            // A font's character map is searched segment by segment, and
            // layout measures the same few thousand characters again and
            // again (a 40-page brochure, each table fitted several times).
            static GLYPHS: RefCell<HashMap<(Face, char), Drawn>> = RefCell::new(HashMap::new());
        }
        GLYPHS.with(|glyphs| {
            *glyphs
                .borrow_mut()
                .entry((self, c))
                .or_insert_with(|| self.lookup(c))
        })
    }

    fn lookup(self, c: char) -> Drawn {
        match self.font().lookup_glyph_index(c as u32) {
            None if self != Face::Hei => (Face::Hei, Face::Hei.font().lookup_glyph_index(c as u32)),
            found => (self, found),
        }
    }

    /// The face that draws `c`: this one, or 黑 for what it lacks.
    pub fn for_char(self, c: char) -> Face {
        self.glyph(c).0
    }

    /// `text` cut into runs of one drawing face each.
    pub fn runs(self, text: &str) -> Vec<(Face, String)> {
        let mut out: Vec<(Face, String)> = Vec::new();
        for c in text.chars() {
            let face = self.for_char(c);
            match out.last_mut() {
                Some((f, run)) if *f == face => run.push(c),
                _ => out.push((face, c.to_string())),
            }
        }
        out
    }
}

/// Whether the documents' fonts have a glyph for `c` (in 宋体 or its
/// fallback 黑体); a character they lack prints as an empty box.
pub(crate) fn drawable(c: char) -> bool {
    c.is_whitespace() || c.is_control() || Face::Song.glyph(c).1.is_some()
}

/// Width of `text` at `size` points in `face` (with its fallback).
pub(crate) fn width(text: &str, size: f32, face: Face) -> f32 {
    text.chars()
        .map(|c| {
            let (drawn, glyph) = face.glyph(c);
            let f = drawn.font();
            let upem = f32::from(f.pdf_font_metrics.units_per_em.max(1));
            glyph
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
pub(crate) fn wrap(text: &str, size: f32, max: f32, face: Face) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, size, max, face, &mut lines);
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

fn wrap_paragraph(text: &str, size: f32, max: f32, face: Face, lines: &mut Vec<String>) {
    let mut line = String::new();
    let mut line_width = 0.0;
    for token in tokens(text) {
        let w = width(&token, size, face);
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
            line_width = width(&line, size, face);
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
    fn every_face_has_chinese_digits_and_latin() {
        for face in [Face::Hei, Face::Song, Face::Kai, Face::Fang] {
            for c in "人才工作站0123456789AZaz（）：，。、%".chars() {
                assert!(
                    face.font().lookup_glyph_index(c as u32).is_some(),
                    "{face:?} {c}"
                );
                assert_eq!(face.for_char(c), face, "{c}");
            }
            assert!(width("中", 10.0, face) > width("1", 10.0, face), "{face:?}");
        }
    }

    #[test]
    fn a_character_the_song_face_lacks_is_drawn_in_hei() {
        // 堃 and 喆 are outside GB 2312 (given names); WenQuanYi has them.
        for c in ['堃', '喆'] {
            assert!(Face::Song.font().lookup_glyph_index(c as u32).is_none());
            assert!(Face::Hei.font().lookup_glyph_index(c as u32).is_some());
        }
        let runs = Face::Song.runs("张堃喆同志");
        assert_eq!(
            runs,
            vec![
                (Face::Song, "张".to_string()),
                (Face::Hei, "堃喆".to_string()),
                (Face::Song, "同志".to_string())
            ]
        );
        let hei = width("堃", 10.0, Face::Hei);
        assert!((width("堃", 10.0, Face::Song) - hei).abs() < 0.01);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        let text = "截至二〇二三年底，本站在库人才二百一十五人，较上年增长百分之十二点五。其中持证社工（含助理社会工作师）九十八人。";
        for max in [40.0, 55.0, 61.0, 80.0, 100.0, 137.0] {
            let lines = wrap(text, 10.0, max, Face::Song);
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
        let lines = wrap(
            "合计经费12345.67元，来自Dongsheng项目",
            10.0,
            60.0,
            Face::Hei,
        );
        assert!(lines.iter().any(|l| l.contains("12345.67")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("Dongsheng")), "{lines:?}");
    }
}
