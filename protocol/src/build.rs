//! [`Envelope`] → XML. The output follows the schemas' element order exactly and uses the
//! conventional prefixes (soap, wsa, wsse, wsu, itk; HL7 as the payload's default namespace),
//! with the single-quoted XML declaration the real service sends (SPEC.md §1.1).
//!
//! Writing goes straight into a `String`: no intermediate tree, so building a full
//! getPatientDetailsResponse takes a few microseconds.

use crate::model::*;
use crate::ns;
use crate::operation::Parameter;
use crate::xml::write::{push_attr, push_text};

/// How to write a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// Indent nested elements (for people and snapshots); off on the wire.
    pub pretty: bool,
    /// Start with `<?xml version='1.0' encoding='UTF-8'?>`.
    pub xml_declaration: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            pretty: false,
            xml_declaration: true,
        }
    }
}

impl WriteOptions {
    /// Indented, with the declaration: for snapshots, logs and people.
    pub fn pretty() -> WriteOptions {
        WriteOptions {
            pretty: true,
            xml_declaration: true,
        }
    }
}

/// Writes a message as the wire expects it (compact, with the XML declaration).
pub fn to_xml(envelope: &Envelope) -> String {
    to_xml_with(envelope, &WriteOptions::default())
}

/// Writes a message with the given options.
pub fn to_xml_with(envelope: &Envelope, options: &WriteOptions) -> String {
    // A full getPatientDetailsResponse is about 2.4 KB: one allocation, no regrowth.
    let mut w = Writer::new(options, 4096);
    w.envelope(envelope);
    w.finish()
}

/// The parts of a PDS response envelope that vary (see [`crate::messages::response`]), for
/// writing one without building it first.
pub(crate) struct ResponseShell<'a> {
    pub(crate) message_id: &'a str,
    pub(crate) action: &'a str,
    pub(crate) relates_to: Option<&'a str>,
    pub(crate) service: &'a str,
    pub(crate) tracking_id: &'a str,
    pub(crate) payload_id: &'a str,
    pub(crate) profile: &'a str,
}

/// Writes the envelope [`crate::messages::response`] builds around `body`, as
/// [`to_xml_with`] would write it: the same elements and attributes in the same order (its
/// header has only MessageID, Action and perhaps RelatesTo; its Distribution Envelope one
/// manifest item and one payload, neither base64, compressed nor encrypted). A test holds the
/// two to the same bytes.
pub(crate) fn response_to_xml(
    shell: &ResponseShell<'_>,
    body: &PayloadBody,
    options: &WriteOptions,
) -> String {
    let mut w = Writer::new(options, 4096);
    w.envelope_open();
    w.open("soap:Header", &[]);
    w.addressing(&AddressingLines {
        message_id: Some(shell.message_id),
        action: Some(shell.action),
        relates_to: shell.relates_to,
        ..AddressingLines::default()
    });
    w.close("soap:Header");
    w.open("soap:Body", &[]);
    w.open("itk:DistributionEnvelope", &[]);
    w.itk_header_open(Some(shell.service), Some(shell.tracking_id));
    w.open("itk:manifest", &[("count", Some("1"))]);
    w.manifest_item(&ManifestItemLine {
        id: Some(shell.payload_id),
        mime_type: Some("text/xml"),
        profile_id: Some(shell.profile),
        metadata: None,
        base64: Some(false),
        compressed: Some(false),
        encrypted: Some(false),
    });
    w.close("itk:manifest");
    w.close("itk:header");
    w.open("itk:payloads", &[("count", Some("1"))]);
    w.payload_open(Some(shell.payload_id), None);
    w.payload_body(body);
    w.close("itk:payload");
    w.close("itk:payloads");
    w.close("itk:DistributionEnvelope");
    w.close("soap:Body");
    w.close("soap:Envelope");
    w.finish()
}

/// Writes the Distribution Envelope alone, as a standalone document (for validating it
/// against distributionEnvelope-v2-0.xsd, whose payload content is lax).
pub fn distribution_envelope_to_xml(de: &DistributionEnvelope, options: &WriteOptions) -> String {
    let mut w = Writer::new(options, 2048);
    w.distribution_envelope(de, true);
    w.finish()
}

/// Writes one payload document alone (for validating it against its QUPA/COMT schema).
pub fn payload_to_xml(body: &PayloadBody, options: &WriteOptions) -> String {
    let mut w = Writer::new(options, 1024);
    w.payload_body(body);
    w.finish()
}

type Attrs<'a> = [(&'a str, Option<&'a str>)];

