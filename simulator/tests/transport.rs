//! The transport layer over real loopback sockets: mutual TLS acceptance and refusal, the
//! client identity a handler sees, dropped connections and garbage responses, time limits,
//! and the development PKI and TLS configuration errors.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use axum_server::Handle;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use smsp_simulator::net::{self, Connection, ConnectionLimits};
use smsp_simulator::pki::{self, DevPki, PkiError};
use smsp_simulator::tls::{self, ClientIdentity, TlsError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

const GARBAGE: &[u8] = b"\x00\xffnot http";
/// Upper bound on anything a test waits for, so a regression fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long `/slow` takes to answer: longer than [`HEAD_LIMIT`].
const SLOW_ANSWER: Duration = Duration::from_millis(700);
/// The header read limit of the tests about it.
const HEAD_LIMIT: Duration = Duration::from_millis(300);

fn router() -> Router {
    Router::new()
        .route("/", post(|| async { "ok" }))
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(SLOW_ANSWER).await;
                "slow ok"
            }),
        )
        .route(
            "/drop",
            post(|Extension(conn): Extension<Connection>| async move {
                conn.control.drop_connection();
                "this response is discarded"
            }),
        )
        .route(
            "/garbage",
            post(|Extension(conn): Extension<Connection>| async move {
                conn.control.send_garbage(GARBAGE.to_vec());
                "this response is discarded"
            }),
        )
        .route(
            "/whoami",
            get(|Extension(conn): Extension<Connection>| async move {
                Json(serde_json::json!({
                    "peer": conn.peer.to_string(),
                    "client": conn.client,
                }))
            }),
        )
}

struct TestServer {
    addr: SocketAddr,
    handle: Handle<SocketAddr>,
    task: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    async fn start(tls: Option<Arc<rustls::ServerConfig>>, limits: ConnectionLimits) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let handle = Handle::new();
        let task = tokio::spawn(net::serve(listener, tls, router(), handle.clone(), limits));
        let addr = tokio::time::timeout(PATIENCE, handle.listening())
            .await
            .expect("server starts in time")
            .expect("server is listening");
        TestServer { addr, handle, task }
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://127.0.0.1:{}{path}", self.addr.port())
    }
}

fn dev_pki() -> (tempfile::TempDir, DevPki) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = pki::write_dev_pki(&dir.path().join("pki")).expect("dev pki");
    (dir, pki)
}

async fn tls_server(pki: &DevPki) -> TestServer {
    let config =
        tls::server_config(&pki.server_cert, &pki.server_key, &pki.ca_cert).expect("tls config");
    TestServer::start(Some(config), ConnectionLimits::default()).await
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A reqwest client trusting only the dev CA, with an optional client identity, optionally
/// pinned to TLS 1.2.
fn https_client(ca: &Path, identity: Option<(&Path, &Path)>, tls12_only: bool) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&read(ca)).expect("ca pem");
    let mut builder = reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_only([ca])
        .timeout(PATIENCE);
    if let Some((cert, key)) = identity {
        let pem = [read(cert), read(key)].concat();
        builder = builder.identity(reqwest::Identity::from_pem(&pem).expect("identity pem"));
    }
    if tls12_only {
        builder = builder.tls_version_max(reqwest::tls::Version::TLS_1_2);
    }
    builder.build().expect("reqwest client")
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(PATIENCE)
        .build()
        .expect("reqwest client")
}

async fn whoami(client: &reqwest::Client, server: &TestServer) -> serde_json::Value {
    let response = client
        .get(server.url("https", "/whoami"))
        .send()
        .await
        .expect("whoami answered");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("whoami body");
    serde_json::from_str(&body).expect("whoami json")
}

/// Asserts a request got no HTTP response at all. Under TLS 1.3 a refused client certificate
/// surfaces as different errors (alert, reset, closed channel), so "no status" is the test.
fn assert_no_http_response(
    result: reqwest::Result<reqwest::Response>,
    context: &str,
) -> reqwest::Error {
    match result {
        Ok(response) => panic!(
            "{context}: expected no HTTP response, got status {}",
            response.status()
        ),
        Err(e) => {
            assert!(
                e.status().is_none(),
                "{context}: error carries a status: {e:?}"
            );
            e
        }
    }
}

/// Under TLS 1.2 the server checks the client certificate inside the handshake, so a refusal
/// is always a failure to connect (under TLS 1.3 it may surface only when sending).
fn assert_refused(result: reqwest::Result<reqwest::Response>, tls12_only: bool, context: &str) {
    let e = assert_no_http_response(result, context);
    if tls12_only {
        assert!(e.is_connect(), "{context}: not a connect error: {e:?}");
    }
}

