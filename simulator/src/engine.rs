//! The engine: turns one request's bytes into the simulator's answer and a journal entry.
//!
//! Transport-free (the server in [`crate::server`] does HTTP, TLS, delays and dropped
//! connections), so the whole decision can be tested without sockets. The order of decisions
//! (scenarios/README.md documents it for users):
//!
//! 1. bytes that are not a SOAP 1.1 message → ITK fault (VersionMismatch for SOAP 1.2);
//! 2. the conformance checker judges the request ([`smsp_protocol::check`]);
//! 3. the first scenario rule that matches answers — except that a rule answering with a
//!    response code yields to a fault the checker requires (an envelope defect), because
//!    the real service rejects those before any business logic runs;
//! 4. otherwise the checker's consequence: a fault, or SMSP-0001 for bad content;
//! 5. otherwise PDS semantics over the patient store ([`crate::pds`]).

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use smsp_protocol::check::{self, Consequence};
use smsp_protocol::messages::{self, ResponseContent};
use smsp_protocol::{
    CheckContext, Clock, Envelope, FaultCode, IdSource, ItkErrorCode, Operation, ParseLimits,
    ParsedMessage, PayloadBody, WriteOptions, parse_message_with, to_xml_with, transport,
};

use crate::journal::{
    Answer, AnswerKind, ClientCertificate, Exchange, Journal, QuerySummary, RecordedBody,
    RecordedFinding,
};
use crate::pds::{self, Outcome};
use crate::rules::{RequestFacts, RuleSet};
use crate::scenario::model::{FaultKind, SpineUnavailable};
use crate::scenario::{Action, ResolvedOptions, Scenario, Source};
use crate::store::PatientStore;

/// The loaded scenario, ready to serve; swapped whole on reload.
#[derive(Debug)]
pub struct World {
    /// Where it came from.
    pub sources: Vec<Source>,
    /// Answer shaping.
    pub options: ResolvedOptions,
    /// Rules with their counters.
    pub rules: RuleSet,
    /// The patients.
    pub store: PatientStore,
}

impl World {
    /// Indexes a scenario.
    pub fn new(scenario: Scenario) -> World {
        World {
            sources: scenario.sources,
            options: scenario.options,
            rules: RuleSet::new(scenario.rules),
            store: PatientStore::new(scenario.patients),
        }
    }
}

/// Loads the scenario again (for reload and `--watch`); the error is shown to the user.
pub type Loader = Arc<dyn Fn() -> Result<Scenario, String> + Send + Sync>;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Limits on request documents.
    pub parse_limits: ParseLimits,
    /// How far a client's wsu:Created may be ahead of the simulator's clock.
    pub max_clock_skew_seconds: i64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            parse_limits: ParseLimits::default(),
            max_clock_skew_seconds: CheckContext::at(time::OffsetDateTime::UNIX_EPOCH)
                .max_clock_skew_seconds,
        }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The body.
    pub body: Bytes,
    /// The Content-Type header.
    pub content_type: Option<String>,
    /// The SOAPAction header, as sent.
    pub soap_action: Option<String>,
    /// The client's address.
    pub peer: Option<SocketAddr>,
    /// The client certificate, under mutual TLS.
    pub client: Option<ClientCertificate>,
}

/// What the server must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Then this.
    pub delivery: Delivery,
    /// The journal entry's id.
    pub exchange_id: u64,
}

/// How the answer leaves the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// An HTTP response.
    Http {
        /// Status code.
        status: u16,
        /// Content-Type.
        content_type: String,
        /// Body.
        body: Bytes,
    },
    /// Close the connection without answering.
    Drop,
    /// Write these bytes instead of an HTTP response, then close.
    Garbage(Vec<u8>),
}

/// Bytes sent for a `garbage` rule: not HTTP, not XML, not even text.
pub const GARBAGE: &[u8] =
    b"\x00\x17\x03\xff\xfe smsp: this is deliberately not HTTP \x80\x81\x82\r\n\r\n";

