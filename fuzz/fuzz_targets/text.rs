//! The escaping functions of `truegreen::text` on any string: markdown comes
//! out as literal text, terminal text without control sequences, and a
//! shell-quoted argument as exactly one word that is the input itself.
#![no_main]

mod common;

use truegreen::text;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);

    let inline = text::markdown_inline(&s);
    let problems = common::inert::markdown_problems(&format!("| a |\n|---|\n| {inline} |\n\n{inline}\n"));
    assert!(problems.is_empty(), "markdown_inline({s:?}) = {inline:?}: {problems:?}");
    assert!(!inline.contains('\n'), "markdown_inline on more than one line: {inline:?}");

    let span = text::markdown_code_span(&s);
    let block = text::markdown_code_block(&s, "text");
    for md in [format!("x {span} y\n"), block] {
        let problems = common::inert::markdown_problems(&md);
        assert!(problems.is_empty(), "code of {s:?}: {problems:?}\n{md}");
    }

    let terminal = text::terminal_safe(&s);
    assert!(!terminal.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{terminal:?}");
    assert!(!text::one_line(&s).contains(['\n', '\r', '\t']));

    let quoted = text::shell_quote(&s);
    assert_eq!(common::inert::shell_words(&quoted), Some(vec![s.clone().into_owned()]), "shell_quote({s:?}) = {quoted}");
});
