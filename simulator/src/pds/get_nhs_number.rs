//! getNHSNumber (SPEC.md §3.2): a trace by date of birth, gender and name (optionally
//! postcode) that returns only the NHS number, plus the local identifier the request sent.

use smsp_protocol::PdsRequest;
use smsp_protocol::messages::ResponseContent;

use super::{Outcome, record, trace_outcome};
use crate::scenario::ResolvedOptions;
use crate::store::PatientStore;

/// Answers a getNHSNumber request.
pub fn answer(request: &PdsRequest, store: &PatientStore, options: &ResolvedOptions) -> Outcome {
    trace_outcome(request, store, options, |code, patient| {
        ResponseContent::NhsNumber {
            code: code.to_owned(),
            patient: Some(record::identifiers(patient, &request.query)),
        }
    })
}
