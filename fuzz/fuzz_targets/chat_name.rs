#![no_main]
//! Fuzzes shared::names::chat through rsstreaming_parser_checks::names::fuzz (the rules it keeps).

libfuzzer_sys::fuzz_target!(|data: &[u8]| rsstreaming_parser_checks::names::fuzz(data));
