//! The two look-ups of the PDS mini service (SPEC.md §6.1–6.2):
//!
//! - a **cross-check** (verifyNHSNumber, getPatientDetailsByNHSNumber, getPatientDetails with
//!   an NHS number): the number must be a new-style number in use, and the date of birth and
//!   any name supplied must agree with the record;
//! - a **trace** (getNHSNumber, getPatientDetailsBySearch, getPatientDetails without one):
//!   date of birth, gender and surname, optionally given name and postcode, must single out
//!   exactly one record — PDS never returns one of several candidates.

use smsp_protocol::{PersonName, TraceQuery};

use crate::scenario::Patient;
use crate::scenario::model::Name;
use crate::store::{BIRTH_DATE_DIGITS_COMPARED, PatientStore, TraceFilter};
use crate::text::{glob_matches, normalise_postcode};

/// The result of a cross-check by NHS number.
#[derive(Debug, Clone, PartialEq)]
pub enum CrossCheck<'a> {
    /// The number is in use and the demographics agree.
    Verified(&'a Patient),
    /// The number was merged into `current` (DEMOG-0017).
    Superseded {
        /// The record the request named.
        old: &'a Patient,
        /// The record it was merged into (the end of the chain).
        current: &'a Patient,
    },
    /// The number is no longer in use and has no replacement (DEMOG-0022).
    Invalidated(&'a Patient),
    /// Not a ten-digit new-style number (DEMOG-0042).
    NotNewStyle(String),
    /// No record has this number (DEMOG-0001).
    Unknown(String),
    /// The record exists but the supplied demographics do not match it (DEMOG-0040).
    NotVerified {
        /// The record.
        patient: &'a Patient,
        /// Which supplied fields disagree, e.g. `date of birth 19800101 ≠ 19800102`.
        mismatches: Vec<String>,
    },
    /// The request carries no NHS number at all (the checker answers SMSP-0001 first).
    NoNumber,
}

/// Cross-checks the query's NHS number, date of birth and name against the store.
pub fn cross_check<'a>(query: &TraceQuery, store: &'a PatientStore) -> CrossCheck<'a> {
    let Some(number) = query
        .nhs_number
        .as_ref()
        .and_then(|n| n.value.extension.as_deref())
        .map(str::trim)
    else {
        return CrossCheck::NoNumber;
    };
    if number.len() != 10 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return CrossCheck::NotNewStyle(number.to_owned());
    }
    let Some(patient) = store.get(number) else {
        return CrossCheck::Unknown(number.to_owned());
    };
    if patient.old_style {
        return CrossCheck::NotNewStyle(number.to_owned());
    }
    if patient.invalidated {
        return CrossCheck::Invalidated(patient);
    }
    if patient.superseded_by.is_some() {
        return CrossCheck::Superseded {
            old: patient,
            current: store.current(patient),
        };
    }
    let mut mismatches = Vec::new();
    if let Some(dob) = &query.date_of_birth
        && !birth_dates_agree(&dob.value, patient.birth_date.as_str())
    {
        mismatches.push(format!(
            "date of birth {} ≠ {} held",
            dob.value,
            patient.birth_date.as_str()
        ));
    }
    if let Some(name) = &query.name {
        mismatches.extend(name_mismatches(&name.value, patient));
    }
    if mismatches.is_empty() {
        CrossCheck::Verified(patient)
    } else {
        CrossCheck::NotVerified {
            patient,
            mismatches,
        }
    }
}

/// The result of a trace.
#[derive(Debug, Clone, PartialEq)]
pub enum Trace<'a> {
    /// Exactly one record matched (after following superseded numbers to their current
    /// record). `via_superseded` is set when only a superseded record matched, so the answer
    /// is DEMOG-0017 with the current number.
    Single {
        /// The matched record (current).
        patient: &'a Patient,
        /// The superseded record that matched, when the current one did not match itself.
        via_superseded: Option<&'a Patient>,
    },
    /// No record matched (DEMOG-0001).
    None,
    /// Several records matched (DEMOG-0007): their NHS numbers.
    Several(Vec<String>),
}

