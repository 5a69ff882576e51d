//! A small element tree with resolved namespaces, built from quick-xml events under hard
//! limits. DTDs are refused outright, so no entity is ever declared and none is expanded;
//! only the five predefined entities and character references are resolved.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::error::ParseError;
use crate::ns;
use crate::parse::ParseLimits;

/// An element with its namespace resolved. `text` is the concatenated character data of the
/// element's own text nodes (not its descendants').
#[derive(Debug, Clone)]
pub(crate) struct Element<'a> {
    pub(crate) ns: &'static str,
    pub(crate) ns_other: Option<Box<str>>,
    pub(crate) name: Cow<'a, str>,
    pub(crate) attrs: Vec<Attr<'a>>,
    pub(crate) children: Vec<Element<'a>>,
    pub(crate) text: Cow<'a, str>,
}

/// An attribute with its namespace resolved (unprefixed attributes have no namespace).
#[derive(Debug, Clone)]
pub(crate) struct Attr<'a> {
    pub(crate) ns: &'static str,
    pub(crate) ns_other: Option<Box<str>>,
    pub(crate) name: Cow<'a, str>,
    pub(crate) value: Cow<'a, str>,
}

/// What the tree builder noticed that a conformance checker should hear about.
#[derive(Debug, Default)]
pub(crate) struct TreeNotes {
    /// Paths of attributes whose value is empty or only whitespace.
    pub(crate) blank_attributes: Vec<String>,
}

const KNOWN: [&str; 8] = [
    ns::SOAP11,
    ns::SOAP12,
    ns::WSA,
    ns::WSSE,
    ns::WSU,
    ns::ITK,
    ns::HL7,
    ns::XSI,
];

fn intern(uri: &str) -> (&'static str, Option<Box<str>>) {
    match KNOWN.iter().find(|k| **k == uri) {
        Some(k) => (k, None),
        None => ("", Some(uri.into())),
    }
}

/// `part` as a slice of `input` with `input`'s lifetime, when it lies inside `input`.
/// quick-xml hands out names, values and text borrowed from the input but tied to the event's
/// lifetime; re-slicing lets the tree keep them without copying (most of parsing's cost was
/// allocating those copies).
fn reslice<'a>(input: &'a str, part: &str) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    input.get(start..end)
}

fn borrow<'a>(input: &'a str, part: Cow<'_, str>) -> Cow<'a, str> {
    match part {
        Cow::Borrowed(s) => match reslice(input, s) {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(s.to_owned()),
        },
        Cow::Owned(o) => Cow::Owned(o),
    }
}

impl<'a> Element<'a> {
    /// The namespace URI, empty when unqualified.
    pub(crate) fn namespace(&self) -> &str {
        self.ns_other.as_deref().unwrap_or(self.ns)
    }

    /// Whether this element is `{namespace}name`.
    pub(crate) fn is(&self, namespace: &str, name: &str) -> bool {
        self.name == name && self.namespace() == namespace
    }

