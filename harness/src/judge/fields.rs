//! Reading the fields a case can ask about out of a parsed PDS response.

use smsp_protocol::{Envelope, PatientRecord, PayloadBody};

use crate::suite::model::ResponseField;

/// The value of `field` in the response, `None` when absent. Fields that are containers
/// (`name`, `address`, `telecom`, `gp_practice`) read as a short summary of what is there.
pub fn read(envelope: &Envelope, field: ResponseField) -> Option<String> {
    use ResponseField::*;
    match envelope.payload()? {
        PayloadBody::VerifyNhsNumberResponse(r) => {
            let vi = r.valid_identifier.as_ref()?;
            match field {
                NhsNumber => vi.nhs_number.extension.clone(),
                Verified => Some(vi.verified.to_string()),
                _ => None,
            }
        }
        PayloadBody::GetNhsNumberResponse(r) => {
            let p = r.patient.as_ref()?;
            match field {
                NhsNumber => p.nhs_number.extension.clone(),
                LocalIdentifier => p.local_identifier.as_ref()?.extension.clone(),
                _ => None,
            }
        }
        PayloadBody::GetPatientDetailsResponse(r) => record_field(r.patient.as_ref()?, field),
        _ => None,
    }
}

fn non_empty(s: Option<&String>) -> Option<String> {
    s.filter(|s| !s.is_empty()).cloned()
}

fn record_field(p: &PatientRecord, field: ResponseField) -> Option<String> {
    use ResponseField::*;
    let person = p.person.as_ref();
    match field {
        NhsNumber => p.ids.nhs_number.extension.clone(),
        Verified => None,
        LocalIdentifier => p.ids.local_identifier.as_ref()?.extension.clone(),
        Name => {
            let n = p.name.as_ref()?;
            let parts: Vec<&str> = n
                .prefix
                .iter()
                .chain(&n.given)
                .chain(&n.family)
                .map(String::as_str)
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        Given => non_empty(p.name.as_ref()?.given.first()),
        Family => non_empty(p.name.as_ref()?.family.as_ref()),
        NamePrefix => non_empty(p.name.as_ref()?.prefix.as_ref()),
        Gender => Some(person?.gender.as_ref()?.code.clone()),
        BirthDate => person?.birth_time.clone(),
        DeathDate => person?.deceased_time.clone(),
        Address => (!p.addresses.is_empty()).then(|| {
            p.addresses
                .iter()
                .map(|a| {
                    let lines: Vec<&str> = a
                        .lines
                        .iter()
                        .map(String::as_str)
                        .filter(|l| !l.is_empty())
                        .chain(a.postal_code.as_deref())
                        .collect();
                    lines.join(", ")
                })
                .collect::<Vec<_>>()
                .join(" | ")
        }),
        Postcode => non_empty(p.addresses.first()?.postal_code.as_ref()),
        Telecom => (!p.telecoms.is_empty()).then(|| {
            p.telecoms
                .iter()
                .filter_map(|t| t.value.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }),
        GpPractice => {
            let gp = person?.gp_practice.as_ref()?;
            let org = gp.organization.as_ref();
            let ods = org
                .and_then(|o| o.id.as_ref())
                .and_then(|i| i.extension.clone());
            let name = org.and_then(|o| o.name.clone());
            Some(
                [ods, name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
        GpOdsCode => person?
            .gp_practice
            .as_ref()?
            .organization
            .as_ref()?
            .id
            .as_ref()?
            .extension
            .clone(),
    }
}
