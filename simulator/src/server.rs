//! The SMSP service over HTTP: `POST /smsp/pds` for all five PDS operations.
//!
//! [`app`] is an axum `Router` that can be tested with `tower::ServiceExt::oneshot`; the
//! sockets, TLS and the per-connection control live in [`crate::net`]. This layer reads the
//! body under a size limit and a time limit (413 and 408 for senders that break them), hands
//! the bytes to the [`Engine`], waits any delay a rule asked for, and then sends the answer,
//! drops the connection or writes garbage.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Either, Full};
use tower::ServiceExt as _;

use crate::engine::{Delivery, Engine, Inbound, Reply};
use crate::journal::ClientCertificate;
use crate::net::Connection;
use crate::tls::ClientIdentity;

/// The path of the PDS mini service, as on NHS Digital's SMSP (SPEC.md §1.2).
pub const PDS_PATH: &str = "/smsp/pds";

/// The most a body buffer is sized in advance from Content-Length; larger bodies grow it.
const PRESIZE_LIMIT: usize = 64 * 1024;

/// Oversized bodies up to this size are read and discarded before the 413 is sent.
const DRAIN_LIMIT: u64 = 16 * 1024 * 1024;

/// Limits on request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Largest body accepted; larger ones get 413. Default 1 MiB.
    pub max_bytes: usize,
    /// How long a client may take to send the body; slower ones get 408. Default 30 s.
    pub read_timeout: Duration,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_bytes: 1024 * 1024,
            read_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
struct ServiceState {
    engine: Arc<Engine>,
    limits: BodyLimits,
}

/// The service router: `POST /smsp/pds`; anything else is 404 (405 for another method on
/// the service path).
pub fn app(engine: Arc<Engine>, limits: BodyLimits) -> Router {
    Router::new()
        .route(PDS_PATH, post(pds_endpoint))
        .fallback(not_found)
        .with_state(ServiceState { engine, limits })
}

/// The service [`crate::run::start`] serves: `POST /smsp/pds` handled directly, everything
/// else by [`app`]'s router (so 404 and 405 answers are the router's). The same requests get
/// the same answers as from [`app`]; the direct path only skips the router's per-request work
/// (route matching, boxing the request body, cloning the headers for an extractor).
#[derive(Clone)]
pub struct PdsService {
    state: ServiceState,
    router: Router,
}

impl PdsService {
    /// The service for `engine`, with `limits` on request bodies.
    pub fn new(engine: Arc<Engine>, limits: BodyLimits) -> PdsService {
        PdsService {
            router: app(Arc::clone(&engine), limits),
            state: ServiceState { engine, limits },
        }
    }
}

/// What [`PdsService`] answers with: the fixed bytes of an answer, or the router's body.
pub type PdsBody = Either<Full<Bytes>, Body>;

type PdsFuture =
    Pin<Box<dyn Future<Output = Result<axum::http::Response<PdsBody>, Infallible>> + Send>>;

impl<B> tower::Service<Request<B>> for PdsService
where
    B: HttpBody<Data = Bytes> + Send + Unpin + 'static,
    B::Error: std::fmt::Display + Into<axum::BoxError>,
{
    type Response = axum::http::Response<PdsBody>;
    type Error = Infallible;
    type Future = PdsFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> PdsFuture {
        if request.method() == Method::POST && request.uri().path() == PDS_PATH {
            let state = self.state.clone();
            Box::pin(async move {
                let (parts, body) = request.into_parts();
                let connection = parts.extensions.get::<Connection>();
                let answer = pds_request(&state, connection, &parts.headers, body).await;
                Ok(answer.map(|b| Either::Left(Full::new(b))))
            })
        } else {
            let router = self.router.clone();
            Box::pin(async move {
                let response = router.oneshot(request.map(Body::new)).await?;
                Ok(response.map(Either::Right))
            })
        }
    }
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("not found: the PDS mini service is POST {PDS_PATH}\n"),
    )
        .into_response()
}

async fn pds_endpoint(
    State(state): State<ServiceState>,
    connection: Option<Extension<Connection>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let connection = connection.map(|Extension(c)| c);
    pds_request(&state, connection.as_ref(), &headers, body)
        .await
        .map(Body::from)
}

