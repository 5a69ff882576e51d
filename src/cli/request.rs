//! `smsp request OPERATION …`: prints a complete, conformant PDS request (fresh ids and
//! timestamps) for curl or any HTTP client to send.

use std::io::Write;

use clap::{Args, ValueEnum};
use smsp_protocol::messages::{self, Sender};
use smsp_protocol::{
    AuditIdentity, CodedValue, Identifier, Operation, Parameter, PersonName, QueryParam, RandomIds,
    SystemClock, TraceQuery, WriteOptions, ns, to_xml_with,
};

use super::{CliError, emit};

/// The operations, by their service names.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum OperationArg {
    #[value(name = "verifyNHSNumber")]
    VerifyNhsNumber,
    #[value(name = "getNHSNumber")]
    GetNhsNumber,
    #[value(name = "getPatientDetailsByNHSNumber")]
    GetPatientDetailsByNhsNumber,
    #[value(name = "getPatientDetailsBySearch")]
    GetPatientDetailsBySearch,
    #[value(name = "getPatientDetails")]
    GetPatientDetails,
}

/// Options of `smsp request`.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// The operation.
    #[arg(value_enum)]
    operation: OperationArg,
    /// Person.NHSNumber.
    #[arg(long, value_name = "N")]
    nhs_number: Option<String>,
    /// Person.DateOfBirth (YYYYMMDD; YYYY or YYYYMM in traces).
    #[arg(long, value_name = "DATE")]
    birth_date: Option<String>,
    /// Person.Gender code: 0 not known, 1 male, 2 female, 9 not specified.
    #[arg(long, value_name = "CODE")]
    gender: Option<String>,
    /// Person.Name/family.
    #[arg(long, value_name = "NAME")]
    surname: Option<String>,
    /// Person.Name/given.
    #[arg(long, value_name = "NAME")]
    given: Option<String>,
    /// Person.Postcode.
    #[arg(long, value_name = "POSTCODE")]
    postcode: Option<String>,
    /// wsa:To, the endpoint URL.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://127.0.0.1:8443/smsp/pds"
    )]
    to: String,
    /// wsse:Username.
    #[arg(long, value_name = "NAME", default_value = "smsp-cli")]
    username: String,
    /// itk:auditIdentity/itk:id/@uri (MSCA-AUD-04).
    #[arg(
        long,
        value_name = "URI",
        default_value = "urn:nhs-uk:identity:ods:X09:SYS:smsp-cli"
    )]
    audit_identity: String,
    /// Indent the XML.
    #[arg(long)]
    pretty: bool,
}

/// Runs `smsp request`.
pub(crate) fn run(args: &RequestArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let operation = match args.operation {
        OperationArg::VerifyNhsNumber => Operation::VerifyNhsNumber,
        OperationArg::GetNhsNumber => Operation::GetNhsNumber,
        OperationArg::GetPatientDetailsByNhsNumber => Operation::GetPatientDetailsByNhsNumber,
        OperationArg::GetPatientDetailsBySearch => Operation::GetPatientDetailsBySearch,
        OperationArg::GetPatientDetails => Operation::GetPatientDetails,
    };
    let name = (args.surname.is_some() || args.given.is_some()).then(|| {
        QueryParam::new(
            Parameter::Name,
            PersonName {
                given: args.given.iter().cloned().collect(),
                family: args.surname.clone(),
                ..PersonName::default()
            },
        )
    });
    let query = TraceQuery {
        date_of_birth: args
            .birth_date
            .clone()
            .map(|d| QueryParam::new(Parameter::DateOfBirth, d)),
        gender: args
            .gender
            .clone()
            .map(|g| QueryParam::new(Parameter::Gender, CodedValue::new(g, ns::OID_GENDER))),
        local_identifier: None,
        nhs_number: args
            .nhs_number
            .clone()
            .map(|n| QueryParam::new(Parameter::NhsNumber, Identifier::nhs_number(n))),
        name,
        postcode: args
            .postcode
            .clone()
            .map(|p| QueryParam::new(Parameter::Postcode, p)),
    };
    let sender = Sender {
        to: args.to.clone(),
        username: args.username.clone(),
        audit_identity: vec![AuditIdentity {
            id_type: None,
            uri: Some(args.audit_identity.clone()),
        }],
        ..Sender::default()
    };
    let envelope = messages::request(operation, query, &sender, &SystemClock, &RandomIds);
    let options = if args.pretty {
        WriteOptions::pretty()
    } else {
        WriteOptions::default()
    };
    let mut xml = to_xml_with(&envelope, &options);
    xml.push('\n');
    emit(out, &xml)
}
