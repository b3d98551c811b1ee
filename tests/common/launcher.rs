//! A sandbox for `dist/launcher.sh`: a copy of the action directory with its
//! own manifest, and stub `curl` and `cargo` on PATH that log their calls. The
//! stub curl serves files from a fake release directory; the stub cargo
//! "builds" by copying a given binary (or writing a script), so no test
//! downloads anything or really compiles. For the end-to-end tests, the stub
//! curl can be taken away ([`Sandbox::use_real_curl`]) and a [`LocalRelease`]
//! serves a directory over HTTP on 127.0.0.1, as a release page would.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

pub struct Sandbox {
    pub root: tempfile::TempDir,
    pub action: PathBuf,
    pub stubs: PathBuf,
    pub release: PathBuf,
    pub tool_cache: PathBuf,
    pub runner_temp: PathBuf,
    pub log: PathBuf,
    pub workspace: PathBuf,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn write_executable(path: &Path, content: &str) {
    std::fs::write(path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut perms = std::fs::metadata(path).unwrap_or_else(|e| panic!("{e}")).permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(path, perms).unwrap_or_else(|e| panic!("{e}"));
}

const CURL_STUB: &str = r#"#!/bin/sh
out=""
url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out="$2"; shift 2 ;;
    --proto|--retry|--retry-delay|--connect-timeout|--max-time) shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
echo "curl $url" >> "$SANDBOX_LOG"
name=$(basename "$url")
[ -f "$FAKE_RELEASE/$name" ] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
cp "$FAKE_RELEASE/$name" "$out"
"#;

const CARGO_STUB: &str = r#"#!/bin/sh
echo "cargo $*" >> "$SANDBOX_LOG"
target_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target-dir) target_dir="$2"; shift 2 ;;
    *) shift ;;
  esac
done
mkdir -p "$target_dir/release"
if [ -n "${STUB_BUILT_BINARY:-}" ]; then
  cp "$STUB_BUILT_BINARY" "$target_dir/release/truegreen"
else
  printf '#!/bin/sh\necho "built-from-source $*"\n' > "$target_dir/release/truegreen"
fi
chmod +x "$target_dir/release/truegreen"
"#;

/// The script a fake release serves: prints its arguments.
pub const RELEASE_BINARY: &str = "#!/bin/sh\necho \"release-binary $*\"\n";

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let base = root.path().to_path_buf();
        let dirs = ["action/dist", "stubs", "release", "tool-cache", "runner-temp", "workspace"];
        for d in dirs {
            std::fs::create_dir_all(base.join(d)).unwrap_or_else(|e| panic!("{d}: {e}"));
        }
        let launcher = Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/launcher.sh");
        std::fs::copy(&launcher, base.join("action/dist/launcher.sh")).unwrap_or_else(|e| panic!("{e}"));
        write_executable(&base.join("stubs/curl"), CURL_STUB);
        write_executable(&base.join("stubs/cargo"), CARGO_STUB);
        let sandbox = Self {
            action: base.join("action"),
            stubs: base.join("stubs"),
            release: base.join("release"),
            tool_cache: base.join("tool-cache"),
            runner_temp: base.join("runner-temp"),
            log: base.join("calls.log"),
            workspace: base.join("workspace"),
            root,
        };
        sandbox.manifest("");
        sandbox
    }

    pub fn manifest(&self, entries: &str) {
        let text = format!("# test manifest\n{entries}");
        std::fs::write(self.action.join("dist/manifest"), text).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Publish `content` as the release asset for `target`; returns its manifest line.
    pub fn release_asset(&self, target: &str, content: &str) -> String {
        let name = format!("truegreen-{target}");
        write_executable(&self.release.join(&name), content);
        let url = format!("https://github.com/o/truegreen/releases/download/v0.1.0/{name}");
        format!("{target} {} {url}\n", sha256_hex(content.as_bytes()))
    }

    /// Take the stub curl away: downloads then go through the real curl.
    pub fn use_real_curl(&self) {
        std::fs::remove_file(self.stubs.join("curl")).unwrap_or_else(|e| panic!("stub curl: {e}"));
    }

    /// Give the action directory a source tree (what cargo would build from),
    /// so that the launcher can key a source build on its digest.
    pub fn source_tree(&self, main_rs: &str) {
        let src = self.action.join("src");
        std::fs::create_dir_all(&src).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(self.action.join("Cargo.toml"), "[package]\nname = \"truegreen\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(self.action.join("Cargo.lock"), "version = 4\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(src.join("main.rs"), main_rs).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Every file under the tool cache.
    pub fn tool_cache_files(&self) -> Vec<PathBuf> {
        files_under(&self.tool_cache)
    }

    pub fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log).unwrap_or_default().lines().map(str::to_owned).collect()
    }

    /// The launcher, as action.yml runs it, with a clean environment.
    pub fn command(&self, inputs: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(self.action.join("dist/launcher.sh"));
        cmd.env_clear();
        let path = format!("{}:/usr/local/bin:/usr/bin:/bin", self.stubs.display());
        cmd.env("PATH", path)
            .env("HOME", self.root.path())
            .env("GITHUB_ACTION_PATH", &self.action)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TOOL_CACHE", &self.tool_cache)
            .env("RUNNER_TEMP", &self.runner_temp)
            .env("SANDBOX_LOG", &self.log)
            .env("FAKE_RELEASE", &self.release)
            .current_dir(&self.workspace);
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, inputs: &[(&str, &str)]) -> Output {
        self.command(inputs).output().unwrap_or_else(|e| panic!("bash: {e}"))
    }

    /// `launcher.sh SUBCOMMAND` (resolve, plan).
    pub fn run_subcommand(&self, subcommand: &str, inputs: &[(&str, &str)]) -> Output {
        self.command(inputs).arg(subcommand).output().unwrap_or_else(|e| panic!("bash: {e}"))
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// A directory served over plain HTTP on 127.0.0.1 (a release page, as far as
/// curl and the launcher can tell), counting the files it sends.
pub struct LocalRelease {
    pub dir: PathBuf,
    pub base_url: String,
    served: Arc<AtomicUsize>,
}

impl LocalRelease {
    pub fn serve(dir: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        let served = Arc::new(AtomicUsize::new(0));
        let (root, counter) = (dir.to_path_buf(), Arc::clone(&served));
        // Lives as long as the test process; each request is answered in turn.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if answer(stream, &root) {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        Self { dir: dir.to_path_buf(), base_url: format!("http://127.0.0.1:{port}"), served }
    }

    /// Files sent so far (404s not counted).
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

/// Answer one GET with the named file of `root` (no subdirectories), or 404.
fn answer(stream: TcpStream, root: &Path) -> bool {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return false;
    }
    // The rest of the request head, up to the blank line.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        line.clear();
    }
    let name = request_line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/');
    let file = (!name.is_empty() && !name.contains('/') && !name.contains("..")).then(|| root.join(name));
    let mut out = &stream;
    match file.and_then(|f| std::fs::read(f).ok()) {
        Some(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            );
            out.write_all(head.as_bytes()).and_then(|()| out.write_all(&body)).is_ok()
        }
        None => {
            let _ = out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            false
        }
    }
}

/// `scripts/release.sh` with `args`, from the repository root.
pub fn release_script(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("bash: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
