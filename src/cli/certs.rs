//! `smsp certs --out DIR`: writes a development PKI (CA, server certificate for
//! localhost/127.0.0.1, client certificate) for mutual TLS with `smsp simulate`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use smsp_simulator::pki;

use super::{CliError, emit};

/// Options of `smsp certs`.
#[derive(Debug, Args)]
pub(crate) struct CertsArgs {
    /// Folder to write ca.pem, ca-key.pem, server.pem, server-key.pem, client.pem and
    /// client-key.pem into (created if missing; existing files are never overwritten).
    #[arg(long, value_name = "DIR", default_value = super::simulate::DEFAULT_PKI_DIR)]
    out: PathBuf,

    /// Also issue a client certificate with this common name (repeatable), as
    /// `client-NAME.pem` and `client-NAME-key.pem`: one per user when a test needs several.
    #[arg(long = "client", value_name = "NAME")]
    clients: Vec<String>,
}

/// Runs `smsp certs`.
pub(crate) fn run(args: &CertsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let pki_error = |e: pki::PkiError| CliError::Input {
        message: e.to_string(),
        help: Some("choose an empty folder with --out, or delete the old files first".into()),
    };
    let (dev, created) = pki::ensure_dev_pki(&args.out).map_err(pki_error)?;
    let mut text = format!(
        "{} development PKI in {}\n  CA certificate:     {}\n  server certificate: {} (key {})\n  client certificate: {} (key {})\n",
        if created {
            "wrote a"
        } else {
            "kept the existing"
        },
        dev.dir.display(),
        dev.ca_cert.display(),
        dev.server_cert.display(),
        dev.server_key.display(),
        dev.client_cert.display(),
        dev.client_key.display(),
    );
    for name in &args.clients {
        let cert = dev.dir.join(format!("client-{name}.pem"));
        let key = dev.dir.join(format!("client-{name}-key.pem"));
        pki::issue_client_certificate(&dev, name, &cert, &key).map_err(pki_error)?;
        text.push_str(&format!(
            "  client certificate: {} (key {}), CN={name}\n",
            cert.display(),
            key.display()
        ));
    }
    text.push_str(&format!(
        "use with: smsp simulate --dev-tls {}\n",
        dev.dir.display()
    ));
    emit(out, &text)
}
