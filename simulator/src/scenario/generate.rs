//! Synthetic scenarios: any number of made-up patients, the same every time for a seed.
//!
//! The benchmark (`bench/simulator.sh`) serves 10,000 and 1,000,000 of them. Each patient has a
//! valid new-style NHS number, a name, a gender, a date of birth, a home address with a
//! postcode, sometimes a telephone number, and a registered GP practice, drawn from small word
//! lists by a seeded generator so that a trace by surname, gender and date of birth singles
//! out one patient almost every time ([`sample_queries`] picks the ones it does).
//!
//! # NHS numbers
//!
//! Numbers count up from the nine digits `990 000 000`, skipping those whose modulus-11 check
//! value is 10, and append the check digit. Numbers beginning with 9 are not issued to
//! patients (999 is the test range the hand-written scenarios use), so generated numbers never
//! name a real person and do not collide with `scenarios/default.yaml`. The range holds
//! [`MAX_PATIENTS`] numbers; more patients than that are not generated.
//!
//! # Speed
//!
//! [`generate_yaml`] and [`generate_yaml_parts`] write the YAML text directly, without serde,
//! so a million patients take about a second. A scenario file may be at most
//! [`super::load::MAX_SCENARIO_BYTES`]; a million patients are about 330 MB of YAML, so write
//! them as several files in one folder with [`generate_yaml_parts`] and load the folder.

use std::collections::HashMap;
use std::fmt::Write as _;

use smsp_protocol::{NhsNumber, SplitMix64};

use super::model::{
    Address, AddressUse, Gender, GpPracticeEntry, HlDate, Name, NhsNumberText, Patient,
    ScenarioFile, TelecomEntry,
};

/// The first nine digits of the first generated NHS number.
pub const FIRST_PREFIX: u32 = 990_000_000;

/// The most patients a generated scenario can hold: the valid numbers from
/// [`FIRST_PREFIX`] to `999 999 999` (about ten in eleven of the nine-digit prefixes).
pub const MAX_PATIENTS: usize = 9_000_000;

/// Patients per file that [`generate_yaml_parts`] callers can use to stay well under the
/// scenario file size limit (about 33 MB of YAML).
pub const DEFAULT_PATIENTS_PER_FILE: usize = 100_000;

/// A scenario of `patients` synthetic patients (at most [`MAX_PATIENTS`]), the same for the
/// same `seed`.
pub fn generate(patients: usize, seed: u64) -> ScenarioFile {
    ScenarioFile {
        name: Some(scenario_name(patients, seed, None)),
        description: Some(DESCRIPTION.to_owned()),
        // `to_patient` fails only if a generated field failed the model's own validation,
        // which the tests rule out.
        patients: Synthetic::new(seed)
            .take(patients)
            .filter_map(|s| s.to_patient())
            .collect(),
        ..ScenarioFile::default()
    }
}

/// The scenario [`generate`] makes, as YAML text in the documented format. Parsing it gives
/// back the same [`ScenarioFile`].
pub fn generate_yaml(patients: usize, seed: u64) -> String {
    let mut out = String::with_capacity(patients.min(MAX_PATIENTS) * 340 + 256);
    write_header(&mut out, &scenario_name(patients, seed, None));
    for p in Synthetic::new(seed).take(patients) {
        p.write_yaml(&mut out);
    }
    out
}

/// The scenario [`generate`] makes, as several YAML files of at most `per_file` patients each
/// (a `per_file` of 0 counts as 1), in order. Loaded together (for example as one folder, with
/// the files named so that they sort in this order) they hold the same patients as
/// [`generate`].
pub fn generate_yaml_parts(patients: usize, seed: u64, per_file: usize) -> YamlParts {
    let patients = patients.min(MAX_PATIENTS);
    let per_file = per_file.max(1);
    YamlParts {
        generator: Synthetic::new(seed),
        remaining: patients,
        per_file,
        part: 0,
        parts: patients.div_ceil(per_file).max(1),
        patients,
        seed,
    }
}

