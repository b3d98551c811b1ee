//! Expanding a `strategy.matrix` definition into its cells, as GitHub Actions does.
//!
//! The rules (GitHub's "Running variations of jobs in a workflow", and its
//! workflow parser's matrix builder):
//! 1. The cells are the cartesian product of every key other than `include` and
//!    `exclude`, the first key varying slowest, in the order the keys are written.
//! 2. `exclude` removes every product cell that matches an entry on all the keys
//!    the entry names (a partial match excludes). An exclude key that is not a
//!    matrix key is an error, as on GitHub.
//! 3. `include` entries apply after `exclude`. Each entry's matrix keys are a
//!    filter on the *original* values of a product cell; its other keys are
//!    added to every cell the filter matches, later entries overwriting values
//!    earlier entries added. An entry that matches no product cell becomes a cell
//!    of its own (matrix keys first), which later entries never join.
//! 4. A matrix with only `include` is the list of its entries.
//!
//! Filters compare leaf by leaf with GitHub's `==`: strings ignore case, and
//! values of different types compare as numbers (`16` matches `"16"`). Cell
//! identity elsewhere in the gate is stricter (see [`super::cell`]).
//!
//! Values that are expressions (`${{ ... }}`) are known only when the run starts,
//! so they are errors naming the expression, except `fromJSON('<literal>')`,
//! which is evaluated.

use serde_json::Value;

use super::cell::Cell;
use super::ordered::Ordered;

/// GitHub runs at most 256 jobs per matrix.
pub const MAX_CELLS: usize = 256;

/// The product is built only up to this size before excludes apply, so a hostile
/// or mistaken definition cannot make the gate allocate without bound.
const MAX_PRODUCT: usize = 65_536;

/// A matrix definition: its dimensions (in order), includes and excludes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatrixDef {
    pub dimensions: Vec<(String, Vec<Value>)>,
    pub include: Vec<Cell>,
    pub exclude: Vec<Cell>,
}

/// The expanded matrix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expansion {
    /// Each distinct cell once, in the order GitHub creates the jobs.
    pub cells: Vec<Cell>,
    /// Cells the definition produces more than once. GitHub runs each copy as
    /// its own job; their verdicts cannot be told apart, so the gate expects
    /// the cell once and reports the second verdict as a duplicate.
    pub repeated: Vec<Cell>,
}

/// Why a matrix definition cannot be expanded. A usage error: the gate cannot
/// know what to expect.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    #[error(
        "{path}: `{expression}` is an expression only the run can evaluate; pass the expanded matrix with \
         --expect-matrix instead (for example the JSON a setup job outputs)"
    )]
    Expression { path: String, expression: String },
    #[error("{path}: fromJSON literal is not valid JSON: {message}")]
    BadLiteral { path: String, message: String },
    #[error("{path}: expected {expected}, found {found}")]
    Shape { path: String, expected: &'static str, found: &'static str },
    #[error("{path}: the matrix key `{key}` has no values (GitHub rejects an empty matrix vector)")]
    EmptyDimension { path: String, key: String },
    #[error("{path}: an entry must name at least one key (GitHub rejects an empty one)")]
    EmptyEntry { path: String },
    #[error("{path}: exclude key `{key}` is not a key of the matrix (GitHub rejects it)")]
    UnknownExcludeKey { path: String, key: String },
    #[error("the matrix expands to {count} cells, more than GitHub's limit of {MAX_CELLS} jobs per matrix")]
    TooLarge { count: String },
}

