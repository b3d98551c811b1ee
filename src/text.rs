//! Making untrusted artifact text inert for each place it is shown.
//!
//! Report content (test names, messages, commands) can come from a fork's pull
//! request. Every renderer passes it through one of these functions; none of
//! them trusts the content to be well-formed.

/// Strip ANSI escape sequences and other control characters, keeping `\n` and
/// `\t`, so report content cannot move the cursor, recolor, or retitle a terminal.
pub fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI, an escape sequence introducer on some terminals.
            '\u{9b}' => skip_csi_body(&mut chars),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            // Bidirectional overrides can make text display in another order than it runs.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi_body(chars),
        // OSC (title, hyperlink) and other string sequences end at BEL or ST.
        Some(']' | 'P' | '^' | '_' | 'X') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        _ => {}
    }
}

fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// One line of plain text: control characters removed and line breaks folded to
/// spaces, for places that must stay on one line (table cells, titles).
pub fn one_line(s: &str) -> String {
    terminal_safe(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline markdown that renders as the literal text: no links, images, HTML,
/// mentions, emphasis or table breaks can come out of it.
pub fn markdown_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in one_line(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            // `@` followed by a zero-width joiner cannot become a mention.
            '@' => out.push_str("@\u{200d}"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '{' | '}' | '+' | '-' | '.' | '"'
            | '\'' | ':' | '=' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A fenced markdown code block holding `s` verbatim. The fence is longer than
/// any backtick run inside, so the content cannot close it.
pub fn markdown_code_block(s: &str, info: &str) -> String {
    let body = terminal_safe(s);
    let longest = longest_run(&body, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{info}\n{}\n{fence}\n", body.trim_end_matches('\n'))
}

/// An inline code span holding `s` verbatim on one line.
pub fn markdown_code_span(s: &str) -> String {
    let body = one_line(s);
    if body.is_empty() {
        return String::new();
    }
    let ticks = "`".repeat(longest_run(&body, '`') + 1);
    format!("{ticks} {body} {ticks}")
}

fn longest_run(s: &str, target: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        if c == target {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Quote one argument for a POSIX shell, so that pasting the command runs
/// nothing but the intended program: `$(touch pwned)` stays a literal string.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '+' | '@'));
    if plain { arg.to_owned() } else { format!("'{}'", arg.replace('\'', r"'\''")) }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char
/// boundary: the one place untrusted text is cut.
pub fn prefix_within(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Truncate to at most `max` bytes on a char boundary, appending `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    format!("{}…", prefix_within(s, max.saturating_sub('…'.len_utf8())))
}

/// Cut to at most `max` bytes on a char boundary, saying how many bytes were cut.
pub fn cap_message(message: &str, max: usize) -> String {
    let kept = prefix_within(message, max);
    if kept.len() == message.len() {
        return message.to_owned();
    }
    format!("{kept}… [{} bytes cut]", message.len() - kept.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_strips_escapes_and_controls() {
        let hostile = "ok\u{1b}[31mRED\u{1b}[0m \u{1b}]0;pwned\u{7}title \u{1b}]8;;http://x\u{1b}\\link\u{8}\r\u{202e}x\nnext\tcol";
        assert_eq!(terminal_safe(hostile), "okRED title linkx\nnext\tcol");
    }

    #[test]
    fn markdown_inline_cannot_make_links_html_or_mentions() {
        let s = markdown_inline("[x](http://evil) ![i](y) <img src=x> @octocat | *b*");
        assert!(!s.contains("]("), "{s}");
        assert!(!s.contains('<'), "{s}");
        assert!(!s.contains("@o"), "{s}");
        assert!(!s.contains(" | "), "{s}");
        assert!(s.contains("\\*b\\*"), "{s}");
    }

    #[test]
    fn code_block_fence_outlasts_content() {
        let block = markdown_code_block("a ```` b", "text");
        assert!(block.starts_with("`````text\n"), "{block}");
        assert!(block.ends_with("\n`````\n"), "{block}");
    }

    #[test]
    fn shell_quote_keeps_substitutions_inert() {
        assert_eq!(shell_quote("tests::io"), "tests::io");
        assert_eq!(shell_quote("$(touch pwned)"), "'$(touch pwned)'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 4), "h…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(prefix_within("héllo", 2), "h");
        assert_eq!(prefix_within("héllo", 3), "hé");
        assert_eq!(cap_message("héllo", 2), "h… [5 bytes cut]");
    }
}
