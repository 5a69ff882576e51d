//! A development PKI for running the simulator with mutual TLS out of the box.
//!
//! It makes one certificate authority, a server certificate for `localhost` and a client
//! certificate, all with rcgen, and writes them as PEM files into one folder. It is for local
//! development and tests only: the keys are unencrypted and the CA can sign anything. It never
//! overwrites a file that already exists, so a user's own certificates are never lost.
//!
//! Real deployments bring their own certificates and point the simulator at them; this module
//! does not load or validate those (that is [`crate::tls`]).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use time::{Duration, OffsetDateTime};

/// File name of the CA certificate inside a development PKI folder.
pub const CA_CERT_FILE: &str = "ca.pem";
/// File name of the CA private key.
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// File name of the server certificate.
pub const SERVER_CERT_FILE: &str = "server.pem";
/// File name of the server private key.
pub const SERVER_KEY_FILE: &str = "server-key.pem";
/// File name of the client certificate.
pub const CLIENT_CERT_FILE: &str = "client.pem";
/// File name of the client private key.
pub const CLIENT_KEY_FILE: &str = "client-key.pem";

/// Organisation name written into every development certificate.
pub const DEV_ORGANISATION: &str = "smsp development";
/// Common name of the development CA.
pub const DEV_CA_COMMON_NAME: &str = "smsp development CA";
/// Common name of the default development client certificate.
pub const DEV_CLIENT_COMMON_NAME: &str = "smsp-dev-client";

/// How long development certificates stay valid (about ten years).
const VALIDITY: Duration = Duration::days(3650);
/// Certificates start a day in the past so that a client whose clock runs a little behind, or
/// in another time zone handled badly, still accepts them.
const BACKDATE: Duration = Duration::days(1);

/// The six PEM files of a development PKI, all inside `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevPki {
    /// The folder holding the files.
    pub dir: PathBuf,
    /// `ca.pem`: the CA certificate. Clients trust it for the server; the server trusts it for
    /// client certificates.
    pub ca_cert: PathBuf,
    /// `ca-key.pem`: the CA private key, used to issue more client certificates.
    pub ca_key: PathBuf,
    /// `server.pem`: the server certificate (DNS `localhost`, IP `127.0.0.1` and `::1`).
    pub server_cert: PathBuf,
    /// `server-key.pem`: the server private key.
    pub server_key: PathBuf,
    /// `client.pem`: the default client certificate (`CN=smsp-dev-client,O=smsp development`).
    pub client_cert: PathBuf,
    /// `client-key.pem`: the default client private key.
    pub client_key: PathBuf,
}

impl DevPki {
    /// The paths of a development PKI in `dir`, whether or not the files exist.
    pub fn in_dir(dir: &Path) -> DevPki {
        DevPki {
            dir: dir.to_path_buf(),
            ca_cert: dir.join(CA_CERT_FILE),
            ca_key: dir.join(CA_KEY_FILE),
            server_cert: dir.join(SERVER_CERT_FILE),
            server_key: dir.join(SERVER_KEY_FILE),
            client_cert: dir.join(CLIENT_CERT_FILE),
            client_key: dir.join(CLIENT_KEY_FILE),
        }
    }

