//! A small element tree with resolved namespaces, built from [`super::scan`]'s tokens under
//! hard limits. DTDs are refused outright, so no entity is ever declared and none is expanded;
//! only the five predefined entities and character references are resolved.

use std::borrow::Cow;
use std::cell::OnceCell;

use super::scan::{RawAttr, Scanner, Token, attribute_value};

use crate::error::ParseError;
use crate::ns;
use crate::parse::ParseLimits;

/// A parsed document: every element and attribute in two flat vectors (an arena), so
/// building and dropping a tree costs a couple of allocations rather than several per element.
/// Names, namespace URIs, values and text borrow from the input wherever the input holds them
/// verbatim.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    nodes: Vec<Node<'a>>,
    attrs: Vec<Attr<'a>>,
}

/// No node: the end of a child or sibling chain.
const NONE: u32 = u32::MAX;

#[derive(Debug)]
struct Node<'a> {
    /// The namespace URI its declaration gives (empty when none): borrowed from the declaring
    /// attribute (or from [`DecodedUris`] when normalising the value changed it), so resolving
    /// a name copies nothing.
    ns: &'a str,
    name: &'a str,
    /// The concatenated character data of the element's own text nodes.
    text: Cow<'a, str>,
    attrs_start: u32,
    attrs_end: u32,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
}

/// An element of a [`Document`] with its namespace resolved: a cheap handle (`Copy`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'d, 'a> {
    doc: &'d Document<'a>,
    id: u32,
}

/// An attribute with its namespace resolved (unprefixed attributes have no namespace).
#[derive(Debug, Clone)]
pub(crate) struct Attr<'a> {
    /// The namespace URI as declared (empty when unqualified).
    pub(crate) ns: &'a str,
    pub(crate) name: &'a str,
    pub(crate) value: Cow<'a, str>,
}

impl Attr<'_> {
    /// The namespace URI, empty when unqualified.
    pub(crate) fn namespace(&self) -> &str {
        self.ns
    }
}

/// Room for the namespace URIs a document declares with references or white space to
/// normalise in them (`xmlns:p="urn:a&amp;b"` binds `urn:a&b`), which the input does not hold
/// verbatim. The caller keeps it beside the input, since the tree borrows from both; it stays
/// empty, and costs nothing, for the documents that declare every namespace verbatim.
#[derive(Debug, Default)]
pub(crate) struct DecodedUris(OnceCell<Vec<(usize, String)>>);

/// What the tree builder noticed that a conformance checker should hear about.
#[derive(Debug, Default)]
pub(crate) struct TreeNotes {
    /// Paths of attributes whose value is empty or only whitespace.
    pub(crate) blank_attributes: Vec<String>,
}

/// The namespace bound to the reserved prefix `xml`.
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace bound to the reserved prefix `xmlns`.
const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

impl<'a> Document<'a> {
    /// The document element.
    pub(crate) fn root(&self) -> Element<'_, 'a> {
        Element { doc: self, id: 0 }
    }
}

/// The child elements of one element, in document order.
#[derive(Debug, Clone)]
pub(crate) struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    next: u32,
}

impl<'d, 'a> Iterator for Children<'d, 'a> {
    type Item = Element<'d, 'a>;

    fn next(&mut self) -> Option<Element<'d, 'a>> {
        let node = self.doc.nodes.get(self.next as usize)?;
        let el = Element {
            doc: self.doc,
            id: self.next,
        };
        self.next = node.next_sibling;
        Some(el)
    }
}

impl<'d, 'a> Element<'d, 'a> {
    fn node(&self) -> &'d Node<'a> {
        &self.doc.nodes[self.id as usize]
    }