async fn assert_good_client_served(pki: &DevPki, server: &TestServer) {
    let client = https_client(
        &pki.ca_cert,
        Some((&pki.client_cert, &pki.client_key)),
        false,
    );
    let response = client
        .post(server.url("https", "/"))
        .send()
        .await
        .expect("good client served");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
}

/// A CA unrelated to the dev PKI, and a client certificate it issued, written as PEM files.
fn foreign_client(dir: &Path) -> (PathBuf, PathBuf) {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "foreign CA");
    let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "smsp-dev-client");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&key, &issuer).expect("sign");
    let cert_path = dir.join("foreign.pem");
    let key_path = dir.join("foreign-key.pem");
    std::fs::write(&cert_path, cert.pem()).expect("write cert");
    std::fs::write(&key_path, key.serialize_pem()).expect("write key");
    (cert_path, key_path)
}

/// Sends raw bytes on a fresh plain connection and reads until the server closes it.
async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await?;
    Ok(received)
}

fn raw_request(path: &str) -> Vec<u8> {
    format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

/// Sends a raw HTTP request inside mutual TLS (dev client) and reads the plaintext until the
/// server closes the connection.
async fn raw_tls_exchange(pki: &DevPki, addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&pki.ca_cert).expect("ca"))
        .expect("add ca");
    let chain = vec![CertificateDer::from_pem_file(&pki.client_cert).expect("client cert")];
    let key = PrivateKeyDer::from_pem_file(&pki.client_key).expect("client key");
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .expect("client auth");
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("server name");
    let mut stream = connector.connect(name, tcp).await.expect("handshake");
    stream.write_all(request).await.expect("write request");
    let mut received = Vec::new();
    stream
        .read_to_end(&mut received)
        .await
        .expect("read until close");
    received
}