impl MatrixDef {
    /// Read a definition: a mapping as under `strategy.matrix`, or, as a
    /// shorthand, a list of cells (the same as a mapping with only `include`).
    /// `path` names the node in error messages.
    pub fn parse(node: Ordered, path: &str) -> Result<Self, MatrixError> {
        let node = resolve(node, path)?;
        match node {
            Ordered::Array(_) => Ok(Self { include: entries(node, path)?, ..Self::default() }),
            Ordered::Object(keys) => {
                let mut def = Self::default();
                for (key, value) in keys {
                    let here = format!("{path}.{key}");
                    match key.as_str() {
                        "include" => def.include = entries(value, &here)?,
                        "exclude" => def.exclude = entries(value, &here)?,
                        _ => match value {
                            Ordered::Array(values) if values.is_empty() => {
                                return Err(MatrixError::EmptyDimension { path: path.to_owned(), key });
                            }
                            Ordered::Array(values) => {
                                def.dimensions.push((key, values.into_iter().map(Ordered::into_json).collect()));
                            }
                            other => {
                                return Err(MatrixError::Shape {
                                    path: here,
                                    expected: "a list of values",
                                    found: other.kind(),
                                });
                            }
                        },
                    }
                }
                Ok(def)
            }
            other => Err(MatrixError::Shape { path: path.to_owned(), expected: "a mapping", found: other.kind() }),
        }
    }

    /// The cells GitHub runs for this definition, in the order it creates them.
    pub fn expand(&self) -> Result<Expansion, MatrixError> {
        for (i, entry) in self.exclude.iter().enumerate() {
            if entry.is_empty() {
                return Err(MatrixError::EmptyEntry { path: format!("exclude[{i}]") });
            }
            for (key, _) in entry.entries() {
                if !self.is_dimension(key) {
                    return Err(MatrixError::UnknownExcludeKey { path: format!("exclude[{i}]"), key: key.clone() });
                }
            }
        }
        if let Some(i) = self.include.iter().position(Cell::is_empty) {
            return Err(MatrixError::EmptyEntry { path: format!("include[{i}]") });
        }
        let mut originals = self.product()?;
        originals.retain(|cell| !self.exclude.iter().any(|entry| filter_matches(cell, entry.entries())));

        // Each include splits into a filter (its matrix keys, compared with the
        // original values only) and extras (its other keys), as GitHub does.
        let includes: Vec<(Entries<'_>, Entries<'_>)> =
            self.include.iter().map(|entry| entry.entries().iter().partition(|(k, _)| self.is_dimension(k))).collect();
        let mut joined = vec![false; includes.len()];
        for cell in &mut originals {
            let original = cell.clone();
            for (i, (filter, extras)) in includes.iter().enumerate() {
                if filter.iter().all(|(k, v)| leaf_matches(original.get(k), v)) {
                    joined[i] = true;
                    for (k, v) in extras {
                        cell.set(k, v.clone());
                    }
                }
            }
        }
        let extras = includes.iter().zip(&joined).filter(|(_, joined)| !**joined).map(|((filter, extras), _)| {
            let mut cell = Cell::new();
            for (k, v) in filter.iter().chain(extras) {
                cell.set(k, v.clone());
            }
            cell
        });

        let mut expansion = Expansion::default();
        let mut seen = std::collections::HashSet::new();
        let mut total = 0usize;
        for cell in originals.into_iter().chain(extras) {
            total += 1;
            if seen.insert(cell.key()) {
                expansion.cells.push(cell);
            } else {
                expansion.repeated.push(cell);
            }
        }
        if total > MAX_CELLS {
            return Err(MatrixError::TooLarge { count: total.to_string() });
        }
        Ok(expansion)
    }

    fn is_dimension(&self, key: &str) -> bool {
        self.dimensions.iter().any(|(k, _)| k == key)
    }

    /// The cartesian product, first dimension varying slowest. No dimensions
    /// means no original cells (not one empty cell): only includes run then.
    fn product(&self) -> Result<Vec<Cell>, MatrixError> {
        if self.dimensions.is_empty() {
            return Ok(Vec::new());
        }
        let mut size: usize = 1;
        for (_, values) in &self.dimensions {
            size = size
                .checked_mul(values.len())
                .filter(|s| *s <= MAX_PRODUCT)
                .ok_or_else(|| MatrixError::TooLarge { count: format!("more than {MAX_PRODUCT} (before exclude)") })?;
        }
        let mut cells = vec![Cell::new()];
        for (key, values) in &self.dimensions {
            let mut next = Vec::with_capacity(cells.len() * values.len());
            for cell in &cells {
                for value in values {
                    let mut c = cell.clone();
                    c.set(key, value.clone());
                    next.push(c);
                }
            }
            cells = next;
        }
        Ok(cells)
    }
}

