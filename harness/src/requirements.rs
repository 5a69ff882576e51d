//! Short titles of the official requirement ids the suites and checks name (SPEC.md §8),
//! written by us for reports. The official wording lives in NHS England's documents; the TOM
//! evidence pack reads it from the checklist when the user gives one.

/// (id, title), sorted by id.
const TITLES: &[(&str, &str)] = &[
    (
        "COR-DEH-03",
        "The client populates auditIdentity with the originating user",
    ),
    (
        "COR-DEH-04",
        "Audit identity URI and type follow the ITK rules",
    ),
    ("MSCA-AUD-02", "All SMS message exchanges are audited"),
    (
        "MSCA-AUD-03",
        "Audit records carry user, time, event, patient and MessageID",
    ),
    (
        "MSCA-AUD-04",
        "The initiating user's audit identifier is sent in auditIdentity",
    ),
    (
        "MSCA-AUD-06",
        "Time comes from a stratum-3 (or better) source",
    ),
    ("MSCA-AUD-07", "Timestamps follow the time-zone guidance"),
    (
        "MSCA-DQ-03",
        "Superseded NHS numbers (DEMOG-0017) are replaced and reported",
    ),
    (
        "MSCA-DQ-04",
        "Invalidated records (DEMOG-0022) are flagged at every access",
    ),
    ("MSCA-IG-02", "Users are authenticated"),
    ("MSCA-PDS-01", "Tracing follows best practice"),
    (
        "MSCA-PDS-05",
        "Local records are synchronised with PDS at relevant events",
    ),
    ("MSCA-PDS-07", "Wildcards are used appropriately"),
    (
        "SMSP-ERR-005",
        "Business outcomes are distinguishable by response code",
    ),
    (
        "SMSP-ERR-006",
        "Validation errors detected by PDS are reported",
    ),
    (
        "SMSP-MESSAGES-001",
        "The provider documents how the SMSP API maps to Spine messages",
    ),
    ("WS-ADR-01", "wsa:MessageID is a UUID"),
    ("WS-ADR-08", "No WS-Addressing ReferenceProperties"),
];

/// The title of a requirement id, if we know it.
pub fn title(id: &str) -> Option<&'static str> {
    TITLES
        .binary_search_by(|(k, _)| (*k).cmp(id))
        .ok()
        .map(|i| TITLES[i].1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(super::TITLES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            super::title("MSCA-PDS-07"),
            Some("Wildcards are used appropriately")
        );
        assert_eq!(super::title("NOPE"), None);
    }
}
