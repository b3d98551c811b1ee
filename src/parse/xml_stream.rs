//! Strict, streaming XML plumbing shared by the .NET readers (`nunit`,
//! `xunit`): the root element's name for detection, and a driver that feeds
//! quick-xml events to a [`Handler`] with byte offsets, checking what every
//! report must satisfy (one root element, nothing after it, no unknown entity,
//! no nesting past [`MAX_DEPTH`], a complete document). TRX uses the driver
//! too; the JUnit reader keeps its own event loop, tuned for its per-testcase
//! hot path, but shares the pieces off that path (root detection, entity
//! references, the misplaced-content errors, capped text).

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, escape::EscapeError};

use super::{ParseError, Sniff};
use crate::model::{Evidence, Position};

/// Elements nested deeper than this make the report unparseable: real reports
/// nest a few dozen levels at most, and a deep nest of suites must not read as
/// a report of one test.
pub const MAX_DEPTH: usize = 256;

/// The event buffer's starting size; a buffer grown past the second by one
/// huge text node is dropped rather than kept.
const BUF_BYTES: usize = 64 * 1024;
const MAX_RETAINED_BUF: usize = 1024 * 1024;

/// The root element's name and the start tag's remaining bytes, after any BOM,
/// XML declaration, comments, processing instructions and DOCTYPE.
pub fn root_element<'a>(sniff: &Sniff<'a>) -> Option<(&'a [u8], &'a [u8])> {
    let bytes = sniff.bytes();
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    loop {
        rest = trim_start(rest);
        if let Some(after) = rest.strip_prefix(b"<?") {
            rest = &after[memchr::memmem::find(after, b"?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix(b"<!--") {
            rest = &after[memchr::memmem::find(after, b"-->")? + 3..];
        } else if rest.starts_with(b"<!DOCTYPE") {
            rest = &rest[doctype_len(rest)?..];
        } else {
            break;
        }
    }
    let after = rest.strip_prefix(b"<")?;
    let end = after.iter().position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))?;
    Some((&after[..end], &after[end..]))
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

/// Length of a DOCTYPE declaration, internal subset included.
fn doctype_len(bytes: &[u8]) -> Option<usize> {
    let mut in_subset = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => in_subset = true,
            (None, b']') => in_subset = false,
            (None, b'>') if !in_subset => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Where a reader is in the document: content is checked against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the root element: a declaration, a DOCTYPE, comments.
    Prolog,
    /// Inside the root element.
    Document,
    /// After the root element ended: comments only.
    Epilog,
}

impl Phase {
    /// The error for `what` (text, an element, a declaration) where the phase
    /// does not allow it.
    pub fn misplaced(self, what: &str, offset: u64) -> ParseError {
        let place = match self {
            Self::Prolog => "before the root element",
            Self::Document => "inside the root element",
            Self::Epilog => "after the root element ended (two reports concatenated, or trailing garbage)",
        };
        ParseError::new(format!("{what} {place}"), Position::offset(offset))
    }
}

/// What a reader does with the document's elements. Errors are messages; the
/// driver adds the position.
pub trait Handler {
    /// A start tag (or a self-closing one, then `close` follows at once).
    /// `depth` is 0 for the root element.
    fn open(&mut self, element: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String>;
    /// The end of the innermost open element.
    fn close(&mut self, offset: u64, ev: &mut Evidence) -> Result<(), String>;
    /// A self-closing element: `open`, then `close`, unless the reader has
    /// a shorter way for it (a passing test element, [`super::offload`]).
    #[inline]
    fn empty(&mut self, element: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        self.open(element, depth, offset, ev)?;
        self.close(offset, ev)
    }
    /// Whether the text of the current element is wanted (a failure message).
    fn wants_text(&self) -> bool;
    /// Text (references resolved) of the current element, when wanted.
    fn text(&mut self, text: &str);
}

/// A quick-xml reader that rejects what a well-formed report never holds
/// (mismatched or unmatched end tags, a bare `&`), keeps `<a/>` one event,
/// and skips whitespace-only text between elements: a reader turns
/// `trim_text_start` off while it captures text, whose leading whitespace is
/// content.
pub fn strict_reader<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    config.allow_dangling_amp = false;
    config.expand_empty_elements = false;
    config.trim_text(false);
    config.trim_text_start = true;
    reader
}

/// Read the whole document into `handler`. A malformed or truncated document
/// ends in a [`ParseError`] at its byte offset; what the handler recorded
/// before it stays recorded.
pub fn drive<R: BufRead + ?Sized, H: Handler>(
    input: &mut R,
    ev: &mut Evidence,
    handler: &mut H,
) -> Result<(), ParseError> {
    let mut reader = strict_reader(input);
    let mut buf = Vec::with_capacity(BUF_BYTES);
    let mut open = OpenNames::default();
    let mut root_closed = false;
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => {
                return Err(ParseError::new(
                    format!("malformed XML: {err}"),
                    Position::offset(reader.error_position().max(before)),
                ));
            }
        };
        let offset = element_start(&event, reader.buffer_position()).unwrap_or(before);
        let at = |message: String| ParseError::new(message, Position::offset(offset));
        let phase = match (open.is_empty(), root_closed) {
            (false, _) => Phase::Document,
            (true, false) => Phase::Prolog,
            (true, true) => Phase::Epilog,
        };
        match event {
            Event::Eof => {
                return match open.last() {
                    Some(name) => Err(at(format!(
                        "the document ends inside <{}>: the file is truncated",
                        crate::text::truncate(&short(name), 60)
                    ))),
                    None if !root_closed => Err(at("no root element: the document is empty".to_owned())),
                    None => Ok(()),
                };
            }
            Event::Start(e) | Event::Empty(e) if root_closed => {
                return Err(phase.misplaced(&format!("element <{}>", short(e.name().as_ref())), offset));
            }
            Event::Start(e) => {
                if open.len() >= MAX_DEPTH {
                    return Err(at(format!("elements nested more than {MAX_DEPTH} levels deep")));
                }
                handler.open(&e, open.len(), offset, ev).map_err(at)?;
                open.push(e.name().as_ref());
            }
            Event::Empty(e) => {
                if open.len() >= MAX_DEPTH {
                    return Err(at(format!("elements nested more than {MAX_DEPTH} levels deep")));
                }
                handler.empty(&e, open.len(), offset, ev).map_err(at)?;
                root_closed |= open.is_empty();
            }
            Event::End(_) => {
                open.pop();
                handler.close(offset, ev).map_err(at)?;
                root_closed |= open.is_empty();
            }
            Event::Text(t) => {
                if phase != Phase::Document {
                    if !t.trim_ascii().is_empty() {
                        return Err(phase.misplaced("text", offset));
                    }
                } else if handler.wants_text() {
                    handler.text(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if phase != Phase::Document {
                    return Err(phase.misplaced("CDATA", offset));
                }
                if handler.wants_text() {
                    handler.text(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = reference(&r).map_err(at)?;
                if phase != Phase::Document {
                    return Err(phase.misplaced("text", offset));
                }
                if handler.wants_text() {
                    let mut tmp = [0u8; 4];
                    handler.text(c.encode_utf8(&mut tmp));
                }
            }
            Event::Decl(_) if phase == Phase::Prolog => {}
            Event::Decl(_) => return Err(phase.misplaced("an XML declaration", offset)),
            // Entities a DOCTYPE declares are never expanded: a reference to one is an error.
            Event::DocType(_) if phase == Phase::Prolog => {}
            Event::DocType(_) => return Err(phase.misplaced("a DOCTYPE", offset)),
            Event::Comment(_) | Event::PI(_) => {}
        }
        reader.config_mut().trim_text_start = !handler.wants_text();
        if buf.capacity() > MAX_RETAINED_BUF {
            buf = Vec::with_capacity(BUF_BYTES);
        } else {
            buf.clear();
        }
    }
}

/// The names of the open elements, for the message of a truncated document:
/// one buffer for them all, so that opening an element allocates nothing.
/// Each name keeps its first [`OpenNames::KEPT_BYTES`], far more than the
/// message shows.
#[derive(Default)]
struct OpenNames {
    text: String,
    ends: Vec<usize>,
}

impl OpenNames {
    const KEPT_BYTES: usize = 4096;

    fn push(&mut self, name: &str) {
        let mut end = name.len().min(Self::KEPT_BYTES);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        self.text.push_str(&name[..end]);
        self.ends.push(self.text.len());
    }

    fn pop(&mut self) {
        self.ends.pop();
        self.text.truncate(self.ends.last().copied().unwrap_or(0));
    }

    fn last(&self) -> Option<&str> {
        let end = *self.ends.last()?;
        let start = self.ends.len().checked_sub(2).map_or(0, |i| self.ends[i]);
        Some(&self.text[start..end])
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// The offset of a tag's `<`, from the offset just after it: whitespace the
/// reader skipped before it (`trim_text_start`) is not part of it.
fn element_start(event: &Event<'_>, end: u64) -> Option<u64> {
    match event {
        Event::Start(e) => end.checked_sub(e.len() as u64 + 2),
        Event::Empty(e) => end.checked_sub(e.len() as u64 + 3),
        Event::End(e) => end.checked_sub(e.len() as u64 + 3),
        _ => None,
    }
}

/// `&name;` in text: XML's five predefined entities and character references;
/// anything else is an error, never dropped.
#[inline]
pub fn reference(r: &BytesRef<'_>) -> Result<char, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c),
        Ok(None) => match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(format!(
                "unknown entity &{};: in text: entities declared in a DOCTYPE are not expanded",
                short(other)
            )),
        },
        Err(e) => Err(format!("invalid character reference: {e}")),
    }
}

/// The values of the attributes named in `keys` (references resolved,
/// whitespace normalized as XML does), in that order. Every attribute is
/// checked, as [`each_attribute`] does; the others are only checked.
#[inline]
pub fn attributes<'a, const N: usize>(
    element: &'a BytesStart<'_>,
    keys: [&str; N],
) -> Result<[Option<Cow<'a, str>>; N], String> {
    let mut out: [Option<Cow<'a, str>>; N] = std::array::from_fn(|_| None);
    let mut others = Seen::default();
    scan(element.attributes_raw(), |key, value, special| {
        // Most names differ from a key in their length or first byte: no
        // comparison call for them.
        let first = key.as_bytes().first();
        let matches = |k: &&str| k.len() == key.len() && k.as_bytes().first() == first && *k == key;
        let Some(slot) = keys.iter().position(matches).map(|i| &mut out[i]) else {
            if !others.insert(key) {
                return Err(format!("invalid attribute: {} is repeated", short(key)));
            }
            if special {
                // Checked exactly as a value that is read: the same errors.
                normalized(Attribute { key: QName(key), value: Cow::Borrowed(value) })?;
            }
            return Ok(());
        };
        fill_slot(slot, key, value, special)
    })
    .map_err(|e| format!("in <{}>: {e}", short(element.name().as_ref())))?;
    Ok(out)
}

/// Whether the attributes `raw` (`BytesStart::attributes_raw`) plainly say
/// `key="value"` (`pair` finds that text), so that a reader can take a case's verdict from it without
/// reading the other attributes: the pair is written after whitespace and
/// followed by whitespace or the end, and no value in the tag is
/// single-quoted. `value` holds no quote, `&`, `<` or whitespace. Then, if the
/// tag passes [`attributes`]'s checks, its `key` is `value`: a double quote
/// that closed a value could not be followed by `value` without whitespace,
/// so the pair is an attribute and not the inside of another's value, and a
/// second `key` would be a repeated attribute. Anything else (`key = "..."`,
/// single quotes, a reference) answers `false`: the general path reads it.
#[inline]
pub fn says_plainly(raw: &str, pair: &memchr::memmem::Finder<'_>) -> bool {
    let bytes = raw.as_bytes();
    let Some(at) = pair.find(bytes) else { return false };
    let before = at.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let after = bytes.get(at + pair.needle().len()).copied();
    before.is_some_and(is_space) && after.is_none_or(is_space) && memchr::memchr(b'\'', bytes).is_none()
}

/// Every attribute of `element`, in document order, with its value
/// (references resolved, whitespace normalized as XML does). A repeated
/// attribute, a malformed one or an unknown entity is an error.
pub fn each_attribute<'a>(
    element: &'a BytesStart<'_>,
    mut each: impl FnMut(&'a str, Cow<'a, str>),
) -> Result<(), String> {
    let mut seen = Seen::default();
    scan(element.attributes_raw(), |key, value, special| {
        if !seen.insert(key) {
            return Err(format!("invalid attribute: {} is repeated", short(key)));
        }
        let value = if special {
            normalized(Attribute { key: QName(key), value: Cow::Borrowed(value) })?
        } else {
            Cow::Borrowed(value)
        };
        each(key, value);
        Ok(())
    })
    .map(|_| ())
    .map_err(|e| format!("in <{}>: {e}", short(element.name().as_ref())))
}

// The attribute scanner: a small tokenizer over the raw tag instead of
// quick-xml's attribute iterator, which costs an allocation and a duplicate
// scan per attribute. The XML attribute grammar is small
// (`S Name S? = S? ("..." | '...')`) and the scanner is strict: a missing `=`,
// an unquoted or unclosed value, a `<` in a value or no space between
// attributes is an error. Values are borrowed and unescaped only when they
// hold a reference or a character XML normalizes.

/// Tokenize `raw` (the tag after its name) and call `f(key, value, special)`
/// for each attribute; `special` says the raw value holds a reference or a
/// whitespace character XML normalizes. Returns the number of attributes.
#[inline(always)]
pub(crate) fn scan<'a>(
    raw: &'a str,
    mut f: impl FnMut(&'a str, &'a str, bool) -> Result<(), String>,
) -> Result<u32, String> {
    let bytes = raw.as_bytes();
    let mut count = 0;
    let mut i = 0;
    loop {
        let before = i;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            return Ok(count);
        }
        if i == before && i > 0 {
            return Err("invalid attribute: attributes must be separated by whitespace".to_owned());
        }
        let key_start = i;
        i = key_end(bytes, i);
        let key = &raw[key_start..i];
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        if key.is_empty() || bytes.get(i) != Some(&b'=') {
            return Err(format!("invalid attribute: {} has no value", short(key)));
        }
        i += 1;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return Err(format!("invalid attribute: the value of {} is not quoted", short(key))),
        };
        let value_start = i + 1;
        let Some((end, odd)) = value_end(bytes, value_start, quote) else {
            return Err(format!("invalid attribute: the value of {} is not closed", short(key)));
        };
        let value = &raw[value_start..end];
        i = end + 1;
        if odd && value.contains('<') {
            return Err(format!("invalid attribute: the value of {} holds a '<'", short(key)));
        }
        count += 1;
        f(key, value, odd)?;
    }
}

