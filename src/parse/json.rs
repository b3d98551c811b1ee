//! Shared JSON helpers for readers of whole-document JSON artifacts.

use std::io::{BufRead, Read};
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use serde_json::Value;

use super::ParseError;
use crate::model::Position;

/// Readers that hold a whole document in memory (pi's JSON artifacts, TOML)
/// refuse one larger than this: a `Value` tree takes up to 16 times the bytes it
/// was parsed from, so the cap bounds memory whatever `--max-file-bytes` allows.
/// Real pi artifacts are well under 1 MiB.
pub const MAX_DOCUMENT_BYTES: u64 = 32 << 20;

/// The error for a whole document over [`MAX_DOCUMENT_BYTES`].
pub fn document_too_large() -> ParseError {
    ParseError::new(
        format!("larger than {MAX_DOCUMENT_BYTES} bytes, the most a whole-document artifact is read into memory"),
        Position::offset(MAX_DOCUMENT_BYTES),
    )
}

/// Parse a whole JSON document, mapping syntax errors to line and column.
pub fn read_document(input: &mut dyn BufRead) -> Result<Value, ParseError> {
    let mut limited = input.take(MAX_DOCUMENT_BYTES + 1);
    let parsed = {
        let mut de = serde_json::Deserializer::from_reader(&mut limited);
        Deserialize::deserialize(&mut de).and_then(|value| de.end().map(|()| value))
    };
    if limited.limit() == 0 {
        return Err(document_too_large());
    }
    parsed.map_err(syntax_error)
}

/// A serde_json error as a parse error with its line and column.
pub fn syntax_error(err: serde_json::Error) -> ParseError {
    let position = Position { line: Some(err.line() as u64), column: Some(err.column() as u64), ..Position::default() };
    ParseError::new(err.to_string(), position)
}

/// Why a field could not be used, as a parse error naming the field.
pub fn wrong_type(field: &str, expected: &str, found: Option<&Value>) -> ParseError {
    let found = match found {
        None => "nothing".to_owned(),
        Some(Value::Null) => "null".to_owned(),
        Some(Value::Bool(b)) => format!("boolean {b}"),
        Some(Value::Number(n)) => format!("number {n}"),
        Some(Value::String(s)) => format!("string {:?}", crate::text::truncate(s, 40)),
        Some(Value::Array(_)) => "an array".to_owned(),
        Some(Value::Object(_)) => "an object".to_owned(),
    };
    ParseError::new(format!("field {field}: expected {expected}, found {found}"), Position::field(field))
}

/// Typed access to an object's fields, failing with the field's full path.
pub struct Fields<'a> {
    object: &'a serde_json::Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    pub fn of(value: &'a Value, path: &str) -> Result<Self, ParseError> {
        match value {
            Value::Object(object) => Ok(Self { object, path: path.to_owned() }),
            other => Err(wrong_type(if path.is_empty() { "(root)" } else { path }, "an object", Some(other))),
        }
    }

    pub fn path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.object.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.object.contains_key(key)
    }

    pub fn req(&self, key: &str) -> Result<&'a Value, ParseError> {
        self.get(key).ok_or_else(|| wrong_type(&self.path(key), "a value", None))
    }

    pub fn str(&self, key: &str) -> Result<&'a str, ParseError> {
        let v = self.req(key)?;
        v.as_str().ok_or_else(|| wrong_type(&self.path(key), "a string", Some(v)))
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ParseError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_str().map(Some).ok_or_else(|| wrong_type(&self.path(key), "a string", Some(v))),
        }
    }

    /// A non-negative integer that fits in u64 (rejects floats, negatives, huge numbers).
    pub fn u64(&self, key: &str) -> Result<u64, ParseError> {
        let v = self.req(key)?;
        v.as_u64().ok_or_else(|| wrong_type(&self.path(key), "a non-negative integer", Some(v)))
    }

    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, ParseError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => {
                v.as_u64().map(Some).ok_or_else(|| wrong_type(&self.path(key), "a non-negative integer", Some(v)))
            }
        }
    }

    /// A count of cases or steps: a non-negative integer no larger than
    /// [`super::MAX_COUNT`].
    pub fn count(&self, key: &str) -> Result<u64, ParseError> {
        self.capped(key, self.u64(key)?)
    }

    pub fn opt_count(&self, key: &str) -> Result<Option<u64>, ParseError> {
        self.opt_u64(key)?.map(|n| self.capped(key, n)).transpose()
    }

    fn capped(&self, key: &str, n: u64) -> Result<u64, ParseError> {
        let path = self.path(key);
        super::capped_count(n, &format!("field {path}"), Position::field(path))
    }

    /// An integer exit code (may be negative for signals on some producers).
    pub fn i64(&self, key: &str) -> Result<i64, ParseError> {
        let v = self.req(key)?;
        v.as_i64().ok_or_else(|| wrong_type(&self.path(key), "an integer", Some(v)))
    }

    pub fn bool(&self, key: &str) -> Result<bool, ParseError> {
        let v = self.req(key)?;
        v.as_bool().ok_or_else(|| wrong_type(&self.path(key), "a boolean", Some(v)))
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ParseError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_bool().map(Some).ok_or_else(|| wrong_type(&self.path(key), "a boolean", Some(v))),
        }
    }

    pub fn array(&self, key: &str) -> Result<&'a Vec<Value>, ParseError> {
        let v = self.req(key)?;
        v.as_array().ok_or_else(|| wrong_type(&self.path(key), "an array", Some(v)))
    }

    pub fn opt_array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, ParseError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_array().map(Some).ok_or_else(|| wrong_type(&self.path(key), "an array", Some(v))),
        }
    }

    pub fn object(&self, key: &str) -> Result<Fields<'a>, ParseError> {
        Fields::of(self.req(key)?, &self.path(key))
    }

    pub fn opt_object(&self, key: &str) -> Result<Option<Fields<'a>>, ParseError> {
        self.get(key).map(|v| Fields::of(v, &self.path(key))).transpose()
    }
}

