//! The four mini services that own a response-code system, and their official OIDs.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::UnknownService;

/// The official code-system OIDs (SMSP Response Codes v1.0, header row).
pub mod oid {
    /// `GenericMiniServiceResponseCode`. Defined in the spreadsheet but never seen on the wire: every
    /// provider qualifies `SMSP-*` codes with its own service's OID.
    pub const GENERIC: &str = "2.16.840.1.113883.2.1.3.2.4.17.500";
    /// `CP-ISMiniServiceResponseCode`.
    pub const CP_IS: &str = "2.16.840.1.113883.2.1.3.2.4.17.499";
    /// `PDSMiniServiceResponseCode`.
    pub const PDS: &str = "2.16.840.1.113883.2.1.3.2.4.17.285";
    /// `SCRMiniServiceResponseCode`.
    pub const SCR: &str = "2.16.840.1.113883.2.1.3.2.4.17.506";
}

/// A mini service with its own response-code system (one spreadsheet column).
///
/// The order of the variants is the canonical table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Service {
    /// Codes common to all mini services (`SMSP-*`).
    #[serde(rename = "Generic")]
    Generic,
    /// Child Protection Information Sharing.
    #[serde(rename = "CP-IS")]
    CpIs,
    /// Personal Demographics Service.
    #[serde(rename = "PDS")]
    Pds,
    /// Summary Care Record.
    #[serde(rename = "SCR")]
    Scr,
}

impl Service {
    /// Every service, in canonical order.
    pub const ALL: [Service; 4] = [Service::Generic, Service::CpIs, Service::Pds, Service::Scr];

    /// The short display name: `Generic`, `CP-IS`, `PDS` or `SCR`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Generic => "Generic",
            Service::CpIs => "CP-IS",
            Service::Pds => "PDS",
            Service::Scr => "SCR",
        }
    }

    /// The code-system name used in the spreadsheet header, e.g. `PDSMiniServiceResponseCode`.
    pub fn code_system_name(self) -> &'static str {
        match self {
            Service::Generic => "GenericMiniServiceResponseCode",
            Service::CpIs => "CP-ISMiniServiceResponseCode",
            Service::Pds => "PDSMiniServiceResponseCode",
            Service::Scr => "SCRMiniServiceResponseCode",
        }
    }

    /// The OID the official spreadsheet gives this service's code system.
    pub fn official_oid(self) -> &'static str {
        match self {
            Service::Generic => oid::GENERIC,
            Service::CpIs => oid::CP_IS,
            Service::Pds => oid::PDS,
            Service::Scr => oid::SCR,
        }
    }

    /// Recognises a service from a header or user-supplied name, ignoring case, spaces and
    /// punctuation, so `PDSMiniServiceResponseCode`, `CP-IS`, `cpis` and `scr` all match.
    pub(crate) fn from_loose_name(name: &str) -> Option<Service> {
        let norm: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        [
            ("generic", Service::Generic),
            ("cpis", Service::CpIs),
            ("pds", Service::Pds),
            ("scr", Service::Scr),
        ]
        .into_iter()
        .find(|(prefix, _)| norm.starts_with(prefix))
        .map(|(_, service)| service)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Service {
    type Err = UnknownService;

    /// Accepts the display names and loose spellings (`generic`, `CP-IS`, `cpis`, `pds`, `SCR`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Service::from_loose_name(s).ok_or_else(|| UnknownService(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_loose_names() {
        assert_eq!("cp-is".parse::<Service>().unwrap(), Service::CpIs);
        assert_eq!("PDS".parse::<Service>().unwrap(), Service::Pds);
        assert_eq!(
            Service::from_loose_name("GenericMiniServiceResponseCode "),
            Some(Service::Generic)
        );
        assert!("ACS".parse::<Service>().is_err());
        for s in Service::ALL {
            assert_eq!(s.name().parse::<Service>().unwrap(), s);
            assert_eq!(Service::from_loose_name(s.code_system_name()), Some(s));
        }
    }
}
