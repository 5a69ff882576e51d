//! Namespace URIs and object identifiers (OIDs) that appear on the SMSP wire.
//!
//! One place for every constant, so the parser, builder and checker can never disagree about a
//! namespace or a code system (SPEC.md §1.4, §3.0, §4.2, §5.2).

/// SOAP 1.1 envelope namespace: the only SOAP version SMSP speaks.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace: recognised only so it can be refused with a VersionMismatch fault.
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// WS-Addressing 1.0.
pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
/// WS-Security secext 1.0.
pub const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// WS-Security utility 1.0 (Timestamp, wsu:Id).
pub const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/// ITK 2010-05 namespace (Distribution Envelope, ToolkitErrorInfo).
pub const ITK: &str = "urn:nhs-itk:ns:201005";
/// HL7 v3: the default namespace of every PDS payload.
pub const HL7: &str = "urn:hl7-org:v3";
/// XML Schema instance (xsi:nil, xsi:type).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// wsa:ReplyTo value required for synchronous services.
pub const WSA_ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
/// wsa:Action of an ITK SOAP fault.
pub const WSA_SOAP_FAULT_ACTION: &str = "http://www.w3.org/2005/08/addressing/soap/fault";
/// wsa:Action TKW uses for MustUnderstand faults.
pub const WSA_FAULT_ACTION: &str = "http://www.w3.org/2005/08/addressing/fault";

/// Prefix of every PDS mini-service URN (service and SOAPAction).
pub const SERVICE_PREFIX: &str = "urn:nhs-itk:services:201005:";
/// Prefix of every manifest profile id.
pub const PROFILE_PREFIX: &str = "urn:nhs-en:profile:";

/// Code system of payload message-type codes (`code/@code`).
pub const OID_MESSAGE_TYPE: &str = "2.16.840.1.113883.2.1.3.2.4.17.284";
/// Code system of PDS mini-service response codes (`value/@code`).
pub const OID_PDS_RESPONSE_CODE: &str = "2.16.840.1.113883.2.1.3.2.4.17.285";
/// Code system of the verifyNHSNumber "VI" (valid identifier) observation code.
pub const OID_VALID_IDENTIFIER: &str = "2.16.840.1.113883.2.1.3.2.4.17.287";
/// Code system of ITK fault ErrorCode values.
pub const OID_ITK_ERROR_CODE: &str = "2.16.840.1.113883.2.1.3.2.4.17.268";
/// NHS number identifier root.
pub const OID_NHS_NUMBER: &str = "2.16.840.1.113883.2.1.4.1";
/// Administrative gender code system.
pub const OID_GENDER: &str = "2.16.840.1.113883.2.1.3.2.4.16.25";
/// ODS organisation code root (GP practice id).
pub const OID_ODS_CODE: &str = "2.16.840.1.113883.2.1.3.2.4.19.2";
/// Local identifier root used by OIH clients and our builders by default.
pub const OID_LOCAL_IDENTIFIER: &str = "2.16.840.1.113883.2.1.3.2.4.18.24";
/// Default `@type` of an ITK audit identity id (toolkit identity).
pub const OID_ITK_AUDIT_IDENTITY: &str = "2.16.840.1.113883.2.1.3.2.4.18.27";
/// Default `@type` of an ITK address.
pub const OID_ITK_ADDRESS: &str = "2.16.840.1.113883.2.1.3.2.4.18.22";
/// Spine ASID (accredited system id) OID, as used in audit identities against NHS Digital SMSP.
pub const OID_SPINE_ASID: &str = "1.2.826.0.1285.0.2.0.107";

/// Audit identity exempt from the wsa:To requirement (SPEC.md §1.5).
pub const ITK_DEMONSTRATOR_IDENTITY: &str = "urn:nhs-uk:identity:cfh:nic:lab:itk-demonstrator";
