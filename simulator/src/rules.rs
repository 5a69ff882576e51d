//! Scenario rules at run time: matching a request's facts against each rule's `when`, in
//! order, and counting uses for `times` and `sequence` (reset by `POST /__admin/reset`).

use std::sync::atomic::{AtomicU32, Ordering};

use smsp_protocol::Operation;

use crate::scenario::{Action, LoadedRule, Match};
use crate::text::{glob_matches, normalise_postcode};

/// What a rule can be matched on, taken from one request.
#[derive(Debug, Clone, Default)]
pub struct RequestFacts<'a> {
    /// The operation.
    pub operation: Option<Operation>,
    /// Person.NHSNumber as sent.
    pub nhs_number: Option<&'a str>,
    /// Person.DateOfBirth as sent.
    pub birth_date: Option<&'a str>,
    /// Person.Name/family.
    pub surname: Option<&'a str>,
    /// Person.Postcode.
    pub postcode: Option<&'a str>,
    /// itk:auditIdentity/itk:id/@uri values.
    pub audit_identities: Vec<&'a str>,
    /// itk:header/@trackingid.
    pub tracking_id: Option<&'a str>,
    /// The client certificate's subject DN.
    pub client_dn: Option<&'a str>,
}

/// The rules of the loaded scenario, with their use counters.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Counted>,
}

#[derive(Debug)]
struct Counted {
    loaded: LoadedRule,
    uses: AtomicU32,
}

/// A rule that answered: its action and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired<'a> {
    /// What to do.
    pub action: &'a Action,
    /// `file#rules[i] (name)`.
    pub origin: &'a str,
}

impl RuleSet {
    /// The rules, in order, with fresh counters.
    pub fn new(rules: Vec<LoadedRule>) -> RuleSet {
        RuleSet {
            rules: rules
                .into_iter()
                .map(|loaded| Counted {
                    loaded,
                    uses: AtomicU32::new(0),
                })
                .collect(),
        }
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Starts every `times` and `sequence` count again.
    pub fn reset(&self) {
        for r in &self.rules {
            r.uses.store(0, Ordering::Relaxed);
        }
    }

    /// The first rule that matches `facts`, still has an answer left, and whose answer
    /// `accept` takes; that use is counted. A rule `accept` declines is not used up, and the
    /// search goes on to the next rule.
    pub fn fire(
        &self,
        facts: &RequestFacts<'_>,
        accept: impl Fn(&Action) -> bool,
    ) -> Option<Fired<'_>> {
        for r in &self.rules {
            let rule = &r.loaded.rule;
            if !matches(&rule.when, facts) {
                continue;
            }
            let Some(peek) = action_at(rule, r.uses.load(Ordering::Relaxed)) else {
                continue;
            };
            if !accept(peek) {
                continue;
            }
            let n = r.uses.fetch_add(1, Ordering::Relaxed);
            if let Some(action) = action_at(rule, n) {
                return Some(Fired {
                    action,
                    origin: &r.loaded.origin,
                });
            }
        }
        None
    }
}

/// The action for the `n`th use (from 0) of a rule, or `None` when it is used up.
fn action_at(rule: &crate::scenario::Rule, n: u32) -> Option<&Action> {
    if rule.times.is_some_and(|t| n >= t) {
        return None;
    }
    if let Some(then) = &rule.then {
        return Some(then);
    }
    let i = usize::try_from(n).unwrap_or(usize::MAX);
    match rule.sequence.get(i) {
        Some(a) => Some(a),
        None if rule.repeat_last => rule.sequence.last(),
        None => None,
    }
}

/// Whether every field `when` names agrees with the request.
pub fn matches(when: &Match, facts: &RequestFacts<'_>) -> bool {
    let text = |pattern: &Option<String>, value: Option<&str>| match pattern {
        None => true,
        Some(p) => value.is_some_and(|v| glob_matches(p, v.trim())),
    };
    if let Some(ops) = &when.operation
        && !facts
            .operation
            .is_some_and(|op| ops.as_slice().iter().any(|o| o.operation() == op))
    {
        return false;
    }
    text(&when.nhs_number, facts.nhs_number)
        && text(&when.birth_date, facts.birth_date)
        && text(&when.surname, facts.surname)
        && text(&when.tracking_id, facts.tracking_id)
        && text(&when.client_dn, facts.client_dn)
        && when.postcode.as_ref().is_none_or(|p| {
            facts
                .postcode
                .is_some_and(|v| glob_matches(&normalise_postcode(p), &normalise_postcode(v)))
        })
        && when.audit_identity.as_ref().is_none_or(|p| {
            facts
                .audit_identities
                .iter()
                .any(|uri| glob_matches(p, uri))
        })
}
