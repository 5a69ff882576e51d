//! Writes a synthetic scenario (`smsp_simulator::scenario::generate`) for the benchmark.
//!
//! ```text
//! cargo run --release -p smsp-simulator --example generate_scenario -- \
//!     PATIENTS SEED OUT [QUERIES_FILE COUNT]
//! ```
//!
//! `OUT` ending in `.yaml` or `.yml` is written as one file; any other `OUT` is a folder
//! (created) of files `part-0001.yaml`, `part-0002.yaml`… of at most 100,000 patients each, which
//! `smsp simulate --scenario OUT` loads in order (one scenario file may be at most 64 MiB).
//! With `QUERIES_FILE COUNT`, also writes up to COUNT patients that a search by surname, gender
//! and date of birth finds alone, one a line: `NHS_NUMBER<TAB>SURNAME<TAB>GENDER<TAB>BIRTH_DATE`.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use smsp_simulator::scenario::generate::{
    DEFAULT_PATIENTS_PER_FILE, MAX_PATIENTS, generate, generate_yaml, generate_yaml_parts,
    sample_queries,
};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: generate_scenario PATIENTS SEED OUT [QUERIES_FILE COUNT]";
    if !(args.len() == 3 || args.len() == 5) {
        return Err(usage.into());
    }
    let patients: usize = args[0]
        .parse()
        .map_err(|e| format!("PATIENTS: {e}; {usage}"))?;
    let seed: u64 = args[1].parse().map_err(|e| format!("SEED: {e}; {usage}"))?;
    if patients > MAX_PATIENTS {
        return Err(format!("at most {MAX_PATIENTS} patients can be generated").into());
    }
    let out = PathBuf::from(&args[2]);
    let started = Instant::now();
    let single = out
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x == "yaml" || x == "yml");
    let mut bytes = 0usize;
    if single {
        let text = generate_yaml(patients, seed);
        bytes += text.len();
        std::fs::write(&out, text)?;
    } else {
        std::fs::create_dir_all(&out)?;
        for (i, text) in generate_yaml_parts(patients, seed, DEFAULT_PATIENTS_PER_FILE).enumerate()
        {
            bytes += text.len();
            std::fs::write(out.join(format!("part-{:04}.yaml", i + 1)), text)?;
        }
    }
    eprintln!(
        "generate_scenario: {patients} patients, {bytes} bytes of YAML in {} in {:.2} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    if let [_, _, _, queries_file, count] = args.as_slice() {
        let count: usize = count.parse().map_err(|e| format!("COUNT: {e}; {usage}"))?;
        let file = generate(patients, seed);
        let mut text = String::new();
        for q in sample_queries(&file, count) {
            writeln!(
                text,
                "{}\t{}\t{}\t{}",
                q.nhs_number, q.surname, q.gender, q.birth_date
            )?;
        }
        std::fs::write(queries_file, text)?;
    }
    Ok(())
}