/// The SOAP media type the real service answers with (no charset, SPEC.md §1.1).
const TEXT_XML: &str = "text/xml";

/// The simulator's decision-maker.
pub struct Engine {
    world: RwLock<Arc<World>>,
    journal: Journal,
    clock: Arc<dyn Clock>,
    /// The clock request timestamps are judged against, when it is not `clock` (a seeded run
    /// stamps its journal deterministically but must judge clients' real timestamps by the
    /// real time).
    judge_clock: Option<Arc<dyn Clock>>,
    ids: Arc<dyn IdSource>,
    loader: Option<Loader>,
    config: EngineConfig,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("world", &self.world())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What a reload changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReloadSummary {
    /// Patients now served.
    pub patients: usize,
    /// Rules now served.
    pub rules: usize,
    /// Files loaded.
    pub sources: Vec<String>,
}

impl Engine {
    /// An engine serving `scenario`.
    pub fn new(
        scenario: Scenario,
        journal: Journal,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        config: EngineConfig,
    ) -> Engine {
        Engine {
            world: RwLock::new(Arc::new(World::new(scenario))),
            journal,
            clock,
            judge_clock: None,
            ids,
            loader: None,
            config,
        }
    }

    /// Judges request timestamps (wsu:Created, wsu:Expires) against `clock` instead of the
    /// engine's clock.
    pub fn with_judge_clock(mut self, clock: Arc<dyn Clock>) -> Engine {
        self.judge_clock = Some(clock);
        self
    }

    /// Lets [`Engine::reload`] load the scenario again.
    pub fn with_loader(mut self, loader: Loader) -> Engine {
        self.loader = Some(loader);
        self
    }

