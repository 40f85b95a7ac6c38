// Benchmarks of validation: the reference policy and a 200-wave / 5,000-account policy.
//
// Whole-process figures (release binary, peak memory) are measured by scripts/bench.sh.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn validate(c: &mut Criterion) {
    let reference = read("policies/acme-fleet.yaml");
    let large = read("tests/fixtures/large/large-200-waves.yaml");
    // Warm the schema validator once so the figures are per policy.
    let _ = patchform::validator::validate_text("warm.yaml", &reference);
    let mut group = c.benchmark_group("validate");
    group.bench_function("acme-fleet", |b| {
        b.iter(|| patchform::validator::validate_text("acme-fleet.yaml", black_box(&reference)))
    });
    group.sample_size(20);
    group.bench_function("200-waves-5000-accounts", |b| {
        b.iter(|| patchform::validator::validate_text("large.yaml", black_box(&large)))
    });
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
