//! The baseline for `bench/simulator.sh`: the least an HTTP/1.1 server on this stack can do.
//!
//! hyper 1 on tokio (the same runtime, thread count and HTTP/1.1 implementation the simulator
//! uses under axum), keep-alive on, `TCP_NODELAY` set as the simulator sets it. Every request's
//! body is read to the end and answered with the same fixed bytes (HTTP 200, `text/xml`),
//! by default a file holding a response the simulator gave, so both servers send the same
//! number of bytes. With `--dev-tls DIR` it serves mutual TLS with the simulator's own
//! configuration (`smsp_simulator::tls::server_config`: the dev PKI in DIR, client certificates
//! verified by rustls' `WebPkiClientVerifier`), so TLS figures have a TLS baseline.
//!
//! ```text
//! cargo run --release -p smsp-simulator --example baseline_hyper -- \
//!     --listen 127.0.0.1:0 [--body response.xml] [--dev-tls DIR]
//! ```
//!
//! Prints `baseline listening on http(s)://ADDR/` once it accepts connections, and runs until
//! killed.

use std::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// What to answer when no `--body` is given: about the size of a getPatientDetailsResponse.
fn default_body() -> Bytes {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP:Envelope xmlns:SOAP=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP:Body>",
    );
    while body.len() < 2_300 {
        body.push_str("<filler>baseline response bytes</filler>");
    }
    body.push_str("</SOAP:Body></SOAP:Envelope>");
    Bytes::from(body)
}

struct Args {
    listen: SocketAddr,
    body: Option<PathBuf>,
    dev_tls: Option<PathBuf>,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        listen: "127.0.0.1:0".parse()?,
        body: None,
        dev_tls: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => args.listen = value()?.parse()?,
            "--body" => args.body = Some(PathBuf::from(value()?)),
            "--dev-tls" => args.dev_tls = Some(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: baseline_hyper [--listen ADDR] [--body FILE] [--dev-tls DIR]"
                )
                .into());
            }
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let body = match &args.body {
        Some(path) => Bytes::from(std::fs::read(path)?),
        None => default_body(),
    };
    let tls = match &args.dev_tls {
        Some(dir) => {
            let (pki, _) = smsp_simulator::pki::ensure_dev_pki(dir)?;
            let config = smsp_simulator::tls::server_config(
                &pki.server_cert,
                &pki.server_key,
                &pki.ca_cert,
            )?;
            Some(TlsAcceptor::from(config))
        }
        None => None,
    };
    let listener = TcpListener::bind(args.listen).await?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!(
        "baseline listening on {scheme}://{}/ ({} response bytes)",
        listener.local_addr()?,
        body.len()
    );
    let content_type = HeaderValue::from_static("text/xml; charset=utf-8");
    let tls = Arc::new(tls);
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let body = body.clone();
        let content_type = content_type.clone();
        let tls = Arc::clone(&tls);
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let body = body.clone();
                let content_type = content_type.clone();
                async move {
                    // Read the request to the end, as any real server must.
                    let _ = request.into_body().collect().await?;
                    let mut response = Response::new(Full::new(body));
                    response.headers_mut().insert(CONTENT_TYPE, content_type);
                    Ok::<_, hyper::Error>(response)
                }
            });
            let builder = http1::Builder::new();
            let _ = match tls.as_ref() {
                Some(acceptor) => match acceptor.accept(tcp).await {
                    Ok(stream) => {
                        builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await
                    }
                    Err(_) => return,
                },
                None => builder.serve_connection(TokioIo::new(tcp), service).await,
            };
        });
    }
}