// ---------------------------------------------------------------------------------------------
// Mutual TLS

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_accepts_the_dev_client_and_shows_its_identity() {
    let (_tmp, pki) = dev_pki();
    let server = tls_server(&pki).await;
    assert_good_client_served(&pki, &server).await;

    let client = https_client(
        &pki.ca_cert,
        Some((&pki.client_cert, &pki.client_key)),
        false,
    );
    let seen = whoami(&client, &server).await;
    let client_json = &seen["client"];
    assert_eq!(
        client_json["subject_dn"],
        "CN=smsp-dev-client,O=smsp development"
    );
    assert_eq!(
        client_json["issuer_dn"],
        "CN=smsp development CA,O=smsp development"
    );
    let peer: SocketAddr = seen["peer"]
        .as_str()
        .expect("peer string")
        .parse()
        .expect("peer address");
    assert_eq!(peer.ip(), server.addr.ip());

    // The identity the handler saw is exactly what the certificate file says.
    let der = CertificateDer::from_pem_file(&pki.client_cert).expect("client cert");
    let expected = ClientIdentity::from_der(&der).expect("identity");
    assert_eq!(client_json, &serde_json::to_value(&expected).expect("json"));
    let fingerprint = &expected.fingerprint_sha256;
    assert_eq!(fingerprint.len(), 32 * 3 - 1, "{fingerprint}");
    assert!(
        fingerprint.split(':').all(|pair| pair.len() == 2
            && pair
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())),
        "{fingerprint}"
    );
    assert!(!expected.serial.is_empty());
    assert_eq!(expected.serial, expected.serial.to_ascii_uppercase());
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_works_by_host_name_over_tls_1_2() {
    let (_tmp, pki) = dev_pki();
    let server = tls_server(&pki).await;
    let ca = reqwest::Certificate::from_pem(&read(&pki.ca_cert)).expect("ca pem");
    let identity =
        reqwest::Identity::from_pem(&[read(&pki.client_cert), read(&pki.client_key)].concat())
            .expect("identity");
    let client = reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_only([ca])
        .identity(identity)
        .tls_version_max(reqwest::tls::Version::TLS_1_2)
        .resolve("localhost", server.addr)
        .timeout(PATIENCE)
        .build()
        .expect("client");
    let response = client
        .post(format!("https://localhost:{}/", server.addr.port()))
        .send()
        .await
        .expect("served over TLS 1.2 by host name");
    assert_eq!(response.text().await.expect("body"), "ok");
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_refuses_a_client_without_a_certificate() {
    let (_tmp, pki) = dev_pki();
    let server = tls_server(&pki).await;
    for tls12_only in [true, false] {
        let client = https_client(&pki.ca_cert, None, tls12_only);
        let result = client.post(server.url("https", "/")).send().await;
        assert_refused(
            result,
            tls12_only,
            &format!("no certificate, tls12_only={tls12_only}"),
        );
        // A refused handshake closes only that connection.
        assert_good_client_served(&pki, &server).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_refuses_a_client_certificate_from_a_foreign_ca() {
    let (tmp, pki) = dev_pki();
    let (cert, key) = foreign_client(tmp.path());
    let server = tls_server(&pki).await;
    for tls12_only in [true, false] {
        let client = https_client(&pki.ca_cert, Some((&cert, &key)), tls12_only);
        let result = client.post(server.url("https", "/")).send().await;
        assert_refused(
            result,
            tls12_only,
            &format!("foreign CA, tls12_only={tls12_only}"),
        );
        assert_good_client_served(&pki, &server).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_issued_client_certificate_is_accepted_as_a_distinct_user() {
    let (tmp, pki) = dev_pki();
    let cert = tmp.path().join("user2.pem");
    let key = tmp.path().join("user2-key.pem");
    pki::issue_client_certificate(&pki, "harness user, two", &cert, &key).expect("issue");
    let server = tls_server(&pki).await;
    let client = https_client(&pki.ca_cert, Some((&cert, &key)), false);
    let seen = whoami(&client, &server).await;
    // The comma is escaped as RFC 4514 requires.
    assert_eq!(
        seen["client"]["subject_dn"],
        "CN=harness user\\, two,O=smsp development"
    );

    // Issuing never overwrites.
    let err = pki::issue_client_certificate(&pki, "again", &cert, &tmp.path().join("k.pem"))
        .expect_err("existing output refused");
    assert!(matches!(err, PkiError::AlreadyExists { .. }), "{err}");
    assert!(err.to_string().contains("user2.pem"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_tls_handshake_is_cut_off_and_the_server_carries_on() {
    let (_tmp, pki) = dev_pki();
    let config =
        tls::server_config(&pki.server_cert, &pki.server_key, &pki.ca_cert).expect("tls config");
    let limits = ConnectionLimits {
        tls_handshake_timeout: Duration::from_millis(300),
        ..ConnectionLimits::default()
    };
    let server = TestServer::start(Some(config), limits).await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(server.addr).await.expect("connect");
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, silent.read_to_end(&mut received))
        .await
        .expect("server closes a silent connection in time");
    assert!(read.is_ok() || received.is_empty());
    assert!(received.is_empty(), "nothing but a close: {received:?}");
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_good_client_served(&pki, &server).await;
}

// ---------------------------------------------------------------------------------------------
// Dropped connections and garbage

#[tokio::test(flavor = "multi_thread")]
async fn plain_drop_closes_the_connection_without_a_response() {
    let server = TestServer::start(None, ConnectionLimits::default()).await;
    let client = plain_client();
    let result = client.post(server.url("http", "/drop")).send().await;
    assert_no_http_response(result, "plain drop");

    // On the wire: not a single byte comes back (a reset is also no bytes).
    let received = raw_exchange(server.addr, &raw_request("/drop"))
        .await
        .unwrap_or_default();
    assert!(received.is_empty(), "got bytes: {received:?}");

    // The same client and the server carry on.
    let response = client
        .post(server.url("http", "/"))
        .send()
        .await
        .expect("served after a drop");
    assert_eq!(response.text().await.expect("body"), "ok");
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_garbage_replaces_the_response_byte_for_byte() {
    let server = TestServer::start(None, ConnectionLimits::default()).await;
    let result = plain_client()
        .post(server.url("http", "/garbage"))
        .send()
        .await;
    assert_no_http_response(result, "plain garbage");

    let received = raw_exchange(server.addr, &raw_request("/garbage"))
        .await
        .expect("garbage then a clean close");
    assert_eq!(received, GARBAGE);

    // A normal request on a raw connection still gets a normal response.
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut normal = Vec::new();
    stream.read_to_end(&mut normal).await.expect("read");
    let normal = String::from_utf8_lossy(&normal);
    assert!(normal.starts_with("HTTP/1.1 200 OK\r\n"), "{normal}");
    assert!(normal.ends_with("\r\n\r\nok"), "{normal}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_drop_and_garbage_work_inside_tls() {
    let (_tmp, pki) = dev_pki();
    let server = tls_server(&pki).await;
    let client = https_client(
        &pki.ca_cert,
        Some((&pki.client_cert, &pki.client_key)),
        false,
    );

    let result = client.post(server.url("https", "/drop")).send().await;
    assert_no_http_response(result, "tls drop");
    let result = client.post(server.url("https", "/garbage")).send().await;
    assert_no_http_response(result, "tls garbage");

    // The garbage travels as TLS application data, exactly as given.
    let received = raw_tls_exchange(&pki, server.addr, &raw_request("/garbage")).await;
    assert_eq!(received, GARBAGE);

    assert_good_client_served(&pki, &server).await;
}

// ---------------------------------------------------------------------------------------------
// Limits and shutdown

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_header_sender_is_disconnected() {
    let server = TestServer::start(None, head_limited()).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    // Half a request, then silence.
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("write");
    let mut received = Vec::new();
    let outcome = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received)).await;
    assert!(outcome.is_ok(), "server closed the slow connection in time");
    assert!(started.elapsed() >= Duration::from_millis(250));
    // hyper closes without answering (no 408).
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
}

/// Reads one response from a keep-alive connection: the head, then as many body bytes as its
/// Content-Length says.
async fn read_one_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().expect("a length"))
                })
                .expect("a Content-Length");
            if received.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("the response arrives in time")
            .expect("read");
        assert!(
            n > 0,
            "connection closed before the whole response: {text:?}"
        );
        received.extend_from_slice(&chunk[..n]);
    }
}

fn head_limited() -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: HEAD_LIMIT,
        ..ConnectionLimits::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_limit() {
    let server = TestServer::start(None, head_limited()).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream.write_all(&raw_request("/")).await.expect("write");
    let response = read_one_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let answered = Instant::now();
    // Silence after the answer: the connection waits for a head that never comes.
    let mut rest = Vec::new();
    let outcome = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut rest)).await;
    assert!(outcome.is_ok(), "server closed the idle connection in time");
    assert!(answered.elapsed() >= HEAD_LIMIT - Duration::from_millis(50));
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_slower_than_the_header_limit_still_arrives() {
    // The limit covers waiting for a request, not the time the request takes to answer.
    let server = TestServer::start(None, head_limited()).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(&raw_request("/slow"))
        .await
        .expect("write");
    let response = read_one_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("slow ok"), "{response}");
    // And the connection is ready for another request afterwards.
    stream.write_all(&raw_request("/")).await.expect("write");
    let response = read_one_response(&mut stream).await;
    assert!(response.ends_with("ok"), "{response}");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_each_within_the_header_limit_keep_a_connection_open_past_it() {
    let server = TestServer::start(None, head_limited()).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let started = Instant::now();
    // Five requests 150 ms apart: the connection lives for over twice the limit, but never
    // waits as long as the limit for a request.
    for _ in 0..5 {
        stream.write_all(&raw_request("/")).await.expect("write");
        let response = read_one_response(&mut stream).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        tokio::time::sleep(HEAD_LIMIT / 2).await;
    }
    assert!(started.elapsed() > HEAD_LIMIT * 2);
    stream.write_all(&raw_request("/")).await.expect("write");
    let response = read_one_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test(flavor = "multi_thread")]
async fn graceful_shutdown_ends_serve() {
    let server = TestServer::start(None, ConnectionLimits::default()).await;
    let response = plain_client()
        .post(server.url("http", "/"))
        .send()
        .await
        .expect("served");
    assert_eq!(response.status(), 200);
    server
        .handle
        .graceful_shutdown(Some(Duration::from_secs(1)));
    let result = tokio::time::timeout(PATIENCE, server.task)
        .await
        .expect("serve returns in time")
        .expect("serve task did not panic");
    assert!(result.is_ok(), "{result:?}");
}

// ---------------------------------------------------------------------------------------------
// Development PKI

#[test]
fn ensure_dev_pki_creates_then_reuses_the_same_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("certs");
    let (first, created) = pki::ensure_dev_pki(&dir).expect("created");
    assert!(created);
    let files = [
        &first.ca_cert,
        &first.ca_key,
        &first.server_cert,
        &first.server_key,
        &first.client_cert,
        &first.client_key,
    ];
    let before: Vec<Vec<u8>> = files.iter().map(|p| read(p)).collect();

    let (second, created) = pki::ensure_dev_pki(&dir).expect("reused");
    assert!(!created);
    assert_eq!(second, first);
    let after: Vec<Vec<u8>> = files.iter().map(|p| read(p)).collect();
    assert_eq!(before, after, "reuse leaves every byte as it was");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for key in [&first.ca_key, &first.server_key, &first.client_key] {
            let mode = std::fs::metadata(key)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{}", key.display());
        }
    }

    // The files make a working configuration.
    tls::server_config(&first.server_cert, &first.server_key, &first.ca_cert)
        .expect("dev pki makes a tls config");
}

