//! The git-test-counts reader, forced: every input reaches it, detected or not.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_as("git-test-counts", data, "t0001.counts"));