/// Traces the query against the store: date of birth (partial allowed), gender, surname
/// (current or previous names, `*` wildcard), and given name and postcode when supplied.
pub fn trace<'a>(query: &TraceQuery, store: &'a PatientStore) -> Trace<'a> {
    let Some(dob) = query.date_of_birth.as_ref().map(|d| d.value.trim()) else {
        return Trace::None;
    };
    if dob.is_empty() {
        return Trace::None;
    }
    // The store sets aside records of another gender or (exactly) another family name
    // without reading them; trace_matches still judges every candidate it gives.
    let filter = TraceFilter::of(query);
    // (current record, matched itself, a superseded record that led to it)
    let mut current: Vec<(&Patient, bool, Option<&Patient>)> = Vec::new();
    for candidate in store.trace_candidates(dob, filter) {
        if !trace_matches(query, candidate) {
            continue;
        }
        let (record, itself, old) = if candidate.superseded_by.is_some() {
            (store.current(candidate), false, Some(candidate))
        } else {
            (candidate, true, None)
        };
        match current
            .iter_mut()
            .find(|(r, _, _)| r.nhs_number == record.nhs_number)
        {
            Some(entry) => {
                entry.1 |= itself;
                entry.2 = entry.2.or(old);
            }
            None => current.push((record, itself, old)),
        }
    }
    match current.as_slice() {
        [] => Trace::None,
        [(patient, itself, old)] => Trace::Single {
            patient,
            via_superseded: if *itself { None } else { *old },
        },
        several => Trace::Several(
            several
                .iter()
                .map(|(p, _, _)| p.nhs_number.as_str().to_owned())
                .collect(),
        ),
    }
}

/// Whether one record matches a trace's gender, names and postcode (its date of birth was
/// matched by the store's index).
pub fn trace_matches(query: &TraceQuery, patient: &Patient) -> bool {
    if let Some(g) = &query.gender
        && g.value.code.trim() != patient.gender.code()
    {
        return false;
    }
    if let Some(name) = &query.name
        && !name_mismatches(&name.value, patient).is_empty()
    {
        return false;
    }
    if let Some(pc) = &query.postcode {
        let wanted = normalise_postcode(&pc.value);
        let any = patient
            .addresses
            .iter()
            .filter_map(|a| a.postcode.as_deref())
            .any(|held| glob_matches(&wanted, &normalise_postcode(held)));
        if !any {
            return false;
        }
    }
    true
}

/// Whether a supplied date of birth agrees with the date held: equal over the shorter of the
/// two (and over at most the eight digits of `CCYYMMDD`), so a partial date in a trace
/// matches a full date held, and a full date matches a record held only to the year.
pub fn birth_dates_agree(supplied: &str, held: &str) -> bool {
    let supplied = supplied.trim();
    let n = supplied
        .len()
        .min(held.len())
        .min(BIRTH_DATE_DIGITS_COMPARED);
    n >= 4 && supplied.get(..n) == held.get(..n)
}

/// The ways a supplied name disagrees with every name the patient has held (current and
/// previous). Empty when some held name agrees: family equal (or matching a `*` wildcard)
/// and, when a given name is supplied, one of that name's given names equal to it.
pub fn name_mismatches(supplied: &PersonName, patient: &Patient) -> Vec<String> {
    let family = supplied
        .family
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty());
    let given = supplied
        .given
        .first()
        .map(|g| g.trim())
        .filter(|g| !g.is_empty());
    let agrees = |held: &Name| {
        family.is_none_or(|f| glob_matches(f, &held.family))
            && given.is_none_or(|g| held.given.iter().any(|h| glob_matches(g, h)))
    };
    if std::iter::once(&patient.name)
        .chain(&patient.previous_names)
        .any(agrees)
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(f) = family
        && !std::iter::once(&patient.name)
            .chain(&patient.previous_names)
            .any(|h| glob_matches(f, &h.family))
    {
        out.push(format!("surname {f} ≠ {} held", patient.name.family));
    }
    if let Some(g) = given {
        out.push(format!(
            "given name {g} ≠ {} held",
            patient.name.given.join(" ")
        ));
    }
    out
}