#[test]
fn ensure_dev_pki_refuses_a_half_present_folder_naming_the_missing_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("certs");
    let (pki, _) = pki::ensure_dev_pki(&dir).expect("created");
    std::fs::remove_file(&pki.client_key).expect("remove");
    let ca_before = read(&pki.ca_cert);

    let err = pki::ensure_dev_pki(&dir).expect_err("half-present folder refused");
    assert!(matches!(err, PkiError::Incomplete { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("client-key.pem"), "{message}");
    assert!(message.contains("smsp certs --out DIR"), "{message}");
    assert!(!pki.client_key.exists(), "nothing was recreated");
    assert_eq!(read(&pki.ca_cert), ca_before, "nothing was overwritten");
}

#[test]
fn ensure_dev_pki_refuses_a_file_that_does_not_parse() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("certs");
    let (pki, _) = pki::ensure_dev_pki(&dir).expect("created");
    std::fs::write(&pki.server_cert, "not a certificate").expect("write");
    let err = pki::ensure_dev_pki(&dir).expect_err("broken file refused");
    assert!(matches!(err, PkiError::Damaged { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("server.pem"), "{message}");
    assert!(message.contains("smsp certs --out DIR"), "{message}");
    assert_eq!(read(&pki.server_cert), b"not a certificate");
}

#[test]
fn write_dev_pki_never_overwrites() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("ca.pem"), "mine").expect("write");
    let err = pki::write_dev_pki(tmp.path()).expect_err("refused");
    assert!(matches!(err, PkiError::AlreadyExists { .. }), "{err}");
    assert!(err.to_string().contains("ca.pem"), "{err}");
    assert_eq!(read(&tmp.path().join("ca.pem")), b"mine");
    assert!(
        !tmp.path().join("ca-key.pem").exists(),
        "nothing else written"
    );
}

