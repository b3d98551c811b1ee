//! Attribute access for the handful of attributes the reader uses.
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
    pub uuid: bool,
    pub assertions: bool,
    pub hostname: bool,
    pub id: bool,
    /// How many attributes the element has in all.
    pub count: u32,
}

/// Read the attributes of `element`. The error is a message; the caller adds
/// the position.
pub(super) fn read<'a>(element: &'a BytesStart<'_>) -> Result<Attrs<'a>, String> {
    let mut out = Attrs::default();
    for attr in element.attributes() {
        let attr = attr.map_err(|e| format!("invalid attribute: {e}"))?;
        out.count += 1;
        let slot = match attr.key.as_ref() {
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
            other => {
                match other {
                    "uuid" => out.uuid = true,
                    "assertions" => out.assertions = true,
                    "hostname" => out.hostname = true,
                    "id" => out.id = true,
                    _ => {}
                }
                validate(&attr)?;
                continue;
            }
        };
        *slot = Some(value(attr)?);
    }
    Ok(out)
}

/// The attribute's value as XML defines it: references resolved, whitespace
/// characters normalized. Borrowed unless something had to change.
fn value(attr: Attribute<'_>) -> Result<Cow<'_, str>, String> {
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
