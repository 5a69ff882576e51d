//! PDS semantics: how the simulated Spine answers a well-formed PDS request from its patient
//! store (SPEC.md §3, §5.3, §6). Pure: no I/O, no clock, no ids; the engine wraps the
//! [`Outcome`] into a response envelope.
//!
//! One file per operation, so the behaviour of any SMSP operation is in one obvious place:
//! [`verify_nhs_number`], [`get_nhs_number`], [`get_patient_details_by_nhs_number`],
//! [`get_patient_details_by_search`], [`get_patient_details`]. The two kinds of look-up they
//! share are in [`matching`] (cross-check and trace), and the shaping of a returned record
//! (sensitive, deceased, name detail) in [`record`].

pub mod get_nhs_number;
pub mod get_patient_details;
pub mod get_patient_details_by_nhs_number;
pub mod get_patient_details_by_search;
pub mod matching;
pub mod record;
pub mod verify_nhs_number;

use smsp_protocol::messages::ResponseContent;
use smsp_protocol::{Operation, PdsRequest};

use crate::scenario::ResolvedOptions;
use crate::store::PatientStore;

/// What the simulated PDS answers, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The response payload's content (code and body).
    pub content: ResponseContent,
    /// The NHS number of the record the answer is about, when there is one.
    pub patient: Option<String>,
    /// Why, in a sentence, for the journal.
    pub reason: String,
}

impl Outcome {
    /// The response code.
    pub fn code(&self) -> &str {
        match &self.content {
            ResponseContent::Verify { code, .. }
            | ResponseContent::NhsNumber { code, .. }
            | ResponseContent::PatientDetails { code, .. } => code,
        }
    }

    /// A bare answer (code only) for `operation`.
    pub(crate) fn bare(operation: Operation, code: &str, reason: impl Into<String>) -> Outcome {
        Outcome {
            content: ResponseContent::bare(operation, code),
            patient: None,
            reason: reason.into(),
        }
    }

    /// The same answer with another response code (SMSP-0003: the same data, from the
    /// provider's local store).
    pub fn recoded(mut self, new_code: &str) -> Outcome {
        match &mut self.content {
            ResponseContent::Verify { code, .. }
            | ResponseContent::NhsNumber { code, .. }
            | ResponseContent::PatientDetails { code, .. } => *code = new_code.to_owned(),
        }
        self
    }
}

/// Answers a PDS request from the store. The request is assumed to have passed the
/// conformance checker (the engine answers SMSP-0001 or a fault before getting here), but
/// nothing here panics or misbehaves if it did not.
pub fn answer(request: &PdsRequest, store: &PatientStore, options: &ResolvedOptions) -> Outcome {
    match request.operation {
        Operation::VerifyNhsNumber => verify_nhs_number::answer(request, store, options),
        Operation::GetNhsNumber => get_nhs_number::answer(request, store, options),
        Operation::GetPatientDetailsByNhsNumber => {
            get_patient_details_by_nhs_number::answer(request, store, options)
        }
        Operation::GetPatientDetailsBySearch => {
            get_patient_details_by_search::answer(request, store, options)
        }
        Operation::GetPatientDetails => get_patient_details::answer(request, store, options),
    }
}