    /// Every file with what it is, certificates and keys alternating (certificate first).
    fn files(&self) -> [(&Path, FileKind); 6] {
        [
            (&self.ca_cert, FileKind::Certificate),
            (&self.ca_key, FileKind::Key),
            (&self.server_cert, FileKind::Certificate),
            (&self.server_key, FileKind::Key),
            (&self.client_cert, FileKind::Certificate),
            (&self.client_key, FileKind::Key),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Certificate,
    Key,
}

/// Why the development PKI could not be made, read or extended.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// The folder could not be created.
    #[error(
        "cannot create the certificate folder {}: {source}; help: check the path and that you may write there",
        path.display()
    )]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The operating-system error.
        source: io::Error,
    },
    /// A file this module would write is already there; it is never overwritten.
    #[error(
        "{} already exists and will not be overwritten; help: choose an empty folder or delete the existing files first",
        path.display()
    )]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}; help: check the folder exists and that you may write there", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: io::Error,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}; help: check the file exists and that you may read it", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: io::Error,
    },
    /// A development PKI folder holds some of the six files but not all of them.
    #[error(
        "the certificate folder {} is incomplete: {} is missing; help: delete the folder to have a new development PKI made there, or run `smsp certs --out DIR` to make one in another folder",
        dir.display(),
        missing.display()
    )]
    Incomplete {
        /// The folder.
        dir: PathBuf,
        /// The first missing file.
        missing: PathBuf,
    },
    /// A file is there but is not a usable PEM certificate or key.
    #[error(
        "{} is not a usable {what}: {reason}; help: delete the folder {} to have a new development PKI made there, or run `smsp certs --out DIR` to make one in another folder",
        path.display(),
        dir.display()
    )]
    Damaged {
        /// The folder.
        dir: PathBuf,
        /// The file that does not parse.
        path: PathBuf,
        /// "certificate" or "private key".
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The CA certificate or key given to [`issue_client_certificate`] cannot be used.
    #[error("{} is not a usable CA {what}: {reason}; help: point at the ca.pem and ca-key.pem of a development PKI", path.display())]
    UnusableCa {
        /// The file.
        path: PathBuf,
        /// "certificate" or "private key".
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The requested common name cannot go into a certificate.
    #[error(
        "cannot use {common_name:?} as a certificate common name: {reason}; help: use a short printable name"
    )]
    BadCommonName {
        /// The name asked for.
        common_name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// rcgen could not generate a key or sign a certificate.
    #[error(
        "cannot generate the {what}: {source}; help: this is a bug in smsp or rcgen, please report it"
    )]
    Generate {
        /// What was being made.
        what: &'static str,
        /// The rcgen error.
        source: rcgen::Error,
    },
}

