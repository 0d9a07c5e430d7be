//! Sample talents: plausible names, ages, education and qualification mixes
//! per talent kind, and valid ID numbers that agree with birth date and sex.

use chrono::{Datelike, NaiveDate};
use fastrand::Rng;

use crate::read::id_number;
use crate::sample::corpus::{texts, Corpus};

#[derive(Debug, Clone)]
pub struct Talent {
    pub id: String,
    pub name: String,
    pub male: bool,
    pub birth: NaiveDate,
    pub ethnicity: &'static str,
    pub politics: &'static str,
    pub education: &'static str,
    pub major: String,
    pub kind: String,
    pub qualification: &'static str,
    pub employer: String,
    pub position: String,
    pub phone: String,
    pub id_number: String,
    pub joined: NaiveDate,
    pub left: Option<NaiveDate>,
    pub key_talent: bool,
    pub contact_leader: Option<String>,
    pub deputy: &'static str,
    /// 同意宣传, and the 风采简介 approved, when the talent agreed.
    pub profile: Option<String>,
}

/// Pick from weighted choices.
pub fn weighted<T: Copy>(rng: &mut Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut n = rng.u32(0..total.max(1));
    for (v, w) in choices {
        if n < *w {
            return *v;
        }
        n -= w;
    }
    choices[0].0
}

pub fn pick<'a>(rng: &mut Rng, items: &'a [String]) -> &'a str {
    if items.is_empty() {
        return "";
    }
    &items[rng.usize(0..items.len())]
}

pub fn date_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + chrono::Days::new(rng.u64(0..=days as u64))
}

const LEADERS: [&str; 7] = [
    "梅景日",
    "吕刚",
    "周睿",
    "王为成",
    "冯小龙",
    "白鹤",
    "李继红",
];

/// Make one talent of `kind` for the unit `unit_index`, joining on `joined`.
pub fn talent(
    rng: &mut Rng,
    corpus: &Corpus,
    kind: &str,
    seq: u32,
    unit_tag: &str,
    joined: NaiveDate,
) -> Talent {
    let male = male(rng, kind);
    let ethnicity = weighted(
        rng,
        &[("汉族", 82), ("蒙古族", 14), ("回族", 2), ("满族", 2)],
    );
    let name = name(rng, corpus, male, ethnicity);
    let birth = birth(rng, kind, joined);
    let education = education(rng, kind);
    let qualification = qualification(rng, kind);
    let politics = politics(rng);
    let id_number = id_number_for(rng, birth, male);
    let (key_talent, contact_leader) = key_talent(rng);
    let deputy = weighted(rng, &[("无", 97), ("人大代表", 2), ("政协委员", 1)]);
    let phone = phone(rng);
    // In the order they were always drawn, so the sample stays as it was.
    let major = pick(rng, texts(&corpus.majors, kind)).to_string();
    let employer = pick(rng, texts(&corpus.employers, kind)).to_string();
    let position = pick(rng, texts(&corpus.positions, kind)).to_string();
    let id = format!("{unit_tag}-{seq:03}");
    // Drawn from nothing random (the rest of the sample stays as it was):
    // key talents and deputies, and about one in six others, agreed.
    let agrees = key_talent || deputy != "无" || seq.is_multiple_of(6);
    let profile = agrees.then(|| profile(corpus, seq, &employer, kind, joined));
    Talent {
        id,
        name,
        male,
        birth,
        ethnicity,
        politics,
        education,
        major,
        kind: kind.to_string(),
        qualification,
        employer,
        position,
        phone,
        id_number,
        joined,
        left: None,
        key_talent,
        contact_leader,
        deputy,
        profile,
    }
}

/// A 风采简介 for a talent who agreed, from the corpus's texts.
fn profile(corpus: &Corpus, seq: u32, employer: &str, kind: &str, joined: NaiveDate) -> String {
    let texts = &corpus.profiles.items;
    texts[seq as usize % texts.len()]
        .replace("{employer}", employer)
        .replace("{kind}", kind)
        .replace("{year}", &joined.year().to_string())
}

/// Whether a talent of `kind` is male.
fn male(rng: &mut Rng, kind: &str) -> bool {
    match kind {
        "养老护理" => rng.u32(0..100) < 25,
        "殡葬服务" => rng.u32(0..100) < 60,
        _ => rng.u32(0..100) < 40,
    }
}

