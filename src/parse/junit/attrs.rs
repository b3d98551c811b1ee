//! Attribute access for the handful of attributes the reader uses.
//!
//! A small scanner over the raw tag instead of quick-xml's attribute iterator:
//! it runs for every testcase, and the XML attribute grammar is small
//! (`S Name S? = S? ("..." | '...')`). It is strict: a missing `=`, an
//! unquoted or unclosed value, a `<` in a value, no space between attributes,
//! or a repeated attribute is an error.
//!
//! Values are borrowed from quick-xml's event buffer and unescaped only when
//! they hold a reference, so the passing majority costs no allocation. Every
//! attribute, used or not, is checked for references: an unknown entity
//! (a DTD-declared or external one, which is never expanded) is an error.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::escape::EscapeError;
use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;

use crate::parse::xml_stream::short;

/// The attributes of one element that the reader looks at.
#[derive(Default)]
pub(super) struct Attrs<'a> {
    pub name: Option<Cow<'a, str>>,
    pub classname: Option<Cow<'a, str>>,
    pub file: Option<Cow<'a, str>>,
    pub line: Option<Cow<'a, str>>,
    /// PHPUnit's `class` (the PHP class name with namespace).
    pub class: Option<Cow<'a, str>>,
    pub message: Option<Cow<'a, str>>,
    /// `type` of a result element.
    pub kind: Option<Cow<'a, str>>,
    pub value: Option<Cow<'a, str>>,
    pub package: Option<Cow<'a, str>>,
    /// `xsi:noNamespaceSchemaLocation`, which Surefire points at its XSD.
    pub schema: Option<Cow<'a, str>>,
    pub tests: Option<Cow<'a, str>>,
    pub failures: Option<Cow<'a, str>>,
    pub errors: Option<Cow<'a, str>>,
    pub skipped: Option<Cow<'a, str>>,
    pub disabled: Option<Cow<'a, str>>,
    pub flakes: Option<Cow<'a, str>>,
    /// When the suite ran, in the writer's own notation (provenance).
    pub timestamp: Option<Cow<'a, str>>,
    pub hostname: Option<Cow<'a, str>>,
    /// doctest writes its version on every suite.
    pub doctest_version: bool,
    pub uuid: bool,
    pub assertions: bool,
    pub id: bool,
    /// How many attributes the element has in all.
    pub count: u32,
}

/// Read the attributes of any element. The error is a message; the caller
/// adds the position.
pub(super) fn read<'a>(element: &'a BytesStart<'_>) -> Result<Attrs<'a>, String> {
    let mut out = Attrs::default();
    let mut others = Seen::default();
    out.count = scan(element.attributes_raw(), |key, value, special| {
        let slot = match key {
            "name" => &mut out.name,
            "classname" => &mut out.classname,
            "file" => &mut out.file,
            "line" => &mut out.line,
            "class" => &mut out.class,
            "message" => &mut out.message,
            "type" => &mut out.kind,
            "value" => &mut out.value,
            "package" => &mut out.package,
            "xsi:noNamespaceSchemaLocation" => &mut out.schema,
            "tests" => &mut out.tests,
            "failures" => &mut out.failures,
            "errors" => &mut out.errors,
            "skipped" => &mut out.skipped,
            "disabled" => &mut out.disabled,
            "flakes" => &mut out.flakes,
            "timestamp" => &mut out.timestamp,
            "hostname" => &mut out.hostname,
            other => {
                match other {
                    "uuid" => out.uuid = true,
                    "assertions" => out.assertions = true,
                    "doctest_version" => out.doctest_version = true,
                    "id" => out.id = true,
                    _ => {}
                }
                return other_attribute(&mut others, key, value, special);
            }
        };
        set(slot, key, value, special)
    })?;
    Ok(out)
}

/// The attributes of a `<testcase>`: the same checks, fewer slots, for the
/// element a report holds millions of.
#[derive(Default)]
pub(super) struct CaseAttrs<'a> {
    pub name: Option<Cow<'a, str>>,
    pub classname: Option<Cow<'a, str>>,
    pub file: Option<Cow<'a, str>>,
    pub line: Option<Cow<'a, str>>,
    pub class: Option<Cow<'a, str>>,
    /// GoogleTest and CTest: whether the test ran (`run`, `notrun`, `fail`, `disabled`).
    pub status: Option<Cow<'a, str>>,
    /// GoogleTest: how it ended (`completed`, `skipped`, `suppressed`).
    pub result: Option<Cow<'a, str>>,
}

pub(super) fn read_case<'a>(element: &'a BytesStart<'_>) -> Result<CaseAttrs<'a>, String> {
    let mut out = CaseAttrs::default();
    let mut others = Seen::default();
    scan(element.attributes_raw(), |key, value, special| {
        let slot = match key {
            "name" => &mut out.name,
            "classname" => &mut out.classname,
            "file" => &mut out.file,
            "line" => &mut out.line,
            "class" => &mut out.class,
            "status" => &mut out.status,
            "result" => &mut out.result,
            _ => return other_attribute(&mut others, key, value, special),
        };
        set(slot, key, value, special)
    })?;
    Ok(out)
}

