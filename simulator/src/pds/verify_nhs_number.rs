//! verifyNHSNumber (SPEC.md §3.1): a cross-check of an NHS number against a date of birth
//! and, optionally, a name. Success carries `validIdentifier` with value `true`; DEMOG-0017
//! carries the superseding number there; every other outcome is bare.

use smsp_protocol::PdsRequest;
use smsp_protocol::messages::ResponseContent;

use super::{Outcome, cross_check_outcome, record};
use crate::scenario::ResolvedOptions;
use crate::store::PatientStore;

/// Answers a verifyNHSNumber request.
pub fn answer(request: &PdsRequest, store: &PatientStore, options: &ResolvedOptions) -> Outcome {
    cross_check_outcome(request, store, options, |code, patient| {
        ResponseContent::Verify {
            code: code.to_owned(),
            valid_identifier: Some(record::valid_identifier(patient)),
        }
    })
}