    /// The local name.
    pub(crate) fn name(&self) -> &'d str {
        self.node().name
    }

    /// The element's own character data, untrimmed.
    pub(crate) fn text(&self) -> &'d str {
        &self.node().text
    }

    /// The namespace URI, empty when unqualified.
    pub(crate) fn namespace(&self) -> &'d str {
        self.node().ns
    }

    /// Whether this element is `{namespace}name`.
    pub(crate) fn is(&self, namespace: &str, name: &str) -> bool {
        super::same(self.name(), name) && super::same(self.namespace(), namespace)
    }

    /// The attributes, namespace declarations excepted, in document order.
    pub(crate) fn attrs(&self) -> &'d [Attr<'a>] {
        let node = self.node();
        &self.doc.attrs[node.attrs_start as usize..node.attrs_end as usize]
    }

    /// The child elements.
    pub(crate) fn children(&self) -> Children<'d, 'a> {
        Children {
            doc: self.doc,
            next: self.node().first_child,
        }
    }

    /// Whether the element has child elements.
    pub(crate) fn has_children(&self) -> bool {
        self.node().first_child != NONE
    }

    /// Child elements named `{namespace}name`.
    pub(crate) fn children_named<'s>(
        &self,
        namespace: &'s str,
        name: &'s str,
    ) -> impl Iterator<Item = Element<'d, 'a>> + 's
    where
        'd: 's,
    {
        self.children().filter(move |c| c.is(namespace, name))
    }

    /// The first child element named `{namespace}name`.
    pub(crate) fn child(&self, namespace: &str, name: &str) -> Option<Element<'d, 'a>> {
        self.children().find(|c| c.is(namespace, name))
    }

    /// An attribute's value by namespace and local name (`""` for unqualified attributes).
    pub(crate) fn attr_ns(&self, namespace: &str, name: &str) -> Option<&'d str> {
        self.attrs()
            .iter()
            .find(|a| super::same(a.name, name) && super::same(a.namespace(), namespace))
            .map(|a| a.value.as_ref())
    }

    /// An unqualified attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Option<&'d str> {
        self.attr_ns("", name)
    }

    /// Serialises this element and its descendants with their own namespace declarations, so
    /// the result stands alone (used to keep payloads we do not model).
    pub(crate) fn to_standalone_xml(self) -> String {
        let mut out = String::new();
        let mut prefixes: Vec<String> = Vec::new();
        self.write_standalone(&mut out, &mut prefixes, "");
        out
    }

    fn write_standalone(&self, out: &mut String, prefixes: &mut Vec<String>, default_ns: &str) {
        use crate::xml::write::{push_attr, push_text};
        let namespace = self.namespace();
        out.push('<');
        out.push_str(self.name());
        if namespace != default_ns {
            out.push_str(" xmlns=\"");
            push_attr(out, namespace);
            out.push('"');
        }
        let mark = prefixes.len();
        for a in self.attrs() {
            out.push(' ');
            let ans = a.namespace();
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
            out.push_str(a.name);
            out.push_str("=\"");
            push_attr(out, &a.value);
            out.push('"');
        }
        if !self.has_children() && self.text().is_empty() {
            out.push_str("/>");
        } else {
            out.push('>');
            push_text(out, self.text());
            for c in self.children() {
                c.write_standalone(out, prefixes, namespace);
            }
            out.push_str("</");
            out.push_str(self.name());
            out.push('>');
        }
        prefixes.truncate(mark);
    }
}

/// A namespace binding in scope: `prefix` (empty for the default namespace) to `uri` (the
/// attribute's normalised value; empty undeclares).
struct Binding<'a> {
    prefix: &'a str,
    uri: &'a str,
}

/// An element being built: its node and the bindings in scope before it opened.
struct Open<'a> {
    id: u32,
    /// The qualified name as written, which the end tag must repeat.
    name: &'a str,
    /// Its prefix and the namespace that resolved to.
    prefix: Option<&'a str>,
    ns: &'a str,
    bindings_mark: usize,
}

struct Builder<'l, 'a> {
    limits: &'l ParseLimits,
    input: &'a str,
    decoded: &'a DecodedUris,
    doc: Document<'a>,
    stack: Vec<Open<'a>>,
    bindings: Vec<Binding<'a>>,
    /// Prefixes of the current start tag's attributes, resolved once its declarations are in.
    prefixes: Vec<Option<&'a str>>,
    root_closed: bool,
    elements: usize,
    notes: TreeNotes,
}