/// The end of an attribute name starting at `from`: the first `=` or
/// whitespace. Eight bytes at a time, like [`value_end`].
#[inline]
fn key_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const EQUALS: u64 = ONES * b'=' as u64;
    const SPACES_PLUS_ONE: u64 = ONES * 0x21;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // `=`, or a byte <= 0x20 (whitespace, or a control character, which
        // is no name character either): the lowest hit is exact.
        let eq = w ^ EQUALS;
        let hits = (eq.wrapping_sub(ONES) & !eq & HIGHS) | (w.wrapping_sub(SPACES_PLUS_ONE) & !w & HIGHS);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] != b'=' && bytes[i] > 0x20 {
        i += 1;
    }
    i
}

/// The index of the `quote` closing a value that starts at `from`, and whether
/// the value holds a byte XML forbids or treats specially there (`&`, `<`, a
/// control character). Eight bytes at a time: attribute values are short, and
/// a library call per value costs more than the scan. Not inlined: in its own
/// frame its state stays in registers.
#[inline(never)]
fn value_end(bytes: &[u8], from: usize, quote: u8) -> Option<(usize, bool)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const AMPS: u64 = ONES * b'&' as u64;
    const LTS: u64 = ONES * b'<' as u64;
    const SPACES: u64 = ONES * 0x20;
    // High bit set in each byte of `v` that is zero; exact for the lowest one.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let quotes = ONES * u64::from(quote);
    let mut odd = 0u64;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let stop = zero(w ^ quotes);
        let odd_bytes = zero(w ^ AMPS) | zero(w ^ LTS) | (w.wrapping_sub(SPACES) & !w & HIGHS);
        if stop != 0 {
            let at = stop.trailing_zeros() / 8;
            let below = (1u64 << (at * 8)) - 1;
            return Some((i + at as usize, odd != 0 || odd_bytes & below != 0));
        }
        odd |= odd_bytes;
        i += 8;
    }
    let mut tail_odd = odd != 0;
    while let Some(&b) = bytes.get(i) {
        if b == quote {
            return Some((i, tail_odd));
        }
        tail_odd |= b == b'&' || b == b'<' || b < 0x20;
        i += 1;
    }
    None
}

