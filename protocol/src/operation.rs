//! The five PDS mini-service operations and the three response payload kinds.
//!
//! Everything that is fixed per operation (service URN, payload root, message-type code,
//! manifest profile, which query parameters it takes) lives here, so a newcomer finds the
//! facts of any SMSP operation in one place (SPEC.md §2, §3.1–3.6).

/// A PDS mini-service operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// verifyNHSNumber: cross-check an NHS number against a date of birth (and name).
    VerifyNhsNumber,
    /// getNHSNumber: trace a patient's NHS number from demographics.
    GetNhsNumber,
    /// getPatientDetailsByNHSNumber: retrieve details for a known NHS number.
    GetPatientDetailsByNhsNumber,
    /// getPatientDetailsBySearch: trace and retrieve details from demographics.
    GetPatientDetailsBySearch,
    /// getPatientDetails: either of the two above, chosen by the parameters sent.
    GetPatientDetails,
}

/// The payload kind of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResponseKind {
    /// verifyNHSNumberResponse-v1-0 (COMT_MT000013GB01).
    VerifyNhsNumber,
    /// getNHSNumberResponse-v1-0 (COMT_MT000014GB01).
    GetNhsNumber,
    /// getPatientDetailsResponse-v1-0 (COMT_MT000016GB01), shared by three operations.
    GetPatientDetails,
}

/// A query parameter of a PDS request (`queryEvent/Person.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Parameter {
    /// Person.DateOfBirth
    DateOfBirth,
    /// Person.Gender
    Gender,
    /// Person.LocalIdentifier
    LocalIdentifier,
    /// Person.NHSNumber
    NhsNumber,
    /// Person.Name
    Name,
    /// Person.Postcode
    Postcode,
}

/// Whether an operation requires, allows or forbids a parameter (from the QUPA schemas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    /// 1..1
    Required,
    /// 0..1
    Optional,
    /// not in the schema for this operation
    NotAllowed,
}

impl Parameter {
    /// All parameters in schema (alphabetical) order, the order they appear in `queryEvent`.
    pub const ALL: [Parameter; 6] = [
        Parameter::DateOfBirth,
        Parameter::Gender,
        Parameter::LocalIdentifier,
        Parameter::NhsNumber,
        Parameter::Name,
        Parameter::Postcode,
    ];

    /// The element name, which is also the fixed `semanticsText` value.
    pub fn element_name(self) -> &'static str {
        match self {
            Parameter::DateOfBirth => "Person.DateOfBirth",
            Parameter::Gender => "Person.Gender",
            Parameter::LocalIdentifier => "Person.LocalIdentifier",
            Parameter::NhsNumber => "Person.NHSNumber",
            Parameter::Name => "Person.Name",
            Parameter::Postcode => "Person.Postcode",
        }
    }

    /// The parameter whose element has this local name.
    pub fn from_element_name(name: &str) -> Option<Parameter> {
        Parameter::ALL
            .into_iter()
            .find(|p| p.element_name() == name)
    }
}

impl Operation {
    /// All five operations.
    pub const ALL: [Operation; 5] = [
        Operation::VerifyNhsNumber,
        Operation::GetNhsNumber,
        Operation::GetPatientDetailsByNhsNumber,
        Operation::GetPatientDetailsBySearch,
        Operation::GetPatientDetails,
    ];

