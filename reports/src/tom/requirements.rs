//! The requirement rows of checklist sheets 9a and 9b, written by us from the facts (SPEC.md §8):
//! the ids, Must or Should, and our own short paraphrase of each. The official wording stays in
//! NHS England's checklist; pass it with `--tom-checklist` to lay out its rows instead.

use super::{Obligation, TomRequirement, TomSheet, WireEvidence};

/// The [`super::TomSection::source`] of the built-in rows.
pub const BUILTIN_SOURCE: &str = "built-in";

/// One built-in row: sheet, category, id, item, detail, Must/Should, wire evidence.
type Row = (
    TomSheet,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Obligation,
    WireEvidence,
);

use Obligation::{Must, Should};
use TomSheet::{Generic, Pds};
use WireEvidence::{Manual, Partial, Wire};

const ORG: &str = "Organisational requirements";
const IG: &str = "Information governance";
const AUD: &str = "Audit";
const PROVIDER: &str = "Mini service provider (PDS mini service requirements)";
const PDS_GENERAL: &str = "PDS - general";
const PDS_DQ: &str = "PDS - data quality";

/// Sheet 9a (common client, ITK) then sheet 9b (PDS client), in checklist order.
const ROWS: &[Row] = &[
    (
        Generic,
        ORG,
        "MSCA-ORG-01",
        "Acceptable use of Spine Mini Services",
        "The deploying organisation uses the mini services only as the acceptable use policy \
         allows: for providing care, with any other purpose agreed in writing with NHS England \
         first.",
        Must,
        Manual,
    ),
    (
        Generic,
        ORG,
        "MSCA-ORG-02",
        "Back-office data quality processes",
        "The deploying organisation has processes for staff to report differences between local \
         and national records, for investigating them, and for asking for national corrections.",
        Must,
        Manual,
    ),
    (
        Generic,
        ORG,
        "MSCA-ORG-03",
        "Impact on staff and job roles",
        "The deploying organisation assesses how the rollout changes front-line work, such as \
         confirming details when they are captured, and trains staff; piloting and phasing help.",
        Must,
        Manual,
    ),
    (
        Generic,
        ORG,
        "MSCA-ORG-04",
        "Subject access requests",
        "The deploying organisation can answer subject access requests, including audit enquiries \
         about Spine data, with matching agreements when a supplier hosts the client.",
        Must,
        Manual,
    ),
    (
        Generic,
        IG,
        "MSCA-IG-01",
        "Role-based access control",
        "The client restricts its functions, its audit trails and its access-control settings by \
         role; local role-based access control is acceptable.",
        Must,
        Manual,
    ),
    (
        Generic,
        IG,
        "MSCA-IG-02",
        "User authentication",
        "Users sign in with an identity and at least a separate password (two-factor sign-in is \
         welcome), under a managed password policy. The wire shows only that a user name is sent.",
        Must,
        Partial,
    ),
    (
        Generic,
        IG,
        "MSCA-IG-03",
        "Security context shown to the user",
        "The client shows a computer misuse warning when it starts, and the signed-in user's \
         current role and organisation.",
        Should,
        Manual,
    ),
    (
        Generic,
        IG,
        "MSCA-IG-04",
        "Labelling of personal data",
        "Personal data carries protective labelling on screen and in print.",
        Should,
        Manual,
    ),
    (
        Generic,
        IG,
        "MSCA-IG-05",
        "Managed, secure hosting",
        "The client runs in a managed, secure environment, shown by the deploying organisation's \
         current information governance assurance.",
        Must,
        Manual,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-01",
        "Secure audit trail",
        "Audit records cannot be deleted or altered, auditing is always on, and records are kept \
         for the periods the NHS records management code sets.",
        Must,
        Manual,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-02",
        "Audited events",
        "Every message exchanged with the mini services, every change to reference or \
         configuration data, and every sign-in, failed sign-in, sign-out and password change is \
         audited. A run lists the MessageIDs it saw, to reconcile with the client's audit.",
        Must,
        Partial,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-03",
        "Audited data items",
        "Each audit entry holds the user, a time synchronised with the national time service, the \
         event, the patient's identifier, a sequence number, the originating system and the \
         MessageID of any message sent.",
        Must,
        Partial,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-04",
        "Audit identity of the initiating user",
        "Every request names the user who started it in the distribution envelope's audit \
         identity: user id and role profile for smartcard users, otherwise a unique local user id.",
        Must,
        Wire,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-05",
        "Queryable audit",
        "The audit log can be searched by user, MessageID, patient and date and time.",
        Must,
        Manual,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-06",
        "Stratum 3 time source",
        "The client's clock follows a Stratum 3 time source or better, so timestamps compare end \
         to end. A run compares the client's timestamps with its own clock.",
        Must,
        Partial,
    ),
    (
        Generic,
        AUD,
        "MSCA-AUD-07",
        "Time zone guidance",
        "Timestamps follow the national time zone guidance (NPFIT-FNT-TO-SCG-0005.14): UTC or a \
         valid offset.",
        Must,
        Wire,
    ),
    (
        Pds,
        PROVIDER,
        "SMSP-MESSAGES-001",
        "Mapping to Spine messages documented",
        "The provider documents how each mini service maps onto Spine PDS messaging (MIM 6.2.02 \
         recommended; not MIM 1.x to 3.x, preferably not 4.x), caching included.",
        Must,
        Manual,
    ),
    (
        Pds,
        PROVIDER,
        "SMSP-CACHE-002",
        "Caching considered in the design",
        "The provider's design documentation addresses caching of PDS answers.",
        Must,
        Manual,
    ),
    (
        Pds,
        PROVIDER,
        "SMSP-ERR-005",
        "Business outcomes distinguishable",
        "PDS business errors come back as distinct response codes (DEMOG-0001, 0007, 0017, 0022, \
         0040, 0042); others may be DEMOG-9999. A run returns each to a client and watches how \
         it reacts.",
        Must,
        Partial,
    ),
    (
        // The documents we hold only refer to SMSP-ERR-006; it is taken as a Must like
        // SMSP-ERR-005, which it qualifies.
        Pds,
        PROVIDER,
        "SMSP-ERR-006",
        "Validation errors detected by PDS",
        "Validation errors that PDS itself detects are a special case: their text is not \
         available to pass on to the client.",
        Must,
        Manual,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-01",
        "Easy, best-practice tracing",
        "Tracing takes few keystrokes, uses the same criteria locally and on PDS, makes a basic \
         trace easy and allows refining and advanced searches (wildcards, partial dates). The \
         wire shows which parameters are sent.",
        Should,
        Partial,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-02",
        "Local then PDS tracing",
        "Tracing moves seamlessly from local records to PDS, ideally trying locally first and \
         going to PDS when nothing matches.",
        Should,
        Manual,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-03",
        "Accurate tracing",
        "The client shows enough of a traced record for the user to confirm it is the right \
         patient.",
        Must,
        Manual,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-04",
        "Local record when untraceable",
        "When a patient cannot be traced, the user can create a local record so care is not \
         delayed.",
        Should,
        Manual,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-05",
        "Synchronise with PDS at relevant events",
        "Local data is refreshed from PDS at as many relevant events as possible: the start of \
         an episode, before using contact details, around admission and discharge. A run sees \
         the calls made.",
        Should,
        Partial,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-06",
        "NHS number display",
        "NHS numbers are shown and printed in 3-3-4 format, and barcodes follow ISB/0061-00/2004.",
        Must,
        Manual,
    ),
    (
        Pds,
        PDS_GENERAL,
        "MSCA-PDS-07",
        "Appropriate use of wildcards",
        "Where traces may use wildcards, the deploying organisation's clinical safety assessment \
         covers the higher risk of false-positive matches. The wire shows wildcard use.",
        Should,
        Partial,
    ),
    (
        Pds,
        PDS_DQ,
        "MSCA-DQ-01",
        "Duplicate NHS numbers",
        "Duplicate NHS numbers are not shown to users but start a back-office resolution; the \
         client can merge and unmerge local duplicates.",
        Must,
        Manual,
    ),
    (
        Pds,
        PDS_DQ,
        "MSCA-DQ-02",
        "Logical and permanent deletion",
        "Records can be logically deleted and restored, and permanently deleted under a court \
         order; each deletion and who made it is audited.",
        Must,
        Manual,
    ),
    (
        Pds,
        PDS_DQ,
        "MSCA-DQ-03",
        "Superseded NHS numbers",
        "After DEMOG-0017 the user is told the replacement number and the local record takes it, \
         unless another record holds it (then the back office resolves it); users are warned at \
         every access meanwhile.",
        Must,
        Partial,
    ),
    (
        Pds,
        PDS_DQ,
        "MSCA-DQ-04",
        "Records marked invalid",
        "After DEMOG-0022 users are warned at every access while the record is resolved \
         nationally, and local administrators are alerted with enough detail to find it.",
        Must,
        Partial,
    ),
    (
        Pds,
        PDS_DQ,
        "MSCA-DQ-05",
        "Data quality reports",
        "The client offers reports that reveal local data quality problems, such as duplicate \
         NHS numbers.",
        Should,
        Manual,
    ),
    (
        Pds,
        PDS_DQ,
        "MSCA-DQ-06",
        "Back-office resolution of discrepancies",
        "Since the mini services cannot update PDS, a suspected error in PDS data starts a local \
         back-office process to resolve it.",
        Should,
        Manual,
    ),
];

