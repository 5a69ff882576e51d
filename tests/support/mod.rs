//! Shared by the end-to-end tests: run the real `smsp simulate` on loopback, send it
//! requests, read its answers, and validate every response body against the official
//! schemas (xmllint, from ../shared/spec/schemas).

#![allow(dead_code, unreachable_pub)] // each test binary uses a different part

pub mod xsd;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use smsp_protocol::messages::{self, Sender};
use smsp_protocol::{
    CodedValue, Identifier, Operation, Parameter, PersonName, QueryParam, RandomIds, SystemClock,
    TraceQuery, ns, parse_message, to_xml,
};

/// A running `smsp simulate`, killed when dropped.
pub struct Simulator {
    child: Option<Child>,
    /// `http(s)://127.0.0.1:PORT/smsp/pds`.
    pub url: String,
    /// `http://127.0.0.1:PORT`.
    pub admin: String,
    /// What it printed on start.
    pub banner: Vec<String>,
    /// Lines it printed later (reload reports go to stderr; this is stdout).
    lines: mpsc::Receiver<String>,
    /// Every response body received through [`Simulator::post`], for schema validation.
    pub responses: std::cell::RefCell<Vec<Vec<u8>>>,
    client: reqwest::blocking::Client,
    /// The dev PKI folder, under TLS.
    pub pki: Option<PathBuf>,
}

/// The `smsp` binary under test.
pub fn smsp() -> Command {
    Command::new(env!("CARGO_BIN_EXE_smsp"))
}

