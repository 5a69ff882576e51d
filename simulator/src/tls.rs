//! TLS configuration for the simulator: mutual TLS as Spine requires, and the identity of the
//! client certificate a connection presented.
//!
//! [`server_config`] loads the server certificate, its key and the CA that client certificates
//! must chain to, and builds a rustls server configuration that refuses any client without a
//! certificate from that CA. [`ClientIdentity`] is what the rest of the simulator sees of a
//! client certificate. Serving connections is [`crate::net`]'s job, not this module's.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use x509_parser::asn1_rs::ToDer;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// The one application protocol offered: Spine speaks SOAP over HTTP/1.1.
const ALPN_HTTP11: &[u8] = b"http/1.1";

/// Why a TLS server configuration could not be built. Every message names the file at fault
/// and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file does not exist.
    #[error("the {what} file {} does not exist; help: check the path, or run `smsp certs --out DIR` to make a development PKI", path.display())]
    Missing {
        /// Which file ("server certificate", "server private key", "client CA").
        what: &'static str,
        /// The path given.
        path: PathBuf,
    },
    /// A file exists but could not be read.
    #[error("cannot read the {what} file {}: {source}; help: check that you may read it", path.display())]
    Unreadable {
        /// Which file.
        what: &'static str,
        /// The path given.
        path: PathBuf,
        /// The operating-system error.
        source: io::Error,
    },
    /// A file is not well-formed PEM.
    #[error("the {what} file {} is not valid PEM: {reason}; help: give a PEM file (text starting with -----BEGIN)", path.display())]
    BadPem {
        /// Which file.
        what: &'static str,
        /// The path given.
        path: PathBuf,
        /// What the PEM reader said.
        reason: String,
    },
    /// A certificate file holds no certificate.
    #[error("the {what} file {} holds no certificate; help: give a PEM file with a -----BEGIN CERTIFICATE----- block", path.display())]
    NoCertificate {
        /// Which file.
        what: &'static str,
        /// The path given.
        path: PathBuf,
    },
    /// The key file holds no private key.
    #[error("the server private key file {} holds no private key; help: give a PEM file with a PKCS#8, PKCS#1 or SEC1 private key (-----BEGIN PRIVATE KEY-----)", path.display())]
    NoKey {
        /// The path given.
        path: PathBuf,
    },
    /// The private key does not belong to the certificate.
    #[error("the private key {} does not match the certificate {}; help: give the key that was made with that certificate", key.display(), cert.display())]
    KeyMismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
    },
    /// The private key or certificate could not be used by rustls.
    #[error("cannot use the private key {} with the certificate {}: {reason}; help: use an RSA, ECDSA or Ed25519 key in PEM", key.display(), cert.display())]
    UnusableKey {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// What rustls said.
        reason: String,
    },
    /// The client CA file holds no certificate that can act as a trust anchor.
    #[error("the client CA file {} has no usable CA certificate{reason}; help: give the PEM certificate of the CA that issues your client certificates", path.display())]
    NoUsableCa {
        /// The path given.
        path: PathBuf,
        /// Extra detail, starting with ": " when present.
        reason: String,
    },
    /// rustls refused the configuration for another reason.
    #[error(
        "cannot build the TLS configuration: {reason}; help: this is a bug in smsp, please report it"
    )]
    Config {
        /// What rustls said.
        reason: String,
    },
}

/// Builds the rustls server configuration for mutual TLS.
///
/// `cert` holds the server certificate chain (leaf first), `key` its private key and
/// `client_ca` the CA certificates that client certificates must chain to. A client without a
/// certificate, or with one from another CA, fails the handshake. TLS 1.2 and 1.3 are offered
/// (Spine's reference stub stops at 1.2) and ALPN offers only `http/1.1`.
pub fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: &Path,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let chain = load_certificates("server certificate", cert)?;
    let private_key = load_key(key)?;
    let roots = load_roots(client_ca)?;

    // Name the provider instead of relying on a process-wide default, which panics when
    // several providers are compiled in and none was installed.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| TlsError::NoUsableCa {
            path: client_ca.to_path_buf(),
            reason: format!(": {e}"),
        })?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Config {
            reason: e.to_string(),
        })?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, private_key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
                TlsError::KeyMismatch {
                    cert: cert.to_path_buf(),
                    key: key.to_path_buf(),
                }
            }
            other => TlsError::UnusableKey {
                cert: cert.to_path_buf(),
                key: key.to_path_buf(),
                reason: other.to_string(),
            },
        })?;
    config.alpn_protocols = vec![ALPN_HTTP11.to_vec()];
    Ok(Arc::new(config))
}