/// Parses `input` into a tree. Refuses DTDs, undeclared entities and namespace prefixes,
/// oversize values, excessive nesting, element, attribute or namespace-binding counts, and any
/// well-formedness error, each with its line and column. `decoded` holds any namespace URI
/// that had to be normalised (see [`DecodedUris`]).
pub(crate) fn parse_tree<'a>(
    input: &'a str,
    decoded: &'a DecodedUris,
    limits: &ParseLimits,
) -> Result<(Document<'a>, TreeNotes), ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: input.len(),
            limit: limits.max_bytes,
        });
    }
    let mut scanner = Scanner::new(input);
    // A SOAP request has an element per 60 bytes or so, an attribute per 110.
    let mut b = Builder {
        limits,
        input,
        decoded,
        doc: Document {
            nodes: Vec::with_capacity((input.len() / 48).clamp(8, 4096)),
            attrs: Vec::with_capacity((input.len() / 96).clamp(8, 4096)),
        },
        stack: Vec::with_capacity(16),
        bindings: Vec::with_capacity(8),
        prefixes: Vec::with_capacity(8),
        root_closed: false,
        elements: 0,
        notes: TreeNotes::default(),
    };
    // The current start tag's attributes, as the scanner read them.
    let mut raw_attrs: Vec<RawAttr<'a>> = Vec::with_capacity(8);
    loop {
        let open = b.stack.last().map_or("", |o| o.name);
        let token = scanner.next_token(&mut raw_attrs, open)?;
        let at = scanner.token_start();
        match token {
            Token::Start {
                name,
                local_at,
                empty,
            } => b.open(name, local_at, &raw_attrs, at, empty)?,
            Token::End { name } => {
                let Some(open) = b.stack.last() else {
                    return Err(b.malformed(at, "closing tag without an opening tag".into()));
                };
                if !super::same(open.name, name) {
                    let expected = open.name;
                    return Err(b.malformed(at, format!("expected </{expected}>, found </{name}>")));
                }
                b.close();
            }
            Token::Text(text) => b.push_text(text, at)?,
            Token::Eof => break,
        }
    }
    if let Some(open) = b.stack.last() {
        let (line, column) = b.line_column(input.len());
        return Err(ParseError::Truncated {
            open_element: b.doc.nodes[open.id as usize].name.to_owned(),
            line,
            column,
        });
    }
    if b.doc.nodes.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok((b.doc, b.notes))
}