impl Simulator {
    /// Starts `smsp simulate` with `args` plus free loopback ports, plain HTTP unless the
    /// args choose TLS, and waits until it says it is listening.
    pub fn start(args: &[&str], workdir: &Path) -> Simulator {
        let tls = args
            .iter()
            .any(|a| a.starts_with("--dev-tls") || *a == "--tls-cert");
        let mut cmd = smsp();
        cmd.current_dir(workdir)
            .arg("simulate")
            .args(["--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"])
            .args(args);
        if !tls && !args.contains(&"--plain-http") {
            cmd.arg("--plain-http");
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start smsp simulate");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        spawn_reader(stdout, tx);
        let mut banner = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let done = line.starts_with("stop with Ctrl-C");
                    banner.push(line);
                    if done {
                        break;
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let out = child.wait_with_output().expect("wait");
                    panic!(
                        "smsp simulate did not start; stdout so far: {banner:?}; stderr: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }
        }
        let url = banner
            .iter()
            .find_map(|l| l.strip_prefix("PDS service listening on "))
            .and_then(|rest| rest.split_whitespace().next())
            .expect("service line")
            .to_owned();
        let admin = banner
            .iter()
            .find_map(|l| l.strip_prefix("admin API listening on "))
            .and_then(|rest| rest.split_whitespace().next())
            .map(|u| u.trim_end_matches("/__admin/").to_owned())
            .unwrap_or_default();
        let pki = tls.then(|| {
            let dir = args
                .iter()
                .position(|a| *a == "--dev-tls")
                .map(|i| PathBuf::from(args[i + 1]))
                .unwrap_or_else(|| PathBuf::from(".smsp/pki"));
            workdir.join(dir)
        });
        let client = match &pki {
            Some(dir) => tls_client(dir, Some(("client.pem", "client-key.pem"))),
            None => reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        };
        Simulator {
            child: Some(child),
            url,
            admin,
            banner,
            lines: rx,
            responses: Default::default(),
            client,
            pki,
        }
    }

    /// POSTs `body` to the PDS endpoint; returns status and body, and keeps the body for
    /// schema validation.
    pub fn post(&self, body: &[u8], soap_action: Option<&str>) -> (u16, Vec<u8>) {
        let mut req = self
            .client
            .post(&self.url)
            .header("Content-Type", "text/xml")
            .body(body.to_vec());
        if let Some(a) = soap_action {
            req = req.header("SOAPAction", a);
        }
        let res = req.send().expect("the simulator answers");
        let status = res.status().as_u16();
        let bytes = res.bytes().expect("body").to_vec();
        self.responses.borrow_mut().push(bytes.clone());
        (status, bytes)
    }

    /// Sends a conformant request for `op` with `query` and returns (HTTP status, response
    /// code or `fault <code> <error>`).
    pub fn ask(&self, op: Operation, query: TraceQuery) -> (u16, String) {
        let body = request_xml(op, query, &self.url, "urn:nhs-uk:identity:ods:X09:SYS:e2e");
        let (status, bytes) = self.post(body.as_bytes(), Some(op.service()));
        (status, outcome(&bytes))
    }

    /// GET on the admin API, as JSON.
    pub fn admin_get(&self, path: &str) -> serde_json::Value {
        reqwest::blocking::get(format!("{}{path}", self.admin))
            .and_then(|r| r.json())
            .unwrap_or_else(|e| panic!("admin GET {path}: {e}"))
    }

    /// POST on the admin API: (status, JSON).
    pub fn admin_post(&self, path: &str) -> (u16, serde_json::Value) {
        let res = reqwest::blocking::Client::new()
            .post(format!("{}{path}", self.admin))
            .send()
            .unwrap_or_else(|e| panic!("admin POST {path}: {e}"));
        let status = res.status().as_u16();
        (status, res.json().unwrap_or(serde_json::Value::Null))
    }

    /// The next line printed on stdout, within `timeout`.
    pub fn next_line(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Sends SIGTERM and waits; returns the exit status code.
    pub fn terminate(mut self) -> Option<i32> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(status)) = child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        None
    }

    /// Validates every response body received so far against the official schemas.
    pub fn validate_responses(&self) {
        xsd::validate_bodies(&self.responses.borrow());
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn spawn_reader(stdout: ChildStdout, tx: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
}

/// A reqwest client trusting the dev CA, with a client certificate (`cert`, `key` in `dir`)
/// or none.
pub fn tls_client(dir: &Path, identity: Option<(&str, &str)>) -> reqwest::blocking::Client {
    let ca = std::fs::read(dir.join("ca.pem")).expect("ca.pem");
    let mut b = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("ca")]);
    if let Some((cert, key)) = identity {
        let mut pem = std::fs::read(dir.join(cert)).expect("cert");
        pem.extend(std::fs::read(dir.join(key)).expect("key"));
        b = b.identity(reqwest::Identity::from_pem(&pem).expect("identity"));
    }
    b.build().expect("tls client")
}

/// A conformant request for `op` as XML.
pub fn request_xml(op: Operation, query: TraceQuery, to: &str, audit: &str) -> String {
    let sender = Sender {
        to: to.to_owned(),
        audit_identity: vec![smsp_protocol::AuditIdentity {
            id_type: None,
            uri: Some(audit.to_owned()),
        }],
        ..Sender::default()
    };
    to_xml(&messages::request(
        op,
        query,
        &sender,
        &SystemClock,
        &RandomIds,
    ))
}

/// The response code of a response, or `fault <faultcode> <ErrorCode>` of a fault, or
/// `unreadable` for anything else.
pub fn outcome(body: &[u8]) -> String {
    let Ok(parsed) = parse_message(body, None) else {
        return format!("unreadable: {}", String::from_utf8_lossy(body));
    };
    if let Some(head) = parsed.envelope.response_head() {
        return head.response_code.code.clone();
    }
    match parsed.envelope.fault() {
        Some(f) => format!(
            "fault {} {}",
            f.code.local_name(),
            f.detail
                .as_ref()
                .map(|d| d.error_code.as_str().to_owned())
                .unwrap_or_default()
        ),
        None => "unreadable".to_owned(),
    }
}

/// A query by NHS number and date of birth.
pub fn by_number(nhs: &str, dob: &str) -> TraceQuery {
    TraceQuery {
        nhs_number: Some(QueryParam::new(
            Parameter::NhsNumber,
            Identifier::nhs_number(nhs),
        )),
        date_of_birth: Some(QueryParam::new(Parameter::DateOfBirth, dob.to_owned())),
        ..TraceQuery::default()
    }
}

/// A trace query: surname, optional given name, gender code, date of birth, optional
/// postcode.
pub fn by_search(
    surname: &str,
    given: Option<&str>,
    gender: &str,
    dob: &str,
    postcode: Option<&str>,
) -> TraceQuery {
    TraceQuery {
        date_of_birth: Some(QueryParam::new(Parameter::DateOfBirth, dob.to_owned())),
        gender: Some(QueryParam::new(
            Parameter::Gender,
            CodedValue::new(gender, ns::OID_GENDER),
        )),
        name: Some(QueryParam::new(
            Parameter::Name,
            PersonName {
                given: given.map(|g| vec![g.to_owned()]).unwrap_or_default(),
                family: Some(surname.to_owned()),
                ..PersonName::default()
            },
        )),
        postcode: postcode.map(|p| QueryParam::new(Parameter::Postcode, p.to_owned())),
        ..TraceQuery::default()
    }
}

/// The shared folder (../shared beside the checkout).
pub fn shared_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec")
}