/// Some of an entry's key/value pairs.
type Entries<'a> = Vec<&'a (String, Value)>;

/// Whether `cell` passes a filter (an exclude entry, or an include entry's
/// matrix keys): every leaf of the filter equals the cell's value at that path,
/// under GitHub's expression equality. A filter key the cell lacks reads as null.
fn filter_matches(cell: &Cell, filter: &[(String, Value)]) -> bool {
    filter.iter().all(|(k, v)| leaf_matches(cell.get(k), v))
}

/// GitHub builds one `matrix[path] == literal` comparison per leaf of a filter,
/// so nested mappings and lists match partially, leaf by leaf.
fn leaf_matches(actual: Option<&Value>, filter: &Value) -> bool {
    match filter {
        Value::Object(fields) => {
            fields.iter().all(|(k, f)| leaf_matches(actual.and_then(Value::as_object).and_then(|o| o.get(k)), f))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .all(|(i, f)| leaf_matches(actual.and_then(Value::as_array).and_then(|a| a.get(i)), f)),
        literal => expression_eq(actual.unwrap_or(&Value::Null), literal),
    }
}

/// GitHub's `==`: strings compare ignoring case; values of different types are
/// both converted to numbers (null 0, false 0, true 1, a string by its JSON
/// number text, empty string 0, anything else NaN, which equals nothing).
fn expression_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x.to_uppercase() == y.to_uppercase(),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => false,
        _ => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Null => Some(0.0),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => Some(0.0),
        Value::String(s) => serde_json::from_str::<serde_json::Number>(s.trim()).ok().and_then(|n| n.as_f64()),
        _ => None,
    }
    .filter(|n| !n.is_nan())
}

/// A list of mappings (`include`, `exclude`, or a list of cells).
fn entries(node: Ordered, path: &str) -> Result<Vec<Cell>, MatrixError> {
    let Ordered::Array(items) = node else {
        return Err(MatrixError::Shape { path: path.to_owned(), expected: "a list of mappings", found: node.kind() });
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Ordered::Object(keys) => {
                let mut cell = Cell::new();
                for (k, v) in keys {
                    cell.set(&k, v.into_json());
                }
                Ok(cell)
            }
            other => {
                Err(MatrixError::Shape { path: format!("{path}[{i}]"), expected: "a mapping", found: other.kind() })
            }
        })
        .collect()
}

/// Replace every evaluable expression by its value; fail on any other.
fn resolve(node: Ordered, path: &str) -> Result<Ordered, MatrixError> {
    match node {
        Ordered::String(s) if s.contains("${{") => match from_json_literal(&s) {
            Some(literal) => Ordered::from_json(&literal)
                .map_err(|e| MatrixError::BadLiteral { path: path.to_owned(), message: e.to_string() }),
            None => Err(MatrixError::Expression { path: path.to_owned(), expression: s }),
        },
        Ordered::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| resolve(item, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Ordered::Array),
        Ordered::Object(entries) => entries
            .into_iter()
            .map(|(k, v)| {
                let here = format!("{path}.{k}");
                resolve(v, &here).map(|v| (k, v))
            })
            .collect::<Result<_, _>>()
            .map(Ordered::Object),
        other => Ok(other),
    }
}

/// The JSON text of `${{ fromJSON('...') }}` when that is the whole string and
/// the argument is a single-quoted literal (`''` escapes a quote). Function
/// names are case-insensitive in GitHub expressions.
fn from_json_literal(s: &str) -> Option<String> {
    let inner = s.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
    let (name, rest) = inner.split_at_checked(8)?;
    if !name.eq_ignore_ascii_case("fromjson") {
        return None;
    }
    let rest = rest.trim_start().strip_prefix('(')?.trim_start().strip_prefix('\'')?;
    let mut literal = String::new();
    let mut chars = rest.chars().peekable();
    loop {
        match chars.next()? {
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                literal.push('\'');
            }
            '\'' => break,
            c => literal.push(c),
        }
    }
    let tail: String = chars.collect();
    (tail.trim() == ")").then_some(literal)
}

#[cfg(test)]
mod tests;