/// Find the string value of `"key": "value"` in a prefix without parsing it
/// whole, for detecting formats of files larger than the sniff buffer.
pub fn sniff_string_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let needle = format!("\"{key}\"");
    let mut rest = text;
    while let Some(i) = rest.find(&needle) {
        let after = rest[i + needle.len()..].trim_start();
        if let Some(after) = after.strip_prefix(':') {
            let after = after.trim_start();
            if let Some(value) = after.strip_prefix('"') {
                return value.find('"').map(|end| &value[..end]);
            }
        }
        rest = &rest[i + needle.len()..];
    }
    None
}

/// Streams a JSON array: each element is parsed on its own (as a `T`, a
/// [`Value`] unless the closure says otherwise), handed to the closure with its
/// index, and dropped before the next is read, so memory follows the largest
/// element, not the array. Anything but an array is an error at its position,
/// "expected" what [`EachElement::expecting`] names.
pub struct EachElement<'a, T, F> {
    expecting: &'static str,
    each: &'a mut F,
    element: PhantomData<fn(T)>,
}

impl<'a, T, F: FnMut(usize, T)> EachElement<'a, T, F> {
    pub fn new(each: &'a mut F) -> Self {
        Self::expecting("an array", each)
    }

    /// Names the array in the error for a value that is not one.
    pub fn expecting(expecting: &'static str, each: &'a mut F) -> Self {
        Self { expecting, each, element: PhantomData }
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(usize, T)> DeserializeSeed<'de> for EachElement<'_, T, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(usize, T)> Visitor<'de> for EachElement<'_, T, F> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        while let Some(element) = seq.next_element::<T>()? {
            (self.each)(index, element);
            index += 1;
        }
        Ok(())
    }
}

/// A JSON object's fields, read one key at a time by [`EachField`]: the reader
/// takes (or skips) the key's value from `map` itself, so a large value (a
/// test array) can be streamed with a seed instead of held whole.
pub trait ObjectFields {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error>;
}

/// Reads one JSON document whose root is an object through `root`, key by
/// key, and checks nothing follows it.
pub fn walk_document<V: ObjectFields>(
    input: &mut dyn BufRead,
    expecting: &'static str,
    root: &mut V,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(input);
    EachField::expecting(expecting, root).deserialize(&mut de)?;
    de.end()
}

/// Walks a JSON object, handing each key to [`ObjectFields::field`] in document
/// order. Anything but an object is an error "expected" `expecting`.
pub struct EachField<'a, V> {
    expecting: &'static str,
    fields: &'a mut V,
}

impl<'a, V: ObjectFields> EachField<'a, V> {
    pub fn expecting(expecting: &'static str, fields: &'a mut V) -> Self {
        Self { expecting, fields }
    }
}

impl<'de, V: ObjectFields> DeserializeSeed<'de> for EachField<'_, V> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, V: ObjectFields> Visitor<'de> for EachField<'_, V> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.fields.field(key, &mut map)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = read_document(&mut "{\n  \"a\": 1,\n  \"b\": \n".as_bytes()).err();
        let pos = err.map(|e| e.position);
        assert_eq!(pos.and_then(|p| p.line), Some(4));
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(read_document(&mut "{} {}".as_bytes()).is_err());
    }

    #[test]
    fn typed_access_names_the_field() -> Result<(), ParseError> {
        let v: Value = serde_json::from_str(r#"{"summary": {"failed": -1, "ok": 2}}"#).map_err(syntax_error)?;
        let root = Fields::of(&v, "")?;
        let summary = root.object("summary")?;
        assert_eq!(summary.u64("ok")?, 2);
        let err = summary.u64("failed").err().map(|e| e.message).unwrap_or_default();
        assert_eq!(err, "field summary.failed: expected a non-negative integer, found number -1");
        Ok(())
    }

    #[test]
    fn sniffs_string_fields() {
        assert_eq!(
            sniff_string_field(r#"{ "schema" : "pi.e2e.result.v1", "x": 1"#, "schema"),
            Some("pi.e2e.result.v1")
        );
        assert_eq!(sniff_string_field(r#"{"schemas": 1, "schema":"a"}"#, "schema"), Some("a"));
        assert_eq!(sniff_string_field(r#"{"schema": 3}"#, "schema"), None);
    }
}
