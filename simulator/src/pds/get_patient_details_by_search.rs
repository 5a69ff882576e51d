//! getPatientDetailsBySearch (SPEC.md §3.4): the getNHSNumber trace, returning the whole
//! record of the single match.

use smsp_protocol::PdsRequest;

use super::{Outcome, details, trace_outcome};
use crate::scenario::ResolvedOptions;
use crate::store::PatientStore;

/// Answers a getPatientDetailsBySearch request.
pub fn answer(request: &PdsRequest, store: &PatientStore, options: &ResolvedOptions) -> Outcome {
    trace_outcome(request, store, options, |code, patient| {
        details(code, patient, request, options)
    })
}