/// Attribute names seen on one element, without allocating for the usual
/// dozen, and without comparing names in the usual case: a name whose
/// fingerprint bit is not yet set cannot be a repeat.
#[derive(Default)]
pub(crate) struct Seen<'a> {
    fingerprints: u64,
    fixed: [&'a str; 16],
    len: usize,
    more: Vec<&'a str>,
}

impl<'a> Seen<'a> {
    /// False when `key` was already seen.
    #[inline]
    pub(crate) fn insert(&mut self, key: &'a str) -> bool {
        let bit = 1u64 << fingerprint(key);
        if self.fingerprints & bit != 0 && (self.fixed[..self.len].contains(&key) || self.more.contains(&key)) {
            return false;
        }
        self.fingerprints |= bit;
        if self.len < self.fixed.len() {
            self.fixed[self.len] = key;
            self.len += 1;
        } else {
            self.more.push(key);
        }
        true
    }
}

/// One of 64 buckets for an attribute name, from its length and its first
/// and last bytes: names on one element rarely share all three.
#[inline]
fn fingerprint(key: &str) -> u32 {
    let bytes = key.as_bytes();
    let (first, last) = (bytes.first().copied().unwrap_or(0), bytes.last().copied().unwrap_or(0));
    let mixed = (bytes.len() as u32) ^ (u32::from(first) << 8) ^ (u32::from(last) << 16);
    mixed.wrapping_mul(0x9E37_79B1) >> 26
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The attribute's value as XML defines it: references resolved, whitespace
/// characters normalized.
pub(crate) fn normalized(attr: Attribute<'_>) -> Result<Cow<'_, str>, String> {
    attr.normalized_value(XmlVersion::Implicit1_0).map_err(|e| match e {
        quick_xml::Error::Escape(e) => escape_error(&attr, &e),
        other => format!("attribute {}: {other}", key(&attr)),
    })
}

/// Check the references of a value the reader does not use.
pub(crate) fn validate(attr: &Attribute<'_>) -> Result<(), String> {
    if memchr::memchr(b'&', attr.value.as_bytes()).is_some() {
        quick_xml::escape::unescape(&attr.value).map_err(|e| escape_error(attr, &e))?;
    }
    Ok(())
}

fn escape_error(attr: &Attribute<'_>, e: &EscapeError) -> String {
    match e {
        EscapeError::UnrecognizedEntity(_, name) => format!(
            "unknown entity &{};: in attribute {}: entities declared in a DOCTYPE are not expanded",
            crate::text::truncate(&crate::text::one_line(name), 60),
            key(attr)
        ),
        other => format!("attribute {}: {other}", key(attr)),
    }
}

fn key(attr: &Attribute<'_>) -> String {
    crate::text::truncate(&crate::text::one_line(attr.key.as_ref()), 60)
}

/// A declared count: a non-negative integer no larger than a report may count.
pub fn count(field: &str, raw: &str, offset: u64) -> Result<u64, ParseError> {
    let n = raw.trim().parse::<u64>().map_err(|_| {
        ParseError::new(
            format!("{field}=\"{}\" is not a count", crate::text::truncate(&crate::text::one_line(raw), 40)),
            Position::offset(offset),
        )
    })?;
    super::capped_count(n, field, Position::offset(offset).with_field(field))
}

/// A name from the input, made safe and short for an error message.
pub fn short(name: &str) -> String {
    crate::text::truncate(&crate::text::one_line(name), 60)
}

/// Appends text to a buffer up to `limit` bytes (on a char boundary), counting
/// what did not fit.
#[derive(Default)]
pub struct Capture {
    pub text: String,
    pub cut: u64,
}

impl Capture {
    pub fn push(&mut self, text: &str, limit: usize) {
        self.cut += push_capped(&mut self.text, text, limit);
    }

    /// Empty again, keeping the buffer.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cut = 0;
    }

    /// The text with a marker when some was cut.
    pub fn finished(&self) -> Cow<'_, str> {
        if self.cut == 0 {
            Cow::Borrowed(self.text.trim())
        } else {
            Cow::Owned(format!("{}… [{} bytes cut]", self.text.trim(), self.cut))
        }
    }
}

