//! Reading a file (or any byte stream) exactly once while hashing every byte read.
//!
//! [`HashingReader`] is a `BufRead` over the source in large chunks. Each chunk
//! is hashed as it is read: on the reading thread for small files, on a second
//! thread for large ones, so that sha256 runs beside the parser instead of
//! before it. Chunks are shared with the hashing thread, not copied; it hands
//! each back once hashed, for the reader to fill again. At most [`IN_FLIGHT`]
//! wait to be hashed.

use std::io::{BufRead, Read};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

/// Bytes read from the file at a time.
const CHUNK: usize = 256 * 1024;
/// The smallest chunk, for a source that says it is small (it may have grown).
const MIN_CHUNK: usize = 8 * 1024;
/// Files larger than this are hashed on a second thread.
const BACKGROUND_ABOVE: u64 = 4 * 1024 * 1024;
/// Chunks waiting for the hashing thread; the reader blocks beyond that.
const IN_FLIGHT: usize = 4;

enum Hasher {
    Inline(Sha256),
    /// `hashed` brings chunks back from the worker. Without it a chunk was
    /// rarely free by the next read (the worker still held it), so each read
    /// allocated and zeroed a new quarter MiB: 1 GiB of zeroing for a 1 GiB file.
    Background {
        chunks: SyncSender<Arc<Chunk>>,
        hashed: Receiver<Arc<Chunk>>,
        worker: JoinHandle<Sha256>,
    },
}

/// Bytes read from the source: the first `len` of `buf`. `buf` keeps its full
/// length across reuse, so it is zeroed once when allocated rather than before
/// every read (a source that only implements `read` gets its buffer zeroed by
/// `read_to_end`).
#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    len: usize,
}

impl Chunk {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

pub(super) struct HashingReader<R> {
    source: R,
    /// Bytes per chunk: [`CHUNK`], or less for a small source, whose whole
    /// content (and one byte more, to see its end) then fits in one.
    chunk_len: usize,
    chunk: Arc<Chunk>,
    pos: usize,
    eof: bool,
    hasher: Hasher,
}

impl<R: Read> HashingReader<R> {
    /// `size` is the source's size as far as known; it only picks the strategy.
    pub fn new(source: R, size: u64) -> Self {
        let hasher = if size > BACKGROUND_ABOVE { background().unwrap_or_else(inline) } else { inline() };
        // A small report (the common case in a test suite, and in a matrix of
        // many reports) must not pay for zeroing a quarter MiB.
        let chunk_len = usize::try_from(size.saturating_add(1)).unwrap_or(CHUNK).clamp(MIN_CHUNK, CHUNK);
        Self { source, chunk_len, chunk: Arc::new(Chunk::default()), pos: 0, eof: false, hasher }
    }

    /// Lower-case hex sha256 of every byte read so far.
    pub fn finish_hex(self) -> String {
        let hasher = match self.hasher {
            Hasher::Inline(h) => h,
            Hasher::Background { chunks, worker, .. } => {
                drop(chunks);
                match worker.join() {
                    Ok(h) => h,
                    // The worker only hashes; if it died, say so in the hash field
                    // rather than invent one.
                    Err(_) => return "unavailable: the hashing thread failed".to_owned(),
                }
            }
        };
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[cold]
    fn refill(&mut self) -> std::io::Result<()> {
        // Reuse a chunk the hashing is done with: the last one when hashed
        // here, else one the hashing thread handed back (it keeps none).
        let last = std::mem::take(&mut self.chunk);
        let free = match &self.hasher {
            Hasher::Inline(_) => Some(last),
            Hasher::Background { hashed, .. } => {
                drop(last);
                hashed.try_recv().ok()
            }
        };
        let mut chunk = free.and_then(|c| Arc::try_unwrap(c).ok()).unwrap_or_default();
        if chunk.buf.len() != self.chunk_len {
            chunk.buf = vec![0; self.chunk_len];
        }
        chunk.len = 0;
        while chunk.len < self.chunk_len {
            match self.source.read(&mut chunk.buf[chunk.len..]) {
                Ok(0) => break,
                Ok(n) => chunk.len += n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        self.eof = chunk.len < self.chunk_len;
        if !self.eof {
            // Larger than it said: read the rest in full chunks.
            self.chunk_len = CHUNK;
        }
        let chunk = Arc::new(chunk);
        match &mut self.hasher {
            Hasher::Inline(h) => h.update(chunk.bytes()),
            Hasher::Background { chunks, .. } => {
                if chunks.send(Arc::clone(&chunk)).is_err() {
                    return Err(std::io::Error::other("the hashing thread stopped"));
                }
            }
        }
        self.chunk = chunk;
        self.pos = 0;
        Ok(())
    }
}

fn inline() -> Hasher {
    Hasher::Inline(Sha256::new())
}

fn background() -> Option<Hasher> {
    let (chunks, rx) = sync_channel::<Arc<Chunk>>(IN_FLIGHT);
    // Unbounded, yet never holds more than the chunks in existence.
    let (give_back, hashed) = channel::<Arc<Chunk>>();
    let worker = std::thread::Builder::new()
        .name("sha256".into())
        .spawn(move || {
            let mut hasher = Sha256::new();
            for chunk in rx {
                hasher.update(chunk.bytes());
                // The reader may be gone (an error stopped it): nothing to do.
                let _ = give_back.send(chunk);
            }
            hasher
        })
        .ok()?;
    Some(Hasher::Background { chunks, hashed, worker })
}

impl<R: Read> BufRead for HashingReader<R> {
    #[inline]
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.chunk.len && !self.eof {
            self.refill()?;
        }
        Ok(&self.chunk.bytes()[self.pos..])
    }

    #[inline]
    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.chunk.len);
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    fn sha_of(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hashes_every_byte_inline_and_in_the_background() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("write");
        for size_hint in [0, u64::MAX] {
            let mut r = HashingReader::new(File::open(&path).expect("open"), size_hint);
            let mut read = Vec::new();
            r.read_to_end(&mut read).expect("read");
            assert_eq!(read, bytes);
            assert_eq!(r.finish_hex(), sha_of(&bytes));
        }
    }

    #[test]
    fn hashes_only_what_was_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").expect("write");
        let r = HashingReader::new(File::open(&path).expect("open"), 3);
        assert_eq!(r.finish_hex(), sha_of(b""));
    }
}
