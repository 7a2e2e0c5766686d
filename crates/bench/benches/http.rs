//! The `invokeurl` loopback path: `cargo bench -p dg_bench --bench http`.
//!
//! A loopback axum server answers every request with a small JSON body.
//!
//! - `http/dg_invokeurl`: a Deluge script doing one `invokeurl` GET (and reading a key of the
//!   answer) through `dg_host`'s real HTTP host, the host `dg run` builds (`Mode::Real`: the
//!   registry's reqwest client on the host's current-thread tokio runtime). The host lives across
//!   iterations, so its runtime, client and keep-alive connection are reused.
//! - `http/reqwest`: the same request with a reqwest client configured like the registry's, on
//!   the same kind of runtime, the body parsed with serde_json.
//!
//! `dg_invokeurl / reqwest` is what dg adds per request: the script, the request conversion,
//! the registry, the transcript, JSON into Deluge values. The `http_cold` group builds everything
//! per iteration (a new host with an in-memory registry / a new client and runtime), one
//! connection each: what one request costs a `dg run` process, less the process start.

use criterion::{criterion_group, criterion_main, Criterion};
use dg_connections::Registry;
use dg_host::{DgHost, Mode};
use dg_runtime::{Entry, Interpreter, Outcome, Script};
use std::time::Duration;

const BODY: &str =
    r#"{"ok":true,"name":"loopback","items":[1,2,3],"meta":{"page":1,"per_page":3,"more":false}}"#;

/// Starts the server on 127.0.0.1 (its own thread and runtime) and returns the URL to GET.
fn server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send addr");
            let app = axum::Router::new()
                .fallback(|| async { ([("content-type", "application/json")], BODY) });
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    format!("http://{addr}/api/items")
}

fn real_host() -> DgHost {
    DgHost::new(Mode::Real(Some(Box::new(Registry::in_memory()))))
}

fn run_script(interp: &Interpreter, script: &Script, host: &mut DgHost) -> Outcome {
    let outcome = interp.run(script, Entry::Auto, vec![], host);
    // the transcript records every request: keep it from growing over the iterations
    drop(std::mem::take(&mut host.transcript));
    outcome
}

/// A client like the registry's (no redirects followed by reqwest, a 40 s timeout).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(40))
        .build()
        .expect("client")
}

/// A runtime like the host's.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn get(rt: &tokio::runtime::Runtime, client: &reqwest::Client, url: &str) -> serde_json::Value {
    rt.block_on(async {
        let resp = client.get(url).send().await.expect("send");
        assert!(resp.status().is_success(), "status {}", resp.status());
        let body = resp.bytes().await.expect("body");
        serde_json::from_slice(&body).expect("json body")
    })
}

fn http(c: &mut Criterion) {
    let url = server();
    let script = Script::new(format!(
        "r = invokeurl\n[\n\turl :\"{url}\"\n\ttype :GET\n];\nname = r.get(\"name\");\ninfo name;\n"
    ));
    let interp = Interpreter::new();

    // Both sides work before anything is timed.
    let mut host = real_host();
    let outcome = interp.run(&script, Entry::Auto, vec![], &mut host);
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(host.transcript.info_lines(), ["loopback"]);
    let (rt, cl) = (runtime(), client());
    assert_eq!(get(&rt, &cl, &url)["name"], "loopback");

    let mut group = c.benchmark_group("http");
    group.bench_function("dg_invokeurl", |b| b.iter(|| run_script(&interp, &script, &mut host)));
    group.bench_function("reqwest", |b| b.iter(|| get(&rt, &cl, &url)));
    group.finish();

    let mut group = c.benchmark_group("http_cold");
    group.sample_size(20);
    group.bench_function("dg_new_host", |b| {
        b.iter(|| {
            let mut host = real_host();
            run_script(&interp, &script, &mut host)
        })
    });
    group.bench_function("reqwest_new_client", |b| b.iter(|| get(&runtime(), &client(), &url)));
    group.finish();
}

criterion_group!(benches, http);
criterion_main!(benches);
