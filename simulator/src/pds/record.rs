//! Shaping a held patient into what a response carries (SPEC.md §3.6, §6.5, §6.6, §10):
//! sensitive (S-flagged) records withhold address, telecom and GP practice; deceased records
//! carry the death date and no GP practice; names carry the first given name and no title
//! unless the scenario asks for full names; every address has exactly five street lines.

use smsp_protocol::{
    CodedValue, GpPractice, Identifier, Organization, PatientIdentifiers, PatientPerson,
    PatientRecord, Period, PersonName, PostalAddress, Telecom, TraceQuery, ValidIdentifier, ns,
};

use crate::scenario::model::{Address, PlainAddress};
use crate::scenario::{NameDetail, Patient, ResolvedOptions};

/// Street lines per address on the wire: always five, blanks as placeholders.
const STREET_LINES: usize = 5;

/// The ids a response carries: the NHS number, then a local identifier — the one the request
/// sent (echoed), else the first the record holds.
pub fn identifiers(patient: &Patient, query: &TraceQuery) -> PatientIdentifiers {
    let local = query
        .local_identifier
        .as_ref()
        .map(|l| l.value.clone())
        .or_else(|| {
            patient
                .local_identifiers
                .first()
                .map(|l| Identifier::new(l.root.clone(), l.extension.clone()))
        });
    PatientIdentifiers {
        nhs_number: Identifier::nhs_number(patient.nhs_number.as_str()),
        local_identifier: local,
    }
}

/// verifyNHSNumber's valid-identifier component for `patient`.
pub fn valid_identifier(patient: &Patient) -> ValidIdentifier {
    ValidIdentifier {
        verified: true,
        nhs_number: Identifier::nhs_number(patient.nhs_number.as_str()),
    }
}

/// The full getPatientDetails record for `patient`, shaped by the PDS rules and the options.
pub fn patient_record(
    patient: &Patient,
    query: &TraceQuery,
    options: &ResolvedOptions,
) -> PatientRecord {
    let deceased = patient.death_date.is_some();
    let withheld = patient.sensitive;
    let name = match options.name_detail {
        NameDetail::FirstGiven => PersonName {
            given: patient.name.given.iter().take(1).cloned().collect(),
            family: Some(patient.name.family.clone()),
            ..PersonName::default()
        },
        NameDetail::Full => PersonName {
            prefix: patient.name.title.clone(),
            given: patient.name.given.iter().take(2).cloned().collect(),
            family: Some(patient.name.family.clone()),
            ..PersonName::default()
        },
    };
    let addresses = if withheld {
        Vec::new()
    } else {
        patient.addresses.iter().take(3).map(address).collect()
    };
    let telecoms = if withheld {
        Vec::new()
    } else {
        patient
            .telecoms
            .iter()
            .map(|t| Telecom {
                telecom_use: Some(t.telecom_use.clone()),
                value: Some(t.value.clone()),
                useable_periods: t
                    .period
                    .iter()
                    .map(|p| Period {
                        low: p.from.as_ref().map(|d| d.as_str().to_owned()),
                        high: p.to.as_ref().map(|d| d.as_str().to_owned()),
                    })
                    .collect(),
            })
            .collect()
    };
    let gp_practice = if withheld || deceased {
        None
    } else {
        patient.gp_practice.as_ref().map(|gp| GpPractice {
            address: gp.address.as_ref().map(plain_address),
            telecom: gp.phone.as_ref().map(|phone| Telecom {
                telecom_use: Some("WP".to_owned()),
                value: Some(phone.clone()),
                useable_periods: Vec::new(),
            }),
            organization: Some(Organization {
                id: Some(Identifier::new(ns::OID_ODS_CODE, gp.ods_code.clone())),
                name: gp.name.clone(),
            }),
        })
    };
    PatientRecord {
        ids: identifiers(patient, query),
        name: Some(name),
        addresses,
        telecoms,
        person: Some(PatientPerson {
            gender: Some(CodedValue::new(patient.gender.code(), ns::OID_GENDER)),
            birth_time: Some(patient.birth_date.as_str().to_owned()),
            deceased_time: patient.death_date.as_ref().map(|d| d.as_str().to_owned()),
            gp_practice,
        }),
    }
}

fn address(a: &Address) -> PostalAddress {
    PostalAddress {
        address_use: Some(a.address_use.code().to_owned()),
        postal_code: a.postcode.clone(),
        lines: five_lines(&a.lines),
    }
}

fn plain_address(a: &PlainAddress) -> PostalAddress {
    PostalAddress {
        address_use: None,
        postal_code: a.postcode.clone(),
        lines: five_lines(&a.lines),
    }
}

fn five_lines(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = lines.iter().take(STREET_LINES).cloned().collect();
    out.resize(STREET_LINES, String::new());
    out
}