    /// The operation name as the WSDL spells it (`getPatientDetailsByNHSNumber`).
    pub fn name(self) -> &'static str {
        match self {
            Operation::VerifyNhsNumber => "verifyNHSNumber",
            Operation::GetNhsNumber => "getNHSNumber",
            Operation::GetPatientDetailsByNhsNumber => "getPatientDetailsByNHSNumber",
            Operation::GetPatientDetailsBySearch => "getPatientDetailsBySearch",
            Operation::GetPatientDetails => "getPatientDetails",
        }
    }

    /// The operation with this WSDL name.
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.name() == name)
    }

    /// Service URN: SOAPAction, wsa:Action and DE `header/@service` of the request.
    pub fn service(self) -> &'static str {
        match self {
            Operation::VerifyNhsNumber => "urn:nhs-itk:services:201005:verifyNHSNumber-v1-0",
            Operation::GetNhsNumber => "urn:nhs-itk:services:201005:getNHSNumber-v1-0",
            Operation::GetPatientDetailsByNhsNumber => {
                "urn:nhs-itk:services:201005:getPatientDetailsByNHSNumber-v1-0"
            }
            Operation::GetPatientDetailsBySearch => {
                "urn:nhs-itk:services:201005:getPatientDetailsBySearch-v1-0"
            }
            Operation::GetPatientDetails => "urn:nhs-itk:services:201005:getPatientDetails-v1-0",
        }
    }

    /// Service URN of the response: wsa:Action and DE `header/@service` (`<service>Response`).
    pub fn response_service(self) -> &'static str {
        match self {
            Operation::VerifyNhsNumber => {
                "urn:nhs-itk:services:201005:verifyNHSNumber-v1-0Response"
            }
            Operation::GetNhsNumber => "urn:nhs-itk:services:201005:getNHSNumber-v1-0Response",
            Operation::GetPatientDetailsByNhsNumber => {
                "urn:nhs-itk:services:201005:getPatientDetailsByNHSNumber-v1-0Response"
            }
            Operation::GetPatientDetailsBySearch => {
                "urn:nhs-itk:services:201005:getPatientDetailsBySearch-v1-0Response"
            }
            Operation::GetPatientDetails => {
                "urn:nhs-itk:services:201005:getPatientDetails-v1-0Response"
            }
        }
    }

    /// The operation whose request service URN this is.
    pub fn from_service(service: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.service() == service)
    }

    /// The operation whose response service URN this is.
    pub fn from_response_service(service: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|o| o.response_service() == service)
    }

    /// Local name of the request payload's root element. Note getPatientDetails: the root is
    /// `getPatientDetails-v1-0` while its code and profile say `getPatientDetailsRequest-v1-0`.
    pub fn request_root(self) -> &'static str {
        match self {
            Operation::VerifyNhsNumber => "verifyNHSNumberRequest-v1-0",
            Operation::GetNhsNumber => "getNHSNumberRequest-v1-0",
            Operation::GetPatientDetailsByNhsNumber => "getPatientDetailsByNHSNumberRequest-v1-0",
            Operation::GetPatientDetailsBySearch => "getPatientDetailsBySearchRequest-v1-0",
            Operation::GetPatientDetails => "getPatientDetails-v1-0",
        }
    }

    /// The operation whose request payload root has this local name.
    pub fn from_request_root(root: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|o| o.request_root() == root)
    }

    /// The request payload's message-type code (`code/@code`).
    pub fn request_code(self) -> &'static str {
        match self {
            Operation::GetPatientDetails => "getPatientDetailsRequest-v1-0",
            other => other.request_root(),
        }
    }

    /// The request's manifest profile id.
    pub fn request_profile(self) -> &'static str {
        match self {
            Operation::VerifyNhsNumber => "urn:nhs-en:profile:verifyNHSNumberRequest-v1-0",
            Operation::GetNhsNumber => "urn:nhs-en:profile:getNHSNumberRequest-v1-0",
            Operation::GetPatientDetailsByNhsNumber => {
                "urn:nhs-en:profile:getPatientDetailsByNHSNumberRequest-v1-0"
            }
            Operation::GetPatientDetailsBySearch => {
                "urn:nhs-en:profile:getPatientDetailsBySearchRequest-v1-0"
            }
            Operation::GetPatientDetails => "urn:nhs-en:profile:getPatientDetailsRequest-v1-0",
        }
    }

    /// The kind of payload this operation answers with.
    pub fn response_kind(self) -> ResponseKind {
        match self {
            Operation::VerifyNhsNumber => ResponseKind::VerifyNhsNumber,
            Operation::GetNhsNumber => ResponseKind::GetNhsNumber,
            _ => ResponseKind::GetPatientDetails,
        }
    }

    /// Whether the schema requires, allows or forbids a query parameter (SPEC.md §3.1–3.5).
    pub fn cardinality(self, parameter: Parameter) -> Cardinality {
        use Cardinality::*;
        use Parameter as P;
        match (self, parameter) {
            (_, P::DateOfBirth) => Required,
            (Operation::VerifyNhsNumber, P::NhsNumber) => Required,
            (Operation::VerifyNhsNumber, P::Name) => Optional,
            (Operation::VerifyNhsNumber, _) => NotAllowed,
            (Operation::GetNhsNumber | Operation::GetPatientDetailsBySearch, p) => match p {
                P::Gender | P::Name => Required,
                P::LocalIdentifier | P::Postcode => Optional,
                _ => NotAllowed,
            },
            (Operation::GetPatientDetailsByNhsNumber, p) => match p {
                P::NhsNumber => Required,
                P::LocalIdentifier | P::Name => Optional,
                _ => NotAllowed,
            },
            (Operation::GetPatientDetails, _) => Optional,
        }
    }

    /// Whether the name in this operation's request is PN.NHS.PersonNameType3, which prohibits
    /// `@use` (getNHSNumber and getPatientDetailsBySearch).
    pub fn name_use_prohibited(self) -> bool {
        matches!(
            self,
            Operation::GetNhsNumber | Operation::GetPatientDetailsBySearch
        )
    }

    /// Whether the operation is a trace (demographic search) where wildcards and partial dates
    /// of birth are allowed. getPatientDetails is a trace when it carries no NHS number.
    pub fn is_trace(self, has_nhs_number: bool) -> bool {
        match self {
            Operation::GetNhsNumber | Operation::GetPatientDetailsBySearch => true,
            Operation::GetPatientDetails => !has_nhs_number,
            Operation::VerifyNhsNumber | Operation::GetPatientDetailsByNhsNumber => false,
        }
    }
}

impl ResponseKind {
    /// All three response kinds.
    pub const ALL: [ResponseKind; 3] = [
        ResponseKind::VerifyNhsNumber,
        ResponseKind::GetNhsNumber,
        ResponseKind::GetPatientDetails,
    ];

    /// Local name of the response payload's root element, which is also its message-type code.
    pub fn root(self) -> &'static str {
        match self {
            ResponseKind::VerifyNhsNumber => "verifyNHSNumberResponse-v1-0",
            ResponseKind::GetNhsNumber => "getNHSNumberResponse-v1-0",
            ResponseKind::GetPatientDetails => "getPatientDetailsResponse-v1-0",
        }
    }

    /// The kind whose root element has this local name.
    pub fn from_root(root: &str) -> Option<ResponseKind> {
        ResponseKind::ALL.into_iter().find(|k| k.root() == root)
    }

    /// The response's manifest profile id.
    pub fn profile(self) -> &'static str {
        match self {
            ResponseKind::VerifyNhsNumber => "urn:nhs-en:profile:verifyNHSNumberResponse-v1-0",
            ResponseKind::GetNhsNumber => "urn:nhs-en:profile:getNHSNumberResponse-v1-0",
            ResponseKind::GetPatientDetails => "urn:nhs-en:profile:getPatientDetailsResponse-v1-0",
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
