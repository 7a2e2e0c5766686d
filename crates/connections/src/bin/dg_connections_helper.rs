//! Test helper: a second process for the cross-process tests of `dg_connections`.
//!
//! * `dg_connections_helper apply ROOT LINK URL [NOW]` — opens the store, applies the
//!   connection to a GET of URL (refreshing if needed), prints `ok` or the error, exits 0/1.
//!   `NOW` (Unix seconds) pins the registry's clock.
//! * `dg_connections_helper write-loop ROOT` — rewrites the store forever (to be killed).
//! * `dg_connections_helper set-key ROOT LINK VALUE NOW` — one store update (stores an API
//!   key), for the crash-point test (`DG_CONNECTIONS_TEST_CRASH_AT`).
//! * `dg_connections_helper cli ARGS…` — `dg connections ARGS…` through
//!   `dg_connections::cli::run` (the real terminal detection and exit codes).
//! * `dg_connections_helper default-root` — prints `Registry::default_root()` (DG_HOME tests).

use std::path::Path;
use std::sync::Arc;

use clap::Parser;
use dg_connections::cli::ConnectionsCommand;
use dg_connections::{FixedClock, NewConnection, OutgoingRequest, Registry, SecretString};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: ConnectionsCommand,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        Some("apply") if (5..=6).contains(&args.len()) => {
            apply(&args[2], &args[3], &args[4], args.get(5).and_then(|n| n.parse().ok()))
        }
        Some("write-loop") if args.len() == 3 => write_loop(&args[2]),
        Some("set-key") if args.len() == 6 => set_key(&args[2], &args[3], &args[4], &args[5]),
        Some("cli") => match Cli::try_parse_from(args[1..].iter()) {
            Ok(cli) => dg_connections::cli::run(cli.cmd),
            Err(e) => {
                eprintln!("{e}");
                2
            }
        },
        Some("default-root") => match Registry::default_root() {
            Ok(root) => {
                println!("{}", root.display());
                0
            }
            Err(e) => {
                println!("error: {e}");
                1
            }
        },
        _ => {
            eprintln!("usage: dg_connections_helper apply ROOT LINK URL [NOW] | write-loop ROOT | set-key ROOT LINK VALUE NOW | cli ARGS... | default-root");
            2
        }
    };
    std::process::exit(code);
}

fn open(root: &str, now: Option<i64>) -> Result<Registry, dg_connections::ConnectionError> {
    let reg = Registry::open(Path::new(root))?;
    Ok(match now {
        Some(now) => reg.with_clock(Arc::new(FixedClock::new(now))),
        None => reg,
    })
}

fn set_key(root: &str, link: &str, value: &str, now: &str) -> i32 {
    let result = open(root, now.parse().ok()).and_then(|reg| {
        let mut keys = std::collections::BTreeMap::new();
        keys.insert("Authorization".to_string(), SecretString::from(value.to_string()));
        reg.set_api_keys(link, keys)
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn apply(root: &str, link: &str, url: &str, now: Option<i64>) -> i32 {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return 1;
    };
    rt.block_on(async {
        let result = async {
            let reg = open(root, now)?;
            reg.apply(link, OutgoingRequest::get(url)?).await
        }
        .await;
        match result {
            Ok(_) => {
                println!("ok");
                0
            }
            Err(e) => {
                println!("error: {e}");
                1
            }
        }
    })
}

fn write_loop(root: &str) -> i32 {
    // A fixed clock: the tests never depend on the real one.
    let reg = match open(root, Some(1_800_000_000)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let filler = "x".repeat(4096);
    for i in 0u64.. {
        let link = format!("conn_{}", i % 20);
        let added = reg.add_connection(NewConnection {
            link: link.clone(),
            service: "sendgrid".into(),
            replace: true,
            ..Default::default()
        });
        let stored = added.and_then(|_| {
            let mut keys = std::collections::BTreeMap::new();
            keys.insert("Authorization".to_string(), SecretString::from(format!("{filler}{i}")));
            reg.set_api_keys(&link, keys)
        });
        if let Err(e) = stored {
            eprintln!("error: {e}");
            return 1;
        }
        if i == 0 {
            println!("ready");
        }
    }
    0
}
