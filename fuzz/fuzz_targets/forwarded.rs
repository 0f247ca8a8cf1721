#![no_main]
//! Fuzzes shared::net (the caller rule) through rsstreaming_parser_checks::forwarded::fuzz (the rules it keeps).

libfuzzer_sys::fuzz_target!(|data: &[u8]| rsstreaming_parser_checks::forwarded::fuzz(data));
