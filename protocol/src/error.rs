//! Typed errors of the protocol crate. Every parse error names where it happened and what a
//! sender should do, and maps to the SOAP fault a provider returns for it (SPEC.md §4.3).

use crate::model::{FaultCode, ItkErrorCode};

/// Why bytes could not be read as an SMSP SOAP message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The document is larger than [`crate::ParseLimits::max_bytes`].
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the document.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The bytes are not valid UTF-8 (and no other encoding was declared).
    #[error(
        "document is not valid UTF-8 at byte {offset} (line {line}, column {column}); send UTF-8 or declare encoding=\"ISO-8859-1\""
    )]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// 1-based line.
        line: usize,
        /// 1-based column (in bytes).
        column: usize,
    },
    /// An encoding other than UTF-8, US-ASCII or ISO-8859-1.
    #[error("unsupported character encoding {encoding:?}; send UTF-8")]
    UnsupportedEncoding {
        /// The encoding declared or labelled.
        encoding: String,
    },
    /// A document type declaration: refused so that no entity can ever be declared or expanded.
    #[error(
        "document type declarations (DTDs) are refused, found one at line {line}, column {column}; remove the <!DOCTYPE …>"
    )]
    DtdRefused {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A reference to an entity other than the five predefined ones.
    #[error(
        "undeclared entity &{name}; at line {line}, column {column}; only &lt; &gt; &amp; &apos; &quot; and character references are allowed"
    )]
    UndeclaredEntity {
        /// The entity name.
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Elements nested deeper than [`crate::ParseLimits::max_depth`].
    #[error("elements are nested deeper than {limit} levels at line {line}, column {column}")]
    TooDeep {
        /// The limit in force.
        limit: usize,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// More elements than [`crate::ParseLimits::max_elements`].
    #[error("document has more than {limit} elements")]
    TooManyElements {
        /// The limit in force.
        limit: usize,
    },
    /// An attribute value or text longer than [`crate::ParseLimits::max_value_len`].
    #[error(
        "a value of {len} bytes at line {line}, column {column} is over the limit of {limit} bytes"
    )]
    ValueTooLong {
        /// Length of the value.
        len: usize,
        /// The limit in force.
        limit: usize,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The document ends inside an element.
    #[error(
        "document is truncated: <{open_element}> is not closed at line {line}, column {column}"
    )]
    Truncated {
        /// The innermost element left open.
        open_element: String,
        /// 1-based line of the end of input.
        line: usize,
        /// 1-based column of the end of input.
        column: usize,
    },
    /// Not well-formed XML.
    #[error("malformed XML at line {line}, column {column}: {message}")]
    Malformed {
        /// What the XML reader reported.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// No document element at all.
    #[error("document is empty: expected a SOAP 1.1 soap:Envelope")]
    Empty,
    /// A SOAP 1.2 envelope.
    #[error(
        "SOAP 1.2 envelope (namespace http://www.w3.org/2003/05/soap-envelope); SMSP speaks SOAP 1.1: use http://schemas.xmlsoap.org/soap/envelope/"
    )]
    Soap12,
    /// The document element is not a SOAP envelope.
    #[error("document element is {{{namespace}}}{name}, not a SOAP 1.1 Envelope")]
    NotSoapEnvelope {
        /// Namespace of the document element.
        namespace: String,
        /// Local name of the document element.
        name: String,
    },
    /// A required element of the envelope or Distribution Envelope is missing.
    #[error("missing {element} in {parent}")]
    MissingElement {
        /// The element expected (prefixed, e.g. `itk:header`).
        element: &'static str,
        /// Where it was expected.
        parent: &'static str,
    },
    /// `soap:Body` carries neither an ITK Distribution Envelope nor a SOAP fault.
    #[error(
        "soap:Body carries {{{namespace}}}{name}; expected itk:DistributionEnvelope or soap:Fault"
    )]
    UnexpectedBody {
        /// Namespace of the element found.
        namespace: String,
        /// Local name of the element found.
        name: String,
    },
}

/// The SOAP fault a provider answers with (the fault code and the ITK error code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultClass {
    /// `faultcode`.
    pub code: FaultCode,
    /// `itk:ErrorCode`.
    pub error_code: ItkErrorCode,
}

impl ParseError {
    /// The fault a provider returns for this error: VersionMismatch for SOAP 1.2, otherwise a
    /// Client fault with ITK error 1000 (invalid message) (SPEC.md §4.3).
    pub fn fault_class(&self) -> FaultClass {
        match self {
            ParseError::Soap12 => FaultClass {
                code: FaultCode::VersionMismatch,
                error_code: ItkErrorCode::InvalidMessage,
            },
            _ => FaultClass {
                code: FaultCode::Client,
                error_code: ItkErrorCode::InvalidMessage,
            },
        }
    }
}
