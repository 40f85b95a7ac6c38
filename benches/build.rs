// Benchmark: compile the reference policy and a generated 200-wave / 5,000-account policy.

use criterion::{Criterion, criterion_group, criterion_main};
use patchform::compiler::{CompileOptions, compile};
use std::hint::black_box;

#[path = "../tests/fixtures/build/common.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let reference = common::load(&common::root().join("policies/acme-fleet.yaml"));
    let large = common::load_text(&common::large_policy_yaml(200, 5_000));
    let inline = CompileOptions::default();
    let uploaded = CompileOptions {
        templates_dir: None,
        artifact_bucket: Some("artifacts".to_owned()),
    };
    c.bench_function("compile acme-fleet", |b| {
        b.iter(|| compile(black_box(&reference), &inline))
    });
    c.bench_function("compile 200 waves, 5000 accounts", |b| {
        b.iter(|| compile(black_box(&large), &uploaded))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
