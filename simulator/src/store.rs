//! The simulated PDS's patient store: the scenario's patients, indexed by NHS number and by
//! date of birth, so both kinds of look-up cost the same with ten patients or a million.
//!
//! The indexes are compact, so that a million patients stay quick to index and to search:
//! ten-digit NHS numbers are kept as integers in a hash map with a cheap mixing hash (any other
//! number, held only for `old_style` patients, in a map of its own), and dates of birth as one
//! sorted vector of integers that keep the dates' text order, so a partial date in a trace is
//! a binary-searched range.
//!
//! Read-only once built: a reload builds a new store and swaps it in whole.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use smsp_protocol::TraceQuery;
use smsp_protocol::determinism::{GOLDEN_GAMMA, mix};

use crate::scenario::Patient;

/// How many leading digits of two dates of birth are compared (`CCYYMMDD`): a time after the
/// date neither narrows nor widens a match. The trace's rule (`birth_dates_agree`) and the date
/// index both read dates this far.
pub(crate) const BIRTH_DATE_DIGITS_COMPARED: usize = 8;

/// Patients indexed for the two kinds of PDS look-up.
#[derive(Debug, Default)]
pub struct PatientStore {
    patients: Vec<Patient>,
    /// Ten-digit numbers, as integers.
    by_nhs_number: HashMap<u64, u32, BuildHasherDefault<MixHasher>>,
    /// Numbers of any other length (old-style numbers), as written.
    other_numbers: HashMap<String, u32>,
    /// Every patient by date of birth, sorted: by date in text order, then in scenario order.
    by_birth_date: Vec<DateEntry>,
    /// Bit `n` set when some date held has `n` digits, so a trace looks up a date's shorter
    /// prefixes only at lengths some record is held at (most scenarios hold full dates only).
    date_lengths: u16,
}

/// One patient in the date-of-birth index, with what a trace can rule it out by without
/// reading the record (a million patients put a few dozen on each date, scattered in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct DateEntry {
    /// The date of birth as held, encoded by [`date_key`].
    key: u64,
    /// The patient's place in the store.
    patient: u32,
    /// See [`fingerprint`].
    fingerprint: u32,
}

/// Gender (two bits), whether the patient has earlier names (one bit) and a hash of the
/// current family name with ASCII letters upper-cased (29 bits).
fn fingerprint(p: &Patient) -> u32 {
    let gender = gender_bits(p.gender.code()).unwrap_or(0);
    let earlier = u32::from(!p.previous_names.is_empty());
    (gender << 30) | (earlier << 29) | family_hash(&p.name.family)
}

/// The two bits standing for a gender code; `None` for any other code.
fn gender_bits(code: &str) -> Option<u32> {
    match code {
        "0" => Some(0),
        "1" => Some(1),
        "2" => Some(2),
        "9" => Some(3),
        _ => None,
    }
}

/// A 29-bit hash of a family name with ASCII letters upper-cased: names equal ignoring ASCII
/// case (as traces compare them) hash alike.
fn family_hash(family: &str) -> u32 {
    let mut h = MixHasher::default();
    for chunk in family.as_bytes().chunks(8) {
        let mut w = [0u8; 8];
        for (d, s) in w.iter_mut().zip(chunk) {
            *d = s.to_ascii_uppercase();
        }
        h.write_u64(u64::from_le_bytes(w));
    }
    h.write_u64(family.len() as u64);
    (h.finish() & 0x1FFF_FFFF) as u32
}

/// What a trace asks for that the date index can check: the gender code and the family name
/// (exact, no wildcard), each as sent and trimmed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceFilter<'q> {
    /// The gender code; a record of another gender cannot match.
    pub gender: Option<&'q str>,
    /// The family name, when it has no `*`; a record with no earlier names whose family name
    /// differs (ignoring ASCII case) cannot match.
    pub family: Option<&'q str>,
}