/// What the simulator knows of the certificate a client presented.
///
/// Distinguished names are in RFC 4514 string form: the most specific RDN first (so
/// `CN=smsp-dev-client,O=smsp development`), `,` between RDNs with no space, `+` inside a
/// multi-valued RDN, the short names CN, L, ST, O, OU, C, STREET, DC and UID, RFC 4514
/// escaping of special characters, and `OID=#hex` (the BER value) for other attribute types.
/// This is the form scenarios match `client_dn` against.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClientIdentity {
    /// Subject DN, RFC 4514 form, e.g. `CN=smsp-dev-client,O=smsp development`.
    pub subject_dn: String,
    /// Issuer DN, RFC 4514 form, e.g. `CN=smsp development CA,O=smsp development`.
    pub issuer_dn: String,
    /// Serial number as upper-case hex without separators, as `openssl x509 -serial` prints.
    pub serial: String,
    /// SHA-256 of the DER certificate, upper-case hex pairs joined by `:`, as
    /// `openssl x509 -fingerprint -sha256` prints.
    pub fingerprint_sha256: String,
}

impl ClientIdentity {
    /// Reads the identity from a DER certificate; `None` if it is not an X.509 certificate.
    pub fn from_der(der: &[u8]) -> Option<ClientIdentity> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        let digest = Sha256::digest(der);
        let fingerprint_sha256 = digest
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        Some(ClientIdentity {
            subject_dn: rfc4514(cert.subject()),
            issuer_dn: rfc4514(cert.issuer()),
            serial: hex::encode_upper(cert.raw_serial()),
            fingerprint_sha256,
        })
    }
}

/// Formats a name as RFC 4514 does: RDNs in reverse of their encoded order.
fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(attribute_to_string)
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// One `type=value` pair (RFC 4514 section 2.3 and 2.4).
fn attribute_to_string(attr: &AttributeTypeAndValue<'_>) -> String {
    let oid = attr.attr_type().to_id_string();
    let short = match oid.as_str() {
        "2.5.4.3" => Some("CN"),
        "2.5.4.7" => Some("L"),
        "2.5.4.8" => Some("ST"),
        "2.5.4.10" => Some("O"),
        "2.5.4.11" => Some("OU"),
        "2.5.4.6" => Some("C"),
        "2.5.4.9" => Some("STREET"),
        "0.9.2342.19200300.100.1.25" => Some("DC"),
        "0.9.2342.19200300.100.1.1" => Some("UID"),
        _ => None,
    };
    match (short, string_value(attr)) {
        (Some(short), Some(value)) => format!("{short}={}", escape_value(&value)),
        // RFC 4514: other types are written as dotted OIDs with the value's BER encoding in
        // hex, which is also the fallback for values that are not strings.
        (short, _) => format!("{}=#{}", short.unwrap_or(&oid), ber_hex(attr)),
    }
}

/// The value as text, for the ASN.1 string types certificates use.
fn string_value(attr: &AttributeTypeAndValue<'_>) -> Option<String> {
    if let Ok(s) = attr.as_str() {
        return Some(s.to_string());
    }
    let value = attr.attr_value();
    let data = value.data;
    match value.header.tag().0 {
        // BMPString: UTF-16 big-endian.
        30 => {
            if data.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        // UniversalString: UTF-32 big-endian.
        28 => {
            if data.len() % 4 != 0 {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        // TeletexString: in practice Latin-1.
        20 => Some(data.iter().map(|&b| char::from(b)).collect()),
        _ => None,
    }
}

fn ber_hex(attr: &AttributeTypeAndValue<'_>) -> String {
    match attr.attr_value().to_der_vec() {
        Ok(bytes) => hex::encode(bytes),
        // Re-encoding a parsed value does not fail in practice; the raw content is the next
        // best thing and keeps this function total.
        Err(_) => hex::encode(attr.attr_value().data),
    }
}

/// RFC 4514 section 2.4 escaping.
fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

/// Reads a file, telling a missing file apart from an unreadable one.
fn read_file(what: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    fs::read(path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            TlsError::Missing {
                what,
                path: path.to_path_buf(),
            }
        } else {
            TlsError::Unreadable {
                what,
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

fn load_certificates(
    what: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read_file(what, path)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadPem {
            what,
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            what,
            path: path.to_path_buf(),
        });
    }
    Ok(certs)
}

fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let what = "server private key";
    let bytes = read_file(what, path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => TlsError::NoKey {
            path: path.to_path_buf(),
        },
        other => TlsError::BadPem {
            what,
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    })
}

fn load_roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let certs = load_certificates("client CA", path)?;
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(TlsError::NoUsableCa {
            path: path.to_path_buf(),
            reason: String::new(),
        });
    }
    Ok(roots)
}
