/// The first bytes of a file, for format detection.
pub struct Sniff<'a> {
    bytes: &'a [u8],
    /// The prefix is the whole file.
    pub complete: bool,
    /// The file's name. Only a tie-breaker for content that cannot tell
    /// (an empty JSON array); content decides everything else.
    pub file_name: &'a str,
}

impl<'a> Sniff<'a> {
    pub fn new(bytes: &'a [u8], complete: bool, file_name: &'a str) -> Self {
        Self { bytes, complete, file_name }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The prefix as text, up to the first invalid UTF-8 byte (a cut multi-byte
    /// character at the end of the prefix is not an error).
    pub fn text(&self) -> &'a str {
        match std::str::from_utf8(self.bytes) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&self.bytes[..e.valid_up_to()]).unwrap_or_default(),
        }
    }

    /// Nothing but whitespace (or nothing at all).
    pub fn is_blank(&self) -> bool {
        self.complete && self.bytes.iter().all(u8::is_ascii_whitespace)
    }

    /// The first non-whitespace byte, skipping a UTF-8 byte-order mark.
    pub fn first_significant(&self) -> Option<u8> {
        let bytes = self.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.bytes);
        bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
    }

    /// Non-empty lines of the prefix, at most `n`, without a last line that the
    /// prefix may have cut.
    pub fn lines(&self, n: usize) -> impl Iterator<Item = &'a str> {
        let text = self.text();
        let text = if self.complete { text } else { text.rsplit_once('\n').map_or("", |(head, _)| head) };
        text.lines().map(str::trim).filter(|l| !l.is_empty()).take(n)
    }

    pub fn named_like_report(&self) -> bool {
        crate::model::Format::named_like_artifact(self.file_name)
    }

    /// A short description of what the content looks like, for unknown formats.
    pub fn describe(&self) -> String {
        if self.bytes.contains(&0) || std::str::from_utf8(self.bytes).is_err() && self.text().len() < 16 {
            return "binary data".to_owned();
        }
        let first: String = self.lines(1).next().unwrap_or("").chars().take(60).collect();
        format!("first line {:?}", crate::text::one_line(&first))
    }
}
