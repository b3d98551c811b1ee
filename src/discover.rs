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

/// Where symbolic links may lead. Report files are untrusted, and so is the
/// tree they sit in: a link planted in the workspace could make truegreen read
/// (and quote in its output) any file the job can read, such as
/// `/proc/self/environ` or `~/.ssh/id_rsa`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SymlinkPolicy {
    /// The workspace (`GITHUB_WORKSPACE`); `None`: the current directory.
    pub workspace: Option<PathBuf>,
    /// Follow every link, wherever it leads (`--follow-symlinks`), including
    /// links to directories found while scanning.
    pub follow: bool,
}

impl SymlinkPolicy {
    /// Resolve the workspace once, for a whole discovery.
    fn confinement(&self) -> Option<Confinement> {
        if self.follow {
            return None;
        }
        let cwd = std::env::current_dir().ok()?;
        let given = match &self.workspace {
            Some(ws) => cwd.join(ws),
            None => cwd.clone(),
        };
        let lexical = lexical_normalize(&given);
        let canonical = std::fs::canonicalize(&lexical).unwrap_or_else(|_| lexical.clone());
        Some(Confinement { cwd, lexical, canonical })
    }
}

/// The workspace, as written and as resolved, and the directory relative
/// paths start from.
struct Confinement {
    cwd: PathBuf,
    lexical: PathBuf,
    canonical: PathBuf,
}

impl Confinement {
    /// Why `path` must not be read: it lies in the workspace and resolves
    /// outside it, through a symbolic link. A path named outside the workspace
    /// is the caller's choice and is not checked.
    fn escape(&self, path: &Path) -> Option<String> {
        let absolute = lexical_normalize(&self.cwd.join(path));
        let within = |p: &Path| p.starts_with(&self.lexical) || p.starts_with(&self.canonical);
        if !within(&absolute) {
            return None;
        }
        // A dangling link resolves to nothing: opening it fails, and says so.
        let target = std::fs::canonicalize(path).ok()?;
        if target.starts_with(&self.canonical) {
            return None;
        }
        let link = absolute
            .ancestors()
            .filter(|a| within(a))
            .find(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()))
            .map(Path::to_path_buf);
        let shown = match &link {
            Some(link) => {
                let points_to = std::fs::read_link(link).map(|t| t.display().to_string()).unwrap_or_default();
                format!("{} is a symbolic link to {points_to}", link.display())
            }
            None => format!("{} resolves", path.display()),
        };
        Some(format!(
            "{shown}, which leads to {} outside the workspace {}: refused (pass --follow-symlinks to read it)",
            target.display(),
            self.lexical.display()
        ))
    }
}

/// `path` with `.` and `..` segments resolved without looking at the file
/// system (so without following links).
fn lexical_normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(part);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Expand every argument. Directory scans are sorted so output is stable.
/// Symbolic links out of the current directory are refused.
pub fn discover(args: &[String]) -> Discovery {
    discover_with(args, &SymlinkPolicy::default())
}

/// [`discover`] with an explicit policy for symbolic links.
pub fn discover_with(args: &[String], links: &SymlinkPolicy) -> Discovery {
    let mut out = Discovery::default();
    let confinement = links.confinement();
    let walk = Walk { confinement: confinement.as_ref(), follow: links.follow };
    for (root, arg) in args.iter().enumerate() {
        let path = Path::new(arg);
        if let Some(detail) = walk.escape(path) {
            out.issues.push(DiscoveryIssue { path: arg.clone(), detail });
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                out.directory_roots.push((root, arg.clone()));
                walk.scan_directory(path, root, &mut out);
            }
            Ok(meta) => push_file(path, &meta, true, root, &mut out),
            Err(err) if looks_like_glob(arg) => walk.expand_glob(arg, root, &mut out, err),
            Err(err) => out.issues.push(DiscoveryIssue { path: arg.clone(), detail: describe_io(&err) }),
        }
    }
    out
}

/// Why reading `path` is refused under `links`, if it is: for paths that do
/// not come from [`discover`], such as the reports a ledger lists.
pub fn symlink_escape(path: &Path, links: &SymlinkPolicy) -> Option<DiscoveryIssue> {
    let detail = links.confinement()?.escape(path)?;
    Some(DiscoveryIssue { path: path.display().to_string(), detail })
}

/// One discovery's view of the file system.
struct Walk<'a> {
    confinement: Option<&'a Confinement>,
    follow: bool,
}

