use serde::{Deserialize, Serialize};

/// Where inside an artifact a fact was read: as much as the reader knows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// 1-based line number in the artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// 0-based byte offset from the start of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<u64>,
    /// A JSON-path-like field name, e.g. `summary.failed` or `gates[3].status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Position {
    pub fn line(line: u64) -> Self {
        Self { line: Some(line), ..Self::default() }
    }

    pub fn field(field: impl Into<String>) -> Self {
        Self { field: Some(field.into()), ..Self::default() }
    }

    pub fn offset(byte_offset: u64) -> Self {
        Self { byte_offset: Some(byte_offset), ..Self::default() }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `line 3, col 4, byte 57, field summary.failed`, omitting what is unknown.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(col) = self.column {
            parts.push(format!("col {col}"));
        }
        if let Some(off) = self.byte_offset {
            parts.push(format!("byte {off}"));
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {field}"));
        }
        parts.join(", ")
    }
}

/// A place in the code under test (not in the report), for annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}