impl<'a> Builder<'_, 'a> {
    fn line_column(&self, offset: usize) -> (usize, usize) {
        crate::xml::decode::line_column_bytes(self.input.as_bytes(), offset)
    }

    fn malformed(&self, offset: usize, message: String) -> ParseError {
        crate::xml::decode::malformed_at(self.input.as_bytes(), offset, message)
    }

    fn path(&self, leaf: &str) -> String {
        let mut p = String::new();
        for e in &self.stack {
            p.push('/');
            p.push_str(self.doc.nodes[e.id as usize].name);
        }
        p.push('/');
        p.push_str(leaf);
        p
    }

    /// The namespace a prefix is bound to: `Ok(None)` when unbound (no prefix and no default
    /// namespace, or an attribute without a prefix), `Err` naming an undeclared prefix.
    fn resolve(&self, prefix: Option<&'a str>, element: bool) -> Result<Option<&'a str>, String> {
        match prefix {
            None if !element => Ok(None),
            None => Ok(self
                .bindings
                .iter()
                .rev()
                .find(|b| b.prefix.is_empty())
                .map(|b| b.uri)
                .filter(|uri| !uri.is_empty())),
            Some("xml") => Ok(Some(XML_NAMESPACE)),
            Some("xmlns") => Ok(Some(XMLNS_NAMESPACE)),
            Some(p) => match self
                .bindings
                .iter()
                .rev()
                .find(|b| super::same(b.prefix, p))
            {
                Some(b) if !b.uri.is_empty() => Ok(Some(b.uri)),
                _ => Err(p.to_owned()),
            },
        }
    }

    /// The namespace URI a declaration's raw value `raw` stands for, once normalised: borrowed
    /// from the input when normalising changes nothing, else from [`DecodedUris`], which is
    /// filled (on the first such declaration) with every such URI the document declares.
    fn decoded_uri(&self, raw: &'a str, at: usize) -> Result<&'a str, ParseError> {
        let uri = match attribute_value(raw).map_err(|why| self.malformed(at, why))? {
            Cow::Borrowed(uri) => return Ok(uri),
            Cow::Owned(uri) => uri,
        };
        // Found by where the value sits in the input, not by comparing names: a document may
        // declare tens of thousands of them.
        let offset = raw.as_ptr() as usize - self.input.as_ptr() as usize;
        let held = self.decoded.0.get_or_init(|| declared_uris(self.input));
        match held.binary_search_by_key(&offset, |(at, _)| *at) {
            Ok(i) if held[i].1 == uri => Ok(held[i].1.as_str()),
            // The same scanner read the same declaration, so it is always there.
            _ => Err(self.malformed(at, format!("namespace name {uri:?} could not be held"))),
        }
    }

    /// Adds a namespace declaration (`xmlns` or `xmlns:prefix`) of the element being opened.
    fn declare(&mut self, prefix: &'a str, uri: &'a str, at: usize) -> Result<(), ParseError> {
        let refuse = |b: &Self, why: String| Err(b.malformed(at, why));
        match prefix {
            "xml" if uri != XML_NAMESPACE => {
                return refuse(
                    self,
                    format!("the namespace prefix 'xml' cannot be bound to '{uri}'"),
                );
            }
            // Already bound to its only allowed value.
            "xml" => return Ok(()),
            "xmlns" => {
                return refuse(
                    self,
                    format!("the namespace prefix 'xmlns' cannot be bound to '{uri}'"),
                );
            }
            p if !p.is_empty() && (uri == XML_NAMESPACE || uri == XMLNS_NAMESPACE) => {
                return refuse(
                    self,
                    format!("the namespace prefix '{p}' cannot be bound to '{uri}'"),
                );
            }
            _ => {}
        }
        if self.bindings.len() >= self.limits.max_namespace_bindings {
            return refuse(
                self,
                format!(
                    "more than {} namespace bindings in scope",
                    self.limits.max_namespace_bindings
                ),
            );
        }
        self.bindings.push(Binding {
            prefix,
            uri: known_namespace(uri),
        });
        Ok(())
    }

    fn open(
        &mut self,
        name: &'a str,
        local_at: usize,
        raw_attrs: &[RawAttr<'a>],
        at: usize,
        empty: bool,
    ) -> Result<(), ParseError> {
        if self.root_closed {
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
        let bindings_mark = self.bindings.len();
        let attrs_start = self.doc.attrs.len();
        self.prefixes.clear();
        // One pass over the attributes: duplicates, declarations, limits and values. Prefixes
        // are resolved afterwards, once every declaration of this tag is in scope.
        for (i, a) in raw_attrs.iter().enumerate() {
            if raw_attrs[..i].iter().any(|b| super::same(b.name, a.name)) {
                return Err(self.malformed(at, format!("duplicated attribute {:?}", a.name)));
            }
            if let Some(prefix) = declared_prefix(a.name) {
                // A namespace name is the attribute's normalised value, references resolved.
                let uri = if a.plain {
                    a.value
                } else {
                    self.decoded_uri(a.value, at)?
                };
                self.declare(prefix, uri, at)?;
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
            if self.prefixes.len() >= self.limits.max_attributes {
                return Err(self.malformed(
                    at,
                    format!(
                        "more than {} attributes on one element",
                        self.limits.max_attributes
                    ),
                ));
            }
            let (prefix, local) = split_name(a.name, a.local_at);
            let value = if a.plain {
                Cow::Borrowed(a.value)
            } else {
                attribute_value(a.value).map_err(|why| self.malformed(at, why))?
            };
            self.prefixes.push(prefix);
            self.doc.attrs.push(Attr {
                ns: "",
                name: local,
                value,
            });
        }
        for i in 0..self.prefixes.len() {
            let ns = match self.resolve(self.prefixes[i], false) {
                Ok(ns) => ns,
                Err(p) => {
                    return Err(
                        self.malformed(at, format!("namespace prefix {p:?} is not declared"))
                    );
                }
            };
            let attr = &mut self.doc.attrs[attrs_start + i];
            if let Some(ns) = ns {
                attr.ns = ns;
            }
            if crate::xml::trim_xml_whitespace(&attr.value).is_empty() {
                let attr_name = attr.name;
                let path = format!("{}/@{attr_name}", self.path(&name[local_at..]));
                self.notes.blank_attributes.push(path);
            }
        }
        let (prefix, local) = split_name(name, local_at);
        // An element that declares nothing has its parent's bindings in scope, so with its
        // parent's prefix it has its parent's namespace: no need to look it up again.
        let inherited = match self.stack.last() {
            Some(parent) if self.bindings.len() == bindings_mark && parent.prefix == prefix => {
                Some(parent.ns)
            }
            _ => None,
        };
        let ns = match inherited {
            Some(ns) => ns,
            None => match self.resolve(prefix, true) {
                Ok(Some(uri)) => uri,
                Ok(None) => "",
                Err(p) => {
                    return Err(
                        self.malformed(at, format!("namespace prefix {p:?} is not declared"))
                    );
                }
            },
        };
        let id = u32::try_from(self.doc.nodes.len()).unwrap_or(NONE);
        self.doc.nodes.push(Node {
            ns,
            name: local,
            text: Cow::Borrowed(""),
            attrs_start: u32::try_from(attrs_start).unwrap_or(NONE),
            attrs_end: u32::try_from(self.doc.attrs.len()).unwrap_or(NONE),
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        });
        if let Some(parent) = self.stack.last() {
            let parent = parent.id as usize;
            match self.doc.nodes[parent].last_child {
                NONE => self.doc.nodes[parent].first_child = id,
                last => self.doc.nodes[last as usize].next_sibling = id,
            }
            self.doc.nodes[parent].last_child = id;
        }
        self.stack.push(Open {
            id,
            name,
            prefix,
            ns,
            bindings_mark,
        });
        if empty {
            self.close();
        }
        Ok(())
    }

    /// Closes the innermost open element: its namespace declarations go out of scope.
    fn close(&mut self) {
        if let Some(open) = self.stack.pop() {
            self.bindings.truncate(open.bindings_mark);
            if self.stack.is_empty() {
                self.root_closed = true;
            }
        }
    }

    fn push_text(&mut self, text: Cow<'a, str>, at: usize) -> Result<(), ParseError> {
        match self.stack.last() {
            Some(open) => {
                let el = &self.doc.nodes[open.id as usize];
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
                let el = &mut self.doc.nodes[open.id as usize];
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

/// The namespaces SMSP messages use, as the constants the parser looks them up by.
const KNOWN_NAMESPACES: [&str; 8] = [
    ns::SOAP11,
    ns::SOAP12,
    ns::WSA,
    ns::WSSE,
    ns::WSU,
    ns::ITK,
    ns::HL7,
    ns::XSI,
];

/// `uri` as the constant of a known namespace when it is one, so that the many look-ups by
/// namespace find it by identity ([`super::same`]); any other URI as written.
fn known_namespace(uri: &str) -> &str {
    KNOWN_NAMESPACES
        .into_iter()
        .find(|k| k.len() == uri.len() && *k == uri)
        .unwrap_or(uri)
}

/// The prefix an attribute named `name` declares: `Some("")` for `xmlns` (the default
/// namespace), `Some(p)` for `xmlns:p`, `None` for an attribute that declares nothing.
fn declared_prefix(name: &str) -> Option<&str> {
    match name.strip_prefix("xmlns")? {
        "" => Some(""),
        rest => rest.strip_prefix(':'),
    }
}

/// Every namespace URI `input` declares that normalising changes, normalised, with the byte
/// offset of its raw value, in document order, as far as the input can be read (an error stops
/// the tree there too).
fn declared_uris(input: &str) -> Vec<(usize, String)> {
    let mut scanner = Scanner::new(input);
    let mut attrs = Vec::new();
    let mut out = Vec::new();
    while let Ok(token) = scanner.next_token(&mut attrs, "") {
        match token {
            Token::Eof => break,
            Token::Start { .. } => {
                for a in attrs.iter().filter(|a| !a.plain) {
                    let declares = declared_prefix(a.name).is_some();
                    if let (true, Ok(Cow::Owned(uri))) = (declares, attribute_value(a.value)) {
                        out.push((a.value.as_ptr() as usize - input.as_ptr() as usize, uri));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A qualified name's prefix (if any) and local name, split where the scanner found the
/// local name to begin (0 when there is no prefix).
fn split_name(name: &str, local_at: usize) -> (Option<&str>, &str) {
    match local_at {
        0 => (None, name),
        _ => (Some(&name[..local_at - 1]), &name[local_at..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Result<Document<'_>, ParseError> {
        // Leaked: a few bytes per test document, so that the helper can return the tree.
        let decoded: &'static DecodedUris = Box::leak(Box::default());
        parse_tree(xml, decoded, &ParseLimits::default()).map(|(doc, _)| doc)
    }

    fn malformed(xml: &str) -> String {
        match parse(xml) {
            Err(ParseError::Malformed { message, .. }) => message,
            other => panic!("expected Malformed for {xml}, got {other:?}"),
        }
    }

    #[test]
    fn namespaces_resolve_in_scope_and_go_out_of_scope() {
        let xml = r#"<a:r xmlns:a="urn:a" xmlns="urn:d" a:x="1" y="2"><c/><d xmlns=""><e/></d><a:f xmlns:a="urn:b"/><g xml:lang="en"/></a:r>"#;
        let doc = parse(xml).unwrap();
        let root = doc.root();
        assert_eq!((root.namespace(), root.name()), ("urn:a", "r"));
        assert_eq!(root.attr_ns("urn:a", "x"), Some("1"));
        assert_eq!(root.attr("y"), Some("2"));
        let kids: Vec<_> = root.children().collect();
        assert_eq!(kids.len(), 4);
        assert_eq!((kids[0].namespace(), kids[0].name()), ("urn:d", "c"));
        assert_eq!(kids[1].namespace(), "");
        assert_eq!(kids[1].children().next().unwrap().namespace(), "");
        assert_eq!(kids[2].namespace(), "urn:b");
        assert_eq!(
            kids[3].attr_ns("http://www.w3.org/XML/1998/namespace", "lang"),
            Some("en")
        );
        // A child that declares nothing has its parent's namespace for its parent's prefix,
        // whatever its siblings declared; one that declares looks its prefix up again.
        let doc = parse(r#"<r xmlns="urn:r" xmlns:p="urn:p"><s xmlns="urn:s"><p:x/></s><t><u/><p:v xmlns:p="urn:q"><p:w/></p:v></t></r>"#).unwrap();
        let r = doc.root();
        let s = r.child("urn:s", "s").unwrap();
        assert_eq!(s.children().next().unwrap().namespace(), "urn:p");
        let t = r.child("urn:r", "t").unwrap();
        let kids: Vec<_> = t.children().map(|c| (c.namespace(), c.name())).collect();
        assert_eq!(kids, [("urn:r", "u"), ("urn:q", "v")]);
        let v = t.children().nth(1).unwrap();
        assert_eq!(v.children().next().unwrap().namespace(), "urn:q");
        // A prefix declared on an element is gone after it closes.
        assert!(malformed(r#"<r><p:a xmlns:p="urn:p"/><p:b/></r>"#).contains("\"p\""));
    }

    #[test]
    fn namespace_names_are_normalised_values() {
        // References and white space in a declaration are resolved before it binds.
        let doc =
            parse(r#"<p:r xmlns:p="urn:a&amp;b" xmlns="urn:hl7-org&#58;v3"><p:s/><t/></p:r>"#)
                .unwrap();
        let root = doc.root();
        assert_eq!(root.namespace(), "urn:a&b");
        let kids: Vec<_> = root.children().map(|c| c.namespace()).collect();
        assert_eq!(kids, ["urn:a&b", ns::HL7]);
        // The same name however it is written, on elements and attributes alike.
        let doc = parse(r#"<r xmlns:a="urn:x" a:k="1"><s xmlns:a="urn&#x3A;x" a:k="2"/><t xmlns:a="urn:&#120;" a:k="3"/></r>"#)
            .unwrap();
        let values: Vec<_> = std::iter::once(doc.root())
            .chain(doc.root().children())
            .map(|e| e.attr_ns("urn:x", "k"))
            .collect();
        assert_eq!(values, [Some("1"), Some("2"), Some("3")]);
        assert_eq!(
            parse("<r xmlns=\"urn:a\tb\"/>").unwrap().root().namespace(),
            "urn:a b"
        );
        // Many such declarations, each found by where it stands (siblings may each declare as
        // many as the binding limit allows).
        let mut xml = String::from("<r>");
        for e in 0..200 {
            xml.push_str(&format!("<p{e}:e"));
            for d in 0..60 {
                xml.push_str(&format!(" xmlns:q{d}=\"urn:{e}&amp;{d}\""));
            }
            xml.push_str(&format!(" xmlns:p{e}=\"urn:{e}&amp;own\" q7:k=\"{e}\"/>"));
        }
        xml.push_str("</r>");
        let doc = parse(&xml).unwrap();
        let kids: Vec<_> = doc.root().children().collect();
        assert_eq!(kids.len(), 200);
        for (e, kid) in kids.iter().enumerate() {
            assert_eq!(kid.namespace(), format!("urn:{e}&own"));
            let key = format!("{e}");
            assert_eq!(kid.attr_ns(&format!("urn:{e}&7"), "k"), Some(key.as_str()));
        }
        // The reserved names are judged on the normalised value too.
        assert!(malformed(r#"<r xmlns:p="http://www.w3.org/2000/xmlns&#47;"/>"#).contains("'p'"));
        assert!(malformed(r#"<r xmlns:p="urn:&bogus;"/>"#).contains("bogus"));
    }

    #[test]
    fn namespace_mistakes_are_malformed() {
        assert!(malformed("<p:r/>").contains("not declared"));
        assert!(malformed(r#"<r xmlns:p="urn:p"><q xmlns:p=""><p:x/></q></r>"#).contains("\"p\""));
        assert!(malformed(r#"<r xmlns:xml="urn:other"/>"#).contains("'xml'"));
        assert!(malformed(r#"<r xmlns:xmlns="urn:other"/>"#).contains("'xmlns'"));
        assert!(malformed(r#"<r xmlns:p="http://www.w3.org/2000/xmlns/"/>"#).contains("'p'"));
        assert!(malformed(r#"<r a="1" a="2"/>"#).contains("duplicated"));
        assert!(malformed(r#"<r xmlns:p="urn:a" xmlns:p="urn:b"/>"#).contains("duplicated"));
        assert!(malformed(r#"<r p:a="1"/>"#).contains("not declared"));
        // The xml prefix may be declared with its own namespace.
        assert!(parse(r#"<r xmlns:xml="http://www.w3.org/XML/1998/namespace"/>"#).is_ok());
    }

    #[test]
    fn namespace_bindings_are_limited() {
        let limits = ParseLimits {
            max_namespace_bindings: 2,
            ..ParseLimits::default()
        };
        let ok = r#"<r xmlns:a="urn:a"><s xmlns:b="urn:b"/><t xmlns:c="urn:c"/></r>"#;
        assert!(parse_tree(ok, &DecodedUris::default(), &limits).is_ok());
        let too_many = r#"<r xmlns:a="urn:a"><s xmlns:b="urn:b"><t xmlns:c="urn:c"/></s></r>"#;
        assert!(matches!(
            parse_tree(too_many, &DecodedUris::default(), &limits),
            Err(ParseError::Malformed { .. })
        ));
    }

    #[test]
    fn text_and_children_keep_document_order() {
        let doc = parse("<r>a<x/>b&amp;c<![CDATA[<d>]]><y>t</y>\r\n</r>").unwrap();
        let root = doc.root();
        assert_eq!(root.text(), "ab&c<d>\n");
        let names: Vec<_> = root.children().map(|c| c.name()).collect();
        assert_eq!(names, ["x", "y"]);
        assert_eq!(root.child("", "y").unwrap().text(), "t");
        assert!(matches!(
            parse("<r/><s/>"),
            Err(ParseError::Malformed { .. })
        ));
        assert!(matches!(parse("<r><s>"), Err(ParseError::Truncated { .. })));
        assert!(matches!(parse("  "), Err(ParseError::Empty)));
    }
}
