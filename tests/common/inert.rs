//! Checks that rendered output is inert, whatever report content went into it.
//! Shared by the injection tests (`tests/injection.rs`) and the fuzz targets
//! (`fuzz/fuzz_targets/common.rs` includes this file), so both hold every
//! output to the same definition of "inert". Depends on pulldown-cmark only.

#![allow(dead_code)] // each user calls a subset

use pulldown_cmark::{Event, Options, Parser, Tag};

/// GitHub's markdown flavour as far as pulldown-cmark has it.
fn gfm() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_FOOTNOTES
}

/// Markdown that renders no element report content could have asked for: no
/// raw HTML but the few tags the renderers write themselves ([`our_html`]), no link, no image, and no URL GitHub would turn into a link by
/// itself (an autolink literal: `https://...`, `www....`) outside code. Our own
/// renderers emit none of these, so any one of them came from report content.
pub fn markdown_problems(md: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut code: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(md, gfm()).into_offset_iter() {
        let what = match &event {
            Event::Html(h) | Event::InlineHtml(h) if !our_html(h) => Some(format!("raw HTML {h:?}")),
            Event::Start(Tag::Link { dest_url, .. }) => Some(format!("link to {dest_url:?}")),
            Event::Start(Tag::Image { dest_url, .. }) => Some(format!("image from {dest_url:?}")),
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => {
                code.push(range.clone());
                None
            }
            _ => None,
        };
        if let Some(what) = what {
            problems.push(format!("{what} at {range:?}: {:?}", snippet(md, &range)));
        }
    }
    for at in autolink_literals(md, &code) {
        problems.push(format!("autolink literal at byte {at}: {:?}", snippet(md, &(at..at + 12))));
    }
    // GitHub renders `@user`, `@org/team` and `#123` as live references in
    // markdown; the renderers break each `@` with a zero-width joiner.
    for (at, _) in md.match_indices('@') {
        let next = md[at + 1..].chars().next();
        if next.is_some_and(|c| c.is_ascii_alphanumeric()) && !inside(&code, at) {
            problems.push(format!("mention at byte {at}: {:?}", snippet(md, &(at..at + 12))));
        }
    }
    problems
}

/// The raw HTML the renderers write themselves, in exactly their forms: a
/// collapsed block (`<details><summary>` with HTML-escaped text, `</details>`),
/// the comment's footer (`<sub>`, `</sub>`) and its hidden marker, whose name is
/// percent-encoded so that it holds no `-` or `>`.
pub fn our_html(html: &str) -> bool {
    let h = html.trim();
    if matches!(h, "</details>" | "<sub>" | "</sub>") {
        return true;
    }
    if let Some(text) = h.strip_prefix("<details><summary>").and_then(|r| r.strip_suffix("</summary>")) {
        return !text.contains(['<', '>', '\n']);
    }
    if let Some(name) = h.strip_prefix("<!-- truegreen:comment:").and_then(|r| r.strip_suffix(" -->")) {
        return !name.contains(['-', '>', '<', '\n']);
    }
    false
}

/// Byte offsets, outside code, where GitHub's autolink extension would start a
/// link: `scheme://` or `www.` not broken by a backslash escape.
fn autolink_literals(md: &str, code: &[std::ops::Range<usize>]) -> Vec<usize> {
    let bytes = md.as_bytes();
    let mut found = Vec::new();
    for (at, _) in md.match_indices("://") {
        let scheme_before = at > 0 && bytes[at - 1].is_ascii_alphabetic();
        if scheme_before && !inside(code, at) {
            found.push(at);
        }
    }
    let lower = md.to_ascii_lowercase();
    for (at, _) in lower.match_indices("www.") {
        let word_start = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if word_start && !inside(code, at) {
            found.push(at);
        }
    }
    found
}

fn inside(ranges: &[std::ops::Range<usize>], at: usize) -> bool {
    ranges.iter().any(|r| r.contains(&at))
}

fn snippet(s: &str, range: &std::ops::Range<usize>) -> String {
    let mut start = range.start.min(s.len());
    let mut end = range.end.min(s.len()).max(start);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    while !s.is_char_boundary(end) {
        end += 1;
    }
    s[start..end].chars().take(80).collect()
}

/// Terminal text holds no control character but newline and tab (no escape
/// sequence, no carriage return to overwrite a line, no backspace), no
/// bidirectional override, and no line the Actions runner would read as a
/// workflow command (it trims leading whitespace first).
pub fn terminal_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, c) in text.char_indices() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\n' && c != '\t') || bidi {
            problems.push(format!("control character {c:?} at byte {at}"));
        }
    }
    for line in text.lines() {
        if line.trim_start().starts_with("::") {
            problems.push(format!("workflow command line {line:?}"));
        }
    }
    problems
}

/// Workflow command lines (`::error file=...,title=...::message`) that each
/// stay one command: every line is a command of the expected kind, its
/// properties are only the ones we write, and no value holds a raw CR or LF.
pub fn workflow_command_problems(commands: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if commands.contains('\r') {
        problems.push("carriage return in workflow commands".to_owned());
    }
    for line in commands.lines() {
        let Some(rest) = ["::error", "::warning", "::notice"].iter().find_map(|p| line.strip_prefix(p)) else {
            problems.push(format!("not an annotation command: {line:?}"));
            continue;
        };
        let Some((properties, _message)) = rest.split_once("::") else {
            problems.push(format!("no message separator: {line:?}"));
            continue;
        };
        let properties = properties.trim_start();
        for property in properties.split(',').filter(|p| !p.is_empty()) {
            let key = property.split_once('=').map_or(property, |(k, _)| k);
            if !matches!(key, "file" | "line" | "endLine" | "col" | "endColumn" | "title") {
                problems.push(format!("unexpected property {key:?} in {line:?}"));
            }
        }
    }
    problems
}

/// The words of a POSIX shell command line, when it is made only of plain words
/// and single-quoted strings (what `text::shell_quote` produces): `None` when
/// it holds anything a shell would interpret (`$`, backquotes, `;`, `|`, `&`,
/// redirections, globs, newlines, double quotes or backslashes outside single quotes).
pub fn shell_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(inner) => word.push(inner),
                        None => return None,
                    }
                }
            }
            // `'\''` is how a quote is written inside single quotes.
            '\\' => match chars.next() {
                Some('\'') => {
                    in_word = true;
                    word.push('\'');
                }
                _ => return None,
            },
            // The characters `text::shell_quote` leaves unquoted, and nothing else.
            c if c.is_ascii_alphanumeric() || "-_./:=,+@".contains(c) => {
                in_word = true;
                word.push(c);
            }
            _ => return None,
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}
