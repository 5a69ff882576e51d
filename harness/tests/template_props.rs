//! Templates never panic, whatever the text, and a template without braces is itself.

use std::collections::BTreeMap;

use proptest::prelude::*;
use smsp_harness::suite::template::{facts_used, fill};

fn facts() -> BTreeMap<String, String> {
    [
        ("family", "SMITH"),
        ("birth_date", "19700101"),
        ("given", "ÉLODIE"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

proptest! {
    #[test]
    fn any_text_fills_or_errors_without_panicking(text in ".{0,64}") {
        let _ = fill(&text, &facts());
        let _ = facts_used(&text);
    }

    #[test]
    fn text_without_braces_is_unchanged(text in "[^{}]{0,64}") {
        prop_assert_eq!(fill(&text, &facts()).unwrap(), text);
    }

    #[test]
    fn a_prefix_takes_at_most_n_characters(n in 0usize..12) {
        let out = fill(&format!("{{given:{n}}}"), &facts()).unwrap();
        prop_assert_eq!(out.chars().count(), n.min(6));
    }
}
