//! ITK SOAP fault rules (SPEC.md §4.2), used by the harness to judge a provider's faults.
//! Mirrors TKW's `faultresponse_validator.conf` and the ITKDatatypes `ToolkitErrorInfoStruct`.
//! All report-only: nothing answers a fault.

use super::text::{UuidCase, uuid_case};
use super::{Sink, Subject, loc};
use crate::model::*;
use crate::ns;

fn fault<'a>(s: &Subject<'a>) -> Option<&'a SoapFault> {
    s.envelope.fault()
}

/// itk.fault.code: the four SOAP 1.1 codes (prefix optional, SPEC.md §4.2).
pub(super) fn code(s: &Subject, out: &mut Sink) {
    let Some(f) = fault(s) else { return };
    if let FaultCode::Other(c) = &f.code {
        let message = if c.is_empty() {
            "faultcode is missing or empty; expected soap:Client, soap:Server, soap:MustUnderstand or soap:VersionMismatch".to_owned()
        } else {
            format!("faultcode {c:?} is not Client, Server, MustUnderstand or VersionMismatch")
        };
        out.error(format!("{}/faultcode", loc::FAULT), message);
    }
}

/// itk.fault.string: SOAP 1.1 requires a faultstring.
pub(super) fn string(s: &Subject, out: &mut Sink) {
    let Some(f) = fault(s) else { return };
    if f.string.trim().is_empty() {
        out.error(
            format!("{}/faultstring", loc::FAULT),
            "faultstring is missing or empty",
        );
    }
}

/// itk.fault.actor: TKW wants an http URI when faultactor is present.
pub(super) fn actor(s: &Subject, out: &mut Sink) {
    let Some(actor) = fault(s).and_then(|f| f.actor.as_deref()) else {
        return;
    };
    if !actor.starts_with("http") {
        out.error(
            format!("{}/faultactor", loc::FAULT),
            format!("faultactor {actor:?} does not start with http (e.g. http://itk.cfh.com/)"),
        );
    }
}

/// itk.fault.detail: ToolkitErrorInfo with ErrorID, ErrorCode (and its code system) and
/// ErrorText. TKW's validator wants an upper-case UUID ErrorID.
pub(super) fn detail(s: &Subject, out: &mut Sink) {
    let Some(f) = fault(s) else { return };
    let at = format!("{}/detail/itk:ToolkitErrorInfo", loc::FAULT);
    let Some(d) = &f.detail else {
        out.error(
            at,
            "the fault has no detail/itk:ToolkitErrorInfo (clients read the ITK error code from it)",
        );
        return;
    };
    match uuid_case(d.error_id.trim()) {
        None => out.error(
            format!("{at}/itk:ErrorID"),
            format!("itk:ErrorID {:?} is not a UUID", d.error_id),
        ),
        Some(UuidCase::Lower) => out.warning(
            format!("{at}/itk:ErrorID"),
            format!(
                "itk:ErrorID {:?} uses lower-case hex; TKW expects upper case",
                d.error_id
            ),
        ),
        Some(UuidCase::Upper) => {}
    }
    if let ItkErrorCode::Other(c) = &d.error_code {
        out.error(
            format!("{at}/itk:ErrorCode"),
            format!("itk:ErrorCode {c:?} is not 1000, 2100, 2200 or 3000"),
        );
    }
    if let Some(cs) = &d.code_system
        && cs != ns::OID_ITK_ERROR_CODE
    {
        out.error(
            format!("{at}/itk:ErrorCode/@codeSystem"),
            format!(
                "itk:ErrorCode codeSystem {cs:?} is not {:?}",
                ns::OID_ITK_ERROR_CODE
            ),
        );
    }
    if d.error_text.trim().is_empty() {
        out.error(
            format!("{at}/itk:ErrorText"),
            "itk:ErrorText is missing or empty",
        );
    }
}

/// itk.fault.action: `…/addressing/soap/fault`, or `…/addressing/fault` (TKW's MustUnderstand
/// faults).
pub(super) fn action(s: &Subject, out: &mut Sink) {
    let Some(action) = s.action() else { return };
    if action.trim().is_empty() {
        return; // wsa.action.present reports it
    }
    if action != ns::WSA_SOAP_FAULT_ACTION && action != ns::WSA_FAULT_ACTION {
        out.error(
            loc::ACTION,
            format!(
                "a fault's wsa:Action is {:?} (or {:?}), found {action:?}",
                ns::WSA_SOAP_FAULT_ACTION,
                ns::WSA_FAULT_ACTION
            ),
        );
    }
}
