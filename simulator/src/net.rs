//! Serving an axum router on a TCP listener, plain or with mutual TLS, with per-connection
//! information and control.
//!
//! Every request carries a [`Connection`] extension: the peer address, the client certificate's
//! identity (under TLS) and a [`ConnectionControl`]. The control lets a handler ask for
//! network-level misbehaviour that an HTTP response cannot express (a connection dropped with
//! no reply, or bytes that are not HTTP at all), which a conformance harness needs to see how a
//! client copes. It works by wrapping each connection's stream: when hyper starts writing the
//! response, the wrapper consults the control and, if asked, writes nothing or the garbage
//! instead, then closes the connection.
//!
//! The same wrapper enforces the header read limit ([`ConnectionLimits::header_read_timeout`])
//! with one timer per connection, looked at only when it fires (see [`HeadDeadline`]).
//!
//! This module knows nothing of SOAP or scenarios; it is plumbing between sockets and the
//! router.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::http::Request;
use axum_server::Handle;
use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::tls::ClientIdentity;

/// What a handler knows about the connection its request arrived on. Inserted as a request
/// extension for every request, so a handler can take `Extension<Connection>`.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The client's address.
    pub peer: SocketAddr,
    /// The client certificate's identity; `None` on plain HTTP.
    pub client: Option<ClientIdentity>,
    /// Asks for network-level misbehaviour on this connection.
    pub control: ConnectionControl,
}

/// A network-level misbehaviour a handler asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Close the connection without writing a response.
    Drop,
    /// Write these bytes instead of the response, then close the connection.
    Garbage(Vec<u8>),
}

/// A handle on one connection's behaviour, shared by every request on it. Cheap to clone.
///
/// A handler calls [`drop_connection`](Self::drop_connection) or
/// [`send_garbage`](Self::send_garbage) and then returns any response; that response is
/// discarded. The last request made before the response starts being written wins. The
/// connection is unusable afterwards, so any later request on it fails too.
///
/// The same handle tells the connection's stream when the connection became ready for its
/// next request, for the header read limit (see [`HeadDeadline`]).
#[derive(Debug, Clone, Default)]
pub struct ConnectionControl {
    inner: Arc<ControlInner>,
}

#[derive(Debug)]
struct ControlInner {
    /// Set once anything is requested, so the stream can skip the lock on every write.
    armed: AtomicBool,
    requested: Mutex<Option<Misbehaviour>>,
    /// When the control was made, which is when its connection became ready for a request.
    origin: Instant,
    /// Nanoseconds from `origin` to when the connection last became ready for a request, or
    /// [`BUSY`] while one is being answered. Written twice per request, with no lock.
    ready_at: AtomicU64,
}

impl Default for ControlInner {
    fn default() -> ControlInner {
        ControlInner {
            armed: AtomicBool::new(false),
            requested: Mutex::new(None),
            origin: Instant::now(),
            ready_at: AtomicU64::new(0),
        }
    }
}

/// [`ControlInner::ready_at`] while a request is being answered.
const BUSY: u64 = u64::MAX;

impl ConnectionControl {
    /// A control with nothing requested, for a connection ready for a request now. Tests
    /// that call handlers without sockets use this to build a [`Connection`].
    pub fn new() -> ConnectionControl {
        ConnectionControl::default()
    }

    /// Closes the connection without sending any response bytes: the client sees the
    /// connection closed and no HTTP status.
    pub fn drop_connection(&self) {
        self.request(Misbehaviour::Drop);
    }

    /// Writes `bytes` to the connection instead of the HTTP response (inside TLS when TLS is
    /// on), then closes it.
    pub fn send_garbage(&self, bytes: Vec<u8>) {
        self.request(Misbehaviour::Garbage(bytes));
    }

    /// What has been requested so far, if anything.
    pub fn requested(&self) -> Option<Misbehaviour> {
        if !self.inner.armed.load(Ordering::Acquire) {
            return None;
        }
        self.lock().clone()
    }

    fn request(&self, misbehaviour: Misbehaviour) {
        *self.lock() = Some(misbehaviour);
        self.inner.armed.store(true, Ordering::Release);
    }

    fn lock(&self) -> MutexGuard<'_, Option<Misbehaviour>> {
        // The guarded value is a plain Option that no panic can leave half-written, so a
        // poisoned lock still holds a meaningful value.
        self.inner
            .requested
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A request head has arrived: no header limit applies until it is answered.
    fn mark_busy(&self) {
        self.inner.ready_at.store(BUSY, Ordering::Relaxed);
    }

