//! Starting and stopping a whole simulator: the service listener (plain or mutual TLS) and
//! the admin listener, over one [`Engine`]. Used by `smsp simulate`, and in-process by the
//! harness and the tests.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use tokio::task::JoinHandle;

use crate::admin::admin_app;
use crate::engine::Engine;
use crate::net::{self, ConnectionLimits};
use crate::server::{BodyLimits, PdsService};

/// Where and how to listen.
#[derive(Debug, Clone)]
pub struct ListenConfig {
    /// The service address (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// The admin address; `None` serves no admin API.
    pub admin: Option<SocketAddr>,
    /// Mutual TLS for the service; `None` is plain HTTP.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Request body limits.
    pub body_limits: BodyLimits,
    /// Connection time limits.
    pub connection_limits: ConnectionLimits,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listener could not be bound.
    #[error(
        "cannot listen on {addr} for the {what}: {source} (choose another address or port, or stop whatever holds it)"
    )]
    Bind {
        /// Which listener.
        what: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        source: io::Error,
    },
}

/// A running simulator.
#[derive(Debug)]
pub struct Running {
    /// The service's real address (the port is known even when 0 was asked for).
    pub service_addr: SocketAddr,
    /// The admin API's real address.
    pub admin_addr: Option<SocketAddr>,
    /// The engine, for in-process inspection.
    pub engine: Arc<Engine>,
    handles: Vec<Handle<SocketAddr>>,
    tasks: Vec<JoinHandle<io::Result<()>>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish (up to `grace`), and waits.
    pub async fn shutdown(self, grace: Duration) {
        for h in &self.handles {
            h.graceful_shutdown(Some(grace));
        }
        for t in self.tasks {
            match t.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "listener ended with an error"),
                Err(e) => tracing::warn!(error = %e, "listener task failed"),
            }
        }
    }
}

/// Binds the listeners and starts serving. Returns once both are listening.
pub async fn start(engine: Arc<Engine>, config: ListenConfig) -> Result<Running, StartError> {
    let bind = |what: &'static str, addr: SocketAddr| {
        std::net::TcpListener::bind(addr).map_err(|source| StartError::Bind { what, addr, source })
    };
    let service_listener = bind("PDS service", config.listen)?;
    let service_addr = service_listener
        .local_addr()
        .map_err(|source| StartError::Bind {
            what: "PDS service",
            addr: config.listen,
            source,
        })?;
    let admin_listener = match config.admin {
        Some(addr) => Some(bind("admin API", addr)?),
        None => None,
    };
    let admin_addr = match &admin_listener {
        Some(l) => Some(l.local_addr().map_err(|source| StartError::Bind {
            what: "admin API",
            addr: config.admin.unwrap_or(config.listen),
            source,
        })?),
        None => None,
    };

    let mut handles = Vec::new();
    let mut tasks = Vec::new();
    let service_handle = Handle::new();
    handles.push(service_handle.clone());
    tasks.push(tokio::spawn(net::serve_service(
        service_listener,
        config.tls.clone(),
        PdsService::new(Arc::clone(&engine), config.body_limits),
        service_handle,
        config.connection_limits,
    )));
    if let Some(listener) = admin_listener {
        let admin_handle = Handle::new();
        handles.push(admin_handle.clone());
        tasks.push(tokio::spawn(net::serve(
            listener,
            None,
            admin_app(Arc::clone(&engine)),
            admin_handle,
            config.connection_limits,
        )));
    }
    for h in &handles {
        h.listening().await;
    }
    Ok(Running {
        service_addr,
        admin_addr,
        engine,
        handles,
        tasks,
    })
}
