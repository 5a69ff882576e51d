//! getPatientDetails (SPEC.md §3.5): either form, chosen by the parameters sent — with an
//! NHS number it is the getPatientDetailsByNHSNumber cross-check, without one the
//! getPatientDetailsBySearch trace.

use smsp_protocol::PdsRequest;

use super::{Outcome, cross_check_outcome, details, trace_outcome};
use crate::scenario::ResolvedOptions;
use crate::store::PatientStore;

/// Answers a getPatientDetails request.
pub fn answer(request: &PdsRequest, store: &PatientStore, options: &ResolvedOptions) -> Outcome {
    let body = |code: &str, patient: &_| details(code, patient, request, options);
    if request.query.nhs_number.is_some() {
        cross_check_outcome(request, store, options, body)
    } else {
        trace_outcome(request, store, options, body)
    }
}