/// The requirement rows of sheets 9a and 9b as written by us: sheet 9a's MSCA-ORG, MSCA-IG and
/// MSCA-AUD rows, then sheet 9b's SMSP provider rows (from the PDS mini service requirements,
/// which the official sheet 9b does not list), MSCA-PDS and MSCA-DQ rows.
pub fn builtin_requirements() -> Vec<TomRequirement> {
    ROWS.iter()
        .map(
            |&(sheet, category, id, item, detail, obligation, wire)| TomRequirement {
                sheet,
                category: category.to_owned(),
                id: id.to_owned(),
                item: item.to_owned(),
                detail: detail.to_owned(),
                obligation,
                wire,
            },
        )
        .collect()
}

/// How far the wire can evidence the requirement `id` (checklist spelling), if we know it.
pub(super) fn wire_evidence(id: &str) -> Option<WireEvidence> {
    ROWS.iter().find(|row| row.2 == id).map(|&(.., wire)| wire)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tom::normalise_requirement_id;

    #[test]
    fn ids_are_unique_and_in_checklist_spelling() {
        let mut seen = std::collections::BTreeSet::new();
        for row in ROWS {
            assert_eq!(normalise_requirement_id(row.2), row.2);
            assert!(seen.insert(row.2), "{} twice", row.2);
            assert!(!row.3.is_empty() && !row.4.is_empty());
        }
        assert_eq!(ROWS.len(), 16 + 17);
    }
}
