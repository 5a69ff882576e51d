//! report.html in a real browser: headless Chromium loads the fixture page from disk, takes a
//! screenshot and dumps the DOM, whose summary elements must carry the fixture's counts.
//!
//! Fails, not skips, when Chromium is missing (CI installs it), unless
//! `SMSP_SKIP_BROWSER_TESTS=1` is set.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use smsp_reports::write_reports;

/// Long enough for a cold start on a loaded 2-core CI machine.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn chromium_renders_the_report_with_the_right_counts() {
    if std::env::var("SMSP_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
        eprintln!("SMSP_SKIP_BROWSER_TESTS=1: browser test not run");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let record = common::write_run(&run);
    let written = write_reports(&run, &record, &run).unwrap();
    let url = format!("file://{}", written.html.display());

    let png = dir.path().join("report.png");
    let profile = dir.path().join("profile");
    chromium(
        &profile,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &url,
        ],
    );
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    // A blank 1280x2000 page compresses to a few kilobytes; the report is far busier.
    assert!(
        size > 50_000,
        "screenshot {} is only {size} bytes",
        png.display()
    );

    let dom = chromium(&profile, &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    for (id, expected) in common::COUNTS {
        assert_eq!(
            text_of(&dom, id).as_deref(),
            Some(expected.to_string().as_str()),
            "#{id} in the DOM"
        );
    }
}

/// Runs headless Chromium with the isolating flags and `args`, failing the test on a missing
/// binary, a failure exit or a hang.
fn chromium(profile: &Path, args: &[&str]) -> Output {
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "chromium could not be started ({e}); install it (Debian: apt-get install chromium) \
                 or set SMSP_SKIP_BROWSER_TESTS=1"
            )
        });
    // Drain the pipes while waiting: a DOM larger than the pipe buffer would otherwise block
    // the browser until the timeout.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).map(|_| bytes)
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).map(|_| bytes)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            child.kill().unwrap();
            panic!("chromium {args:?} did not finish within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = Output {
        status,
        stdout: out_reader.join().unwrap().unwrap(),
        stderr: err_reader.join().unwrap().unwrap(),
    };
    assert!(
        output.status.success(),
        "chromium {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The text inside the element with `id="{id}"` (up to its first child or end tag).
fn text_of(dom: &str, id: &str) -> Option<String> {
    let at = dom.find(&format!("id=\"{id}\""))?;
    let open_end = at + dom[at..].find('>')? + 1;
    let close = open_end + dom[open_end..].find('<')?;
    Some(dom[open_end..close].trim().to_owned())
}