    /// The answer has been handed to hyper: the connection waits for its next request.
    fn mark_ready(&self) {
        let nanos = u64::try_from(self.inner.origin.elapsed().as_nanos())
            .map_or(BUSY - 1, |n| n.min(BUSY - 1));
        self.inner.ready_at.store(nanos, Ordering::Relaxed);
    }

    /// When the connection became ready for a request, `None` while one is being answered.
    fn ready_since(&self) -> Option<Instant> {
        match self.inner.ready_at.load(Ordering::Relaxed) {
            BUSY => None,
            nanos => Some(self.inner.origin + Duration::from_nanos(nanos)),
        }
    }
}

/// Time limits applied to every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client may take to send a request's line and headers; slower senders are
    /// disconnected without a response (no 408). The clock starts when the connection is
    /// ready for a request (after the TLS handshake, or once the previous answer has been
    /// handed to hyper), so it also closes a connection that stays silent, new or idle between
    /// keep-alive requests. Default 10 s. The request body is not covered (the service has its
    /// own limit), nor is the time a request takes to answer.
    pub header_read_timeout: Duration,
    /// How long a client may take to complete the TLS handshake. Default 10 s.
    pub tls_handshake_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            tls_handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `handle` shuts the server down.
///
/// With `tls` every connection must complete a handshake under that configuration (see
/// [`crate::tls::server_config`]); a failed or slow handshake closes only that connection and
/// is logged at info level. Only HTTP/1.1 is spoken, as on Spine. `handle.listening().await`
/// gives the bound address once serving; `handle.graceful_shutdown(Some(duration))` stops
/// accepting and lets requests in flight finish for at most `duration`.
///
/// The listener is switched to non-blocking mode, as tokio requires.
pub async fn serve(
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: Router,
    handle: Handle<SocketAddr>,
    limits: ConnectionLimits,
) -> io::Result<()> {
    serve_service(listener, tls, router, handle, limits).await
}

/// Serves `service` as [`serve`] serves a router: every connection gets a clone of it, and
/// every request a [`Connection`] extension.
pub async fn serve_service<S, B>(
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    service: S,
    handle: Handle<SocketAddr>,
    limits: ConnectionLimits,
) -> io::Result<()>
where
    S: tower::Service<
            Request<hyper::body::Incoming>,
            Response = axum::http::Response<B>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: axum::body::HttpBody + Send + 'static,
    B::Data: Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    configure(listener, tls, handle, limits)?
        .serve(MakeClone(service))
        .await
}

/// The header read limit of one connection: a single timer, created with the connection and
/// looked at only when it fires. hyper's own header read timeout arms a timer for every
/// request (registered in tokio's timer wheel when the connection starts waiting, removed
/// when the head arrives), which cost about 1.5 µs of CPU per request on a busy keep-alive
/// connection here, some 5 % of the whole request. This one is re-armed at most once per
/// limit: when it fires, the connection is closed only if it has been ready for a request,
/// and has not had one, for the whole limit.
struct HeadDeadline {
    limit: Duration,
    timer: Pin<Box<Sleep>>,
}

impl HeadDeadline {
    /// The limit for the connection `control` belongs to, ready for a request since the
    /// control was made.
    fn new(limit: Duration, control: &ConnectionControl) -> HeadDeadline {
        let timer = Box::pin(tokio::time::sleep_until(control.inner.origin + limit));
        HeadDeadline { limit, timer }
    }

    /// Whether the limit has passed; otherwise the timer will wake the task when it might.
    /// Called when a read finds nothing to read, which is when the connection waits.
    fn poll_expired(&mut self, control: &ConnectionControl, cx: &mut Context<'_>) -> bool {
        while self.timer.as_mut().poll(cx).is_ready() {
            let now = Instant::now();
            let deadline = match control.ready_since() {
                Some(since) => since + self.limit,
                // A request is being answered: its body and its answer have their own limits.
                None => now + self.limit,
            };
            if deadline <= now {
                return true;
            }
            self.timer.as_mut().reset(deadline);
        }
        false
    }
}

/// Makes a service per connection by cloning one.
#[derive(Clone)]
struct MakeClone<S>(S);

impl<S: Clone, T> tower::Service<T> for MakeClone<S> {
    type Response = S;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<S, std::convert::Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        std::future::ready(Ok(self.0.clone()))
    }
}