/// Set an optional value, reusing its buffer: for fields set on each of
/// millions of elements.
pub fn assign(slot: &mut Option<String>, value: Option<&str>) {
    match (slot.as_mut(), value) {
        (Some(text), Some(value)) => {
            text.clear();
            text.push_str(value);
        }
        (None, Some(value)) => *slot = Some(value.to_owned()),
        (_, None) => *slot = None,
    }
}

/// Appends text to `target` up to `limit` bytes in all (cut on a char
/// boundary); returns how many bytes did not fit.
#[inline]
pub fn push_capped(target: &mut String, text: &str, limit: usize) -> u64 {
    let room = limit.saturating_sub(target.len());
    if text.len() <= room {
        target.push_str(text);
        return 0;
    }
    let kept = crate::text::prefix_within(text, room);
    target.push_str(kept);
    (text.len() - kept.len()) as u64
}

/// Normalize a producer's UTC timestamp to RFC 3339. Only times that name
/// their zone (`Z` or an offset) qualify: a local time without one cannot be
/// compared with the run and is not provenance.
pub fn utc_timestamp(raw: &str) -> Option<String> {
    let v = raw.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }
    // NUnit 3 writes `2021-01-19 20:51:34Z` (a space, a Z): UTC.
    let body = v.strip_suffix('Z')?;
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(body, format) {
            return Some(t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        }
    }
    None
}

