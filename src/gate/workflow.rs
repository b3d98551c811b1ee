//! Reading a job's `strategy.matrix` from a workflow file.

use std::path::Path;

use super::matrix::{MatrixDef, MatrixError};
use super::ordered::Ordered;

/// Why the workflow cannot give the expected cells. A usage error.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("cannot read the workflow {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the workflow {path} is not valid YAML: {message}")]
    Yaml { path: String, message: String },
    #[error("the workflow {path} has no `jobs` mapping")]
    NoJobs { path: String },
    #[error("the workflow {path} has no job `{job}`; its jobs are: {known}")]
    NoSuchJob { path: String, job: String, known: String },
    #[error(
        "job `{job}` in {path} has no strategy.matrix, so it runs once; use --expect-count 1, or point --job at the matrix job"
    )]
    NoMatrix { path: String, job: String },
    #[error("{path}: {source}")]
    Matrix {
        path: String,
        #[source]
        source: MatrixError,
    },
}

/// The matrix definition of `job` in the workflow at `path`.
pub fn read_matrix(path: &Path, job: &str) -> Result<MatrixDef, WorkflowError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| WorkflowError::Read { path: shown.clone(), source })?;
    matrix_of(&text, job, &shown)
}

/// The matrix definition of `job` in workflow text; `shown` names the file in errors.
pub fn matrix_of(text: &str, job: &str, shown: &str) -> Result<MatrixDef, WorkflowError> {
    let workflow: Ordered = yaml_serde::from_str(text)
        .map_err(|e| WorkflowError::Yaml { path: shown.to_owned(), message: e.to_string() })?;
    let Some(Ordered::Object(jobs)) = workflow.get("jobs") else {
        return Err(WorkflowError::NoJobs { path: shown.to_owned() });
    };
    let Some((_, definition)) = jobs.iter().find(|(id, _)| id == job) else {
        let known: Vec<&str> = jobs.iter().map(|(id, _)| id.as_str()).collect();
        return Err(WorkflowError::NoSuchJob {
            path: shown.to_owned(),
            job: job.to_owned(),
            known: if known.is_empty() { "(none)".to_owned() } else { known.join(", ") },
        });
    };
    let here = format!("jobs.{job}.strategy");
    let matrix_error = |source| WorkflowError::Matrix { path: shown.to_owned(), source };
    let matrix = match definition.get("strategy") {
        None | Some(Ordered::Null) => None,
        // `strategy: ${{ ... }}` hides the matrix as surely as `matrix: ${{ ... }}`.
        Some(Ordered::String(s)) if s.contains("${{") => {
            return Err(matrix_error(MatrixError::Expression { path: here, expression: s.clone() }));
        }
        Some(strategy) => strategy.get("matrix"),
    };
    match matrix {
        None | Some(Ordered::Null) => Err(WorkflowError::NoMatrix { path: shown.to_owned(), job: job.to_owned() }),
        Some(matrix) => MatrixDef::parse(matrix.clone(), &format!("{here}.matrix")).map_err(matrix_error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CI: &str = r#"
name: ci
on: [push, pull_request]
jobs:
  setup:
    runs-on: ubuntu-latest
    outputs:
      matrix: ${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: echo 'matrix={"shard":[1,2]}' >> "$GITHUB_OUTPUT"
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest, windows-latest]
        node: [18, 20]
        include:
          - os: ubuntu-latest
            node: 22
            experimental: true
    steps:
      - run: npm test
  dynamic:
    needs: setup
    strategy:
      matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}
    runs-on: ubuntu-latest
    steps:
      - run: echo
"#;

    #[test]
    fn reads_and_expands_a_jobs_matrix() -> Result<(), Box<dyn std::error::Error>> {
        let cells = matrix_of(CI, "test", "ci.yml")?.expand()?.cells;
        let labels: Vec<String> = cells.iter().map(super::super::Cell::label).collect();
        assert_eq!(
            labels,
            [
                "os=ubuntu-latest, node=18",
                "os=ubuntu-latest, node=20",
                "os=windows-latest, node=18",
                "os=windows-latest, node=20",
                "os=ubuntu-latest, node=22, experimental=true",
            ]
        );
        Ok(())
    }

    #[test]
    fn an_expression_matrix_is_an_error_naming_it() {
        let err = matrix_of(CI, "dynamic", "ci.yml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("jobs.dynamic.strategy.matrix"), "{err}");
        assert!(err.contains("`${{ fromJSON(needs.setup.outputs.matrix) }}`"), "{err}");
        assert!(err.contains("--expect-matrix"), "{err}");
    }

    #[test]
    fn missing_jobs_and_matrices_say_what_exists() {
        let err = matrix_of(CI, "tset", "ci.yml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("no job `tset`; its jobs are: setup, test, dynamic"), "{err}");
        let err = matrix_of(CI, "setup", "ci.yml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("has no strategy.matrix"), "{err}");
        let err = matrix_of("jobs: [", "x", "ci.yml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("not valid YAML"), "{err}");
        let err = matrix_of("name: x\n", "x", "ci.yml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("no `jobs` mapping"), "{err}");
    }

    #[test]
    fn anchors_and_aliases_resolve() -> Result<(), Box<dyn std::error::Error>> {
        let yaml = "jobs:\n  a:\n    strategy:\n      matrix:\n        os: &oses [x, y]\n        again: *oses\n";
        assert_eq!(matrix_of(yaml, "a", "w.yml")?.expand()?.cells.len(), 4);
        Ok(())
    }
}