/// Makes a new development PKI in `dir` (created if needed) and returns its paths.
///
/// Writes `ca.pem` ("smsp development CA", CA:true), `server.pem` (DNS `localhost`, IP
/// `127.0.0.1` and `::1`, serverAuth), `client.pem` (`CN=smsp-dev-client,O=smsp development`,
/// clientAuth) and their keys. Keys are written with mode 0600 on Unix. Refuses, before
/// writing anything, if any of the six files already exists.
pub fn write_dev_pki(dir: &Path) -> Result<DevPki, PkiError> {
    let pki = DevPki::in_dir(dir);
    fs::create_dir_all(dir).map_err(|source| PkiError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    // Check all six first so a refusal leaves the folder exactly as it was.
    for (path, _) in pki.files() {
        if path.exists() {
            return Err(PkiError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
    }

    let now = OffsetDateTime::now_utc();

    let ca_key = generate_key("CA key")?;
    let mut ca_params = base_params(DEV_CA_COMMON_NAME, now);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(|source| PkiError::Generate {
            what: "CA certificate",
            source,
        })?;
    let issuer = Issuer::from_params(&ca_params, &ca_key);

    let server_key = generate_key("server key")?;
    let mut server_params = base_params("localhost", now);
    server_params.subject_alt_names = vec![
        rcgen::SanType::DnsName("localhost".to_string().try_into().map_err(|source| {
            PkiError::Generate {
                what: "server certificate",
                source,
            }
        })?),
        rcgen::SanType::IpAddress(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
        rcgen::SanType::IpAddress(std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)),
    ];
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .map_err(|source| PkiError::Generate {
            what: "server certificate",
            source,
        })?;

    let (client_cert, client_key) = make_client(DEV_CLIENT_COMMON_NAME, now, &issuer)?;

    write_new(&pki.ca_cert, ca_cert.pem().as_bytes(), false)?;
    write_new(&pki.ca_key, ca_key.serialize_pem().as_bytes(), true)?;
    write_new(&pki.server_cert, server_cert.pem().as_bytes(), false)?;
    write_new(&pki.server_key, server_key.serialize_pem().as_bytes(), true)?;
    write_new(&pki.client_cert, client_cert.as_bytes(), false)?;
    write_new(&pki.client_key, client_key.as_bytes(), true)?;
    Ok(pki)
}

/// Reuses the development PKI in `dir`, or makes one when the folder holds none of its files.
///
/// Returns the paths and whether they were created now. When all six files exist and parse
/// (certificates as X.509, keys as PEM private keys) they are reused untouched. When none
/// exists a new PKI is written. Anything in between is an error naming the first missing or
/// broken file: a user's files are never silently overwritten.
pub fn ensure_dev_pki(dir: &Path) -> Result<(DevPki, bool), PkiError> {
    let pki = DevPki::in_dir(dir);
    let files = pki.files();
    let present = files.iter().filter(|(path, _)| path.exists()).count();
    if present == 0 {
        return write_dev_pki(dir).map(|pki| (pki, true));
    }
    if let Some((missing, _)) = files.iter().find(|(path, _)| !path.exists()) {
        return Err(PkiError::Incomplete {
            dir: dir.to_path_buf(),
            missing: missing.to_path_buf(),
        });
    }
    for (path, kind) in files {
        check_parses(dir, path, kind)?;
    }
    Ok((pki, false))
}

/// Issues another client certificate, `CN=<common_name>,O=smsp development`, signed by the
/// development CA of `pki`, and writes it and its key (mode 0600 on Unix).
///
/// The harness uses this to act as several distinct users. Refuses to overwrite either output
/// file; their folder must exist.
pub fn issue_client_certificate(
    pki: &DevPki,
    common_name: &str,
    out_cert: &Path,
    out_key: &Path,
) -> Result<(), PkiError> {
    if common_name.trim().is_empty() {
        return Err(PkiError::BadCommonName {
            common_name: common_name.to_string(),
            reason: "it is blank".to_string(),
        });
    }
    for path in [out_cert, out_key] {
        if path.exists() {
            return Err(PkiError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
    }
    let ca_pem = read_text(&pki.ca_cert)?;
    let ca_key_pem = read_text(&pki.ca_key)?;
    let ca_key = KeyPair::from_pem(&ca_key_pem).map_err(|e| PkiError::UnusableCa {
        path: pki.ca_key.clone(),
        what: "private key",
        reason: e.to_string(),
    })?;
    // Parse the CA certificate rather than rebuilding its parameters, so that the issuer name
    // and key identifier match it exactly even if it was not made by this module.
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, ca_key).map_err(|e| PkiError::UnusableCa {
        path: pki.ca_cert.clone(),
        what: "certificate",
        reason: e.to_string(),
    })?;
    let (cert_pem, key_pem) = make_client(common_name, OffsetDateTime::now_utc(), &issuer)?;
    write_new(out_cert, cert_pem.as_bytes(), false)?;
    write_new(out_key, key_pem.as_bytes(), true)?;
    Ok(())
}

/// Parameters every development certificate shares: the subject `O=…, CN=…` (encoded
/// organisation first, so its RFC 4514 form is `CN=…,O=…`), validity, and an authority key
/// identifier so chain builders find the CA quickly.
fn base_params(common_name: &str, now: OffsetDateTime) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, DEV_ORGANISATION);
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.not_before = now - BACKDATE;
    params.not_after = now + VALIDITY;
    params.use_authority_key_identifier_extension = true;
    params
}

/// A client certificate and key, as PEM text.
fn make_client(
    common_name: &str,
    now: OffsetDateTime,
    issuer: &Issuer<'_, impl rcgen::SigningKey>,
) -> Result<(String, String), PkiError> {
    let key = generate_key("client key")?;
    let mut params = base_params(common_name, now);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params
        .signed_by(&key, issuer)
        .map_err(|source| PkiError::Generate {
            what: "client certificate",
            source,
        })?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn generate_key(what: &'static str) -> Result<KeyPair, PkiError> {
    KeyPair::generate().map_err(|source| PkiError::Generate { what, source })
}

/// Writes a new file, failing if it exists; private keys get mode 0600 on Unix from the
/// moment they are created, so there is no window in which others could read them.
fn write_new(path: &Path, contents: &[u8], private: bool) -> Result<(), PkiError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            PkiError::AlreadyExists {
                path: path.to_path_buf(),
            }
        } else {
            PkiError::Write {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|source| PkiError::Write {
            path: path.to_path_buf(),
            source,
        })
}

fn read_text(path: &Path) -> Result<String, PkiError> {
    fs::read_to_string(path).map_err(|source| PkiError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Checks that a file of an existing development PKI parses as what it should be.
fn check_parses(dir: &Path, path: &Path, kind: FileKind) -> Result<(), PkiError> {
    let damaged = |what: &'static str, reason: String| PkiError::Damaged {
        dir: dir.to_path_buf(),
        path: path.to_path_buf(),
        what,
        reason,
    };
    let text = read_text(path)?;
    match kind {
        FileKind::Certificate => {
            let der = CertificateDer::from_pem_slice(text.as_bytes())
                .map_err(|e| damaged("certificate", format!("no PEM certificate ({e})")))?;
            x509_parser::parse_x509_certificate(&der)
                .map_err(|e| damaged("certificate", format!("not X.509 ({e})")))?;
        }
        FileKind::Key => {
            KeyPair::from_pem(&text).map_err(|e| damaged("private key", e.to_string()))?;
        }
    }
    Ok(())
}
