//! The XML tokenizer: splits a document (already decoded to text) into start tags with their
//! attributes, end tags and character data, in one pass over the input, borrowing everything
//! it can. It knows nothing of namespaces, limits or trees: [`super::tree`] builds on it. The
//! one thing the tree tells it is the name of the innermost open element, so that the end tag
//! that almost always repeats it is compared, not read a second time.
//!
//! What it refuses, as not well-formed: markup left open at the end of the input (tags,
//! comments, CDATA sections, processing instructions), names that are empty or hold characters
//! no XML name can, attributes without `=` and a quoted value, attributes not separated by
//! white space, `<` in an attribute value, end tags with anything but white space after the
//! name, references without their `;`, character references to no character (or to U+0000),
//! and `<!` markup that is not a comment, a CDATA section or a document type declaration.
//! Document type declarations are reported as such ([`ParseError::DtdRefused`]), so no entity
//! is ever declared; entity references other than the five predefined ones are
//! [`ParseError::UndeclaredEntity`].
//!
//! Character data comes back with line ends normalised (`\r\n` and `\r` become `\n`) and
//! references resolved; attribute values are normalised as XML 1.0 requires (white space
//! characters become spaces, after line-end normalisation, before references are resolved).

use std::borrow::Cow;

use crate::error::ParseError;

/// One piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// A start tag (`empty` for `<name/>`); its attributes are in the vector passed to
    /// [`Scanner::next_token`].
    Start {
        /// The qualified name, as written.
        name: &'a str,
        /// Where the local name begins: after the colon, 0 when there is no prefix.
        local_at: usize,
        /// Whether the tag closes itself.
        empty: bool,
    },
    /// An end tag.
    End {
        /// The qualified name, as written.
        name: &'a str,
    },
    /// Character data (text, a resolved reference, or a CDATA section's content).
    Text(Cow<'a, str>),
    /// The end of the input.
    Eof,
}

/// An attribute as written: its qualified name and its raw value (between the quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawAttr<'a> {
    pub(crate) name: &'a str,
    /// Where the local name begins: after the colon, 0 when there is no prefix.
    pub(crate) local_at: usize,
    pub(crate) value: &'a str,
    /// The value holds nothing to normalise (no reference, no tab or line end).
    pub(crate) plain: bool,
}

/// A name as [`Scanner::name`] reads it.
struct Name<'a> {
    text: &'a str,
    valid: bool,
    /// Where the local name begins (see [`Token::Start`]); meaningful when valid.
    local_at: usize,
}

/// Reads tokens from a document.
pub(crate) struct Scanner<'a> {
    input: &'a str,
    pos: usize,
    /// Where the last token began (for error positions).
    token_start: usize,
}

/// Byte classes, looked up rather than compared.
pub(crate) const SPACE: u16 = 1;
/// May appear in a name (any non-ASCII byte does: the specification's ranges are intricate
/// and every character a sender means as a name is in them).
const NAME: u16 = 2;
/// May begin a name.
const NAME_START: u16 = 4;
/// Ends a name inside a tag.
const NAME_END: u16 = 8;
/// Stops the scan of an attribute value: a quote, or `<` (never allowed in one).
const VALUE_STOP: u16 = 16;
/// Makes an attribute value need normalising: a reference, or white space other than a space.
const VALUE_SPECIAL: u16 = 32;
/// May appear in a name and is not `:` (the colon is counted, so it leaves the fast run).
const NAME_PLAIN: u16 = 64;
/// Neither stops an attribute value nor needs normalising.
const VALUE_PLAIN: u16 = 128;
/// Neither `<` nor `&`: part of a run of character data.
const TEXT_PLAIN: u16 = 256;