/// A name fitting the sex and ethnicity.
fn name(rng: &mut Rng, corpus: &Corpus, male: bool, ethnicity: &str) -> String {
    if ethnicity == "蒙古族" && rng.bool() {
        pick(rng, &corpus.mongolian_names).to_string()
    } else {
        let given = if male {
            &corpus.given_male
        } else {
            &corpus.given_female
        };
        format!("{}{}", pick(rng, &corpus.surnames), pick(rng, given))
    }
}

/// A birth date giving an age fitting `kind` on `joined`.
fn birth(rng: &mut Rng, kind: &str, joined: NaiveDate) -> NaiveDate {
    let age = match kind {
        "养老护理" => 24 + rng.u32(0..34),
        _ => 23 + rng.u32(0..35),
    };
    let birth_year = joined.year() - age as i32;
    NaiveDate::from_ymd_opt(birth_year, 1 + rng.u32(0..12), 1 + rng.u32(0..28)).unwrap_or(joined)
}

/// An education level in the mix of `kind`.
fn education(rng: &mut Rng, kind: &str) -> &'static str {
    match kind {
        "养老护理" => weighted(
            rng,
            &[
                ("研究生", 1),
                ("大学本科", 12),
                ("大学专科", 35),
                ("中专", 32),
                ("高中及以下", 20),
            ],
        ),
        "殡葬服务" => weighted(
            rng,
            &[
                ("研究生", 1),
                ("大学本科", 20),
                ("大学专科", 40),
                ("中专", 27),
                ("高中及以下", 12),
            ],
        ),
        _ => weighted(
            rng,
            &[
                ("研究生", 7),
                ("大学本科", 55),
                ("大学专科", 30),
                ("中专", 6),
                ("高中及以下", 2),
            ],
        ),
    }
}

/// A qualification in the mix of `kind`.
fn qualification(rng: &mut Rng, kind: &str) -> &'static str {
    match kind {
        "社会工作" | "社区工作" => weighted(
            rng,
            &[
                ("无", 35),
                ("助理社会工作师", 38),
                ("社会工作师", 22),
                ("高级社会工作师", 5),
            ],
        ),
        "养老护理" => weighted(
            rng,
            &[
                ("无", 15),
                ("养老护理员（五级）", 30),
                ("养老护理员（四级）", 30),
                ("养老护理员（三级）", 18),
                ("养老护理员（二级）", 6),
                ("养老护理员（一级）", 1),
            ],
        ),
        "殡葬服务" => weighted(
            rng,
            &[("无", 30), ("遗体防腐整容员", 35), ("殡仪服务员", 35)],
        ),
        _ => weighted(
            rng,
            &[
                ("无", 60),
                ("助理社会工作师", 25),
                ("社会工作师", 12),
                ("其他", 3),
            ],
        ),
    }
}

/// A political status.
fn politics(rng: &mut Rng) -> &'static str {
    weighted(
        rng,
        &[
            ("中共党员", 34),
            ("中共预备党员", 3),
            ("共青团员", 12),
            ("民主党派", 1),
            ("无党派人士", 1),
            ("群众", 49),
        ],
    )
}

/// A valid ID number that agrees with the birth date and sex.
fn id_number_for(rng: &mut Rng, birth: NaiveDate, male: bool) -> String {
    let area_code = "150602";
    let seq3 = rng.u32(0..500) * 2 + u32::from(male);
    let first17 = format!("{area_code}{}{:03}", birth.format("%Y%m%d"), seq3);
    id_number::with_check_char(&first17).unwrap_or_default()
}

/// Whether the talent is a key talent, and if so mostly a contact leader.
fn key_talent(rng: &mut Rng) -> (bool, Option<String>) {
    let key_talent = rng.u32(0..100) < 12;
    let contact_leader = (key_talent && rng.u32(0..100) < 90)
        .then(|| LEADERS[rng.usize(0..LEADERS.len())].to_string());
    (key_talent, contact_leader)
}

/// A mobile number.
fn phone(rng: &mut Rng) -> String {
    let mobile_prefix = [
        "139", "138", "137", "135", "150", "151", "152", "158", "182", "187", "189", "133", "153",
        "180", "147",
    ];
    format!(
        "{}{:08}",
        mobile_prefix[rng.usize(0..mobile_prefix.len())],
        rng.u32(0..100_000_000)
    )
}
