//! Sending a prepared request over HTTP(S) and capturing the exact answer.

use std::time::{Duration, Instant};

use crate::judge::Answer;
use crate::request::PreparedRequest;

/// TLS material for talking to the target, as PEM bytes.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// CA certificates to trust for the target's server certificate (`--ca`). Without them the
    /// platform's roots are used.
    pub ca_pem: Option<Vec<u8>>,
    /// The client certificate and key, concatenated PEM (`--cert`, `--key`).
    pub identity_pem: Option<Vec<u8>>,
}

/// Why an HTTP client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The CA file is not PEM certificates.
    #[error("the CA certificate (--ca) is not a PEM certificate: {0}")]
    Ca(String),
    /// The certificate and key are not a usable PEM identity.
    #[error(
        "the client certificate and key (--cert, --key) are not a usable PEM certificate and private key: {0}"
    )]
    Identity(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

/// The clients a run needs: one presenting the configured certificate, one presenting none.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Presents `--cert`/`--key` if given.
    pub configured: reqwest::Client,
    /// Presents no client certificate (for the cases about refusing such clients).
    pub anonymous: reqwest::Client,
}

impl Clients {
    /// Builds both clients with the request timeout.
    pub fn new(tls: &ClientTls, timeout: Duration) -> Result<Clients, ClientError> {
        let base = || -> Result<reqwest::ClientBuilder, ClientError> {
            let mut b = reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .http1_only()
                .no_proxy();
            if let Some(pem) = &tls.ca_pem {
                let certs = reqwest::Certificate::from_pem_bundle(pem)
                    .map_err(|e| ClientError::Ca(e.to_string()))?;
                if certs.is_empty() {
                    return Err(ClientError::Ca("no certificate in the file".to_owned()));
                }
                b = b.tls_certs_only(certs);
            }
            Ok(b)
        };
        let mut configured = base()?;
        if let Some(pem) = &tls.identity_pem {
            let identity = reqwest::Identity::from_pem(pem)
                .map_err(|e| ClientError::Identity(e.to_string()))?;
            configured = configured.identity(identity);
        }
        Ok(Clients {
            configured: configured
                .build()
                .map_err(|e| ClientError::Build(e.to_string()))?,
            anonymous: base()?
                .build()
                .map_err(|e| ClientError::Build(e.to_string()))?,
        })
    }
}

/// Posts the request to `url` and returns the answer, or why none came.
pub async fn send(client: &reqwest::Client, url: &str, request: &PreparedRequest) -> Answer {
    let started = Instant::now();
    let mut builder = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, &request.content_type)
        .body(request.body.clone());
    if let Some(action) = &request.soap_action {
        builder = builder.header("SOAPAction", format!("\"{action}\""));
    }
    let failed = |e: reqwest::Error, started: Instant| Answer::Failed {
        reason: describe_error(&e),
        timed_out: e.is_timeout(),
        latency: started.elapsed(),
    };
    let response = match builder.send().await {
        Ok(r) => r,
        Err(e) => return failed(e, started),
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match response.bytes().await {
        Ok(body) => Answer::Http {
            status,
            content_type,
            body: body.to_vec(),
            latency: started.elapsed(),
        },
        Err(e) => failed(e, started),
    }
}

/// The error and its causes, in one line ("error sending request: … : connection refused").
fn describe_error(e: &reqwest::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