    /// Child elements named `{namespace}name`.
    pub(crate) fn children_named<'s>(
        &'s self,
        namespace: &'s str,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.is(namespace, name))
    }

    /// The first child element named `{namespace}name`.
    pub(crate) fn child(&self, namespace: &str, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.is(namespace, name))
    }

    /// An attribute's value by namespace and local name (`""` for unqualified attributes).
    pub(crate) fn attr_ns(&self, namespace: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name && a.ns_other.as_deref().unwrap_or(a.ns) == namespace)
            .map(|a| a.value.as_ref())
    }

    /// An unqualified attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attr_ns("", name)
    }

    /// Serialises this element and its descendants with their own namespace declarations, so
    /// the result stands alone (used to keep payloads we do not model).
    pub(crate) fn to_standalone_xml(&self) -> String {
        let mut out = String::new();
        let mut prefixes: Vec<String> = Vec::new();
        self.write_standalone(&mut out, &mut prefixes, "");
        out
    }

    fn write_standalone(&self, out: &mut String, prefixes: &mut Vec<String>, default_ns: &str) {
        use crate::xml::write::{push_attr, push_text};
        let namespace = self.namespace();
        out.push('<');
        out.push_str(&self.name);
        if namespace != default_ns {
            out.push_str(" xmlns=\"");
            push_attr(out, namespace);
            out.push('"');
        }
        let mark = prefixes.len();
        for a in &self.attrs {
            out.push(' ');
            let ans = a.ns_other.as_deref().unwrap_or(a.ns);
            if !ans.is_empty() {
                let p = match prefixes.iter().position(|p| p == ans) {
                    Some(i) => i,
                    None => {
                        prefixes.push(ans.to_owned());
                        let i = prefixes.len() - 1;
                        out.push_str(&format!("xmlns:a{i}=\""));
                        push_attr(out, ans);
                        out.push_str("\" ");
                        i
                    }
                };
                out.push_str(&format!("a{p}:"));
            }
            out.push_str(&a.name);
            out.push_str("=\"");
            push_attr(out, &a.value);
            out.push('"');
        }
        if self.children.is_empty() && self.text.is_empty() {
            out.push_str("/>");
        } else {
            out.push('>');
            push_text(out, &self.text);
            for c in &self.children {
                c.write_standalone(out, prefixes, namespace);
            }
            out.push_str("</");
            out.push_str(&self.name);
            out.push('>');
        }
        prefixes.truncate(mark);
    }
}

struct Builder<'l, 'a> {
    limits: &'l ParseLimits,
    input: &'a str,
    stack: Vec<Element<'a>>,
    root: Option<Element<'a>>,
    elements: usize,
    notes: TreeNotes,
}

/// Parses `input` into a tree. Refuses DTDs, undeclared entities, oversize values, excessive
/// nesting or element counts, and any well-formedness error, each with its line and column.
pub(crate) fn parse_tree<'a>(
    input: &'a str,
    limits: &ParseLimits,
) -> Result<(Element<'a>, TreeNotes), ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: input.len(),
            limit: limits.max_bytes,
        });
    }
    let mut reader = NsReader::from_str(input);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    reader
        .resolver_mut()
        .set_max_namespace_bindings(limits.max_namespace_bindings);
    let mut b = Builder {
        limits,
        input,
        stack: Vec::new(),
        root: None,
        elements: 0,
        notes: TreeNotes::default(),
    };
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = reader.error_position() as usize;
                return Err(b.malformed(at, e.to_string()));
            }
        };
        match event {
            Event::Start(start) => {
                let el = b.open(&reader, &start, before)?;
                b.stack.push(el);
            }
            Event::Empty(start) => {
                let el = b.open(&reader, &start, before)?;
                b.close(el);
            }
            Event::End(_) => {
                let el = b.stack.pop().ok_or_else(|| {
                    b.malformed(before, "closing tag without an opening tag".into())
                })?;
                b.close(el);
            }
            Event::Text(t) => {
                let text = borrow(input, t.xml10_content());
                b.push_text(text, before)?;
            }
            Event::CData(c) => {
                let text = borrow(input, c.xml10_content());
                b.push_text(text, before)?;
            }
            Event::GeneralRef(r) => {
                let resolved: String = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => {
                            let (line, column) = b.line_column(before);
                            return Err(ParseError::UndeclaredEntity {
                                name: r.xml10_content().into_owned(),
                                line,
                                column,
                            });
                        }
                    },
                    Err(e) => return Err(b.malformed(before, e.to_string())),
                };
                b.push_text(Cow::Owned(resolved), before)?;
            }
            Event::DocType(_) => {
                let (line, column) = b.line_column(before);
                return Err(ParseError::DtdRefused { line, column });
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = b.stack.last() {
        let (line, column) = b.line_column(input.len());
        return Err(ParseError::Truncated {
            open_element: open.name.to_string(),
            line,
            column,
        });
    }
    match b.root {
        Some(root) => Ok((root, b.notes)),
        None => Err(ParseError::Empty),
    }
}

