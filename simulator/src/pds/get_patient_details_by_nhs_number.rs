//! getPatientDetailsByNHSNumber (SPEC.md §3.3): a cross-check by NHS number and date of
//! birth that returns the whole record (shaped by [`super::record`]).

use smsp_protocol::PdsRequest;

use super::{Outcome, cross_check_outcome, details};
use crate::scenario::ResolvedOptions;
use crate::store::PatientStore;

/// Answers a getPatientDetailsByNHSNumber request.
pub fn answer(request: &PdsRequest, store: &PatientStore, options: &ResolvedOptions) -> Outcome {
    cross_check_outcome(request, store, options, |code, patient| {
        details(code, patient, request, options)
    })
}