impl<'q> TraceFilter<'q> {
    /// What `query` lets the index rule out: its gender code, and its family name when that
    /// is exact (not empty, no `*`), each trimmed as the trace compares them.
    pub fn of(query: &'q TraceQuery) -> TraceFilter<'q> {
        TraceFilter {
            gender: query.gender.as_ref().map(|g| g.value.code.trim()),
            family: query
                .name
                .as_ref()
                .and_then(|n| n.value.family.as_deref())
                .map(str::trim)
                .filter(|f| !f.is_empty() && !f.contains('*')),
        }
    }
}

/// Most digits a date held can have (YYYYMMDDHHMMSS).
const DATE_DIGITS: u32 = 14;

/// A date of digits as an integer that sorts as the text does: each digit `d` is the base-11
/// digit `d + 1`, padded to [`DATE_DIGITS`] with zeros, so a prefix sorts before every date it
/// begins. `None` for anything but at most fourteen ASCII digits.
fn date_key(date: &str) -> Option<u64> {
    if date.len() > DATE_DIGITS as usize {
        return None;
    }
    let mut key = 0u64;
    for b in date.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        key = key * 11 + u64::from(b - b'0' + 1);
    }
    let padding = DATE_DIGITS - u32::try_from(date.len()).unwrap_or(DATE_DIGITS);
    Some(key * 11u64.pow(padding))
}

/// The width of the key range holding every date that begins with a prefix of `len` digits.
fn prefix_span(len: usize) -> u64 {
    11u64.pow(DATE_DIGITS - u32::try_from(len).unwrap_or(DATE_DIGITS))
}

/// A ten-digit NHS number as an integer; `None` for any other text.
fn number_key(number: &str) -> Option<u64> {
    if number.len() != 10 {
        return None;
    }
    number.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// Hashes the keys of the NHS number indexes (here, and the loader's duplicate check) with a
/// multiply-and-mix over eight bytes at a time and SplitMix64's finaliser: far cheaper than the
/// default SipHash, and the keys come from the user's own scenario files, not an attacker.
#[derive(Debug, Default, Clone, Copy)]
pub struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in words.remainder() {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(GOLDEN_GAMMA);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(GOLDEN_GAMMA) ^ n;
    }
}

