//! The XML tokenizer (`protocol/src/xml/scan.rs`) against quick-xml, the parser it replaced:
//! every XML file of the test corpora, and thousands of seeded mutations of them, must give
//! the same tree (compared as canonical text) or be refused by both.
//!
//! Where the two disagree, xmllint (libxml2, required by the fidelity tests too) decides:
//! ours may refuse what quick-xml accepts only when the input is not well-formed XML, and may
//! accept what quick-xml refuses only when it is well-formed.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use smsp_protocol::SplitMix64;
use smsp_protocol::canonical::canonicalize;

/// A namespace name as XML 1.0 and Namespaces define it: the declaring attribute's normalised
/// value (line ends and other white space become spaces, then references are resolved).
/// quick-xml binds the value as written, so the reference normalises it here.
fn namespace_name(raw: impl AsRef<[u8]>) -> Result<String, String> {
    let raw = std::str::from_utf8(raw.as_ref()).map_err(|e| e.to_string())?;
    let spaced: String = raw
        .replace("\r\n", " ")
        .chars()
        .map(|c| {
            if matches!(c, '\r' | '\n' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let name = quick_xml::escape::unescape(&spaced).map_err(|e| e.to_string())?;
    Ok(name.into_owned())
}

/// A canonical form made with quick-xml, in the format of `smsp_protocol::canonical`.
fn reference(text: &str) -> Result<String, String> {
    struct El {
        name: String,
        attrs: Vec<(String, String)>,
        text: String,
        children: Vec<El>,
    }
    fn write(el: &El, depth: usize, out: &mut String) {
        for _ in 0..depth {
            out.push_str("  ");
        }
        out.push_str(&el.name);
        let mut attrs = el.attrs.clone();
        attrs.sort();
        for (k, v) in attrs {
            out.push_str(&format!(" {k}={v:?}"));
        }
        let t = el.text.trim_matches([' ', '\t', '\r', '\n']);
        if !t.is_empty() {
            out.push_str(&format!(" text={t:?}"));
        }
        out.push('\n');
        for c in &el.children {
            write(c, depth + 1, out);
        }
    }
    let resolved = |r: ResolveResult| match r {
        ResolveResult::Bound(n) => namespace_name(n.0),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(p) => Err(format!("unknown prefix {p}")),
    };
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    reader.config_mut().trim_text(false);
    let mut stack: Vec<El> = Vec::new();
    let mut root: Option<El> = None;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let (start, empty) = match &event {
            Event::Start(s) => (Some(s.clone()), false),
            Event::Empty(s) => (Some(s.clone()), true),
            _ => (None, false),
        };
        if let Some(start) = start {
            if root.is_some() {
                return Err("content after root".into());
            }
            let (res, local) = reader.resolver().resolve_element(start.name());
            let name = format!("{{{}}}{}", resolved(res)?, local.as_ref());
            let mut attrs = Vec::new();
            for a in start.attributes().with_checks(true) {
                let a = a.map_err(|e| e.to_string())?;
                if a.key.as_namespace_binding().is_some() {
                    continue;
                }
                let (res, local) = reader.resolver().resolve_attribute(a.key);
                let ns = resolved(res)?;
                let key = if ns.is_empty() {
                    local.as_ref().to_owned()
                } else {
                    format!("{{{ns}}}{}", local.as_ref())
                };
                let value = a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| e.to_string())?;
                attrs.push((key, value.into_owned()));
            }
            let el = El {
                name,
                attrs,
                text: String::new(),
                children: Vec::new(),
            };
            if empty {
                match stack.last_mut() {
                    Some(p) => p.children.push(el),
                    None => root = Some(el),
                }
            } else {
                stack.push(el);
            }
            continue;
        }
        let text = match event {
            Event::End(_) => {
                let el = stack.pop().ok_or("unmatched end")?;
                match stack.last_mut() {
                    Some(p) => p.children.push(el),
                    None => root = Some(el),
                }
                continue;
            }
            Event::Text(t) => t.xml10_content().into_owned(),
            Event::CData(c) => c.xml10_content().into_owned(),
            Event::GeneralRef(r) => match r.resolve_char_ref().map_err(|e| e.to_string())? {
                Some(c) => c.to_string(),
                None => resolve_predefined_entity(&r)
                    .ok_or("undeclared entity")?
                    .to_owned(),
            },
            Event::DocType(_) => return Err("doctype".into()),
            Event::Eof => break,
            _ => continue,
        };
        match stack.last_mut() {
            Some(el) => el.text.push_str(&text),
            None if text.trim_matches([' ', '\t', '\r', '\n']).is_empty() => {}
            None => return Err("text outside root".into()),
        }
    }
    if !stack.is_empty() {
        return Err("truncated".into());
    }
    let root = root.ok_or("empty")?;
    let mut out = String::new();
    write(&root, 0, &mut out);
    Ok(out)
}

/// Whether xmllint finds `text` well-formed, namespaces included (it reports namespace errors
/// without failing, so any report counts), without loading any DTD.
fn well_formed(text: &str) -> bool {
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint is installed (Debian: libxml2-utils)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to xmllint");
    let out = child.wait_with_output().expect("xmllint ran");
    out.status.success() && out.stderr.is_empty()
}

/// Every XML file under the protocol test corpora.
fn corpus() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "xml")
                && let Ok(text) = std::fs::read_to_string(&p)
                && text.len() < 200_000
                // Both parsers are given text; a declared ISO-8859-1 document would be decoded
                // differently by the byte-level entry point used here.
                && !text.get(..100).unwrap_or(&text).to_ascii_lowercase().contains("8859")
            {
                out.push(text);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
        &mut out,
    );
    out
}