/// Put an attribute's value in its slot: a repeat is an error, and a value
/// with references is unescaped (and checked) only when it has any.
#[inline]
pub(crate) fn fill_slot<'a>(
    slot: &mut Option<Cow<'a, str>>,
    key: &'a str,
    value: &'a str,
    special: bool,
) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("invalid attribute: {} is repeated", short(key)));
    }
    *slot = Some(if special {
        normalized(Attribute { key: QName(key), value: Cow::Borrowed(value) })?
    } else {
        Cow::Borrowed(value)
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_value_end(bytes: &[u8], from: usize, quote: u8) -> Option<(usize, bool)> {
        let end = from + bytes[from..].iter().position(|b| *b == quote)?;
        Some((end, bytes[from..end].iter().any(|b| *b == b'&' || *b == b'<' || *b < 0x20)))
    }

    proptest::proptest! {
        #[test]
        fn value_scan_matches_a_byte_by_byte_scan(s in "[a-z\"'&<\t\n\u{e9}\u{1f600} ]{0,40}", from in 0usize..4) {
            let bytes = s.as_bytes();
            let from = from.min(bytes.len());
            for quote in [b'"', b'\''] {
                proptest::prop_assert_eq!(value_end(bytes, from, quote), naive_value_end(bytes, from, quote));
            }
        }
    }

    #[test]
    fn root_element_skips_the_prolog() {
        let doc = b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!--c--><!DOCTYPE x [<!ENTITY a \"b\">]>\n<test-run id=\"2\">";
        let sniff = Sniff::new(doc, false, "x.xml");
        assert_eq!(root_element(&sniff).map(|r| r.0), Some(&b"test-run"[..]));
        assert_eq!(root_element(&Sniff::new(b"<assemblies>", true, "")).map(|r| r.0), Some(&b"assemblies"[..]));
        assert_eq!(root_element(&Sniff::new(b"{\"a\":1}", true, "")), None);
    }

    #[test]
    fn timestamps_need_a_zone() {
        assert_eq!(utc_timestamp("2021-01-19 20:51:34Z").as_deref(), Some("2021-01-19T20:51:34Z"));
        assert_eq!(utc_timestamp("2022-07-13T23:20:35.0612744Z").as_deref(), Some("2022-07-13T23:20:35.061274400Z"));
        assert_eq!(utc_timestamp("2018-06-07T20:33:38+02:00").as_deref(), Some("2018-06-07T18:33:38Z"));
        assert_eq!(utc_timestamp("2013-09-29 16:19:34"), None);
        assert_eq!(utc_timestamp("11:34:27"), None);
    }

    #[test]
    fn capture_cuts_on_a_char_boundary() {
        let mut c = Capture::default();
        c.push("héllo", 2);
        assert_eq!(c.text, "h");
        assert_eq!(c.cut, 5);
        assert!(c.finished().contains("bytes cut"));
    }
}