impl<'a> Builder<'_, 'a> {
    fn line_column(&self, offset: usize) -> (usize, usize) {
        crate::xml::decode::line_column_bytes(self.input.as_bytes(), offset)
    }

    fn malformed(&self, offset: usize, message: String) -> ParseError {
        let (line, column) = self.line_column(offset);
        ParseError::Malformed {
            message,
            line,
            column,
        }
    }

    fn path(&self, leaf: &str) -> String {
        let mut p = String::new();
        for e in &self.stack {
            p.push('/');
            p.push_str(&e.name);
        }
        p.push('/');
        p.push_str(leaf);
        p
    }

    fn open(
        &mut self,
        reader: &NsReader<&[u8]>,
        start: &BytesStart,
        at: usize,
    ) -> Result<Element<'a>, ParseError> {
        if self.root.is_some() {
            return Err(self.malformed(at, "content after the document element".into()));
        }
        if self.stack.len() >= self.limits.max_depth {
            let (line, column) = self.line_column(at);
            return Err(ParseError::TooDeep {
                limit: self.limits.max_depth,
                line,
                column,
            });
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(ParseError::TooManyElements {
                limit: self.limits.max_elements,
            });
        }
        let (res, local) = reader.resolver().resolve_element(start.name());
        let (ns, ns_other) = match res {
            ResolveResult::Bound(n) => intern(n.0),
            ResolveResult::Unbound => ("", None),
            ResolveResult::Unknown(p) => {
                return Err(self.malformed(at, format!("namespace prefix {p:?} is not declared")));
            }
        };
        let name = borrow(self.input, Cow::Borrowed(local.as_ref()));
        let mut attrs = Vec::new();
        for a in start.attributes().with_checks(true) {
            let a = a.map_err(|e| self.malformed(at, e.to_string()))?;
            if a.key.as_namespace_binding().is_some() {
                continue;
            }
            if a.value.len() > self.limits.max_value_len {
                let (line, column) = self.line_column(at);
                return Err(ParseError::ValueTooLong {
                    len: a.value.len(),
                    limit: self.limits.max_value_len,
                    line,
                    column,
                });
            }
            if attrs.len() >= self.limits.max_attributes {
                return Err(self.malformed(
                    at,
                    format!(
                        "more than {} attributes on one element",
                        self.limits.max_attributes
                    ),
                ));
            }
            let (res, local) = reader.resolver().resolve_attribute(a.key);
            let (ans, ans_other) = match res {
                ResolveResult::Bound(n) => intern(n.0),
                ResolveResult::Unbound => ("", None),
                ResolveResult::Unknown(p) => {
                    return Err(
                        self.malformed(at, format!("namespace prefix {p:?} is not declared"))
                    );
                }
            };
            let value = match a.normalized_value(XmlVersion::Implicit1_0) {
                Ok(v) => borrow(self.input, v),
                Err(e) => {
                    return Err(self.malformed(at, format!("attribute {}: {e}", a.key.as_ref())));
                }
            };
            let attr_name = borrow(self.input, Cow::Borrowed(local.as_ref()));
            if crate::xml::trim_xml_whitespace(&value).is_empty() {
                let path = format!("{}/@{}", self.path(&name), attr_name);
                self.notes.blank_attributes.push(path);
            }
            attrs.push(Attr {
                ns: ans,
                ns_other: ans_other,
                name: attr_name,
                value,
            });
        }
        Ok(Element {
            ns,
            ns_other,
            name,
            attrs,
            children: Vec::new(),
            text: Cow::Borrowed(""),
        })
    }

    fn close(&mut self, el: Element<'a>) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(el),
            None => self.root = Some(el),
        }
    }

    fn push_text(&mut self, text: Cow<'a, str>, at: usize) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            Some(el) => {
                if el.text.len() + text.len() > self.limits.max_value_len {
                    let len = el.text.len() + text.len();
                    let (line, column) = self.line_column(at);
                    return Err(ParseError::ValueTooLong {
                        len,
                        limit: self.limits.max_value_len,
                        line,
                        column,
                    });
                }
                if el.text.is_empty() {
                    el.text = text;
                } else {
                    el.text.to_mut().push_str(&text);
                }
                Ok(())
            }
            None if crate::xml::trim_xml_whitespace(&text).is_empty() => Ok(()),
            None => Err(self.malformed(at, "text outside the document element".into())),
        }
    }
}
