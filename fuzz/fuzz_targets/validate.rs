// Fuzz target: any bytes through load → schema → semantic rules, and every output format; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchform::cli::DiagnosticFormat;

fuzz_target!(|data: &[u8]| {
    let validated = patchform::validator::validate_bytes("fuzz.yaml", data);
    let reports = [validated.report];
    for format in [DiagnosticFormat::Human, DiagnosticFormat::Json, DiagnosticFormat::Sarif] {
        let mut sink = Vec::new();
        let _ = patchform::report::render(format, &reports, false, &mut sink);
    }
});
