//! The in-memory journal gives back exactly the exchanges it was given: every field, absent
//! and empty values kept apart, any text, bodies byte for byte; and it keeps the newest
//! `capacity` of them, counting the ones it let go.

use bytes::Bytes;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use smsp_simulator::journal::{
    Answer, AnswerKind, ClientCertificate, Exchange, Journal, QuerySummary, RecordedBody,
    RecordedFinding,
};

/// Any text, empty included, with the characters journals meet (quotes, markup, non-ASCII).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 <>&\"'=:/.-]{0,40}",
        any::<String>(),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

fn body() -> impl Strategy<Value = RecordedBody> {
    (opt_text(), vec(any::<u8>(), 0..200))
        .prop_map(|(content_type, bytes)| RecordedBody::shared(content_type, Bytes::from(bytes)))
}

fn finding() -> impl Strategy<Value = RecordedFinding> {
    (text(), vec(text(), 0..3), text(), text(), text(), text()).prop_map(
        |(rule, requirements, severity, consequence, message, location)| RecordedFinding {
            rule,
            requirements,
            severity,
            consequence,
            message,
            location,
        },
    )
}

fn query() -> impl Strategy<Value = QuerySummary> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(
            |(nhs_number, birth_date, gender, given, surname, postcode, local_identifier)| {
                QuerySummary {
                    nhs_number,
                    birth_date,
                    gender,
                    given,
                    surname,
                    postcode,
                    local_identifier,
                }
            },
        )
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        prop_oneof![
            Just(AnswerKind::Response),
            Just(AnswerKind::Fault),
            Just(AnswerKind::Http),
            Just(AnswerKind::Busy),
            Just(AnswerKind::Dropped),
            Just(AnswerKind::Garbage),
        ],
        option::of(any::<u16>()),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(
            |(kind, http_status, response_code, fault_code, error_code)| Answer {
                kind,
                http_status,
                response_code,
                fault_code,
                error_code,
            },
        )
}

fn exchange() -> impl Strategy<Value = Exchange> {
    let head =
        (
            any::<u64>(),
            text(),
            any::<f64>(),
            option::of(any::<u64>()),
            opt_text(),
            option::of((text(), text(), text()).prop_map(
                |(subject_dn, issuer_dn, fingerprint)| ClientCertificate {
                    subject_dn,
                    issuer_dn,
                    fingerprint_sha256: fingerprint,
                },
            )),
            opt_text(),
            opt_text(),
        );
    let header = (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        vec(text(), 0..3),
    );
    let outcome = (
        option::of(query()),
        answer(),
        opt_text(),
        opt_text(),
        text(),
        vec(finding(), 0..3),
        body(),
        option::of(body()),
    );
    (head, header, outcome).prop_map(
        |(
            (id, received_at, latency_ms, delay_ms, peer, client, operation, soap_action),
            (message_id, tracking_id, timestamp_created, username, audit_identities),
            (query, answer, rule, patient, reason, findings, request, response),
        )| Exchange {
            id,
            received_at,
            latency_ms,
            delay_ms,
            peer,
            client,
            operation,
            soap_action,
            message_id,
            tracking_id,
            timestamp_created,
            username,
            audit_identities,
            query,
            answer,
            rule,
            patient,
            reason,
            findings,
            request,
            response,
        },
    )
}

/// `PartialEq` on `f64` fails for NaN; the journal keeps the bits.
fn same(a: &Exchange, b: &Exchange) -> bool {
    a.latency_ms.to_bits() == b.latency_ms.to_bits()
        && Exchange {
            latency_ms: 0.0,
            ..a.clone()
        } == Exchange {
            latency_ms: 0.0,
            ..b.clone()
        }
}

proptest! {
    #[test]
    fn the_journal_gives_back_what_it_was_given(exchanges in vec(exchange(), 1..6)) {
        let journal = Journal::in_memory(16);
        for e in &exchanges {
            journal.record(e.clone());
        }
        let held = journal.exchanges();
        prop_assert_eq!(held.len(), exchanges.len());
        for (given, back) in exchanges.iter().zip(&held) {
            prop_assert!(same(given, back), "given {given:#?}\nback {back:#?}");
        }
        let last = exchanges.last().unwrap();
        let found = journal.get(last.id).unwrap();
        // Ids are arbitrary here, so an earlier exchange may share the last one's id.
        let first_with_id = exchanges.iter().find(|e| e.id == last.id).unwrap();
        prop_assert!(same(first_with_id, &found));
    }
}

#[test]
fn a_full_journal_keeps_the_newest_and_counts_the_rest() {
    let journal = Journal::in_memory(3);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let template = exchange().new_tree(&mut runner).unwrap().current();
    for id in 1..=5 {
        journal.record(Exchange {
            id,
            reason: format!("exchange {id}"),
            ..template.clone()
        });
    }
    assert_eq!(journal.len(), 3);
    assert_eq!(journal.evicted(), 2);
    let held: Vec<(u64, String)> = journal
        .exchanges()
        .into_iter()
        .map(|e| (e.id, e.reason))
        .collect();
    assert_eq!(
        held,
        [3, 4, 5].map(|id| (id, format!("exchange {id}"))).to_vec()
    );
    assert!(journal.get(2).is_none());
    assert_eq!(journal.get(4).unwrap().reason, "exchange 4");
    journal.clear();
    assert!(journal.is_empty());
    assert_eq!(journal.evicted(), 0);

    let none = Journal::in_memory(0);
    none.record(template);
    assert!(none.is_empty());
}
