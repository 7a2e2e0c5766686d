//! Parse and evaluation throughput on realistic scripts: `cargo bench -p dg_runtime`.

use criterion::{criterion_group, criterion_main, Criterion};
use dg_runtime::{Entry, Interpreter, Limits, RecordingHost, Script};

const SYNC: &str = include_str!("../../../fixtures/bench/sync.dg");
const ARITH: &str = include_str!("../../../fixtures/bench/arith.dg");
const SEED: &str = include_str!("../../../scripts/bigin_books_sync.dg");

fn parse(c: &mut Criterion) {
    c.bench_function("parse/seed_sync", |b| b.iter(|| Script::new(SEED)));
    c.bench_function("parse/bench_sync", |b| b.iter(|| Script::new(SYNC)));
}

fn eval(c: &mut Criterion) {
    let interp = Interpreter::with_limits(Limits::unlimited());
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    for (name, src) in [("arith", ARITH), ("sync", SYNC)] {
        let script = Script::new(src);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut host = RecordingHost::default();
                interp.run(&script, Entry::Auto, vec![], &mut host)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, eval);
criterion_main!(benches);