#[inline]
fn set<'a>(slot: &mut Option<Cow<'a, str>>, key: &'a str, value: &'a str, special: bool) -> Result<(), String> {
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

/// An attribute the reader does not use: still checked for repeats and for
/// references.
fn other_attribute<'a>(seen: &mut Seen<'a>, key: &'a str, value: &'a str, special: bool) -> Result<(), String> {
    if !seen.insert(key) {
        return Err(format!("invalid attribute: {} is repeated", short(key)));
    }
    if special {
        validate(&Attribute { key: QName(key), value: Cow::Borrowed(value) })?;
    }
    Ok(())
}

/// Tokenize `raw` (the tag after its name) and call `f(key, value, special)`
/// for each attribute; `special` says the raw value holds a reference or a
/// whitespace character XML normalizes. Returns the number of attributes.
#[inline(always)]
fn scan<'a>(raw: &'a str, mut f: impl FnMut(&'a str, &'a str, bool) -> Result<(), String>) -> Result<u32, String> {
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
/// handful.
#[derive(Default)]
struct Seen<'a> {
    fixed: [&'a str; 4],
    len: usize,
    more: Vec<&'a str>,
}

impl<'a> Seen<'a> {
    /// False when `key` was already seen.
    fn insert(&mut self, key: &'a str) -> bool {
        if self.fixed[..self.len].contains(&key) || self.more.contains(&key) {
            return false;
        }
        if self.len < self.fixed.len() {
            self.fixed[self.len] = key;
            self.len += 1;
        } else {
            self.more.push(key);
        }
        true
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The attribute's value as XML defines it: references resolved, whitespace
/// characters normalized.
fn normalized(attr: Attribute<'_>) -> Result<Cow<'_, str>, String> {
    attr.normalized_value(XmlVersion::Implicit1_0).map_err(|e| match e {
        quick_xml::Error::Escape(e) => escape_error(&attr, &e),
        other => format!("attribute {}: {other}", key(&attr)),
    })
}

/// Check the references of a value the reader does not use.
fn validate(attr: &Attribute<'_>) -> Result<(), String> {
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

/// A declared count: a non-negative integer, nothing else.
pub(super) fn count(field: &str, raw: &str) -> Result<u64, String> {
    raw.trim()
        .parse::<u64>()
        .map_err(|_| format!("{field}=\"{}\" is not a count", crate::text::truncate(&crate::text::one_line(raw), 40)))
}

/// A line number attribute; anything that is not one is ignored (it only
/// locates a failure, it proves nothing).
pub(super) fn line(raw: &str) -> Option<u32> {
    raw.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs_of(tag: &str) -> Result<(Option<String>, Option<String>, u32), String> {
        let name_len = tag.find(|c: char| c.is_ascii_whitespace()).unwrap_or(tag.len());
        let start = BytesStart::from_content(tag, name_len);
        let a = read(&start)?;
        Ok((a.name.map(|c| c.into_owned()), a.message.map(|c| c.into_owned()), a.count))
    }

    #[test]
    fn reads_quoted_values_in_either_quotes_with_space_around_equals() {
        assert_eq!(
            attrs_of("testcase name = 'a \"b\"'\n\tmessage=\"x&lt;y&#10;z\" time=\"1\""),
            Ok((Some("a \"b\"".into()), Some("x<y\nz".into()), 3))
        );
        assert_eq!(attrs_of("testcase"), Ok((None, None, 0)));
    }

    #[test]
    fn normalizes_literal_whitespace_like_xml() {
        assert_eq!(attrs_of("failure message=\"a\nb\tc\r\nd\""), Ok((None, Some("a b c d".into()), 1)));
    }

    #[test]
    fn rejects_what_xml_rejects() {
        for tag in [
            "testcase name=a",
            "testcase name",
            "testcase name=\"a",
            "testcase name=\"a\"time=\"1\"",
            "testcase name=\"a<b\"",
            "testcase name=\"a\" name=\"b\"",
            "testcase time=\"&nope;\"",
            "testcase name=\"&#xD800;\"",
        ] {
            assert!(attrs_of(tag).is_err(), "{tag}");
        }
    }

    #[test]
    fn many_attributes_are_checked_for_repeats_too() {
        let many: String = (0..40).map(|i| format!(" a{i}=\"v\"")).collect();
        assert_eq!(attrs_of(&format!("testcase{many}")).map(|a| a.2), Ok(40));
        assert!(attrs_of(&format!("testcase{many} a39=\"w\"")).is_err());
    }

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
}
