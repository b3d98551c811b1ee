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

use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;

use crate::parse::xml_stream::{Seen, fill_slot, scan, short, validate};

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
    /// Common Test's `cth_surefire` links each suite to its HTML `log`.
    pub log: bool,
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
                    "log" => out.log = true,
                    _ => {}
                }
                return other_attribute(&mut others, key, value, special);
            }
        };
        fill_slot(slot, key, value, special)
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
    /// Seconds, for the inventory's slowest tests.
    pub time: Option<Cow<'a, str>>,
}

impl CaseAttrs<'_> {
    /// The `time` attribute in seconds, when it is a number (some writers put
    /// `1,234.5` or nothing; that says nothing).
    pub fn seconds(&self) -> Option<f64> {
        self.time.as_deref().and_then(crate::parse::duration::seconds_text)
    }
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
            "time" => &mut out.time,
            _ => return other_attribute(&mut others, key, value, special),
        };
        fill_slot(slot, key, value, special)
    })?;
    Ok(out)
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
}
