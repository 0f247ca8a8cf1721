#![no_main]
//! Fuzzes shared::drawing through rsstreaming_parser_checks::drawing::fuzz (the rules it keeps).

libfuzzer_sys::fuzz_target!(|data: &[u8]| rsstreaming_parser_checks::drawing::fuzz(data));
