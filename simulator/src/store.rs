//! The simulated PDS's patient store: the scenario's patients, indexed by NHS number and by
//! date of birth, so both kinds of look-up cost the same with ten patients or a million.
//!
//! Read-only once built: a reload builds a new store and swaps it in whole.

use std::collections::{BTreeMap, HashMap};

use crate::scenario::Patient;

/// Patients indexed for the two kinds of PDS look-up.
#[derive(Debug, Default)]
pub struct PatientStore {
    patients: Vec<Patient>,
    by_nhs_number: HashMap<String, u32>,
    /// Date of birth as held (4 to 14 digits) → patients. Ordered, so a partial date in a
    /// trace (YYYY, YYYYMM) is a range scan.
    by_birth_date: BTreeMap<String, Vec<u32>>,
}

impl PatientStore {
    /// Indexes `patients`. Numbers are unique (the loader refuses duplicates); if one repeats
    /// anyway, the first record wins.
    pub fn new(patients: Vec<Patient>) -> PatientStore {
        let mut by_nhs_number = HashMap::with_capacity(patients.len());
        let mut by_birth_date: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (i, p) in patients.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            by_nhs_number
                .entry(p.nhs_number.as_str().to_owned())
                .or_insert(i);
            by_birth_date
                .entry(p.birth_date.as_str().to_owned())
                .or_default()
                .push(i);
        }
        PatientStore {
            patients,
            by_nhs_number,
            by_birth_date,
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
        self.by_nhs_number
            .get(nhs_number)
            .and_then(|&i| self.patients.get(i as usize))
    }

    /// Patients whose date of birth agrees with `date` (digits, as a request sends it): those
    /// whose date starts with it (a partial date in the request, or a time in the record), and
    /// those held at a lower precision that `date` starts with (a record with only a year).
    pub fn by_birth_date<'s, 'd>(
        &'s self,
        date: &'d str,
    ) -> impl Iterator<Item = &'s Patient> + use<'s, 'd> {
        let longer = self
            .by_birth_date
            .range::<str, _>((std::ops::Bound::Included(date), std::ops::Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(date));
        let shorter = [4usize, 6]
            .into_iter()
            .filter(move |&n| n < date.len())
            .filter_map(move |n| date.get(..n))
            .filter_map(move |prefix| self.by_birth_date.get_key_value(prefix));
        longer
            .chain(shorter)
            .flat_map(|(_, ids)| ids.iter())
            .filter_map(move |&i| self.patients.get(i as usize))
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