pub(crate) const CLASSES: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut class = 0;
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            class |= SPACE | NAME_END;
        }
        if matches!(c, b'/' | b'>' | b'=') {
            class |= NAME_END;
        }
        if c >= 0x80 || c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            class |= NAME | NAME_START;
        }
        if c.is_ascii_digit() || c == b'-' || c == b'.' {
            class |= NAME;
        }
        if class & NAME != 0 && c != b':' {
            class |= NAME_PLAIN;
        }
        if matches!(c, b'"' | b'\'' | b'<') {
            class |= VALUE_STOP;
        }
        if matches!(c, b'&' | b'\t' | b'\r' | b'\n') {
            class |= VALUE_SPECIAL;
        }
        if class & (VALUE_STOP | VALUE_SPECIAL) == 0 {
            class |= VALUE_PLAIN;
        }
        if c != b'<' && c != b'&' {
            class |= TEXT_PLAIN;
        }
        t[b] = class;
        b += 1;
    }
    t
};

/// The length of the run at the start of `bytes` whose every byte has `class`. Four bytes are
/// looked up per test, which makes the runs that fill a document (names, attribute values,
/// text) cost about half as much as a test per byte; the last few go one at a time.
fn run_of(bytes: &[u8], class: u16) -> usize {
    let mut n = 0;
    for quad in bytes.chunks_exact(4) {
        let all = CLASSES[quad[0] as usize]
            & CLASSES[quad[1] as usize]
            & CLASSES[quad[2] as usize]
            & CLASSES[quad[3] as usize];
        if all & class == 0 {
            break;
        }
        n += 4;
    }
    let rest = &bytes[n..];
    n + rest
        .iter()
        .position(|&b| CLASSES[b as usize] & class == 0)
        .unwrap_or(rest.len())
}

/// The character a reference's name (between `&` and `;`) stands for: a character reference
/// (`#10`, `#x0A`) or one of the five predefined entities.
pub(crate) enum Reference {
    /// A character reference.
    Char(char),
    /// A predefined entity.
    Predefined(&'static str),
}

/// Resolves the text between `&` and `;`. `Err(None)` for an unknown entity name,
/// `Err(Some(why))` for a malformed character reference.
pub(crate) fn resolve_reference(name: &str) -> Result<Reference, Option<String>> {
    if let Some(number) = name.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
            return Err(Some(format!("invalid character reference &{name};")));
        }
        let code = u32::from_str_radix(digits, radix)
            .map_err(|_| Some(format!("character reference &{name}; is out of range")))?;
        return match char::from_u32(code) {
            Some(c) if code != 0 => Ok(Reference::Char(c)),
            _ => Err(Some(format!(
                "character reference &{name}; names no character"
            ))),
        };
    }
    match name {
        "lt" => Ok(Reference::Predefined("<")),
        "gt" => Ok(Reference::Predefined(">")),
        "amp" => Ok(Reference::Predefined("&")),
        "apos" => Ok(Reference::Predefined("'")),
        "quot" => Ok(Reference::Predefined("\"")),
        _ => Err(None),
    }
}