    /// The scenario being served now.
    pub fn world(&self) -> Arc<World> {
        Arc::clone(&self.world.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// Swaps in a new scenario atomically: requests in flight finish on the old one.
    pub fn replace(&self, scenario: Scenario) -> ReloadSummary {
        let world = Arc::new(World::new(scenario));
        let summary = ReloadSummary {
            patients: world.store.len(),
            rules: world.rules.len(),
            sources: world
                .sources
                .iter()
                .map(|s| s.path.display().to_string())
                .collect(),
        };
        *self.world.write().unwrap_or_else(|p| p.into_inner()) = world;
        summary
    }

    /// Loads the scenario again and swaps it in; an invalid scenario is refused with its
    /// errors and the current one keeps serving.
    pub fn reload(&self) -> Result<ReloadSummary, String> {
        let Some(loader) = &self.loader else {
            return Err("this simulator was started without a scenario loader".to_owned());
        };
        let scenario = loader()?;
        Ok(self.replace(scenario))
    }

    /// Starts the rules' `times` and `sequence` counts again.
    pub fn reset(&self) {
        self.world().rules.reset();
    }

    /// Decides the answer to one request and journals the exchange.
    pub fn handle(&self, inbound: Inbound) -> Reply {
        let started = Instant::now();
        let received_at = self.clock.now();
        let world = self.world();
        let soap_action = inbound
            .soap_action
            .as_deref()
            .and_then(transport::soap_action);
        let charset = inbound.content_type.as_deref().and_then(transport::charset);
        let mut entry = self.new_entry(&inbound, soap_action.map(str::to_owned), received_at);

        let decision = match parse_message_with(&inbound.body, charset, &self.config.parse_limits) {
            Err(e) => {
                let class = e.fault_class();
                Decision::fault(
                    class.code,
                    class.error_code,
                    &format!("the request is not a usable SOAP 1.1 message: {e}"),
                    None,
                    format!("unparsable request: {e}"),
                )
            }
            Ok(parsed) => {
                let judged_at = match &self.judge_clock {
                    Some(c) => c.now(),
                    None => received_at,
                };
                let cx = CheckContext {
                    max_clock_skew_seconds: self.config.max_clock_skew_seconds,
                    ..CheckContext::at(judged_at)
                }
                .with_soap_action(soap_action);
                let findings = check::check(&parsed, &cx);
                entry.findings = findings.iter().map(RecordedFinding::from).collect();
                let decision = self.decide(&parsed, &findings, &world, &inbound, &mut entry);
                // The request is done with: the journal takes its values rather than copies.
                describe(parsed.envelope, &mut entry);
                decision
            }
        };

        let (delay, delivery) = self.deliver(decision, &mut entry);
        entry.delay_ms = delay.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        entry.latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        let exchange_id = entry.id;
        self.journal.record(entry);
        Reply {
            delay,
            delivery,
            exchange_id,
        }
    }

    /// Journals a request the server refused before it reached the engine (body too large,
    /// too slow, wrong method or media type) and returns the HTTP answer to send.
    pub fn refuse(&self, inbound: Inbound, status: u16, reason: &str) -> Reply {
        let body = Bytes::from(format!("{reason}\n"));
        let mut entry = self.new_entry(&inbound, inbound.soap_action.clone(), self.clock.now());
        entry.answer.kind = AnswerKind::Http;
        entry.answer.http_status = Some(status);
        entry.reason = reason.to_owned();
        entry.response = Some(RecordedBody::shared(
            Some("text/plain".to_owned()),
            body.clone(),
        ));
        let exchange_id = entry.id;
        self.journal.record(entry);
        Reply {
            delay: None,
            delivery: Delivery::Http {
                status,
                content_type: "text/plain; charset=utf-8".to_owned(),
                body,
            },
            exchange_id,
        }
    }

    /// A journal entry for `inbound`, stamped now, with nothing decided yet.
    fn new_entry(
        &self,
        inbound: &Inbound,
        soap_action: Option<String>,
        received_at: time::OffsetDateTime,
    ) -> Exchange {
        Exchange {
            id: self.journal.next_id(),
            received_at: format_time(received_at),
            latency_ms: 0.0,
            delay_ms: None,
            peer: inbound.peer.map(peer_text),
            client: inbound.client.clone(),
            operation: None,
            soap_action,
            message_id: None,
            tracking_id: None,
            timestamp_created: None,
            username: None,
            audit_identities: Vec::new(),
            query: None,
            answer: Answer {
                kind: AnswerKind::Response,
                http_status: None,
                response_code: None,
                fault_code: None,
                error_code: None,
            },
            rule: None,
            patient: None,
            reason: String::new(),
            findings: Vec::new(),
            request: RecordedBody::shared(inbound.content_type.clone(), inbound.body.clone()),
            response: None,
        }
    }

    fn decide(
        &self,
        parsed: &ParsedMessage,
        findings: &[smsp_protocol::Finding],
        world: &World,
        inbound: &Inbound,
        entry: &mut Exchange,
    ) -> Decision {
        let envelope = &parsed.envelope;
        let consequence = check::consequence_of(findings);
        let operation = envelope.operation();

        // 3. Rules. A rule that answers with a response code yields to a required fault.
        // (The facts rules match on are gathered only when there are rules.)
        let checker_faults = consequence.is_fault();
        let fired = if world.rules.is_empty() {
            None
        } else {
            world
                .rules
                .fire(&facts(envelope, operation, inbound), |action| {
                    !(checker_faults && answers_with_code(action))
                })
        };
        let mut delay = None;
        if let Some(fired) = fired {
            entry.rule = Some(fired.origin.to_owned());
            delay = fired.action.delay_ms.map(Duration::from_millis);
            if let Some(decision) =
                self.rule_decision(fired.action, fired.origin, envelope, operation, world)
            {
                return decision.delayed(delay);
            }
        }

        // 4. The checker's consequence.
        let decision = match consequence {
            Consequence::Fault { code, error_code } => {
                let first = findings.iter().find(|f| {
                    f.consequence.is_fault() && f.severity == smsp_protocol::Severity::Error
                });
                let (text, diag) = match first {
                    Some(f) => (
                        f.message.clone(),
                        Some(format!("{}: {}", f.rule, f.location)),
                    ),
                    None => ("the request was refused".to_owned(), None),
                };
                Decision::fault(
                    code,
                    error_code,
                    &text,
                    diag.as_deref(),
                    format!("the conformance checker requires a fault: {text}"),
                )
            }
            Consequence::ResponseCode(code) => match operation {
                Some(op) => {
                    let first = findings
                        .iter()
                        .find(|f| f.consequence == Consequence::ResponseCode(code))
                        .map(|f| f.message.clone())
                        .unwrap_or_default();
                    Decision::Respond {
                        operation: op,
                        outcome: Outcome::bare(
                            op,
                            code,
                            format!("input message validation error: {first}"),
                        ),
                    }
                }
                None => Decision::fault(
                    FaultCode::Client,
                    ItkErrorCode::InvalidMessage,
                    "the request names no PDS operation",
                    None,
                    "no operation to answer".to_owned(),
                ),
            },
            // 5. PDS semantics.
            Consequence::ReportOnly => match (operation, envelope.pds_request()) {
                (Some(op), Some(request)) => Decision::Respond {
                    operation: op,
                    outcome: pds::answer(request, &world.store, &world.options),
                },
                (Some(op), None) => Decision::Respond {
                    operation: op,
                    outcome: Outcome::bare(
                        op,
                        "SMSP-0001",
                        "the payload is not a PDS request the simulator can read",
                    ),
                },
                (None, _) => Decision::fault(
                    FaultCode::Client,
                    ItkErrorCode::InvalidMessage,
                    "the request names no PDS operation (wsa:Action and itk:header/@service are not PDS mini-service URNs)",
                    None,
                    "no PDS operation".to_owned(),
                ),
            },
        };
        decision.delayed(delay)
    }

    /// The decision a rule's action makes; `None` for a delay-only action (the normal answer
    /// follows the delay).
    fn rule_decision(
        &self,
        action: &Action,
        origin: &str,
        envelope: &Envelope,
        operation: Option<Operation>,
        world: &World,
    ) -> Option<Decision> {
        let why = |what: &str| format!("rule {origin}: {what}");
        if action.drop_connection {
            return Some(Decision::Drop(why("drop the connection")));
        }
        if action.garbage {
            return Some(Decision::Garbage(why("send bytes that are not HTTP")));
        }
        if action.busy {
            return Some(Decision::Busy(why("HTTP 503 busy tone")));
        }
        if let Some(http) = &action.http {
            return Some(Decision::RawHttp {
                status: http.status,
                content_type: http
                    .content_type
                    .clone()
                    .unwrap_or_else(|| "text/plain".to_owned()),
                body: Bytes::from(http.body.clone()),
                reason: why(&format!("raw HTTP {}", http.status)),
            });
        }
        if let Some(fault) = &action.fault {
            let (code, error_code, text) = fault_parts(fault.kind);
            let text = fault.text.clone().unwrap_or_else(|| text.to_owned());
            return Some(Decision::fault(
                code,
                error_code,
                &text,
                fault.diagnostic.as_deref(),
                why(&format!("fault {}", fault_kind_name(fault.kind))),
            ));
        }
        let op = operation?;
        if let Some(unavailable) = action.spine_unavailable {
            let outcome = match unavailable {
                SpineUnavailable::Down => {
                    Outcome::bare(op, "SMSP-0004", why("Spine unavailable, no local store"))
                }
                SpineUnavailable::Cached => {
                    let normal = match envelope.pds_request() {
                        Some(request) => pds::answer(request, &world.store, &world.options),
                        None => Outcome::bare(op, "SMSP-0001", "unreadable payload"),
                    };
                    let reason = why(&format!(
                        "Spine unavailable, answered from the local store ({})",
                        normal.reason
                    ));
                    let recoded = if normal.code() == "SMSP-0000" {
                        normal.recoded("SMSP-0003")
                    } else {
                        normal
                    };
                    Outcome { reason, ..recoded }
                }
            };
            return Some(Decision::Respond {
                operation: op,
                outcome,
            });
        }
        if let Some(code) = &action.code {
            let patient = action
                .patient
                .as_ref()
                .and_then(|n| world.store.get(n.as_str()));
            let with_body = matches!(code.as_str(), "SMSP-0000" | "SMSP-0003" | "DEMOG-0017");
            let outcome = match (patient, envelope.pds_request()) {
                (Some(p), request) if with_body => {
                    let empty = smsp_protocol::PdsRequest {
                        operation: op,
                        id: String::new(),
                        code: Default::default(),
                        query: Default::default(),
                    };
                    let request = request.unwrap_or(&empty);
                    Outcome {
                        content: content_for(op, code, p, request, &world.options),
                        patient: Some(p.nhs_number.as_str().to_owned()),
                        reason: why(&format!("{code} with patient {}", p.nhs_number.as_str())),
                    }
                }
                _ => Outcome::bare(op, code, why(code)),
            };
            return Some(Decision::Respond {
                operation: op,
                outcome,
            });
        }
        None
    }

    /// Turns a decision into bytes (or a network action) and completes the journal entry.
    fn deliver(&self, decision: Decision, entry: &mut Exchange) -> (Option<Duration>, Delivery) {
        let (delay, decision) = match decision {
            Decision::Delayed(d, inner) => (Some(d), *inner),
            other => (None, other),
        };
        let relates_to = None; // the real service sends no RelatesTo (SPEC.md §1.6)
        let delivery = match decision {
            Decision::Respond { operation, outcome } => {
                entry.answer.response_code = Some(outcome.code().to_owned());
                let pds::Outcome {
                    content,
                    patient,
                    reason,
                } = outcome;
                entry.patient = patient;
                entry.reason = reason;
                // Written straight to XML: the envelope would only be built to be written.
                let xml = messages::response_xml(
                    operation,
                    content,
                    relates_to,
                    &*self.ids,
                    &WriteOptions::default(),
                );
                self.xml(200, xml, AnswerKind::Response, entry)
            }
            Decision::Fault {
                code,
                error_code,
                text,
                diagnostic,
                reason,
            } => {
                entry.answer.fault_code = Some(code.local_name().to_owned());
                entry.answer.error_code = Some(error_code.as_str().to_owned());
                entry.reason = reason;
                let envelope = messages::fault(
                    code,
                    error_code,
                    &text,
                    diagnostic.as_deref(),
                    relates_to,
                    &*self.ids,
                );
                let xml = to_xml_with(&envelope, &WriteOptions::default());
                self.xml(500, xml, AnswerKind::Fault, entry)
            }
            Decision::RawHttp {
                status,
                content_type,
                body,
                reason,
            } => {
                entry.answer.kind = AnswerKind::Http;
                entry.answer.http_status = Some(status);
                entry.reason = reason;
                entry.response = Some(RecordedBody::shared(
                    Some(content_type.clone()),
                    body.clone(),
                ));
                Delivery::Http {
                    status,
                    content_type,
                    body,
                }
            }
            Decision::Busy(reason) => {
                entry.answer.kind = AnswerKind::Busy;
                entry.answer.http_status = Some(503);
                entry.reason = reason;
                let body = Bytes::from_static(b"Service Unavailable: ITK busy tone\n");
                entry.response = Some(RecordedBody::shared(
                    Some("text/plain".to_owned()),
                    body.clone(),
                ));
                Delivery::Http {
                    status: 503,
                    content_type: "text/plain".to_owned(),
                    body,
                }
            }
            Decision::Drop(reason) => {
                entry.answer.kind = AnswerKind::Dropped;
                entry.reason = reason;
                Delivery::Drop
            }
            Decision::Garbage(reason) => {
                entry.answer.kind = AnswerKind::Garbage;
                entry.reason = reason;
                entry.response = Some(RecordedBody::shared(None, Bytes::from_static(GARBAGE)));
                Delivery::Garbage(GARBAGE.to_vec())
            }
            Decision::Delayed(_, inner) => return self.deliver(*inner, entry),
        };
        (delay, delivery)
    }

    fn xml(&self, status: u16, xml: String, kind: AnswerKind, entry: &mut Exchange) -> Delivery {
        let body = Bytes::from(xml);
        entry.answer.kind = kind;
        entry.answer.http_status = Some(status);
        entry.response = Some(RecordedBody::shared(
            Some(TEXT_XML.to_owned()),
            body.clone(),
        ));
        Delivery::Http {
            status,
            content_type: TEXT_XML.to_owned(),
            body,
        }
    }
}

/// What the engine decided, before it is turned into bytes.
#[derive(Debug)]
enum Decision {
    Respond {
        operation: Operation,
        outcome: Outcome,
    },
    Fault {
        code: FaultCode,
        error_code: ItkErrorCode,
        text: String,
        diagnostic: Option<String>,
        reason: String,
    },
    RawHttp {
        status: u16,
        content_type: String,
        body: Bytes,
        reason: String,
    },
    Busy(String),
    Drop(String),
    Garbage(String),
    Delayed(Duration, Box<Decision>),
}

impl Decision {
    fn fault(
        code: FaultCode,
        error_code: ItkErrorCode,
        text: &str,
        diagnostic: Option<&str>,
        reason: String,
    ) -> Decision {
        Decision::Fault {
            code,
            error_code,
            text: text.to_owned(),
            diagnostic: diagnostic.map(str::to_owned),
            reason,
        }
    }

    fn delayed(self, delay: Option<Duration>) -> Decision {
        match delay {
            Some(d) if !d.is_zero() => Decision::Delayed(d, Box::new(self)),
            _ => self,
        }
    }
}

/// Whether an action answers with a PDS response code (and so yields to a required fault).
fn answers_with_code(action: &Action) -> bool {
    action.code.is_some() || action.spine_unavailable.is_some()
}

/// The response content a rule's `code` + `patient` produces for `op`.
fn content_for(
    op: Operation,
    code: &str,
    patient: &crate::scenario::Patient,
    request: &smsp_protocol::PdsRequest,
    options: &ResolvedOptions,
) -> ResponseContent {
    use crate::pds::record;
    match op.response_kind() {
        smsp_protocol::ResponseKind::VerifyNhsNumber => ResponseContent::Verify {
            code: code.to_owned(),
            valid_identifier: Some(record::valid_identifier(patient)),
        },
        smsp_protocol::ResponseKind::GetNhsNumber => ResponseContent::NhsNumber {
            code: code.to_owned(),
            patient: Some(record::identifiers(patient, &request.query)),
        },
        smsp_protocol::ResponseKind::GetPatientDetails => {
            pds::details(code, patient, request, options)
        }
    }
}

fn fault_parts(kind: FaultKind) -> (FaultCode, ItkErrorCode, &'static str) {
    match kind {
        FaultKind::InvalidMessage => (
            FaultCode::Client,
            ItkErrorCode::InvalidMessage,
            "Invalid Message",
        ),
        FaultKind::ProcessingRetryable => (
            FaultCode::Server,
            ItkErrorCode::RetryableProcessingError,
            "Processing Error (retryable)",
        ),
        FaultKind::ProcessingNotRetryable => (
            FaultCode::Server,
            ItkErrorCode::ProcessingError,
            "Processing Error (not retryable)",
        ),
        FaultKind::AccessDenied => (
            FaultCode::Client,
            ItkErrorCode::AccessDenied,
            "Access Denied",
        ),
        FaultKind::VersionMismatch => (
            FaultCode::VersionMismatch,
            ItkErrorCode::InvalidMessage,
            "SOAP version mismatch",
        ),
        FaultKind::MustUnderstand => (
            FaultCode::MustUnderstand,
            ItkErrorCode::InvalidMessage,
            "A mandatory header block was not understood",
        ),
    }
}

fn fault_kind_name(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::InvalidMessage => "1000",
        FaultKind::ProcessingRetryable => "2100",
        FaultKind::ProcessingNotRetryable => "2200",
        FaultKind::AccessDenied => "3000",
        FaultKind::VersionMismatch => "VersionMismatch",
        FaultKind::MustUnderstand => "MustUnderstand",
    }
}

/// The facts rules match on.
fn facts<'a>(
    envelope: &'a Envelope,
    operation: Option<Operation>,
    inbound: &'a Inbound,
) -> RequestFacts<'a> {
    let de = envelope.distribution_envelope();
    let query = envelope.pds_request().map(|r| &r.query);
    RequestFacts {
        operation,
        nhs_number: query
            .and_then(|q| q.nhs_number.as_ref())
            .and_then(|n| n.value.extension.as_deref()),
        birth_date: query
            .and_then(|q| q.date_of_birth.as_ref())
            .map(|d| d.value.as_str()),
        surname: query
            .and_then(|q| q.name.as_ref())
            .and_then(|n| n.value.family.as_deref()),
        postcode: query
            .and_then(|q| q.postcode.as_ref())
            .map(|p| p.value.as_str()),
        audit_identities: de
            .and_then(|de| de.header.audit_identity.as_deref())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| id.uri.as_deref())
            .collect(),
        tracking_id: de.and_then(|de| de.header.tracking_id.as_deref()),
        client_dn: inbound.client.as_ref().map(|c| c.subject_dn.as_str()),
    }
}

