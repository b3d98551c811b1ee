//! Turn the PATH arguments (files, directories, globs) into candidate files.
//!
//! Discovery never reads content: whether a file is a report is for
//! [`crate::parse`] to say. It does refuse what it must not open (FIFOs, devices)
//! and records every argument that leads nowhere, so absence is reported.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named directly or matched by a glob, as opposed to found by scanning a directory.
    /// An explicit candidate that matches no format is a finding; a scanned one is ignored.
    pub explicit: bool,
    /// Index of the argument that produced it.
    pub root: usize,
}

/// An argument that yields nothing readable, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryIssue {
    pub path: String,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub candidates: Vec<Candidate>,
    pub issues: Vec<DiscoveryIssue>,
    /// Arguments that are directories: each must yield at least one report.
    pub directory_roots: Vec<(usize, String)>,
}

/// Expand every argument. Directory scans are sorted so output is stable.
pub fn discover(args: &[String]) -> Discovery {
    let mut out = Discovery::default();
    for (root, arg) in args.iter().enumerate() {
        let path = Path::new(arg);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                out.directory_roots.push((root, arg.clone()));
                scan_directory(path, root, &mut out);
            }
            Ok(meta) => push_file(path, &meta, true, root, &mut out),
            Err(err) if looks_like_glob(arg) => expand_glob(arg, root, &mut out, err),
            Err(err) => out.issues.push(DiscoveryIssue { path: arg.clone(), detail: describe_io(&err) }),
        }
    }
    out
}

fn looks_like_glob(arg: &str) -> bool {
    arg.contains(['*', '?', '['])
}

fn expand_glob(pattern: &str, root: usize, out: &mut Discovery, not_found: std::io::Error) {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(err) => {
            out.issues.push(DiscoveryIssue {
                path: pattern.to_owned(),
                detail: format!("not a file ({}) and not a valid glob: {err}", describe_io(&not_found)),
            });
            return;
        }
    };
    let mut matched = 0usize;
    for entry in paths {
        match entry {
            Ok(path) => match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    matched += 1;
                    out.directory_roots.push((root, path.display().to_string()));
                    scan_directory(&path, root, out);
                }
                Ok(meta) => {
                    matched += 1;
                    push_file(&path, &meta, true, root, out);
                }
                Err(err) => {
                    out.issues.push(DiscoveryIssue { path: path.display().to_string(), detail: describe_io(&err) })
                }
            },
            Err(err) => out
                .issues
                .push(DiscoveryIssue { path: err.path().display().to_string(), detail: describe_io(err.error()) }),
        }
    }
    if matched == 0 {
        out.issues.push(DiscoveryIssue { path: pattern.to_owned(), detail: "the glob matches no file".to_owned() });
    }
}

fn scan_directory(dir: &Path, root: usize, out: &mut Discovery) {
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => match entry.metadata() {
                Ok(meta) => push_file(entry.path(), &meta, false, root, out),
                Err(err) => out
                    .issues
                    .push(DiscoveryIssue { path: entry.path().display().to_string(), detail: err.to_string() }),
            },
            // Directories are walked; symlinks and special files found while
            // scanning are not followed or opened.
            Ok(_) => {}
            Err(err) => out.issues.push(DiscoveryIssue {
                path: err.path().map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
                detail: err.to_string(),
            }),
        }
    }
}

fn push_file(path: &Path, meta: &std::fs::Metadata, explicit: bool, root: usize, out: &mut Discovery) {
    if meta.is_file() {
        out.candidates.push(Candidate { path: path.to_path_buf(), explicit, root });
    } else {
        // A FIFO would block the read forever; a device is never a report.
        out.issues.push(DiscoveryIssue {
            path: path.display().to_string(),
            detail: "not a regular file (FIFO, socket or device): refused".to_owned(),
        });
    }
}

/// A path written with `/`, with `.` and empty segments dropped and `..`
/// resolved where possible, without touching the file system: two spellings
/// of one path compare equal.
pub fn normalize(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if rooted { format!("/{joined}") } else { joined }
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_directories_globs_and_missing_paths() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub)?;
        std::fs::write(sub.join("b.json"), "{}")?;
        std::fs::write(sub.join("a.json"), "{}")?;
        std::fs::write(dir.path().join("top.xml"), "<x/>")?;
        let args = vec![
            dir.path().join("top.xml").display().to_string(),
            sub.display().to_string(),
            dir.path().join("*.xml").display().to_string(),
            dir.path().join("missing.xml").display().to_string(),
            dir.path().join("*.nothing").display().to_string(),
        ];
        let found = discover(&args);
        let names: Vec<_> = found
            .candidates
            .iter()
            .map(|c| (c.path.file_name().map(|n| n.to_string_lossy().into_owned()), c.explicit, c.root))
            .collect();
        assert_eq!(
            names,
            vec![
                (Some("top.xml".into()), true, 0),
                (Some("a.json".into()), false, 1),
                (Some("b.json".into()), false, 1),
                (Some("top.xml".into()), true, 2),
            ]
        );
        assert_eq!(found.issues.len(), 2);
        assert_eq!(found.issues[0].detail, "no such file or directory");
        assert_eq!(found.issues[1].detail, "the glob matches no file");
        assert_eq!(found.directory_roots.len(), 1);
        Ok(())
    }
}