const SNIPPETS: &[&str] = &[
    "<",
    ">",
    "/",
    "&",
    "&amp;",
    "&lt;",
    "&#65;",
    "&#x41;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    "&amp",
    "\"",
    "'",
    "=",
    " ",
    "\t",
    "\r\n",
    "\r",
    "\n",
    ":",
    "a:",
    "xmlns=\"\"",
    " xmlns:p=\"urn:p\"",
    " p:a=\"1\"",
    " a=\"1\"",
    " a='&#10;'",
    "<!-- c -->",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "<![CDATA[",
    "]]>",
    "<?pi x?>",
    "<?",
    "?>",
    "<!DOCTYPE a>",
    "<x/>",
    "<x>",
    "</x>",
    "</ x>",
    "<p:x/>",
    "é",
    "€",
    "1",
    "-",
    ".",
    "<!x>",
    "<a a=\"1\" a=\"2\"/>",
];

/// A mutation of `doc`: a snippet inserted, a range deleted, or a range duplicated, at places
/// chosen by `rng`, kept on character boundaries.
fn mutate(doc: &str, rng: &mut SplitMix64) -> String {
    let boundary = |mut i: usize| {
        while !doc.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let at = boundary(rng.below(doc.len() + 1));
    match rng.below(4) {
        0 | 1 => {
            let s = SNIPPETS[rng.below(SNIPPETS.len())];
            format!("{}{s}{}", &doc[..at], &doc[at..])
        }
        2 => {
            let end = boundary((at + 1 + rng.below(12)).min(doc.len()));
            format!("{}{}", &doc[..at], &doc[end..])
        }
        _ => {
            let end = boundary((at + 1 + rng.below(40)).min(doc.len()));
            format!("{}{}{}", &doc[..end], &doc[at..end], &doc[end..])
        }
    }
}

#[test]
fn the_tokenizer_agrees_with_quick_xml_or_xmllint_decides() {
    let docs = corpus();
    assert!(
        docs.len() > 100,
        "the corpora hold the protocol's XML files"
    );
    let mut rng = SplitMix64::new(20261121);
    let mut cases: Vec<String> = docs.clone();
    for _ in 0..6000 {
        let doc = &docs[rng.below(docs.len())];
        let mut m = mutate(doc, &mut rng);
        if rng.below(3) == 0 {
            m = mutate(&m, &mut rng);
        }
        cases.push(m);
    }
    let mut disagreements = Vec::new();
    // (both accept, both refuse, only ours refuses, only ours accepts)
    let mut tally = [0usize; 4];
    for case in &cases {
        let ours = canonicalize(case.as_bytes()).map_err(|e| e.to_string());
        let theirs = reference(case);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) if a == b => tally[0] += 1,
            (Err(_), Err(_)) => tally[1] += 1,
            (Ok(a), Ok(b)) => disagreements.push(format!(
                "different trees for\n{case}\n--- ours\n{a}--- quick-xml\n{b}"
            )),
            (Err(e), Ok(_)) => {
                tally[2] += 1;
                if well_formed(case) {
                    disagreements.push(format!("refused well-formed XML ({e}):\n{case}"));
                }
            }
            (Ok(_), Err(e)) => {
                tally[3] += 1;
                if !well_formed(case) {
                    disagreements.push(format!(
                        "accepted XML that is not well-formed (quick-xml: {e}):\n{case}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "{} cases: both accept {}, both refuse {}, only ours refuses {}, only ours accepts {}",
        cases.len(),
        tally[0],
        tally[1],
        tally[2],
        tally[3]
    );
    if let Ok(dir) = std::env::var("XML_DIFFERENTIAL_DUMP") {
        for (i, d) in disagreements.iter().enumerate() {
            std::fs::write(format!("{dir}/{i}.txt"), d).expect("dump");
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases:\n\n{}",
        disagreements.len(),
        cases.len(),
        disagreements[..disagreements.len().min(5)].join("\n\n")
    );
}