impl Walk<'_> {
    fn escape(&self, path: &Path) -> Option<String> {
        self.confinement.and_then(|c| c.escape(path))
    }

    fn expand_glob(&self, pattern: &str, root: usize, out: &mut Discovery, not_found: std::io::Error) {
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
                Ok(path) => {
                    if let Some(detail) = self.escape(&path) {
                        matched += 1;
                        out.issues.push(DiscoveryIssue { path: path.display().to_string(), detail });
                        continue;
                    }
                    match std::fs::metadata(&path) {
                        Ok(meta) if meta.is_dir() => {
                            matched += 1;
                            out.directory_roots.push((root, path.display().to_string()));
                            self.scan_directory(&path, root, out);
                        }
                        Ok(meta) => {
                            matched += 1;
                            push_file(&path, &meta, true, root, out);
                        }
                        Err(err) => out
                            .issues
                            .push(DiscoveryIssue { path: path.display().to_string(), detail: describe_io(&err) }),
                    }
                }
                Err(err) => out
                    .issues
                    .push(DiscoveryIssue { path: err.path().display().to_string(), detail: describe_io(err.error()) }),
            }
        }
        if matched == 0 {
            out.issues.push(DiscoveryIssue { path: pattern.to_owned(), detail: "the glob matches no file".to_owned() });
        }
    }

    fn scan_directory(&self, dir: &Path, root: usize, out: &mut Discovery) {
        // walkdir reports a link cycle as an error instead of looping.
        let walker = walkdir::WalkDir::new(dir).follow_links(self.follow).sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => match entry.metadata() {
                    Ok(meta) => push_file(entry.path(), &meta, false, root, out),
                    Err(err) => out
                        .issues
                        .push(DiscoveryIssue { path: entry.path().display().to_string(), detail: err.to_string() }),
                },
                Ok(entry) if entry.path_is_symlink() => self.scanned_link(entry.path(), root, out),
                // Directories are walked; special files found while scanning
                // (FIFOs, sockets, devices) are not opened.
                Ok(_) => {}
                Err(err) => out.issues.push(DiscoveryIssue {
                    path: err.path().map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
                    detail: err.to_string(),
                }),
            }
        }
    }

    /// A symbolic link met while scanning without `--follow-symlinks`: a link
    /// out of the workspace is refused, a link to a file in it is read like the
    /// file, and a link to a directory is not walked (it would count files twice
    /// or loop).
    fn scanned_link(&self, path: &Path, root: usize, out: &mut Discovery) {
        if let Some(detail) = self.escape(path) {
            out.issues.push(DiscoveryIssue { path: path.display().to_string(), detail });
            return;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => push_file(path, &meta, false, root, out),
            Err(err) => out.issues.push(DiscoveryIssue {
                path: path.display().to_string(),
                detail: format!("a symbolic link that leads nowhere ({})", describe_io(&err)),
            }),
        }
    }
}

/// Bounds of [`Snapshot`]: a working directory may be a monorepo.
pub const WRITTEN_SCAN_MAX_ENTRIES: usize = 200_000;
pub const WRITTEN_SCAN_MAX_FILES: usize = 1_000;
/// Folders never scanned for what a run wrote: build output, VCS data and
/// dependencies are rewritten by builds, not written as test results.
const WRITTEN_SCAN_SKIP: &[&str] = &["target", ".git", "node_modules"];

/// The regular files under a folder with their modification times and sizes,
/// taken before a run so that what the run wrote can be told after it.
#[derive(Debug, Default)]
pub struct Snapshot {
    files: std::collections::HashMap<PathBuf, (Option<std::time::SystemTime>, u64)>,
    /// A bound was reached: the listing may be incomplete.
    pub truncated: bool,
}

impl Snapshot {
    /// Every regular file under `root`, skipping [`WRITTEN_SCAN_SKIP`] folders
    /// and symbolic links, within the `WRITTEN_SCAN_*` bounds.
    pub fn take(root: &Path) -> Snapshot {
        let mut out = Snapshot::default();
        let walker = walkdir::WalkDir::new(root).follow_links(false).max_depth(16).sort_by_file_name().into_iter();
        let walker = walker.filter_entry(|e| {
            !(e.depth() > 0 && e.file_type().is_dir() && WRITTEN_SCAN_SKIP.iter().any(|s| e.file_name() == *s))
        });
        for (visited, entry) in walker.enumerate() {
            if visited >= WRITTEN_SCAN_MAX_ENTRIES {
                out.truncated = true;
                break;
            }
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let meta = entry.metadata().ok();
            let stamp = (meta.as_ref().and_then(|m| m.modified().ok()), meta.map_or(0, |m| m.len()));
            out.files.insert(entry.into_path(), stamp);
        }
        out
    }

    /// The files of `after` that are new here or changed (time or size), in
    /// name order, at most [`WRITTEN_SCAN_MAX_FILES`].
    pub fn written(&self, after: &Snapshot) -> (Vec<PathBuf>, bool) {
        let mut files: Vec<PathBuf> = after
            .files
            .iter()
            .filter(|(path, stamp)| self.files.get(*path) != Some(stamp))
            .map(|(path, _)| path.clone())
            .collect();
        files.sort();
        let truncated = self.truncated || after.truncated || files.len() > WRITTEN_SCAN_MAX_FILES;
        files.truncate(WRITTEN_SCAN_MAX_FILES);
        (files, truncated)
    }
}

fn looks_like_glob(arg: &str) -> bool {
    arg.contains(['*', '?', '['])
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
    fn a_snapshot_tells_what_a_run_wrote_and_skips_build_folders() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("old.xml"), "<testsuite/>")?;
        std::fs::write(dir.path().join("touched.xml"), "<testsuite/>")?;
        std::fs::create_dir_all(dir.path().join("target/nextest"))?;
        let before = Snapshot::take(dir.path());
        std::fs::write(dir.path().join("touched.xml"), "<testsuite tests=\"1\"/>")?;
        std::fs::write(dir.path().join("new.xml"), "<testsuite/>")?;
        std::fs::write(dir.path().join("target/nextest/junit.xml"), "<testsuite/>")?;
        let (written, truncated) = before.written(&Snapshot::take(dir.path()));
        let names: Vec<String> =
            written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["new.xml", "touched.xml"]);
        assert!(!truncated);
        Ok(())
    }

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