/// Character data with XML 1.0 line ends normalised (`\r\n` and `\r` become `\n`), borrowed
/// when there is no `\r`.
fn normalise_eols(raw: &str) -> Cow<'_, str> {
    if !raw.as_bytes().contains(&b'\r') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\r') {
        out.push_str(&rest[..at]);
        out.push('\n');
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// An attribute value normalised as XML 1.0 requires: line ends become one space, tab and
/// line feed become spaces, references are resolved (a character reference to white space
/// stays that character). Borrowed when nothing changes. `Err` says what is wrong; the caller
/// knows where.
pub(crate) fn attribute_value(raw: &str) -> Result<Cow<'_, str>, String> {
    let special = |b: u8| CLASSES[b as usize] & VALUE_SPECIAL != 0;
    if !raw.bytes().any(special) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !special(b) {
            i += 1;
            continue;
        }
        out.push_str(&raw[from..i]);
        match b {
            b'&' => {
                let Some(len) = raw[i + 1..].find(';') else {
                    return Err("reference without its closing ;".into());
                };
                let name = &raw[i + 1..i + 1 + len];
                match resolve_reference(name) {
                    Ok(Reference::Char(c)) => out.push(c),
                    Ok(Reference::Predefined(s)) => out.push_str(s),
                    Err(None) => {
                        return Err(format!("undeclared entity &{name}; in an attribute value"));
                    }
                    Err(Some(why)) => return Err(why),
                }
                i += len + 2;
            }
            b'\r' => {
                out.push(' ');
                i += 1;
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {
                out.push(' ');
                i += 1;
            }
        }
        from = i;
    }
    out.push_str(&raw[from..]);
    Ok(Cow::Owned(out))
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `input`.
    pub(crate) fn new(input: &'a str) -> Scanner<'a> {
        Scanner {
            input,
            pos: 0,
            token_start: 0,
        }
    }

    /// Where the last token began, as a byte offset.
    pub(crate) fn token_start(&self) -> usize {
        self.token_start
    }

    fn bytes(&self) -> &'a [u8] {
        self.input.as_bytes()
    }

    fn malformed(&self, at: usize, message: impl Into<String>) -> ParseError {
        super::decode::malformed_at(self.bytes(), at, message.into())
    }

    /// Skips white space, if any. Inside tags there is usually none or one space, so the
    /// first byte is looked at before a run is read, and the test is inlined where it is used.
    #[inline]
    fn skip_spaces(&mut self) -> bool {
        let bytes = self.bytes();
        match bytes.get(self.pos) {
            Some(&b) if CLASSES[b as usize] & SPACE != 0 => {
                self.pos += 1 + run_of(&bytes[self.pos + 1..], SPACE);
                true
            }
            _ => false,
        }
    }

    /// The next token. A start tag's attributes replace the contents of `attrs`. `open` is the
    /// qualified name of the innermost open element (empty when none), which an end tag
    /// almost always repeats.
    pub(crate) fn next_token(
        &mut self,
        attrs: &mut Vec<RawAttr<'a>>,
        open: &'a str,
    ) -> Result<Token<'a>, ParseError> {
        loop {
            self.token_start = self.pos;
            let bytes = self.bytes();
            if self.pos >= bytes.len() {
                return Ok(Token::Eof);
            }
            match bytes[self.pos] {
                b'<' => {
                    if let Some(token) = self.markup(attrs, open)? {
                        return Ok(token);
                    }
                }
                b'&' => return self.reference(),
                _ => {
                    let start = self.pos;
                    let end = start + run_of(&bytes[start..], TEXT_PLAIN);
                    self.pos = end;
                    return Ok(Token::Text(normalise_eols(&self.input[start..end])));
                }
            }
        }
    }

    /// `&name;` in character data.
    fn reference(&mut self) -> Result<Token<'a>, ParseError> {
        let start = self.pos;
        let rest = &self.input[start + 1..];
        let Some(len) = rest
            .find([';', '<', '&'])
            .filter(|&n| rest.as_bytes()[n] == b';')
        else {
            return Err(self.malformed(start, "reference without its closing ;"));
        };
        let name = &rest[..len];
        self.pos = start + 1 + len + 1;
        match resolve_reference(name) {
            Ok(Reference::Char(c)) => Ok(Token::Text(Cow::Owned(c.to_string()))),
            Ok(Reference::Predefined(s)) => Ok(Token::Text(Cow::Borrowed(s))),
            Err(None) => {
                let (line, column) = super::decode::line_column_bytes(self.bytes(), start);
                Err(ParseError::UndeclaredEntity {
                    name: name.to_owned(),
                    line,
                    column,
                })
            }
            Err(Some(why)) => Err(self.malformed(start, why)),
        }
    }

    /// Markup at `<`. `None` for markup that yields no token (comments, processing
    /// instructions, the XML declaration).
    fn markup(
        &mut self,
        attrs: &mut Vec<RawAttr<'a>>,
        open: &'a str,
    ) -> Result<Option<Token<'a>>, ParseError> {
        let start = self.pos;
        let input = self.input;
        let rest = &input[start..];
        match rest.as_bytes().get(1) {
            None => Err(self.malformed(start, "unclosed tag: the input ends after <")),
            Some(b'/') => self.end_tag(open).map(Some),
            Some(b'?') => {
                let Some(len) = rest[2..].find("?>") else {
                    return Err(self.malformed(start, "unclosed processing instruction"));
                };
                self.pos = start + 2 + len + 2;
                Ok(None)
            }
            Some(b'!') => {
                if let Some(body) = rest.strip_prefix("<!--") {
                    let Some(len) = body.find("-->") else {
                        return Err(self.malformed(start, "unclosed comment"));
                    };
                    self.pos = start + 4 + len + 3;
                    return Ok(None);
                }
                if let Some(body) = rest.strip_prefix("<![CDATA[") {
                    let Some(len) = body.find("]]>") else {
                        return Err(self.malformed(start, "unclosed CDATA section"));
                    };
                    self.pos = start + 9 + len + 3;
                    return Ok(Some(Token::Text(normalise_eols(&body[..len]))));
                }
                let head = rest.as_bytes().get(2..9).unwrap_or_default();
                if head.eq_ignore_ascii_case(b"DOCTYPE") {
                    let (line, column) = super::decode::line_column_bytes(self.bytes(), start);
                    return Err(ParseError::DtdRefused { line, column });
                }
                Err(self.malformed(
                    start,
                    "<! that is not a comment, a CDATA section or a document type declaration",
                ))
            }
            Some(_) => self.start_tag(attrs).map(Some),
        }
    }

    /// A name starting at the current position, up to white space, `/`, `>` or `=`, and
    /// whether it is a valid (qualified) name, checked in the same pass: lenient where the
    /// specification is intricate (any non-ASCII character is accepted), strict about the ASCII
    /// punctuation no name can hold and about colons (at most one, with something on each
    /// side). The scan also notes where the local name begins, so it is not looked for again.
    fn name(&mut self) -> Name<'a> {
        let start = self.pos;
        let rest = &self.bytes()[start..];
        // Runs of ordinary name bytes are skipped whole; each byte that stops a run is
        // either the end of the name, a colon (counted), or one no name can hold.
        let mut n = run_of(rest, NAME_PLAIN);
        let mut colons = 0u32;
        let mut colon_at = 0;
        let mut stray = false;
        while let Some(&b) = rest.get(n) {
            if CLASSES[b as usize] & NAME_END != 0 {
                break;
            }
            if b == b':' {
                colons += 1;
                colon_at = n;
            } else {
                stray = true;
            }
            n += 1;
            n += run_of(&rest[n..], NAME_PLAIN);
        }
        self.pos = start + n;
        let name = &rest[..n];
        let valid = match name.first() {
            None => false,
            Some(&first) => {
                CLASSES[first as usize] & NAME_START != 0
                    && !stray
                    && match colons {
                        0 => true,
                        1 => name[0] != b':' && name[n - 1] != b':',
                        _ => false,
                    }
            }
        };
        Name {
            text: &self.input[start..self.pos],
            valid,
            local_at: if colons == 1 { colon_at + 1 } else { 0 },
        }
    }

    fn end_tag(&mut self, open: &'a str) -> Result<Token<'a>, ParseError> {
        let start = self.pos;
        self.pos += 2;
        // When the end tag repeats the open element's name (checked when its start tag was
        // read) and the name ends there, it is that name and valid: no need to read it again.
        let rest = &self.bytes()[self.pos..];
        let repeats = !open.is_empty()
            && rest
                .get(..open.len())
                .is_some_and(|r| super::same_bytes(r, open.as_bytes()))
            && rest
                .get(open.len())
                .is_none_or(|&b| CLASSES[b as usize] & NAME_END != 0);
        let (name, valid) = if repeats {
            // The open element's own name, so the tree's check that they match is an identity.
            self.pos += open.len();
            (open, true)
        } else {
            let name = self.name();
            (name.text, name.valid)
        };
        if !valid {
            return Err(self.malformed(start, format!("invalid end tag name {name:?}")));
        }
        self.skip_spaces();
        match self.bytes().get(self.pos) {
            Some(b'>') => {
                self.pos += 1;
                Ok(Token::End { name })
            }
            None => Err(self.malformed(start, format!("unclosed end tag </{name}"))),
            Some(_) => Err(self.malformed(
                start,
                format!("end tag </{name}> has something other than white space before >"),
            )),
        }
    }

    fn start_tag(&mut self, attrs: &mut Vec<RawAttr<'a>>) -> Result<Token<'a>, ParseError> {
        let start = self.pos;
        attrs.clear();
        self.pos += 1;
        let Name {
            text: name,
            valid,
            local_at,
        } = self.name();
        if !valid {
            return Err(self.malformed(start, format!("invalid element name {name:?}")));
        }
        let unclosed = |s: &Self| s.malformed(start, format!("unclosed tag <{name}"));
        loop {
            let spaced = self.skip_spaces();
            let bytes = self.bytes();
            match bytes.get(self.pos) {
                None => return Err(unclosed(self)),
                Some(b'>') => {
                    self.pos += 1;
                    return Ok(Token::Start {
                        name,
                        local_at,
                        empty: false,
                    });
                }
                Some(b'/') => {
                    return if bytes.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        Ok(Token::Start {
                            name,
                            local_at,
                            empty: true,
                        })
                    } else if self.pos + 1 >= bytes.len() {
                        Err(unclosed(self))
                    } else {
                        Err(self.malformed(self.pos, format!("stray / in tag <{name}")))
                    };
                }
                Some(_) if !spaced => {
                    return Err(self.malformed(
                        self.pos,
                        format!("attributes of <{name}> must be separated by white space"),
                    ));
                }
                Some(_) => {}
            }
            let key_at = self.pos;
            let Name {
                text: key,
                valid,
                local_at: key_local_at,
            } = self.name();
            if !valid {
                return Err(self.malformed(key_at, format!("invalid attribute name {key:?}")));
            }
            self.skip_spaces();
            if self.bytes().get(self.pos) != Some(&b'=') {
                return Err(if self.pos >= self.input.len() {
                    unclosed(self)
                } else {
                    self.malformed(key_at, format!("attribute {key} has no = and value"))
                });
            }
            self.pos += 1;
            self.skip_spaces();
            let quote = match self.bytes().get(self.pos) {
                Some(&q @ (b'"' | b'\'')) => q,
                None => return Err(unclosed(self)),
                Some(_) => {
                    return Err(
                        self.malformed(key_at, format!("attribute {key}'s value is not quoted"))
                    );
                }
            };
            let value_start = self.pos + 1;
            let rest = &self.bytes()[value_start..];
            // Runs of bytes that neither stop the value nor need normalising are skipped
            // whole; each byte that stops a run is looked at alone.
            let mut len = run_of(rest, VALUE_PLAIN);
            let mut plain = true;
            loop {
                let Some(&b) = rest.get(len) else {
                    return Err(unclosed(self));
                };
                if b == quote {
                    break;
                }
                if b == b'<' {
                    return Err(self.malformed(key_at, format!("attribute {key}'s value holds <")));
                }
                plain &= CLASSES[b as usize] & VALUE_SPECIAL == 0;
                len += 1;
                len += run_of(&rest[len..], VALUE_PLAIN);
            }
            let value = &self.input[value_start..value_start + len];
            self.pos = value_start + len + 1;
            attrs.push(RawAttr {
                name: key,
                local_at: key_local_at,
                value,
                plain,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<String>, ParseError> {
        let mut s = Scanner::new(xml);
        let mut attrs = Vec::new();
        let mut out = Vec::new();
        loop {
            match s.next_token(&mut attrs, "")? {
                Token::Eof => return Ok(out),
                Token::Start { name, empty, .. } => {
                    let a: Vec<String> = attrs
                        .iter()
                        .map(|a| format!("{}={:?}", a.name, a.value))
                        .collect();
                    out.push(
                        format!(
                            "<{name}{}{}>",
                            if a.is_empty() { "" } else { " " },
                            a.join(" ")
                        ) + if empty { "/" } else { "" },
                    );
                }
                Token::End { name } => out.push(format!("</{name}>")),
                Token::Text(t) => out.push(format!("{t:?}")),
            }
        }
    }

    #[test]
    fn splits_markup_and_text() {
        let t = tokens("<?xml version='1.0'?><!-- c --><a x='1' y = \"2>\">t&amp;&#65;&#x42;\r\nu<![CDATA[<&]]><b/></a >").unwrap();
        assert_eq!(
            t,
            [
                "<a x=\"1\" y=\"2>\">",
                "\"t\"",
                "\"&\"",
                "\"A\"",
                "\"B\"",
                "\"\\nu\"",
                "\"<&\"",
                "<b>/",
                "</a>"
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_well_formed() {
        for bad in [
            "<a",
            "<a x='1'",
            "<a x='1",
            "<a x>",
            "<a x=1>",
            "<a x='1'y='2'>",
            "<a x='<'>",
            "<1a>",
            "< a>",
            "<>",
            "</a b='1'>",
            "</a",
            "<a/ >",
            "<!-- x",
            "<![CDATA[ x",
            "<? x",
            "<!ELEMENT a>",
            "&amp",
            "&#;",
            "&#0;",
            "&#xZZ;",
            "&#99999999999;",
            "<a =''>",
            "<a:>x",
            "<:a/>",
            "<a:b:c/>",
            "<a&b/>",
        ] {
            match tokens(bad) {
                Err(ParseError::Malformed { .. }) => {}
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        assert!(matches!(
            tokens("<!DOCTYPE a>"),
            Err(ParseError::DtdRefused { .. })
        ));
        assert!(matches!(
            tokens("<!doctype a"),
            Err(ParseError::DtdRefused { .. })
        ));
        assert!(matches!(
            tokens("&nbsp;"),
            Err(ParseError::UndeclaredEntity { .. })
        ));
    }

    #[test]
    fn end_tags_read_alike_with_or_without_the_open_name() {
        for (xml, open) in [
            ("</a>", "a"),
            ("</a >", "a"),
            ("</a\n>", "a"),
            ("</ab>", "a"),
            ("</a:b>", "a"),
            ("</a:b>", "a:b"),
            ("</a:b:c>", "a:b"),
            ("</a&>", "a"),
            ("</a", "a"),
            ("</a/>", "a"),
            ("</a x>", "a"),
            ("</é>", "é"),
            ("</éa>", "é"),
            ("</b>", "a"),
        ] {
            let read = |open: &'static str| {
                let mut attrs = Vec::new();
                Scanner::new(xml).next_token(&mut attrs, open)
            };
            assert_eq!(read(open), read(""), "{xml:?} with {open:?} open");
        }
    }

    #[test]
    fn attribute_values_are_normalised() {
        assert_eq!(attribute_value("a b").unwrap(), "a b");
        assert!(matches!(attribute_value("a b").unwrap(), Cow::Borrowed(_)));
        assert_eq!(attribute_value("a\tb\r\nc\rd\ne").unwrap(), "a b c d e");
        assert_eq!(attribute_value("&lt;&#10;&#x9;&quot;").unwrap(), "<\n\t\"");
        assert!(attribute_value("&xxe;").is_err());
        assert!(attribute_value("&amp").is_err());
    }
}
