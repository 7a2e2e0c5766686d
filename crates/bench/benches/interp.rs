//! Parse and evaluation throughput on realistic scripts: `cargo bench -p dg_bench`.

use criterion::{criterion_group, criterion_main, Criterion};
use dg_runtime::{Entry, Interpreter, Limits, RecordingHost, Script};

const SYNC: &str = include_str!("../../../fixtures/bench/sync.dg");
const ARITH: &str = include_str!("../../../fixtures/bench/arith.dg");
const SEED: &str = include_str!("../../../scripts/bigin_books_sync.dg");

fn parse(c: &mut Criterion) {
    c.bench_function("parse/seed_sync", |b| b.iter(|| Script::new(SEED)));
    c.bench_function("parse/bench_sync", |b| b.iter(|| Script::new(SYNC)));
}

/// `dg check`'s work on a large file (parse + resolve, 6 MB): divide the size by the time for
/// MB/s (the target is 30 MB/s).
fn check_large(c: &mut Criterion) {
    let src = dg_bench::large_script(6 * 1024 * 1024);
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Bytes(src.len() as u64));
    group.bench_function("large_6mb", |b| b.iter(|| Script::new(src.as_str())));
    group.bench_function("parse_only_6mb", |b| b.iter(|| dg_syntax::parse(&src)));
    group.finish();
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

criterion_group!(benches, parse, check_large, eval);
criterion_main!(benches);
