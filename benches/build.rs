// Benchmark: compile the reference policy and a generated 150-wave / 3,750-account policy (about
// the most one hub template holds).

use criterion::{Criterion, criterion_group, criterion_main};
use patchform::compiler::{CompileOptions, compile};
use std::hint::black_box;

#[path = "../tests/fixtures/build/common.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let reference = common::load(&common::root().join("policies/acme-fleet.yaml"));
    let large = common::load_text(&common::large_policy_yaml(150, 3_750));
    let inline = CompileOptions::default();
    let uploaded = CompileOptions {
        templates_dir: None,
        artifact_bucket: Some("artifacts".to_owned()),
    };
    c.bench_function("compile acme-fleet", |b| {
        b.iter(|| compile(black_box(&reference), &inline))
    });
    c.bench_function("compile 150 waves, 3750 accounts", |b| {
        b.iter(|| compile(black_box(&large), &uploaded))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
