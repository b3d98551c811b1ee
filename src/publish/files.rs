//! The runner's files: the job summary (`$GITHUB_STEP_SUMMARY`) and step
//! outputs (`$GITHUB_OUTPUT`). Both are appended to, as the runner expects.

use std::io::Write;
use std::path::Path;

use crate::render::github::{JOB_SUMMARY_LIMIT, output_file_entries};

/// Bytes left for this step's job summary: the runner refuses a summary over
/// 1 MiB, and the step may already have written to it (a `command:` can).
pub fn job_summary_budget(path: &Path) -> usize {
    let used = std::fs::metadata(path).map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
    JOB_SUMMARY_LIMIT.saturating_sub(used)
}

pub fn append(path: &Path, content: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(content.as_bytes())?;
    file.flush()
}

/// Append step outputs, each under a fresh random heredoc delimiter that
/// occurs in no value.
pub fn write_outputs(path: &Path, outputs: &[(&str, String)]) -> std::io::Result<()> {
    for _ in 0..8 {
        let delimiter = format!("ghadelimiter_{}", random_hex(16));
        if let Some(entries) = output_file_entries(outputs, &delimiter) {
            return append(path, &entries);
        }
    }
    Err(std::io::Error::other("no heredoc delimiter absent from the output values"))
}

/// `bytes` random bytes as lower-case hex, from the operating system.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        // No OS randomness (very unusual): derive bytes from the clock and the
        // process id, still unknowable to whoever wrote the artifacts.
        use sha2::{Digest, Sha256};
        let seed = format!("{:?} {}", std::time::SystemTime::now(), std::process::id());
        let digest = Sha256::digest(seed.as_bytes());
        buf.iter_mut().zip(digest.iter().cycle()).for_each(|(b, d)| *b = *d);
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_use_a_random_delimiter_per_write() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("output");
        let outputs = vec![("verdict", "pass".to_owned()), ("json", "a\nb".to_owned())];
        write_outputs(&path, &outputs)?;
        write_outputs(&path, &outputs)?;
        let text = std::fs::read_to_string(&path)?;
        let delimiters: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("verdict<<")).collect();
        assert_eq!(delimiters.len(), 2);
        assert_ne!(delimiters[0], delimiters[1]);
        assert!(delimiters.iter().all(|d| d.len() == "ghadelimiter_".len() + 32));
        assert!(text.contains(&format!("json<<{0}\na\nb\n{0}\n", delimiters[0])), "{text}");
        Ok(())
    }

    #[test]
    fn summary_budget_counts_what_the_step_already_wrote() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("summary");
        assert_eq!(job_summary_budget(&path), JOB_SUMMARY_LIMIT);
        append(&path, "0123456789")?;
        assert_eq!(job_summary_budget(&path), JOB_SUMMARY_LIMIT - 10);
        Ok(())
    }
}