/// The answer to a cross-check operation: `body` builds the response content for a record
/// (with the code to carry), the rest is the same for every cross-check (SPEC.md §6.2).
pub(crate) fn cross_check_outcome(
    request: &PdsRequest,
    store: &PatientStore,
    options: &ResolvedOptions,
    body: impl Fn(&str, &crate::scenario::Patient) -> ResponseContent,
) -> Outcome {
    use matching::CrossCheck;
    let op = request.operation;
    match matching::cross_check(&request.query, store) {
        CrossCheck::Verified(p) => Outcome {
            content: body("SMSP-0000", p),
            patient: Some(p.nhs_number.as_str().to_owned()),
            reason: format!(
                "NHS number {} verified against the record held",
                p.nhs_number.as_str()
            ),
        },
        CrossCheck::Superseded { old, current } => superseded(op, old, current, options, &body),
        CrossCheck::Invalidated(p) => invalidated(op, p),
        CrossCheck::NotNewStyle(n) => Outcome::bare(
            op,
            "DEMOG-0042",
            format!("{n:?} is not a new-style (ten-digit) NHS number"),
        ),
        CrossCheck::Unknown(n) => {
            Outcome::bare(op, "DEMOG-0001", format!("no record has NHS number {n}"))
        }
        CrossCheck::NotVerified {
            patient,
            mismatches,
        } => Outcome {
            patient: Some(patient.nhs_number.as_str().to_owned()),
            ..Outcome::bare(
                op,
                "DEMOG-0040",
                format!(
                    "NHS number {} exists but the supplied demographics do not match: {}",
                    patient.nhs_number.as_str(),
                    mismatches.join("; ")
                ),
            )
        },
        CrossCheck::NoNumber => Outcome::bare(op, "SMSP-0001", "the request has no NHS number"),
    }
}

/// The answer to a trace operation: `body` builds the response content for the single
/// matching record (SPEC.md §6.1).
pub(crate) fn trace_outcome(
    request: &PdsRequest,
    store: &PatientStore,
    options: &ResolvedOptions,
    body: impl Fn(&str, &crate::scenario::Patient) -> ResponseContent,
) -> Outcome {
    use matching::Trace;
    let op = request.operation;
    match matching::trace(&request.query, store) {
        Trace::None => Outcome::bare(op, "DEMOG-0001", "no record matches the trace"),
        Trace::Several(numbers) => Outcome::bare(
            op,
            "DEMOG-0007",
            format!(
                "{} records match the trace ({}); PDS returns only a single exact match",
                numbers.len(),
                numbers.join(", ")
            ),
        ),
        Trace::Single {
            patient,
            via_superseded: Some(old),
        } => superseded(op, old, patient, options, &body),
        Trace::Single { patient, .. } if patient.invalidated => invalidated(op, patient),
        Trace::Single { patient, .. } => Outcome {
            content: body("SMSP-0000", patient),
            patient: Some(patient.nhs_number.as_str().to_owned()),
            reason: format!(
                "a single record matches the trace: {}",
                patient.nhs_number.as_str()
            ),
        },
    }
}

/// DEMOG-0022: the record's number is no longer in use and has no replacement.
fn invalidated(op: Operation, patient: &crate::scenario::Patient) -> Outcome {
    Outcome {
        patient: Some(patient.nhs_number.as_str().to_owned()),
        ..Outcome::bare(
            op,
            "DEMOG-0022",
            format!(
                "NHS number {} has been invalidated and has no replacement",
                patient.nhs_number.as_str()
            ),
        )
    }
}

fn superseded(
    op: Operation,
    old: &crate::scenario::Patient,
    current: &crate::scenario::Patient,
    options: &ResolvedOptions,
    body: &impl Fn(&str, &crate::scenario::Patient) -> ResponseContent,
) -> Outcome {
    use crate::scenario::SupersededResponse;
    let reason = format!(
        "NHS number {} has been superseded by {}",
        old.nhs_number.as_str(),
        current.nhs_number.as_str()
    );
    let content = match options.superseded_response {
        SupersededResponse::WithNewNumber => body("DEMOG-0017", current),
        SupersededResponse::Bare => ResponseContent::bare(op, "DEMOG-0017"),
    };
    Outcome {
        content,
        patient: Some(current.nhs_number.as_str().to_owned()),
        reason,
    }
}

/// getPatientDetailsResponse content for a record.
pub(crate) fn details(
    code: &str,
    patient: &crate::scenario::Patient,
    request: &PdsRequest,
    options: &ResolvedOptions,
) -> ResponseContent {
    ResponseContent::PatientDetails {
        code: code.to_owned(),
        patient: Some(Box::new(record::patient_record(
            patient,
            &request.query,
            options,
        ))),
    }
}