impl PatientStore {
    /// Indexes `patients`. Numbers are unique (the loader refuses duplicates); if one repeats
    /// anyway, the first record wins.
    pub fn new(patients: Vec<Patient>) -> PatientStore {
        let mut by_nhs_number =
            HashMap::with_capacity_and_hasher(patients.len(), BuildHasherDefault::default());
        let mut other_numbers = HashMap::new();
        let mut by_birth_date = Vec::with_capacity(patients.len());
        let mut date_lengths = 0u16;
        for (i, p) in patients.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let number = p.nhs_number.as_str();
            match number_key(number) {
                Some(key) => {
                    by_nhs_number.entry(key).or_insert(i);
                }
                None => {
                    other_numbers.entry(number.to_owned()).or_insert(i);
                }
            }
            // Dates held are 4 to 14 digits (the loader refuses anything else).
            if let Some(key) = date_key(p.birth_date.as_str()) {
                date_lengths |= 1 << p.birth_date.as_str().len();
                by_birth_date.push(DateEntry {
                    key,
                    patient: i,
                    fingerprint: fingerprint(p),
                });
            }
        }
        by_birth_date.sort_unstable();
        PatientStore {
            patients,
            by_nhs_number,
            other_numbers,
            by_birth_date,
            date_lengths,
        }
    }

    /// How many patients are held.
    pub fn len(&self) -> usize {
        self.patients.len()
    }

    /// Whether no patient is held.
    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
    }

    /// Every patient, in scenario order.
    pub fn iter(&self) -> impl Iterator<Item = &Patient> {
        self.patients.iter()
    }

    /// The patient with this NHS number.
    pub fn get(&self, nhs_number: &str) -> Option<&Patient> {
        let i = match number_key(nhs_number) {
            Some(key) => self.by_nhs_number.get(&key),
            None => self.other_numbers.get(nhs_number),
        }?;
        self.patients.get(*i as usize)
    }

    /// The index entries whose keys lie in `from..to`.
    fn dates_in(&self, from: u64, to: u64) -> &[DateEntry] {
        let start = self.by_birth_date.partition_point(|e| e.key < from);
        let rest = &self.by_birth_date[start..];
        // A range is short (a date has a few dozen patients even among a million), so its end
        // is found by galloping from its start: a few nearby entries read, not a second search
        // over the whole index.
        let mut bound = 1;
        while bound < rest.len() && rest[bound - 1].key < to {
            bound *= 2;
        }
        let bound = bound.min(rest.len());
        &rest[..rest[..bound].partition_point(|e| e.key < to)]
    }

    /// The index entries agreeing with `date` (see [`PatientStore::by_birth_date`]).
    fn date_entries<'s, 'd>(
        &'s self,
        date: &'d str,
    ) -> impl Iterator<Item = &'s DateEntry> + use<'s, 'd> {
        let date = date.get(..BIRTH_DATE_DIGITS_COMPARED).unwrap_or(date);
        // Held dates are digits only, so a date with anything else begins none of them.
        let longer = match date_key(date) {
            Some(key) => self.dates_in(key, key + prefix_span(date.len())),
            None => &[],
        };
        let shorter = [4usize, 6]
            .into_iter()
            .filter(move |&n| n < date.len() && self.date_lengths & (1 << n) != 0)
            .filter_map(move |n| date.get(..n))
            .filter_map(date_key)
            .flat_map(move |key| self.dates_in(key, key + 1));
        longer.iter().chain(shorter)
    }

    /// Patients whose date of birth agrees with `date` (digits, as a request sends it), read to
    /// at most its first eight digits as `birth_dates_agree` reads it: those whose date starts
    /// with it (a partial date in the request, or a time in the record), and those held at a
    /// lower precision that `date` starts with (a record with only a year).
    pub fn by_birth_date<'s, 'd>(
        &'s self,
        date: &'d str,
    ) -> impl Iterator<Item = &'s Patient> + use<'s, 'd> {
        self.date_entries(date)
            .filter_map(move |e| self.patients.get(e.patient as usize))
    }

    /// [`PatientStore::by_birth_date`] without the records `filter` rules out: those of
    /// another gender, and those whose only family name differs from an exact one asked for.
    /// Every record left out would fail the trace; the others still have to be matched.
    pub fn trace_candidates<'s, 'd>(
        &'s self,
        date: &'d str,
        filter: TraceFilter<'d>,
    ) -> impl Iterator<Item = &'s Patient> + use<'s, 'd> {
        // `None` inside: a gender code no record can have.
        let gender = filter.gender.map(gender_bits);
        let family = filter.family.map(family_hash);
        self.date_entries(date)
            .filter(move |e| {
                let f = e.fingerprint;
                let gender_ok = match gender {
                    None => true,
                    Some(None) => false,
                    Some(Some(bits)) => f >> 30 == bits,
                };
                let family_ok = match family {
                    None => true,
                    Some(hash) => f & (1 << 29) != 0 || f & 0x1FFF_FFFF == hash,
                };
                gender_ok && family_ok
            })
            .filter_map(move |e| self.patients.get(e.patient as usize))
    }

    /// The record a superseded number leads to: follows `superseded_by` to the end of the
    /// chain (at most 16 steps; the loader refuses cycles).
    pub fn current<'a>(&'a self, patient: &'a Patient) -> &'a Patient {
        let mut at = patient;
        for _ in 0..16 {
            match at.superseded_by.as_ref().and_then(|n| self.get(n.as_str())) {
                Some(next) => at = next,
                None => break,
            }
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys_sort_as_the_text_does_and_prefixes_bound_their_dates() {
        let mut dates = [
            "1980",
            "19800131",
            "198001",
            "19791231",
            "1980013112",
            "19800201",
            "2000",
            "19800131235959",
            "198002",
            "1981",
        ];
        let mut keys: Vec<u64> = dates.iter().map(|d| date_key(d).unwrap()).collect();
        dates.sort_unstable();
        keys.sort_unstable();
        let resorted: Vec<u64> = dates.iter().map(|d| date_key(d).unwrap()).collect();
        assert_eq!(keys, resorted);
        for prefix in ["1980", "198001", "19800131"] {
            let from = date_key(prefix).unwrap();
            let to = from + prefix_span(prefix.len());
            for d in dates {
                let k = date_key(d).unwrap();
                assert_eq!(
                    (from..to).contains(&k),
                    d.starts_with(prefix),
                    "{prefix} {d}"
                );
            }
        }
        assert_eq!(date_key("1980x"), None);
        assert_eq!(date_key("198001311200000"), None);
        assert_eq!(date_key(""), Some(0));
    }

    fn store() -> PatientStore {
        let yaml = "
- {nhs_number: '9990000018', name: {family: A}, gender: male, birth_date: '19800131'}
- {nhs_number: '9990000026', name: {family: B}, gender: male, birth_date: '1980'}
- {nhs_number: '9990000034', name: {family: C}, gender: male, birth_date: '198001'}
- {nhs_number: '9990000042', name: {family: D}, gender: male, birth_date: '198001311230'}
- {nhs_number: '9990000050', name: {family: E}, gender: male, birth_date: '19800201'}
- {nhs_number: '12345', name: {family: F}, gender: male, birth_date: '19800131', old_style: true}
- {nhs_number: '9990000018', name: {family: G}, gender: male, birth_date: '19790101'}
";
        PatientStore::new(yaml_serde::from_str(yaml).unwrap())
    }

    fn families<'a>(it: impl Iterator<Item = &'a Patient>) -> String {
        it.map(|p| p.name.family.as_str()).collect()
    }

    #[test]
    fn dates_of_birth_agree_by_prefix_either_way() {
        let s = store();
        assert_eq!(families(s.by_birth_date("19800131")), "AFDBC");
        assert_eq!(families(s.by_birth_date("1980")), "BCAFDE");
        assert_eq!(families(s.by_birth_date("198001")), "CAFDB");
        // A time after the date is not compared: the date finds what it finds alone.
        assert_eq!(families(s.by_birth_date("198001311230")), "AFDBC");
        assert_eq!(families(s.by_birth_date("198001311200")), "AFDBC");
        assert_eq!(families(s.by_birth_date("19800201")), "EB");
        assert_eq!(families(s.by_birth_date("1979")), "G");
        assert_eq!(families(s.by_birth_date("1980x")), "B");
        assert_eq!(families(s.by_birth_date("19")), "GBCAFDE");
        assert_eq!(families(s.by_birth_date("2001")), "");
    }

    #[test]
    fn shorter_dates_are_found_at_the_lengths_held() {
        let yaml = "
- {nhs_number: '9990000018', name: {family: A}, gender: male, birth_date: '19800131'}
- {nhs_number: '9990000026', name: {family: C}, gender: male, birth_date: '198001'}
- {nhs_number: '9990000034', name: {family: E}, gender: male, birth_date: '19800201'}
";
        let s = PatientStore::new(yaml_serde::from_str(yaml).unwrap());
        assert_eq!(s.date_lengths, 1 << 8 | 1 << 6);
        assert_eq!(families(s.by_birth_date("19800131")), "AC");
        assert_eq!(families(s.by_birth_date("198001311200")), "AC");
        assert_eq!(families(s.by_birth_date("1980")), "CAE");
        assert_eq!(families(s.by_birth_date("19800201")), "E");
    }

    #[test]
    fn numbers_find_their_first_record() {
        let s = store();
        assert_eq!(
            s.get("9990000018").map(|p| p.name.family.as_str()),
            Some("A")
        );
        assert_eq!(s.get("12345").map(|p| p.name.family.as_str()), Some("F"));
        assert!(s.get("9990000069").is_none());
        assert!(s.get("999000001").is_none());
        assert_eq!(s.len(), 7);
    }

    /// The obvious index (text keys in a `BTreeMap`), which the compact one must agree with.
    fn reference<'s>(patients: &'s [Patient], date: &str) -> Vec<&'s Patient> {
        let mut index: std::collections::BTreeMap<&str, Vec<&Patient>> = Default::default();
        for p in patients {
            index.entry(p.birth_date.as_str()).or_default().push(p);
        }
        let date = date.get(..BIRTH_DATE_DIGITS_COMPARED).unwrap_or(date);
        let longer = index
            .range::<str, _>((std::ops::Bound::Included(date), std::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(date))
            .flat_map(|(_, v)| v.iter().copied());
        let shorter = [4usize, 6]
            .into_iter()
            .filter(|&n| n < date.len())
            .filter_map(|n| date.get(..n))
            .filter_map(|prefix| index.get(prefix))
            .flat_map(|v| v.iter().copied());
        longer.chain(shorter).collect()
    }

    /// Every record whose date agrees with `date` by the matching rule, by NHS number.
    fn agreeing(patients: &[Patient], date: &str) -> Vec<String> {
        let mut out: Vec<String> = patients
            .iter()
            .filter(|p| crate::pds::matching::birth_dates_agree(date, p.birth_date.as_str()))
            .map(|p| p.nhs_number.as_str().to_owned())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_compact_date_index_agrees_with_the_obvious_one() {
        let file = crate::scenario::generate::generate(3000, 7);
        let patients = file.patients.clone();
        let s = PatientStore::new(file.patients);
        let mut queries: Vec<String> = Vec::new();
        for p in patients.iter().step_by(37) {
            let d = p.birth_date.as_str();
            for n in [4, 6, 8, d.len()] {
                if let Some(q) = d.get(..n) {
                    queries.push(q.to_owned());
                }
            }
            queries.push(format!("{d}1200"));
        }
        queries.extend(["", "1", "19", "20", "1980x", "0000", "9999"].map(str::to_owned));
        for q in &queries {
            let ours: Vec<&str> = s.by_birth_date(q).map(|p| p.nhs_number.as_str()).collect();
            let theirs: Vec<&str> = reference(&patients, q)
                .iter()
                .map(|p| p.nhs_number.as_str())
                .collect();
            assert_eq!(ours, theirs, "query {q:?}");
            // The index finds exactly the records the matching rule accepts (for dates of
            // four digits or more; shorter ones the rule refuses and the trace filters out).
            if q.len() >= 4 && q.bytes().all(|b| b.is_ascii_digit()) {
                let mut found: Vec<String> = ours.iter().map(|n| (*n).to_owned()).collect();
                found.sort();
                assert_eq!(
                    found,
                    agreeing(&patients, q),
                    "query {q:?} against the rule"
                );
            }
        }
        for p in patients.iter().step_by(11) {
            assert_eq!(
                s.get(p.nhs_number.as_str()).map(|q| &q.nhs_number),
                Some(&p.nhs_number)
            );
        }
    }

    #[test]
    fn the_trace_filter_sets_aside_only_records_that_cannot_match() {
        use smsp_protocol::{CodedValue, Parameter, PersonName, QueryParam, TraceQuery, ns};
        let mut file = crate::scenario::generate::generate(4000, 11);
        // Earlier names for some, so that a record matching only by one is kept.
        for (i, p) in file.patients.iter_mut().enumerate().step_by(7) {
            p.previous_names.push(crate::scenario::model::Name {
                family: format!("EARLIER{}", i % 5),
                ..Default::default()
            });
        }
        let patients = file.patients.clone();
        let s = PatientStore::new(file.patients);
        let query = |dob: &str, gender: Option<&str>, family: Option<&str>| TraceQuery {
            date_of_birth: Some(QueryParam::new(Parameter::DateOfBirth, dob.to_owned())),
            gender: gender
                .map(|g| QueryParam::new(Parameter::Gender, CodedValue::new(g, ns::OID_GENDER))),
            name: family.map(|f| {
                QueryParam::new(
                    Parameter::Name,
                    PersonName {
                        family: Some(f.to_owned()),
                        ..PersonName::default()
                    },
                )
            }),
            ..TraceQuery::default()
        };
        let mut checked = 0;
        for p in patients.iter().step_by(13) {
            let year = &p.birth_date.as_str()[..4];
            let family = p.name.family.clone();
            let lower = family.to_ascii_lowercase();
            let wild = format!("{}*", &family[..2.min(family.len())]);
            for dob in [year, p.birth_date.as_str()] {
                for gender in [None, Some(p.gender.code()), Some("9"), Some("x")] {
                    for fam in [
                        None,
                        Some(family.as_str()),
                        Some(lower.as_str()),
                        Some(" EARLIER2 "),
                        Some(wild.as_str()),
                        Some("NOBODY"),
                    ] {
                        let q = query(dob, gender, fam);
                        let filter = TraceFilter::of(&q);
                        let all: Vec<&str> = s
                            .by_birth_date(dob)
                            .filter(|c| crate::pds::matching::trace_matches(&q, c))
                            .map(|c| c.nhs_number.as_str())
                            .collect();
                        let kept: Vec<&str> = s
                            .trace_candidates(dob, filter)
                            .filter(|c| crate::pds::matching::trace_matches(&q, c))
                            .map(|c| c.nhs_number.as_str())
                            .collect();
                        assert_eq!(kept, all, "{dob} {gender:?} {fam:?}");
                        checked += all.len();
                    }
                }
            }
        }
        assert!(checked > 1000, "the queries find records ({checked})");
    }

    #[test]
    fn number_keys_are_ten_digits_only() {
        assert_eq!(number_key("9990000018"), Some(9_990_000_018));
        assert_eq!(number_key("0000000018"), Some(18));
        assert_eq!(number_key("999000001"), None);
        assert_eq!(number_key("999000001x"), None);
        assert_eq!(number_key("99900000188"), None);
    }
}