/// The WS-Addressing lines of a SOAP header, borrowed from a model or given directly; written
/// in schema order by [`Writer::addressing`].
#[derive(Default)]
struct AddressingLines<'a> {
    message_id: Option<&'a str>,
    action: Option<&'a str>,
    to: Option<&'a str>,
    from: Option<&'a str>,
    reply_to: Option<&'a str>,
    fault_to: Option<&'a str>,
    relates_to: Option<&'a str>,
}

/// One `itk:manifestitem`'s attributes, borrowed; written by [`Writer::manifest_item`].
struct ManifestItemLine<'a> {
    id: Option<&'a str>,
    mime_type: Option<&'a str>,
    profile_id: Option<&'a str>,
    metadata: Option<bool>,
    base64: Option<bool>,
    compressed: Option<bool>,
    encrypted: Option<bool>,
}

struct Writer {
    out: String,
    pretty: bool,
    depth: usize,
    /// Whether the element open at each depth has child elements (for pretty closing; kept
    /// only when pretty, so compact output allocates nothing for it).
    has_children: Vec<bool>,
}

impl Writer {
    fn new(options: &WriteOptions, capacity: usize) -> Writer {
        let mut out = String::with_capacity(capacity);
        if options.xml_declaration {
            out.push_str("<?xml version='1.0' encoding='UTF-8'?>");
        }
        Writer {
            out,
            pretty: options.pretty,
            depth: 0,
            has_children: if options.pretty {
                Vec::with_capacity(16)
            } else {
                Vec::new()
            },
        }
    }

    fn finish(mut self) -> String {
        if self.pretty {
            self.out.push('\n');
        }
        self.out
    }

