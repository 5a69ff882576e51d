//! The admin API, on its own listener (plain HTTP, loopback by default): health, the journal,
//! unmatched requests with their nearest patient, scenario reset and reload, and a live
//! journal page.
//!
//! | method and path | what it does |
//! |---|---|
//! | `GET /__admin/health` | status, patients and rules served, scenario files |
//! | `GET /__admin/exchanges` | the journal without bodies, oldest first |
//! | `GET /__admin/exchanges/{id}` | one exchange with its request and response |
//! | `DELETE /__admin/exchanges` | forget the in-memory journal (the file is kept) |
//! | `POST /__admin/reset` | start the rules' `times`/`sequence` counts again |
//! | `POST /__admin/reload` | load the scenario again; 422 with the errors if invalid |
//! | `GET /__admin/unmatched` | no-match answers with the nearest patient, field by field |
//! | `GET /__admin/ui` | a page that shows the journal live |

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};

use crate::engine::Engine;
use crate::journal::{Exchange, QuerySummary};
use crate::pds::matching::birth_dates_agree;
use crate::scenario::Patient;
use crate::store::PatientStore;
use crate::text::normalise_postcode;

/// The admin router.
pub fn admin_app(engine: Arc<Engine>) -> Router {
    Router::new()
        .route("/__admin/health", get(health))
        .route("/__admin/exchanges", get(exchanges).delete(clear))
        .route("/__admin/exchanges/{id}", get(exchange))
        .route("/__admin/reset", post(reset))
        .route("/__admin/reload", post(reload))
        .route("/__admin/unmatched", get(unmatched))
        .route("/__admin/ui", get(ui))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: see /__admin/health, /__admin/exchanges, /__admin/unmatched, /__admin/ui\n",
            )
        })
        .with_state(engine)
}

async fn health(State(engine): State<Arc<Engine>>) -> Json<Value> {
    let world = engine.world();
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "patients": world.store.len(),
        "rules": world.rules.len(),
        "scenario": world.sources.iter().map(|s| json!({
            "path": s.path.display().to_string(),
            "name": s.name,
            "sha256": s.sha256,
        })).collect::<Vec<_>>(),
        "exchanges": engine.journal().len(),
        "evicted": engine.journal().evicted(),
        "journal_file_failed": engine.journal().file_failed(),
    }))
}

/// An exchange without its bodies, for listings.
fn summary(e: &Exchange) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.remove("request");
        map.remove("response");
    }
    v
}

async fn exchanges(State(engine): State<Arc<Engine>>) -> Json<Value> {
    let all = engine.journal().exchanges();
    Json(json!({
        "exchanges": all.iter().map(summary).collect::<Vec<_>>(),
        "evicted": engine.journal().evicted(),
    }))
}

async fn exchange(State(engine): State<Arc<Engine>>, Path(id): Path<String>) -> Response {
    match id
        .parse::<u64>()
        .ok()
        .and_then(|id| engine.journal().get(id))
    {
        Some(e) => Json(e).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no exchange {id} in the in-memory journal")})),
        )
            .into_response(),
    }
}

async fn clear(State(engine): State<Arc<Engine>>) -> StatusCode {
    engine.journal().clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(engine): State<Arc<Engine>>) -> Json<Value> {
    engine.reset();
    Json(json!({"reset": true}))
}

async fn reload(State(engine): State<Arc<Engine>>) -> Response {
    // Loading a large scenario is blocking work; keep it off the async workers.
    let e = Arc::clone(&engine);
    match tokio::task::spawn_blocking(move || e.reload()).await {
        Ok(Ok(summary)) => Json(json!({"reloaded": true, "scenario": summary})).into_response(),
        Ok(Err(error)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "reloaded": false,
                "error": error,
                "help": "the previous scenario is still being served; fix the file and reload again",
            })),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"reloaded": false, "error": e.to_string()})),
        )
            .into_response(),
    }
}