/// Moves what the journal shows about a request into its entry.
fn describe(envelope: Envelope, entry: &mut Exchange) {
    entry.operation = envelope.operation().map(|op| op.name().to_owned());
    let Envelope { header, body } = envelope;
    entry.message_id = header.addressing.message_id;
    if let Some(sec) = header.security {
        entry.timestamp_created = sec.timestamp.and_then(|t| t.created);
        entry.username = sec.username;
    }
    let smsp_protocol::Body::DistributionEnvelope(de) = body else {
        return;
    };
    entry.tracking_id = de.header.tracking_id;
    entry.audit_identities = de
        .header
        .audit_identity
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| id.uri)
        .collect();
    // The payload, as `Envelope::payload` finds it: the first one.
    if let Some(PayloadBody::Request(r)) = de.payloads.items.into_iter().next().map(|p| p.body) {
        let q = r.query;
        let (given, surname) = match q.name.map(|n| n.value) {
            Some(name) => (name.given.into_iter().next(), name.family),
            None => (None, None),
        };
        entry.query = Some(QuerySummary {
            nhs_number: q.nhs_number.and_then(|n| n.value.extension),
            birth_date: q.date_of_birth.map(|d| d.value),
            gender: q.gender.map(|g| g.value.code),
            given,
            surname,
            postcode: q.postcode.map(|p| p.value),
            local_identifier: q.local_identifier.and_then(|l| l.value.extension),
        });
    }
}

/// A client address as `SocketAddr`'s `Display` writes it, IPv4 written by hand: the
/// formatting machinery costs more than the rest of the journal entry's header.
fn peer_text(peer: SocketAddr) -> String {
    let SocketAddr::V4(v4) = peer else {
        return peer.to_string();
    };
    fn push_number(out: &mut String, n: u16) {
        let mut digits = [0u8; 5];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            out.push(char::from(d));
        }
    }
    let mut out = String::with_capacity(21);
    for (i, octet) in v4.ip().octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_number(&mut out, u16::from(octet));
    }
    out.push(':');
    push_number(&mut out, v4.port());
    out
}

fn format_time(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_are_written_as_display_writes_them() {
        for addr in [
            "127.0.0.1:40000",
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "10.1.20.3:8",
            "[::1]:8443",
            "[fe80::1%2]:1",
        ] {
            let peer: SocketAddr = addr.parse().unwrap();
            assert_eq!(peer_text(peer), peer.to_string());
        }
    }
}
