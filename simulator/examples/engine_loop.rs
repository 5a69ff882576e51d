//! Runs `Engine::handle` in a loop, without sockets: the simulator's own work per request
//! (parse, check, rules, PDS semantics, response build, journal), for profiling with
//! `perf record` or counting instructions with `valgrind --tool=callgrind`, which repeat far
//! better than requests per second on a shared machine.
//!
//! ```text
//! cargo run --release -p smsp-simulator --example engine_loop -- \
//!     [PATIENTS] [OPERATION] [REQUESTS] [JOURNAL_CAPACITY]
//! ```
//!
//! Defaults: 10,000 generated patients (seed 1, loaded through the scenario loader as
//! `smsp simulate` loads a file), `getPatientDetailsBySearch` (or `getPatientDetailsByNHSNumber`),
//! 20,000 requests cycling through 64 prepared ones, the default journal capacity. Prints the
//! time per request and checks every answer is HTTP 200 with SMSP-0000.

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use smsp_protocol::messages::{self, Sender};
use smsp_protocol::{
    CodedValue, Identifier, Operation, Parameter, PersonName, QueryParam, RandomIds, SystemClock,
    TraceQuery, ns, to_xml,
};
use smsp_response_codes::ResponseCodeTable;
use smsp_simulator::engine::{Delivery, Engine, EngineConfig, Inbound};
use smsp_simulator::journal::{DEFAULT_CAPACITY, Journal};
use smsp_simulator::scenario::generate::{
    DEFAULT_PATIENTS_PER_FILE, generate_yaml_parts, sample_queries,
};
use smsp_simulator::scenario::load;

/// The allocator the `smsp` binary runs on, so the counts here are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let patients: usize = args.first().map_or(Ok(10_000), |a| a.parse())?;
    let operation = match args
        .get(1)
        .map_or("getPatientDetailsBySearch", String::as_str)
    {
        "getPatientDetailsBySearch" => Operation::GetPatientDetailsBySearch,
        "getPatientDetailsByNHSNumber" => Operation::GetPatientDetailsByNhsNumber,
        other => return Err(format!("unsupported operation {other}").into()),
    };
    let requests: usize = args.get(2).map_or(Ok(20_000), |a| a.parse())?;
    let capacity: usize = args.get(3).map_or(Ok(DEFAULT_CAPACITY), |a| a.parse())?;

    // One text per 100,000 patients, as generate_scenario writes a large scenario's folder
    // (a scenario file may be at most 64 MiB).
    let texts: Vec<(PathBuf, String)> = generate_yaml_parts(patients, 1, DEFAULT_PATIENTS_PER_FILE)
        .enumerate()
        .map(|(i, text)| (PathBuf::from(format!("part-{:04}.yaml", i + 1)), text))
        .collect();
    let codes = ResponseCodeTable::embedded();
    let started = Instant::now();
    let scenario = load::load_texts(&texts, &codes).map_err(|e| e.to_string())?;
    drop(texts);
    let file = smsp_simulator::scenario::generate::generate(patients, 1);
    let samples = sample_queries(&file, 64);
    drop(file);
    eprintln!(
        "engine_loop: {patients} patients loaded in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let bodies: Vec<Bytes> = samples
        .iter()
        .map(|q| {
            let query = match operation {
                Operation::GetPatientDetailsBySearch => TraceQuery {
                    date_of_birth: Some(QueryParam::new(
                        Parameter::DateOfBirth,
                        q.birth_date.clone(),
                    )),
                    gender: Some(QueryParam::new(
                        Parameter::Gender,
                        CodedValue::new(q.gender.clone(), ns::OID_GENDER),
                    )),
                    name: Some(QueryParam::new(
                        Parameter::Name,
                        PersonName {
                            family: Some(q.surname.clone()),
                            ..PersonName::default()
                        },
                    )),
                    ..TraceQuery::default()
                },
                _ => TraceQuery {
                    date_of_birth: Some(QueryParam::new(
                        Parameter::DateOfBirth,
                        q.birth_date.clone(),
                    )),
                    nhs_number: Some(QueryParam::new(
                        Parameter::NhsNumber,
                        Identifier::nhs_number(q.nhs_number.clone()),
                    )),
                    ..TraceQuery::default()
                },
            };
            let envelope = messages::request(
                operation,
                query,
                &Sender {
                    to: "http://127.0.0.1:8443/smsp/pds".to_owned(),
                    ..Sender::default()
                },
                &SystemClock,
                &RandomIds,
            );
            Bytes::from(to_xml(&envelope))
        })
        .collect();

    let engine = Engine::new(
        scenario,
        Journal::in_memory(capacity),
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        EngineConfig::default(),
    );
    let soap_action = format!("\"{}\"", operation.service());
    let peer = "127.0.0.1:40000".parse().ok();
    let started = Instant::now();
    let mut bytes_out = 0usize;
    for i in 0..requests {
        let reply = engine.handle(Inbound {
            body: bodies[i % bodies.len()].clone(),
            content_type: Some("text/xml; charset=utf-8".to_owned()),
            soap_action: Some(soap_action.clone()),
            peer,
            client: None,
        });
        match reply.delivery {
            Delivery::Http {
                status: 200, body, ..
            } if memchr(&body, b"code=\"SMSP-0000\"") => {
                bytes_out += body.len();
            }
            other => return Err(format!("request {i}: unexpected answer {other:?}").into()),
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "engine_loop: {requests} requests ({operation:?}) in {:.3} s: {:.2} µs each, {} bytes out each",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / requests as f64,
        bytes_out / requests.max(1)
    );
    Ok(())
}

fn memchr(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