/// The files of [`generate_yaml_parts`], one YAML text per item.
#[derive(Debug, Clone)]
pub struct YamlParts {
    generator: Synthetic,
    remaining: usize,
    per_file: usize,
    part: usize,
    parts: usize,
    patients: usize,
    seed: u64,
}

impl YamlParts {
    /// How many files there are in all.
    pub fn len(&self) -> usize {
        self.parts
    }

    /// Whether there are no files at all (never: zero patients still make one empty file).
    pub fn is_empty(&self) -> bool {
        self.parts == 0
    }
}

impl Iterator for YamlParts {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.part >= self.parts {
            return None;
        }
        let count = self.remaining.min(self.per_file);
        self.remaining -= count;
        self.part += 1;
        let part = (self.parts > 1).then_some((self.part, self.parts));
        let mut out = String::with_capacity(count * 340 + 256);
        write_header(&mut out, &scenario_name(self.patients, self.seed, part));
        for p in self.generator.by_ref().take(count) {
            p.write_yaml(&mut out);
        }
        Some(out)
    }
}

/// What a trace needs to find one patient, and the number to cross-check it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleQuery {
    /// The patient's NHS number (for verifyNHSNumber and getPatientDetailsByNHSNumber).
    pub nhs_number: String,
    /// The current family name.
    pub surname: String,
    /// The gender code (`1`, `2`…).
    pub gender: String,
    /// The full date of birth (YYYYMMDD).
    pub birth_date: String,
}