    fn indent(&mut self) {
        if let Some(last) = self.has_children.last_mut() {
            *last = true;
        }
        if self.pretty && !self.out.is_empty() {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &Attrs) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("=\"");
                push_attr(&mut self.out, v);
                self.out.push('"');
            }
        }
    }

    fn open(&mut self, name: &str, attrs: &Attrs) {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.depth += 1;
        if self.pretty {
            self.has_children.push(false);
        }
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        let had_children = self.has_children.pop().unwrap_or(false);
        if self.pretty && had_children {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    fn empty(&mut self, name: &str, attrs: &Attrs) {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
    }

    fn text_element(&mut self, name: &str, attrs: &Attrs, text: &str) {
        self.start_tag(name, attrs);
        if text.is_empty() {
            self.out.push_str("/>");
            return;
        }
        self.out.push('>');
        push_text(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    fn opt_text(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.text_element(name, &[], t);
        }
    }

    /// The `soap:Envelope` start tag with the conventional prefixes declared.
    fn envelope_open(&mut self) {
        self.open(
            "soap:Envelope",
            &[
                ("xmlns:soap", Some(ns::SOAP11)),
                ("xmlns:wsa", Some(ns::WSA)),
                ("xmlns:wsse", Some(ns::WSSE)),
                ("xmlns:wsu", Some(ns::WSU)),
                ("xmlns:itk", Some(ns::ITK)),
            ],
        );
    }

    fn envelope(&mut self, e: &Envelope) {
        self.envelope_open();
        self.header(&e.header);
        self.open("soap:Body", &[]);
        match &e.body {
            Body::DistributionEnvelope(de) => self.distribution_envelope(de, false),
            Body::Fault(f) => self.fault(f),
        }
        self.close("soap:Body");
        self.close("soap:Envelope");
    }

    /// The WS-Addressing lines, in schema order.
    fn addressing(&mut self, a: &AddressingLines<'_>) {
        self.opt_text("wsa:MessageID", a.message_id);
        self.opt_text("wsa:Action", a.action);
        self.opt_text("wsa:To", a.to);
        for (name, addr) in [
            ("wsa:From", a.from),
            ("wsa:ReplyTo", a.reply_to),
            ("wsa:FaultTo", a.fault_to),
        ] {
            if let Some(addr) = addr {
                self.open(name, &[]);
                self.text_element("wsa:Address", &[], addr);
                self.close(name);
            }
        }
        self.opt_text("wsa:RelatesTo", a.relates_to);
    }

    /// The `itk:header` start tag.
    fn itk_header_open(&mut self, service: Option<&str>, tracking_id: Option<&str>) {
        self.open(
            "itk:header",
            &[("service", service), ("trackingid", tracking_id)],
        );
    }

    /// One `itk:manifestitem`, its attributes in the order we always write them.
    fn manifest_item(&mut self, i: &ManifestItemLine<'_>) {
        self.empty(
            "itk:manifestitem",
            &[
                ("id", i.id),
                ("mimetype", i.mime_type),
                ("profileid", i.profile_id),
                ("metadata", i.metadata.map(bool_str)),
                ("base64", i.base64.map(bool_str)),
                ("compressed", i.compressed.map(bool_str)),
                ("encrypted", i.encrypted.map(bool_str)),
            ],
        );
    }

    /// The `itk:payload` start tag.
    fn payload_open(&mut self, id: Option<&str>, filename: Option<&str>) {
        self.open("itk:payload", &[("id", id), ("filename", filename)]);
    }

    fn header(&mut self, h: &SoapHeader) {
        let a = &h.addressing;
        self.open("soap:Header", &[]);
        self.addressing(&AddressingLines {
            message_id: a.message_id.as_deref(),
            action: a.action.as_deref(),
            to: a.to.as_deref(),
            from: a.from.as_deref(),
            reply_to: a.reply_to.as_deref(),
            fault_to: a.fault_to.as_deref(),
            relates_to: a.relates_to.as_deref(),
        });
        if let Some(s) = &h.security {
            self.open("wsse:Security", &[]);
            if let Some(t) = &s.timestamp {
                self.open("wsu:Timestamp", &[("wsu:Id", t.id.as_deref())]);
                self.opt_text("wsu:Created", t.created.as_deref());
                self.opt_text("wsu:Expires", t.expires.as_deref());
                self.close("wsu:Timestamp");
            }
            if let Some(u) = &s.username {
                self.open("wsse:UsernameToken", &[]);
                self.text_element("wsse:Username", &[], u);
                self.close("wsse:UsernameToken");
            }
            self.close("wsse:Security");
        }
        for f in &h.foreign_headers {
            let ns_attr = if f.namespace.is_empty() {
                None
            } else {
                Some(f.namespace.as_str())
            };
            let mu = f.must_understand.then_some("1");
            self.empty(&f.name, &[("xmlns", ns_attr), ("soap:mustUnderstand", mu)]);
        }
        self.close("soap:Header");
    }

    fn distribution_envelope(&mut self, de: &DistributionEnvelope, standalone: bool) {
        let itk_ns = standalone.then_some(ns::ITK);
        self.open("itk:DistributionEnvelope", &[("xmlns:itk", itk_ns)]);
        let h = &de.header;
        self.itk_header_open(h.service.as_deref(), h.tracking_id.as_deref());
        if let Some(list) = &h.address_list {
            self.open("itk:addresslist", &[]);
            for a in list {
                self.itk_address("itk:address", a);
            }
            self.close("itk:addresslist");
        }
        if let Some(ids) = &h.audit_identity {
            self.open("itk:auditIdentity", &[]);
            for id in ids {
                self.empty(
                    "itk:id",
                    &[("type", id.id_type.as_deref()), ("uri", id.uri.as_deref())],
                );
            }
            self.close("itk:auditIdentity");
        }
        if let Some(m) = &h.manifest {
            self.open("itk:manifest", &[("count", m.count.as_deref())]);
            for i in &m.items {
                self.manifest_item(&ManifestItemLine {
                    id: i.id.as_deref(),
                    mime_type: i.mime_type.as_deref(),
                    profile_id: i.profile_id.as_deref(),
                    metadata: i.metadata,
                    base64: i.base64,
                    compressed: i.compressed,
                    encrypted: i.encrypted,
                });
            }
            self.close("itk:manifest");
        }
        if let Some(a) = &h.sender_address {
            self.itk_address("itk:senderAddress", a);
        }
        if let Some(specs) = &h.handling_specification {
            self.open("itk:handlingSpecification", &[]);
            for s in specs {
                self.empty(
                    "itk:spec",
                    &[("key", Some(&s.key)), ("value", Some(&s.value))],
                );
            }
            self.close("itk:handlingSpecification");
        }
        self.close("itk:header");
        self.open("itk:payloads", &[("count", de.payloads.count.as_deref())]);
        for p in &de.payloads.items {
            self.payload_open(p.id.as_deref(), p.filename.as_deref());
            self.payload_body(&p.body);
            self.close("itk:payload");
        }
        self.close("itk:payloads");
        self.close("itk:DistributionEnvelope");
    }

    fn itk_address(&mut self, name: &str, a: &ItkAddress) {
        self.empty(
            name,
            &[
                ("type", a.address_type.as_deref()),
                ("uri", a.uri.as_deref()),
            ],
        );
    }

    fn payload_body(&mut self, body: &PayloadBody) {
        match body {
            PayloadBody::Request(r) => self.request(r),
            PayloadBody::VerifyNhsNumberResponse(r) => self.verify_response(r),
            PayloadBody::GetNhsNumberResponse(r) => self.get_nhs_number_response(r),
            PayloadBody::GetPatientDetailsResponse(r) => self.patient_details_response(r),
            PayloadBody::Other(f) => {
                self.indent();
                self.out.push_str(&f.xml);
            }
            // An unparsable payload cannot be re-created faithfully; write an empty element
            // of the same root so the envelope stays well formed and the defect stays visible.
            PayloadBody::Unparsable(d) => self.empty(&d.root, &[("xmlns", Some(ns::HL7))]),
            PayloadBody::Empty => {}
        }
    }

    fn coded(&mut self, name: &str, c: &CodedValue) {
        self.empty(
            name,
            &[
                ("code", Some(&c.code)),
                ("codeSystem", c.code_system.as_deref()),
            ],
        );
    }

    fn identifier(&mut self, name: &str, i: &Identifier) {
        self.empty(
            name,
            &[
                ("root", Some(&i.root)),
                ("extension", i.extension.as_deref()),
            ],
        );
    }

    fn request(&mut self, r: &PdsRequest) {
        let root = r.operation.request_root();
        self.open(
            root,
            &[
                ("xmlns", Some(ns::HL7)),
                ("classCode", Some("CACT")),
                ("moodCode", Some("EVN")),
            ],
        );
        self.empty("id", &[("root", Some(&r.id))]);
        self.coded("code", &r.code);
        self.open("queryEvent", &[]);
        let q = &r.query;
        if let Some(p) = &q.date_of_birth {
            self.param(Parameter::DateOfBirth, p, |w, v| {
                w.empty("value", &[("value", Some(v))])
            });
        }
        if let Some(p) = &q.gender {
            self.param(Parameter::Gender, p, |w, v| w.coded("value", v));
        }
        if let Some(p) = &q.local_identifier {
            self.param(Parameter::LocalIdentifier, p, |w, v| {
                w.identifier("value", v)
            });
        }
        if let Some(p) = &q.nhs_number {
            self.param(Parameter::NhsNumber, p, |w, v| w.identifier("value", v));
        }
        if let Some(p) = &q.name {
            self.param(Parameter::Name, p, |w, v| w.person_name("value", v));
        }
        if let Some(p) = &q.postcode {
            self.param(Parameter::Postcode, p, |w, v| {
                w.open("value", &[]);
                w.text_element("postalCode", &[], v);
                w.close("value");
            });
        }
        self.close("queryEvent");
        self.close(root);
    }

    fn param<T>(&mut self, p: Parameter, param: &QueryParam<T>, value: impl FnOnce(&mut Self, &T)) {
        let name = p.element_name();
        self.open(name, &[]);
        value(self, &param.value);
        if let Some(s) = &param.semantics_text {
            self.text_element("semanticsText", &[], s);
        }
        self.close(name);
    }

    fn person_name(&mut self, name: &str, n: &PersonName) {
        self.open(name, &[("use", n.name_use.as_deref())]);
        self.opt_text("prefix", n.prefix.as_deref());
        for g in &n.given {
            self.text_element("given", &[], g);
        }
        self.opt_text("family", n.family.as_deref());
        self.close(name);
    }

    fn response_start(&mut self, root: &str, head: &ResponseHead) {
        self.open(
            root,
            &[
                ("xmlns", Some(ns::HL7)),
                ("classCode", Some("OBS")),
                ("moodCode", Some("EVN")),
            ],
        );
        self.empty("id", &[("root", Some(&head.id))]);
        self.coded("code", &head.code);
        self.coded("value", &head.response_code);
    }

    fn verify_response(&mut self, r: &VerifyNhsNumberResponse) {
        let root = crate::ResponseKind::VerifyNhsNumber.root();
        self.response_start(root, &r.head);
        if let Some(vi) = &r.valid_identifier {
            self.open("component", &[("typeCode", Some("COMP"))]);
            self.open(
                "validIdentifier",
                &[("classCode", Some("OBS")), ("moodCode", Some("EVN"))],
            );
            self.empty(
                "code",
                &[
                    ("code", Some("VI")),
                    ("codeSystem", Some(ns::OID_VALID_IDENTIFIER)),
                ],
            );
            self.empty("value", &[("value", Some(bool_str(vi.verified)))]);
            self.open("subject", &[("typeCode", Some("SBJ"))]);
            self.open("patient", &[("classCode", Some("PAT"))]);
            self.identifier("id", &vi.nhs_number);
            self.close("patient");
            self.close("subject");
            self.close("validIdentifier");
            self.close("component");
        }
        self.close(root);
    }

    fn patient_ids(&mut self, ids: &PatientIdentifiers) {
        self.identifier("id", &ids.nhs_number);
        if let Some(l) = &ids.local_identifier {
            self.identifier("id", l);
        }
    }

    fn get_nhs_number_response(&mut self, r: &GetNhsNumberResponse) {
        let root = crate::ResponseKind::GetNhsNumber.root();
        self.response_start(root, &r.head);
        if let Some(p) = &r.patient {
            self.open("subject", &[("typeCode", Some("SBJ"))]);
            self.open("patient", &[("classCode", Some("PAT"))]);
            self.patient_ids(p);
            self.close("patient");
            self.close("subject");
        }
        self.close(root);
    }

    fn patient_details_response(&mut self, r: &GetPatientDetailsResponse) {
        let root = crate::ResponseKind::GetPatientDetails.root();
        self.response_start(root, &r.head);
        if let Some(p) = &r.patient {
            self.open("subject", &[("typeCode", Some("SBJ"))]);
            self.open("patient", &[("classCode", Some("PAT"))]);
            self.patient_ids(&p.ids);
            if let Some(n) = &p.name {
                self.person_name("name", n);
            }
            for a in &p.addresses {
                self.address(a);
            }
            for t in &p.telecoms {
                self.telecom(t);
            }
            if let Some(pp) = &p.person {
                self.open(
                    "patientPerson",
                    &[
                        ("classCode", Some("PSN")),
                        ("determinerCode", Some("INSTANCE")),
                    ],
                );
                if let Some(g) = &pp.gender {
                    self.coded("administrativeGenderCode", g);
                }
                if let Some(b) = &pp.birth_time {
                    self.empty("birthTime", &[("value", Some(b))]);
                }
                if let Some(d) = &pp.deceased_time {
                    self.empty("deceasedTime", &[("value", Some(d))]);
                }
                if let Some(gp) = &pp.gp_practice {
                    self.open("gPPractice", &[("classCode", Some("SDLOC"))]);
                    if let Some(a) = &gp.address {
                        self.address(a);
                    }
                    if let Some(t) = &gp.telecom {
                        self.telecom(t);
                    }
                    if let Some(o) = &gp.organization {
                        self.open(
                            "locationOrganization",
                            &[
                                ("classCode", Some("ORG")),
                                ("determinerCode", Some("INSTANCE")),
                            ],
                        );
                        if let Some(id) = &o.id {
                            self.identifier("id", id);
                        }
                        self.opt_text("name", o.name.as_deref());
                        self.close("locationOrganization");
                    }
                    self.close("gPPractice");
                }
                self.close("patientPerson");
            }
            self.close("patient");
            self.close("subject");
        }
        self.close(root);
    }

    fn address(&mut self, a: &PostalAddress) {
        self.open("addr", &[("use", a.address_use.as_deref())]);
        self.opt_text("postalCode", a.postal_code.as_deref());
        for l in &a.lines {
            self.text_element("streetAddressLine", &[], l);
        }
        self.close("addr");
    }

    fn telecom(&mut self, t: &Telecom) {
        let attrs = [
            ("use", t.telecom_use.as_deref()),
            ("value", t.value.as_deref()),
        ];
        if t.useable_periods.is_empty() {
            self.empty("telecom", &attrs);
            return;
        }
        self.open("telecom", &attrs);
        for p in &t.useable_periods {
            self.open("useablePeriod", &[]);
            if let Some(l) = &p.low {
                self.empty("low", &[("value", Some(l))]);
            }
            if let Some(h) = &p.high {
                self.empty("high", &[("value", Some(h))]);
            }
            self.close("useablePeriod");
        }
        self.close("telecom");
    }

    fn fault(&mut self, f: &SoapFault) {
        self.open("soap:Fault", &[]);
        let code = format!("soap:{}", f.code.local_name());
        self.text_element("faultcode", &[], &code);
        self.text_element("faultstring", &[], &f.string);
        self.opt_text("faultactor", f.actor.as_deref());
        if let Some(d) = &f.detail {
            self.open("detail", &[]);
            self.open("itk:ToolkitErrorInfo", &[]);
            self.text_element("itk:ErrorID", &[], &d.error_id);
            self.text_element(
                "itk:ErrorCode",
                &[("codeSystem", d.code_system.as_deref())],
                d.error_code.as_str(),
            );
            self.text_element("itk:ErrorText", &[], &d.error_text);
            self.opt_text("itk:ErrorDiagnosticText", d.diagnostic_text.as_deref());
            self.close("itk:ToolkitErrorInfo");
            self.close("detail");
        }
        self.close("soap:Fault");
    }
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}
