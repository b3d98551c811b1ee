//! One matrix cell: the object `toJSON(matrix)` prints for one job.
//!
//! Two cells are the same when they have the same keys with equal values, in any
//! key order. Values compare by JSON type: `3` and `"3"` are different cells,
//! because `toJSON(matrix)` keeps the type the workflow gave. Numbers compare by
//! value, so `3`, `3.0` and `3e0` are one number. [`Cell::loose_key`] compares
//! scalars by their text instead; the gate uses it only to explain a mismatch.

use std::fmt::Write as _;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// A matrix cell, keys in the order the matrix defines them.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    entries: Vec<(String, Value)>,
}

impl Cell {
    pub fn new() -> Self {
        Self::default()
    }

    /// A cell from a JSON object (keys in the object's iteration order).
    pub fn from_object(object: &serde_json::Map<String, Value>) -> Self {
        Self { entries: object.iter().map(|(k, v)| (k.clone(), v.clone())).collect() }
    }

    pub fn entries(&self) -> &[(String, Value)] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Set `key`, replacing its value in place when present, else appending.
    pub fn set(&mut self, key: &str, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key.to_owned(), value)),
        }
    }

    /// The identity of the cell: keys sorted, values in canonical JSON.
    pub fn key(&self) -> String {
        self.key_with(canonical)
    }

    /// Like [`Cell::key`], but scalars compare by their text: `3`, `3.0` and
    /// `"3"` become one. Used only to say "this verdict's cell differs only in
    /// value types", never to match.
    pub fn loose_key(&self) -> String {
        self.key_with(loose)
    }

    fn key_with(&self, render: fn(&Value, &mut String)) -> String {
        let mut sorted: Vec<&(String, Value)> = self.entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::from("{");
        for (i, (k, v)) in sorted.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json_string(k));
            out.push(':');
            render(v, &mut out);
        }
        out.push('}');
        out
    }

    /// `os=ubuntu-latest, node=16`: strings bare, other values as compact JSON.
    /// Not escaped: renderers make it safe for where it is shown.
    pub fn label(&self) -> String {
        if self.entries.is_empty() {
            return "(empty cell)".to_owned();
        }
        let parts: Vec<String> = self
            .entries
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        parts.join(", ")
    }

    /// The cell as a JSON object.
    pub fn to_value(&self) -> Value {
        Value::Object(self.entries.iter().cloned().collect())
    }
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Cell {}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let ordered = super::ordered::Ordered::deserialize(deserializer)?;
        match ordered {
            super::ordered::Ordered::Object(entries) => {
                let mut cell = Cell::new();
                for (k, v) in entries {
                    cell.set(&k, v.into_json());
                }
                Ok(cell)
            }
            _ => Err(serde::de::Error::custom("a matrix cell must be a JSON object")),
        }
    }
}

fn json_string(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

/// Canonical JSON text: object keys sorted, numbers by value.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Number(n) => out.push_str(&canonical_number(n)),
        Value::Array(_) | Value::Object(_) => containers(value, out, canonical),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// Scalars as their plain text, tagged only as "scalar", so `3` and `"3"` meet.
fn loose(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(&json_string(s)),
        Value::Number(n) => out.push_str(&json_string(&canonical_number(n))),
        Value::Bool(b) => out.push_str(&json_string(&b.to_string())),
        Value::Null => out.push_str("\"\""),
        Value::Array(_) | Value::Object(_) => containers(value, out, loose),
    }
}

/// Arrays in order and objects with sorted keys, their items written by `item`.
fn containers(value: &Value, out: &mut String, item: fn(&Value, &mut String)) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                item(v, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                if let Some(v) = map.get(*k) {
                    item(v, out);
                }
            }
            out.push('}');
        }
        scalar => item(scalar, out),
    }
}

/// A number by value: integral floats print as integers, so `3.0` equals `3`.
fn canonical_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        // Below 2^53 an integral f64 is exactly an integer.
        Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => format!("{}", f as i64),
        Some(f) => format!("{f}"),
        None => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cell(v: Value) -> Cell {
        match v {
            Value::Object(map) => Cell::from_object(&map),
            _ => Cell::new(),
        }
    }

    #[test]
    fn equality_ignores_key_order_and_number_spelling() {
        let a = cell(json!({"os": "ubuntu", "node": 16}));
        let mut b = Cell::new();
        b.set("node", json!(16.0));
        b.set("os", json!("ubuntu"));
        assert_eq!(a, b);
        assert_eq!(a.key(), r#"{"node":16,"os":"ubuntu"}"#);
    }

    #[test]
    fn types_are_kept_apart_except_by_the_loose_key() {
        let number = cell(json!({"python": 3}));
        let text = cell(json!({"python": "3"}));
        assert_ne!(number, text);
        assert_eq!(number.loose_key(), text.loose_key());
    }

    #[test]
    fn nested_objects_compare_by_content() {
        let a = cell(json!({"node": {"version": 20, "env": "X=1"}}));
        let b = cell(json!({"node": {"env": "X=1", "version": 20}}));
        assert_eq!(a, b);
        assert_ne!(a, cell(json!({"node": {"version": 20}})));
    }

    #[test]
    fn set_replaces_in_place_and_label_keeps_order() {
        let mut c = cell(json!({"fruit": "apple"}));
        c.set("animal", json!("cat"));
        c.set("color", json!("green"));
        c.set("color", json!("pink"));
        assert_eq!(c.label(), "fruit=apple, animal=cat, color=pink");
        let mut n = Cell::new();
        n.set("node", json!(16));
        n.set("flag", json!(true));
        assert_eq!(n.label(), "node=16, flag=true");
        assert_eq!(Cell::new().label(), "(empty cell)");
    }

    #[test]
    fn serializes_in_definition_order() -> Result<(), serde_json::Error> {
        let mut c = Cell::new();
        c.set("z", json!(1));
        c.set("a", json!(2));
        assert_eq!(serde_json::to_string(&c)?, r#"{"z":1,"a":2}"#);
        let back: Cell = serde_json::from_str(r#"{"z":1,"a":2}"#)?;
        assert_eq!(back.label(), "z=1, a=2");
        Ok(())
    }
}