/// One field compared between a request and the nearest record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDifference {
    /// The field.
    pub field: &'static str,
    /// What the request sent.
    pub sent: String,
    /// What the record holds.
    pub held: String,
    /// Whether they agree by the simulator's matching rules.
    pub agrees: bool,
}

/// The record nearest to a request that matched none, and how it differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nearest {
    /// The record's NHS number.
    pub nhs_number: String,
    /// Its name, for people.
    pub name: String,
    /// How many of the fields sent agree.
    pub agreeing: usize,
    /// Field by field.
    pub differences: Vec<FieldDifference>,
}

/// The record that agrees with the most fields the request sent (ties: the first held).
pub fn nearest(query: &QuerySummary, store: &PatientStore) -> Option<Nearest> {
    let mut best: Option<(usize, &Patient)> = None;
    for p in store.iter() {
        let n = compare(query, p).iter().filter(|d| d.agrees).count();
        if best.is_none_or(|(b, _)| n > b) {
            best = Some((n, p));
        }
    }
    best.map(|(agreeing, p)| Nearest {
        nhs_number: p.nhs_number.as_str().to_owned(),
        name: format!("{} {}", p.name.given.join(" "), p.name.family)
            .trim()
            .to_owned(),
        agreeing,
        differences: compare(query, p),
    })
}

fn compare(q: &QuerySummary, p: &Patient) -> Vec<FieldDifference> {
    let mut out = Vec::new();
    let mut field = |field: &'static str,
                     sent: &Option<String>,
                     held: String,
                     agrees: &dyn Fn(&str) -> bool| {
        if let Some(sent) = sent {
            out.push(FieldDifference {
                field,
                agrees: agrees(sent.trim()),
                sent: sent.clone(),
                held,
            });
        }
    };
    field(
        "nhs_number",
        &q.nhs_number,
        p.nhs_number.as_str().to_owned(),
        &|s| s == p.nhs_number.as_str(),
    );
    field(
        "birth_date",
        &q.birth_date,
        p.birth_date.as_str().to_owned(),
        &|s| birth_dates_agree(s, p.birth_date.as_str()),
    );
    field("gender", &q.gender, p.gender.code().to_owned(), &|s| {
        s == p.gender.code()
    });
    field("surname", &q.surname, p.name.family.clone(), &|s| {
        std::iter::once(&p.name)
            .chain(&p.previous_names)
            .any(|n| crate::text::glob_matches(s, &n.family))
    });
    field("given", &q.given, p.name.given.join(" "), &|s| {
        p.name.given.iter().any(|g| crate::text::glob_matches(s, g))
    });
    let held_postcodes: Vec<&str> = p
        .addresses
        .iter()
        .filter_map(|a| a.postcode.as_deref())
        .collect();
    field("postcode", &q.postcode, held_postcodes.join(", "), &|s| {
        held_postcodes
            .iter()
            .any(|h| crate::text::glob_matches(&normalise_postcode(s), &normalise_postcode(h)))
    });
    out
}

async fn unmatched(State(engine): State<Arc<Engine>>) -> Json<Value> {
    let world = engine.world();
    let items: Vec<Value> = engine
        .journal()
        .exchanges()
        .iter()
        .filter(|e| {
            matches!(
                e.answer.response_code.as_deref(),
                Some("DEMOG-0001" | "DEMOG-0040")
            )
        })
        .map(|e| {
            let nearest = e.query.as_ref().and_then(|q| nearest(q, &world.store));
            json!({
                "exchange": e.id,
                "received_at": e.received_at,
                "operation": e.operation,
                "response_code": e.answer.response_code,
                "reason": e.reason,
                "query": e.query,
                "nearest": nearest,
            })
        })
        .collect();
    Json(json!({ "unmatched": items }))
}

async fn ui() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(include_str!("admin_ui.html")),
    )
        .into_response()
}