/// Up to `n` patients of `file`, spread evenly through it, that a trace by surname, gender and
/// date of birth finds alone and that a cross-check by NHS number and date of birth verifies:
/// patients in use (not superseded, invalidated or old-style) with a full date of birth, whose
/// surname, gender and date are held by no other patient (current or previous name).
pub fn sample_queries(file: &ScenarioFile, n: usize) -> Vec<SampleQuery> {
    let key = |family: &str, gender: Gender, dob: &str| {
        (
            family.to_ascii_uppercase(),
            gender.code(),
            dob.get(..8).unwrap_or(dob).to_owned(),
        )
    };
    let mut counts: HashMap<(String, &'static str, String), u32> = HashMap::new();
    for p in &file.patients {
        for name in std::iter::once(&p.name).chain(&p.previous_names) {
            *counts
                .entry(key(&name.family, p.gender, p.birth_date.as_str()))
                .or_default() += 1;
        }
    }
    let usable: Vec<&Patient> = file
        .patients
        .iter()
        .filter(|p| {
            p.superseded_by.is_none()
                && !p.invalidated
                && !p.old_style
                && p.birth_date.as_str().len() == 8
                && p.death_date.is_none()
                && counts.get(&key(&p.name.family, p.gender, p.birth_date.as_str())) == Some(&1)
        })
        .collect();
    if n == 0 || usable.is_empty() {
        return Vec::new();
    }
    let step = (usable.len() / n).max(1);
    usable
        .iter()
        .step_by(step)
        .take(n)
        .map(|p| SampleQuery {
            nhs_number: p.nhs_number.as_str().to_owned(),
            surname: p.name.family.clone(),
            gender: p.gender.code().to_owned(),
            birth_date: p.birth_date.as_str().to_owned(),
        })
        .collect()
}

const DESCRIPTION: &str = "Synthetic patients made by smsp_simulator::scenario::generate \
     (NHS numbers from 990 000 000, outside the ranges issued to patients).";

fn scenario_name(patients: usize, seed: u64, part: Option<(usize, usize)>) -> String {
    let patients = patients.min(MAX_PATIENTS);
    match part {
        None => format!("synthetic {patients} patients (seed {seed})"),
        Some((k, of)) => format!("synthetic {patients} patients (seed {seed}), part {k} of {of}"),
    }
}

fn write_header(out: &mut String, name: &str) {
    out.push_str(
        "# Generated by smsp_simulator::scenario::generate: synthetic patients, not real people.\n",
    );
    out.push_str("name: ");
    push_quoted(out, name);
    out.push_str("\ndescription: ");
    push_quoted(out, DESCRIPTION);
    out.push_str("\npatients:\n");
}

/// Appends `s` as a double-quoted YAML scalar.
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// The generator's draws, from SplitMix64 (ample for made-up demographics).
#[derive(Debug, Clone)]
struct Rng(SplitMix64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The endless stream of synthetic patients for one seed.
#[derive(Debug, Clone)]
struct Synthetic {
    rng: Rng,
    next_prefix: u32,
}

/// One synthetic patient, before it becomes a [`Patient`] or YAML text.
struct Synth {
    nhs_number: NhsNumber,
    title: &'static str,
    given: &'static str,
    middle: Option<&'static str>,
    family: &'static str,
    gender: Gender,
    birth_date: String,
    house: u32,
    street: &'static str,
    town: usize,
    postcode: String,
    phone: Option<String>,
    practice: usize,
}

impl Synthetic {
    fn new(seed: u64) -> Synthetic {
        Synthetic {
            rng: Rng(SplitMix64::new(seed ^ 0x5EED_5A17_0000_0000)),
            next_prefix: FIRST_PREFIX,
        }
    }

    fn next_number(&mut self) -> Option<NhsNumber> {
        while self.next_prefix <= 999_999_999 {
            let prefix = self.next_prefix;
            self.next_prefix += 1;
            let mut digits = [0u8; 9];
            let mut rest = prefix;
            for d in digits.iter_mut().rev() {
                *d = (rest % 10) as u8;
                rest /= 10;
            }
            if let Some(n) = NhsNumber::from_first_nine(&digits) {
                return Some(n);
            }
        }
        None
    }
}

impl Iterator for Synthetic {
    type Item = Synth;

    fn next(&mut self) -> Option<Synth> {
        let nhs_number = self.next_number()?;
        let r = &mut self.rng;
        let female = r.chance(50);
        let (gender, given, middle, title) = if female {
            let title = if r.chance(8) {
                "DR"
            } else {
                r.pick(&["MRS", "MS", "MISS"])
            };
            let middle = r.chance(30).then(|| r.pick(FEMALE_GIVEN));
            (Gender::Female, r.pick(FEMALE_GIVEN), middle, title)
        } else {
            let title = if r.chance(8) { "DR" } else { "MR" };
            let middle = r.chance(30).then(|| r.pick(MALE_GIVEN));
            (Gender::Male, r.pick(MALE_GIVEN), middle, title)
        };
        let family = r.pick(SURNAMES);
        let birth_date = birth_date(r.below(BIRTH_DAYS));
        let house = 1 + r.below(240) as u32;
        let street = r.pick(STREETS);
        let town = r.below(TOWNS.len());
        let postcode = postcode(r, TOWNS[town].1);
        let phone = r
            .chance(60)
            .then(|| format!("tel:0{}{:09}", 1 + r.below(2), r.below(1_000_000_000)));
        let practice = r.below(PRACTICES);
        Some(Synth {
            nhs_number,
            title,
            given,
            middle,
            family,
            gender,
            birth_date,
            house,
            street,
            town,
            postcode,
            phone,
            practice,
        })
    }
}

/// Days from 1930-01-01 over which dates of birth are spread (to the end of 2019).
const BIRTH_DAYS: usize = 32_872;

/// The date `days` after 1930-01-01, as YYYYMMDD.
fn birth_date(days: usize) -> String {
    // Civil-from-days (Howard Hinnant's algorithm), counted from 1970-01-01.
    let z = days as i64 - 14_610 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}")
}

fn postcode(r: &mut Rng, area: &str) -> String {
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    format!(
        "{area}{} {}{}{}",
        1 + r.below(20),
        r.below(10),
        char::from(r.pick(LETTERS)),
        char::from(r.pick(LETTERS))
    )
}

/// A date through the model's own validation (its constructor is its deserialiser).
fn hl_date(digits: &str) -> Option<HlDate> {
    use serde::Deserialize as _;
    use serde::de::IntoDeserializer as _;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        digits.into_deserializer();
    HlDate::deserialize(de).ok()
}

/// How many GP practices patients are spread over.
const PRACTICES: usize = 400;

fn practice_code(practice: usize) -> String {
    format!("Y{:05}", 10_000 + practice)
}

fn practice_name(practice: usize) -> String {
    let (town, _) = TOWNS[practice % TOWNS.len()];
    let kind = [
        "MEDICAL CENTRE",
        "SURGERY",
        "HEALTH CENTRE",
        "FAMILY PRACTICE",
    ][practice / TOWNS.len() % 4];
    format!("{town} {kind} {}", practice / (TOWNS.len() * 4) + 1)
}

impl Synth {
    fn given_names(&self) -> Vec<String> {
        std::iter::once(self.given)
            .chain(self.middle)
            .map(str::to_owned)
            .collect()
    }

    fn address_lines(&self) -> [String; 2] {
        [
            format!("{} {}", self.house, self.street),
            TOWNS[self.town].0.to_owned(),
        ]
    }

    /// The record as the model holds it; `None` only if a field failed the model's checks.
    fn to_patient(&self) -> Option<Patient> {
        let [line1, line2] = self.address_lines();
        Some(Patient {
            nhs_number: NhsNumberText::try_from(self.nhs_number.as_str().to_owned()).ok()?,
            name: Name {
                title: Some(self.title.to_owned()),
                given: self.given_names(),
                family: self.family.to_owned(),
            },
            previous_names: Vec::new(),
            gender: self.gender,
            birth_date: hl_date(&self.birth_date)?,
            death_date: None,
            addresses: vec![Address {
                address_use: AddressUse::Home,
                lines: vec![line1, line2],
                postcode: Some(self.postcode.clone()),
            }],
            telecoms: self
                .phone
                .iter()
                .map(|value| TelecomEntry {
                    telecom_use: "H".to_owned(),
                    value: value.clone(),
                    period: None,
                })
                .collect(),
            gp_practice: Some(GpPracticeEntry {
                ods_code: practice_code(self.practice),
                name: Some(practice_name(self.practice)),
                address: None,
                phone: None,
            }),
            local_identifiers: Vec::new(),
            sensitive: false,
            superseded_by: None,
            invalidated: false,
            old_style: false,
            note: None,
        })
    }

    fn write_yaml(&self, out: &mut String) {
        out.push_str("  - nhs_number: \"");
        out.push_str(self.nhs_number.as_str());
        out.push_str("\"\n    name:\n      title: \"");
        out.push_str(self.title);
        out.push_str("\"\n      given: [\"");
        out.push_str(self.given);
        if let Some(m) = self.middle {
            out.push_str("\", \"");
            out.push_str(m);
        }
        out.push_str("\"]\n      family: \"");
        out.push_str(self.family);
        out.push_str("\"\n    gender: ");
        out.push_str(match self.gender {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::NotKnown => "not_known",
            Gender::NotSpecified => "not_specified",
        });
        out.push_str("\n    birth_date: \"");
        out.push_str(&self.birth_date);
        let [line1, line2] = self.address_lines();
        out.push_str("\"\n    addresses:\n      - use: H\n        lines: [\"");
        out.push_str(&line1);
        out.push_str("\", \"");
        out.push_str(&line2);
        out.push_str("\"]\n        postcode: \"");
        out.push_str(&self.postcode);
        out.push_str("\"\n");
        if let Some(phone) = &self.phone {
            out.push_str("    telecoms:\n      - use: H\n        value: \"");
            out.push_str(phone);
            out.push_str("\"\n");
        }
        out.push_str("    gp_practice:\n      ods_code: \"");
        out.push_str(&practice_code(self.practice));
        out.push_str("\"\n      name: \"");
        out.push_str(&practice_name(self.practice));
        out.push_str("\"\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists (common English names, streets and towns; no real person's record)
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "SMITH", "JONES", "WILLIAMS", "TAYLOR", "BROWN", "DAVIES", "EVANS", "WILSON", "THOMAS",
    "JOHNSON", "ROBERTS", "ROBINSON", "THOMPSON", "WRIGHT", "WALKER", "WHITE", "EDWARDS", "HUGHES",
    "GREEN", "HALL", "LEWIS", "HARRIS", "CLARKE", "PATEL", "JACKSON", "WOOD", "TURNER", "MARTIN",
    "COOPER", "HILL", "WARD", "MORRIS", "MOORE", "CLARK", "LEE", "KING", "BAKER", "HARRISON",
    "MORGAN", "ALLEN", "JAMES", "SCOTT", "PHILLIPS", "WATSON", "DAVIS", "PARKER", "PRICE",
    "BENNETT", "YOUNG", "GRIFFITHS", "MITCHELL", "KELLY", "COOK", "CARTER", "RICHARDSON", "BAILEY",
    "COLLINS", "BELL", "SHAW", "MURPHY", "MILLER", "COX", "RICHARDS", "KHAN", "MARSHALL",
    "ANDERSON", "SIMPSON", "ELLIS", "ADAMS", "SINGH", "BEGUM", "WILKINSON", "FOSTER", "CHAPMAN",
    "POWELL", "WEBB", "ROGERS", "GRAY", "MASON", "ALI", "HUNT", "HUSSAIN", "CAMPBELL", "MATTHEWS",
    "OWEN", "PALMER", "HOLMES", "MILLS", "BARNES", "KNIGHT", "LLOYD", "BUTLER", "RUSSELL",
    "BARKER", "FISHER", "STEVENS", "JENKINS", "MURRAY", "DIXON", "HARVEY", "GRAHAM", "PEARSON",
    "AHMED", "FLETCHER", "WALSH", "KAUR", "GIBSON", "HOWARD", "ANDREWS", "STEWART", "ELLIOTT",
    "REYNOLDS", "SAUNDERS", "PAYNE", "FOX", "FORD", "PEARCE", "DAY", "BROOKS", "WEST", "LAWRENCE",
    "COLE", "ATKINSON", "BRADLEY", "SPENCER", "GILL", "DAWSON", "BALL", "BURTON", "O'BRIEN",
    "WATTS", "ROSE", "BOOTH", "PERRY", "RYAN", "GRANT", "WELLS", "ARMSTRONG", "FRANCIS", "REES",
    "HAYES", "HART", "HUDSON", "NEWMAN", "BARRETT", "WEBSTER", "HUNTER", "GREGORY", "CARR", "LOWE",
    "PAGE", "MARSH", "RILEY", "DUNN", "WOODS", "PARSONS", "BERRY", "STONE", "REID", "HOLLAND",
    "HAWKINS", "HARDING", "PORTER", "ROBERTSON", "NEWTON", "OLIVER", "REED", "KENNEDY",
    "WILLIAMSON", "BIRD", "GARDNER", "SHAH", "DEAN", "LANE", "COLEMAN", "BOND", "BURNS", "BAXTER",
    "WEST-JONES", "MANN", "HOPKINS", "RAHMAN", "NICHOLSON", "CHAMBERS", "WARREN", "TUCKER",
    "SUTTON", "PARRY", "MILES", "HOWELLS", "AKHTAR", "NOLAN",
];

#[rustfmt::skip]
const MALE_GIVEN: &[&str] = &[
    "JOHN", "DAVID", "MICHAEL", "PAUL", "ANDREW", "PETER", "JAMES", "ROBERT", "MARK", "RICHARD",
    "STEPHEN", "CHRISTOPHER", "IAN", "ANTHONY", "WILLIAM", "THOMAS", "DANIEL", "MATTHEW", "GARY",
    "KEVIN", "JOSEPH", "GEORGE", "SIMON", "MARTIN", "BRIAN", "ALAN", "KEITH", "GRAHAM", "NEIL",
    "STEVEN", "PHILIP", "COLIN", "SAMUEL", "OLIVER", "HARRY", "JACK", "CHARLIE", "NOAH", "LEO",
    "ARTHUR", "OSCAR", "MOHAMMED", "ADAM", "LUKE", "RYAN", "JOSHUA", "BENJAMIN", "LIAM", "AARAV",
    "ALI", "KWAME", "TOMASZ",
];

#[rustfmt::skip]
const FEMALE_GIVEN: &[&str] = &[
    "MARY", "SUSAN", "MARGARET", "PATRICIA", "ELIZABETH", "SARAH", "JULIE", "KAREN", "LINDA",
    "HELEN", "CLAIRE", "EMMA", "JANE", "RACHEL", "LISA", "NICOLA", "JOANNE", "JENNIFER",
    "CATHERINE", "ANNE", "CHRISTINE", "GILLIAN", "BARBARA", "JEAN", "SANDRA", "AMANDA", "LOUISE",
    "LAURA", "REBECCA", "CHARLOTTE", "SOPHIE", "OLIVIA", "AMELIA", "ISLA", "AVA", "EMILY", "GRACE",
    "LILY", "FREYA", "MIA", "ELLA", "POPPY", "FATIMA", "AISHA", "PRIYA", "ZARA", "HANNAH", "CHLOE",
    "LUCY", "ANNA", "AGNIESZKA", "NKECHI",
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    "HIGH STREET", "STATION ROAD", "MAIN STREET", "PARK ROAD", "CHURCH ROAD", "CHURCH STREET",
    "LONDON ROAD", "VICTORIA ROAD", "GREEN LANE", "MANOR ROAD", "CHURCH LANE", "PARK AVENUE",
    "THE AVENUE", "THE CRESCENT", "QUEENS ROAD", "NEW ROAD", "GRANGE ROAD", "KINGS ROAD",
    "ALEXANDRA ROAD", "GLADSTONE STREET", "MILL LANE", "SCHOOL LANE", "WESTFIELD ROAD",
    "NORTH STREET", "SOUTH STREET", "YORK ROAD", "STANLEY ROAD", "RICHMOND ROAD", "ALBERT ROAD",
    "WINDSOR ROAD", "CHESTNUT CLOSE", "OAK AVENUE", "BEECH GROVE", "ELM TREE DRIVE", "MEADOW VIEW",
    "ORCHARD WAY", "HAWTHORN CLOSE", "RIVERSIDE WALK", "BRIDGE STREET", "MARKET PLACE",
];

/// Towns with their postcode areas.
const TOWNS: &[(&str, &str)] = &[
    ("LEEDS", "LS"),
    ("BRADFORD", "BD"),
    ("SHEFFIELD", "S"),
    ("MANCHESTER", "M"),
    ("LIVERPOOL", "L"),
    ("BIRMINGHAM", "B"),
    ("COVENTRY", "CV"),
    ("NOTTINGHAM", "NG"),
    ("LEICESTER", "LE"),
    ("BRISTOL", "BS"),
    ("EXETER", "EX"),
    ("PLYMOUTH", "PL"),
    ("NORWICH", "NR"),
    ("CAMBRIDGE", "CB"),
    ("OXFORD", "OX"),
    ("READING", "RG"),
    ("SOUTHAMPTON", "SO"),
    ("BRIGHTON", "BN"),
    ("CANTERBURY", "CT"),
    ("NEWCASTLE UPON TYNE", "NE"),
    ("SUNDERLAND", "SR"),
    ("YORK", "YO"),
    ("HULL", "HU"),
    ("LINCOLN", "LN"),
    ("DERBY", "DE"),
    ("STOKE-ON-TRENT", "ST"),
    ("PRESTON", "PR"),
    ("CARLISLE", "CA"),
    ("GLOUCESTER", "GL"),
    ("TRURO", "TR"),
    ("LONDON", "SE"),
    ("LONDON", "N"),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn numbers_are_valid_unique_and_in_the_generated_range() {
        let file = generate(5_000, 7);
        assert_eq!(file.patients.len(), 5_000);
        let mut seen = HashSet::new();
        for p in &file.patients {
            let n = p.nhs_number.as_str();
            assert!(
                NhsNumber::parse(n).is_ok(),
                "{n} fails the modulus-11 check"
            );
            assert!(n.starts_with("99"), "{n} is outside the generated range");
            assert!(seen.insert(n.to_owned()), "{n} repeats");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_patients_and_another_seed_others() {
        assert_eq!(generate(200, 1), generate(200, 1));
        let (a, b) = (generate(200, 1), generate(200, 2));
        assert_eq!(
            a.patients.iter().map(|p| &p.nhs_number).collect::<Vec<_>>(),
            b.patients.iter().map(|p| &p.nhs_number).collect::<Vec<_>>(),
            "numbers count up whatever the seed"
        );
        assert_ne!(a.patients, b.patients);
    }

    #[test]
    fn yaml_parses_back_into_the_same_scenario() {
        let text = generate_yaml(300, 42);
        let parsed: ScenarioFile = yaml_serde::from_str(&text).expect("generated YAML parses");
        assert_eq!(parsed, generate(300, 42));
    }

    #[test]
    fn yaml_loads_through_the_scenario_loader() {
        let text = generate_yaml(200, 3);
        let codes = smsp_response_codes::ResponseCodeTable::embedded();
        let scenario = super::super::load::load_texts(&[("synthetic.yaml".into(), text)], &codes)
            .expect("generated scenario passes the whole-file checks");
        assert_eq!(scenario.patients.len(), 200);
    }

    #[test]
    fn parts_hold_the_same_patients_in_order() {
        let parts: Vec<String> = generate_yaml_parts(250, 9, 100).collect();
        assert_eq!(parts.len(), 3);
        let mut patients = Vec::new();
        for text in &parts {
            let file: ScenarioFile = yaml_serde::from_str(text).expect("part parses");
            patients.extend(file.patients);
        }
        assert_eq!(patients, generate(250, 9).patients);
        assert_eq!(generate_yaml_parts(0, 9, 100).count(), 1);
    }

    #[test]
    fn demographics_vary_and_most_searches_are_unique() {
        let file = generate(10_000, 1);
        let distinct =
            |f: fn(&Patient) -> String| file.patients.iter().map(f).collect::<HashSet<_>>().len();
        assert!(distinct(|p| p.name.family.clone()) > 150);
        assert!(distinct(|p| p.name.given[0].clone()) > 80);
        assert!(distinct(|p| p.birth_date.as_str().to_owned()) > 8_000);
        assert!(distinct(|p| p.addresses[0].postcode.clone().unwrap_or_default()) > 9_000);
        assert!(
            distinct(|p| p
                .gp_practice
                .as_ref()
                .map(|g| g.ods_code.clone())
                .unwrap_or_default())
                > 300
        );
        let queries = sample_queries(&file, 20_000);
        assert!(
            queries.len() > 9_900,
            "only {} unique searches",
            queries.len()
        );
        let few = sample_queries(&file, 100);
        assert_eq!(few.len(), 100);
        assert!(
            few.last()
                .is_some_and(|q| q.nhs_number != few[0].nhs_number)
        );
    }

    #[test]
    fn sample_queries_find_one_patient_each() {
        let file = generate(2_000, 5);
        let store = crate::store::PatientStore::new(file.patients.clone());
        for q in sample_queries(&file, 50) {
            let matching: Vec<_> = store
                .by_birth_date(&q.birth_date)
                .filter(|p| p.name.family == q.surname && p.gender.code() == q.gender)
                .collect();
            assert_eq!(matching.len(), 1, "{q:?}");
            assert_eq!(matching[0].nhs_number.as_str(), q.nhs_number);
        }
    }

    #[test]
    fn birth_dates_are_real_dates_in_range() {
        assert_eq!(birth_date(0), "19300101");
        assert_eq!(birth_date(59), "19300301");
        assert_eq!(birth_date(BIRTH_DAYS - 1), "20191231");
        for days in (0..BIRTH_DAYS).step_by(97) {
            let d = birth_date(days);
            assert!(hl_date(&d).is_some(), "{d}");
        }
    }

    #[test]
    fn quoting_escapes_what_yaml_needs() {
        let mut out = String::new();
        push_quoted(&mut out, "O'BRIEN \"X\" \\ \t");
        let back: String = yaml_serde::from_str(&out).expect("quoted scalar parses");
        assert_eq!(back, "O'BRIEN \"X\" \\ \t");
    }
}