// ---------------------------------------------------------------------------------------------
// TLS configuration errors

#[test]
fn server_config_errors_name_the_file_and_the_fix() {
    let (tmp, pki) = dev_pki();
    let missing = tmp.path().join("nope.pem");

    let err = tls::server_config(&missing, &pki.server_key, &pki.ca_cert).expect_err("missing");
    assert!(matches!(err, TlsError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("nope.pem"), "{err}");
    assert!(err.to_string().contains("help:"), "{err}");

    let err = tls::server_config(&pki.server_cert, &missing, &pki.ca_cert).expect_err("missing");
    assert!(err.to_string().contains("nope.pem"), "{err}");
    let err = tls::server_config(&pki.server_cert, &pki.server_key, &missing).expect_err("missing");
    assert!(err.to_string().contains("nope.pem"), "{err}");

    // A key file given as the certificate: no certificate in it.
    let err = tls::server_config(&pki.server_key, &pki.server_key, &pki.ca_cert)
        .expect_err("no certificate");
    assert!(matches!(err, TlsError::NoCertificate { .. }), "{err}");
    assert!(err.to_string().contains("server-key.pem"), "{err}");

    // A certificate given as the key: no key in it.
    let err =
        tls::server_config(&pki.server_cert, &pki.server_cert, &pki.ca_cert).expect_err("no key");
    assert!(matches!(err, TlsError::NoKey { .. }), "{err}");
    assert!(err.to_string().contains("server.pem"), "{err}");

    // Somebody else's key.
    let err =
        tls::server_config(&pki.server_cert, &pki.client_key, &pki.ca_cert).expect_err("mismatch");
    assert!(matches!(err, TlsError::KeyMismatch { .. }), "{err}");
    assert!(err.to_string().contains("client-key.pem"), "{err}");

    // A CA file whose only "certificate" is not one.
    let bogus_ca = tmp.path().join("bogus-ca.pem");
    std::fs::write(
        &bogus_ca,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .expect("write");
    let err =
        tls::server_config(&pki.server_cert, &pki.server_key, &bogus_ca).expect_err("no usable ca");
    assert!(matches!(err, TlsError::NoUsableCa { .. }), "{err}");
    assert!(err.to_string().contains("bogus-ca.pem"), "{err}");

    // Not PEM at all.
    let junk = tmp.path().join("junk.pem");
    std::fs::write(&junk, "-----BEGIN CERTIFICATE-----\n!!!!\n").expect("write");
    let err = tls::server_config(&junk, &pki.server_key, &pki.ca_cert).expect_err("bad pem");
    assert!(err.to_string().contains("junk.pem"), "{err}");
}

#[test]
fn client_identity_ignores_what_is_not_a_certificate() {
    assert_eq!(ClientIdentity::from_der(b"not a certificate"), None);
    assert_eq!(ClientIdentity::from_der(&[]), None);
}