/// The server on `listener`: our acceptor (TLS, the connection's identity and control, the
/// header read limit), HTTP/1.1 only.
fn configure(
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    handle: Handle<SocketAddr>,
    limits: ConnectionLimits,
) -> io::Result<axum_server::Server<SocketAddr, ConnectionAcceptor>> {
    listener.set_nonblocking(true)?;
    let acceptor = ConnectionAcceptor {
        tls: tls.map(TlsAcceptor::from),
        handshake_timeout: limits.tls_handshake_timeout,
        header_read_timeout: limits.header_read_timeout,
    };
    // `acceptor` resets the HTTP version choice, so `http1_only` must come after it. hyper
    // is given no timer: the header read limit is the stream's (see `HeadDeadline`).
    let server = axum_server::from_tcp(listener)?
        .acceptor(acceptor)
        .handle(handle)
        .http1_only();
    Ok(server)
}

/// Performs the TLS handshake (if any), reads the client certificate, and wraps the stream and
/// the service so each request sees its [`Connection`].
#[derive(Clone)]
struct ConnectionAcceptor {
    tls: Option<TlsAcceptor>,
    handshake_timeout: Duration,
    header_read_timeout: Duration,
}

type AcceptFuture<S> =
    Pin<Box<dyn Future<Output = io::Result<(ControlledStream, WithConnection<S>)>> + Send>>;

impl<S: Send + 'static> Accept<TcpStream, S> for ConnectionAcceptor {
    type Stream = ControlledStream;
    type Service = WithConnection<S>;
    type Future = AcceptFuture<S>;

    fn accept(&self, tcp: TcpStream, service: S) -> Self::Future {
        let tls = self.tls.clone();
        let handshake_timeout = self.handshake_timeout;
        let header_read_timeout = self.header_read_timeout;
        Box::pin(async move {
            let peer = tcp.peer_addr()?;
            // Responses are small and written whole; do not let Nagle delay them.
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(%peer, error = %e, "cannot set TCP_NODELAY");
            }
            let (transport, client) = match tls {
                None => (Transport::Plain(tcp), None),
                Some(acceptor) => {
                    match tokio::time::timeout(handshake_timeout, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let client = stream
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|chain| chain.first())
                                .and_then(|leaf| ClientIdentity::from_der(leaf));
                            (Transport::Tls(Box::new(stream)), client)
                        }
                        Ok(Err(e)) => {
                            tracing::info!(%peer, error = %e, "tls handshake failed; connection closed");
                            return Err(e);
                        }
                        Err(_) => {
                            tracing::info!(%peer, timeout = ?handshake_timeout, "tls handshake timed out; connection closed");
                            return Err(io::Error::new(
                                io::ErrorKind::TimedOut,
                                "tls handshake timed out",
                            ));
                        }
                    }
                }
            };
            tracing::debug!(%peer, client = ?client.as_ref().map(|c| &c.subject_dn), "connection accepted");
            let control = ConnectionControl::new();
            let connection = Connection {
                peer,
                client,
                control: control.clone(),
            };
            // Made after the handshake: ready for its first request from now.
            let deadline = HeadDeadline::new(header_read_timeout, &control);
            Ok((
                ControlledStream::new(transport, control, deadline),
                WithConnection {
                    inner: service,
                    connection,
                },
            ))
        })
    }
}

/// The per-connection service: inserts the [`Connection`] into every request, and tells the
/// connection's control when a request arrives and when its answer is ready.
#[derive(Clone)]
struct WithConnection<S> {
    inner: S,
    connection: Connection,
}

impl<S, B> tower::Service<Request<B>> for WithConnection<S>
where
    S: tower::Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Answering<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let control = &self.connection.control;
        control.mark_busy();
        request.extensions_mut().insert(self.connection.clone());
        Answering {
            inner: self.inner.call(request),
            control: control.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's answer being prepared; the connection is ready again once it is.
    struct Answering<F> {
        #[pin]
        inner: F,
        control: ConnectionControl,
    }
}

impl<F: Future> Future for Answering<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let answer = ready!(this.inner.poll(cx));
        this.control.mark_ready();
        Poll::Ready(answer)
    }
}