/// One request to the service path, from headers and body to the answer: the body is read
/// under the size and time limits (413, 408), the engine decides, and any delay, dropped
/// connection or garbage is carried out.
async fn pds_request<B>(
    state: &ServiceState,
    connection: Option<&Connection>,
    headers: &HeaderMap,
    body: B,
) -> axum::http::Response<Bytes>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let header_text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut inbound = Inbound {
        body: Bytes::new(),
        content_type: header_text(header::CONTENT_TYPE),
        soap_action: headers
            .get("soapaction")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        peer: connection.map(|c| c.peer),
        client: connection.and_then(|c| c.client.as_ref()).map(certificate),
    };
    let engine = &state.engine;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.limits.max_bytes as u64) {
        // Read (and discard) a moderately oversized body first, so the client, still sending,
        // gets the 413 instead of a connection closed under it. Beyond DRAIN_LIMIT the
        // connection is closed after the 413: reading gigabytes would be the attack.
        if declared.is_some_and(|n| n <= DRAIN_LIMIT) {
            let _ = tokio::time::timeout(
                state.limits.read_timeout,
                read_body(body, DRAIN_LIMIT as usize, None),
            )
            .await;
        }
        let reply = engine.refuse(inbound, 413, &too_large(state.limits.max_bytes));
        return deliver(reply, connection).await;
    }
    // The declared length sizes the buffer, so a usual body is copied once.
    let expected = declared.map(|n| n as usize);
    match tokio::time::timeout(
        state.limits.read_timeout,
        read_body(body, state.limits.max_bytes, expected),
    )
    .await
    {
        Err(_) => {
            let reply = engine.refuse(
                inbound,
                408,
                &format!(
                    "request timeout: the body did not arrive within {} s",
                    state.limits.read_timeout.as_secs()
                ),
            );
            deliver(reply, connection).await
        }
        Ok(Err(BodyError::TooLarge(partial))) => {
            inbound.body = partial;
            let reply = engine.refuse(inbound, 413, &too_large(state.limits.max_bytes));
            deliver(reply, connection).await
        }
        Ok(Err(BodyError::Broken(e))) => {
            let reply = engine.refuse(
                inbound,
                400,
                &format!("the request body could not be read: {e}"),
            );
            deliver(reply, connection).await
        }
        Ok(Ok(bytes)) => {
            inbound.body = bytes;
            let reply = engine.handle(inbound);
            deliver(reply, connection).await
        }
    }
}

fn too_large(limit: usize) -> String {
    format!(
        "payload too large: the simulator accepts request bodies up to {limit} bytes (raise it with --max-body)"
    )
}

enum BodyError {
    /// The body passed the limit; what was read is kept (up to the limit) for the journal.
    TooLarge(Bytes),
    Broken(String),
}

async fn read_body<B>(
    mut body: B,
    limit: usize,
    expected: Option<usize>,
) -> Result<Bytes, BodyError>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    // Sized by the declared length up to a modest cap, so that a client declaring a large body
    // and sending none holds no large buffer.
    let mut buf = BytesMut::with_capacity(expected.unwrap_or(0).min(limit).min(PRESIZE_LIMIT));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                let room = limit - buf.len();
                buf.extend_from_slice(&data[..room]);
                return Err(BodyError::TooLarge(buf.freeze()));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

async fn deliver(reply: Reply, connection: Option<&Connection>) -> axum::http::Response<Bytes> {
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let exchange = HeaderValue::from(reply.exchange_id);
    match reply.delivery {
        Delivery::Http {
            status,
            content_type,
            body,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = axum::http::Response::new(body);
            *response.status_mut() = status;
            let headers = response.headers_mut();
            // A content type that is not a valid header value is sent as bytes, as axum sends
            // any bytes it is given.
            let ct = HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            headers.insert(header::CONTENT_TYPE, ct);
            headers.insert("x-smsp-exchange", exchange);
            response
        }
        Delivery::Drop => {
            if let Some(c) = connection {
                c.control.drop_connection();
            }
            network_placeholder("dropped", exchange)
        }
        Delivery::Garbage(bytes) => {
            if let Some(c) = connection {
                c.control.send_garbage(bytes);
            }
            network_placeholder("garbage", exchange)
        }
    }
}

/// The response returned alongside a network-level misbehaviour. On a real connection it is
/// never sent (the connection control replaces it); without one (tests calling the router
/// directly) it says what would have happened.
fn network_placeholder(what: &'static str, exchange: HeaderValue) -> axum::http::Response<Bytes> {
    let mut response = axum::http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
        .headers_mut()
        .insert("x-smsp-network", HeaderValue::from_static(what));
    response.headers_mut().insert("x-smsp-exchange", exchange);
    response
}

/// The journal's record of a client certificate.
pub fn certificate(identity: &ClientIdentity) -> ClientCertificate {
    ClientCertificate {
        subject_dn: identity.subject_dn.clone(),
        issuer_dn: identity.issuer_dn.clone(),
        fingerprint_sha256: identity.fingerprint_sha256.clone(),
    }
}