/// The byte stream under HTTP: plain TCP or TLS over TCP.
enum Transport {
    Plain(TcpStream),
    // Boxed: a TLS stream is far larger than a TCP stream.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Transport::Plain(s) => s.is_write_vectored(),
            Transport::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Where a [`ControlledStream`] is in carrying out a misbehaviour.
enum WriteState {
    /// Writes go through.
    Normal,
    /// Dropping: nothing more is written; hyper gets an error and closes the connection.
    Dropped,
    /// Writing the garbage; `written` bytes are out.
    Garbage { bytes: Vec<u8>, written: usize },
    /// Garbage written; flushing it.
    Flushing,
    /// Flushed; closing our side (TLS close_notify, then TCP FIN).
    ShuttingDown,
    /// Done; every further write fails so hyper gives up on the connection.
    Closed,
}

/// A connection's stream that consults its [`ConnectionControl`] whenever hyper writes, and
/// its [`HeadDeadline`] whenever a read has to wait.
///
/// hyper writes a response only after the handler has returned it, and the handler has by then
/// made its request, so checking at the first write is enough to replace the whole response.
struct ControlledStream {
    inner: Transport,
    control: ConnectionControl,
    state: WriteState,
    deadline: HeadDeadline,
}

impl ControlledStream {
    fn new(
        inner: Transport,
        control: ConnectionControl,
        deadline: HeadDeadline,
    ) -> ControlledStream {
        ControlledStream {
            inner,
            control,
            state: WriteState::Normal,
            deadline,
        }
    }

    /// Moves from `Normal` to carrying out whatever the control asks for.
    fn observe_control(&mut self) {
        if !matches!(self.state, WriteState::Normal) {
            return;
        }
        match self.control.requested() {
            None => {}
            Some(Misbehaviour::Drop) => {
                tracing::debug!("dropping connection on request");
                self.state = WriteState::Dropped;
            }
            Some(Misbehaviour::Garbage(bytes)) => {
                tracing::debug!(len = bytes.len(), "sending garbage on request");
                self.state = WriteState::Garbage { bytes, written: 0 };
            }
        }
    }

    /// Drives the garbage out and the connection shut. Ready(Ok) once the stream is closed.
    fn poll_misbehave(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match &mut self.state {
                WriteState::Normal | WriteState::Dropped | WriteState::Closed => {
                    return Poll::Ready(Ok(()));
                }
                WriteState::Garbage { bytes, written } => {
                    if *written >= bytes.len() {
                        self.state = WriteState::Flushing;
                        continue;
                    }
                    match ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..])) {
                        Ok(0) => {
                            self.state = WriteState::Closed;
                            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                        }
                        Ok(n) => *written += n,
                        Err(e) => {
                            self.state = WriteState::Closed;
                            return Poll::Ready(Err(e));
                        }
                    }
                }
                WriteState::Flushing => {
                    let flushed = ready!(Pin::new(&mut self.inner).poll_flush(cx));
                    self.state = WriteState::ShuttingDown;
                    if let Err(e) = flushed {
                        self.state = WriteState::Closed;
                        return Poll::Ready(Err(e));
                    }
                }
                WriteState::ShuttingDown => {
                    // The garbage is out; a failure to close cleanly changes nothing for the
                    // client, which sees the connection end either way.
                    let _ = ready!(Pin::new(&mut self.inner).poll_shutdown(cx));
                    self.state = WriteState::Closed;
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }

    fn closed_error(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection closed on the handler's request",
        )
    }
}

impl AsyncRead for ControlledStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let read = Pin::new(&mut this.inner).poll_read(cx, buf);
        if read.is_pending() && this.deadline.poll_expired(&this.control, cx) {
            tracing::debug!(limit = ?this.deadline.limit, "no request head in time; connection closed");
            // hyper closes the connection on a read error, without answering.
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no request head within the header read limit",
            )));
        }
        read
    }
}

impl AsyncWrite for ControlledStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.observe_control();
        if matches!(this.state, WriteState::Normal) {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        }
        // hyper's bytes are never written. Once the misbehaviour is carried out, fail the
        // write so that hyper stops and drops the connection.
        ready!(this.poll_misbehave(cx))?;
        Poll::Ready(Err(this.closed_error()))
    }

    /// Vectored writes let hyper send the head and the body in one `writev` without copying
    /// the body into its own buffer first.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.observe_control();
        if matches!(this.state, WriteState::Normal) {
            return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        }
        ready!(this.poll_misbehave(cx))?;
        Poll::Ready(Err(this.closed_error()))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.observe_control();
        if matches!(this.state, WriteState::Normal) {
            return Pin::new(&mut this.inner).poll_flush(cx);
        }
        ready!(this.poll_misbehave(cx))?;
        Poll::Ready(Err(this.closed_error()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.observe_control();
        match this.state {
            WriteState::Normal => Pin::new(&mut this.inner).poll_shutdown(cx),
            // Dropping must not send anything, not even a TLS close_notify: the socket is
            // simply closed when hyper drops the stream.
            WriteState::Dropped | WriteState::Closed => Poll::Ready(Ok(())),
            _ => this.poll_misbehave(cx),
        }
    }
}
