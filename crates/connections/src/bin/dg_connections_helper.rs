//! Test helper: a second process for the cross-process tests of `dg_connections`.
//!
//! * `dg_connections_helper apply ROOT LINK URL` — opens the store, applies the connection to
//!   a GET of URL (refreshing if needed), prints `ok` or the error, exits 0/1.
//! * `dg_connections_helper write-loop ROOT` — rewrites the store forever (to be killed).
//! * `dg_connections_helper default-root` — prints `Registry::default_root()` (DG_HOME tests).

use std::path::Path;

use dg_connections::{NewConnection, OutgoingRequest, Registry, SecretString};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        Some("apply") if args.len() == 5 => apply(&args[2], &args[3], &args[4]),
        Some("write-loop") if args.len() == 3 => write_loop(&args[2]),
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
            eprintln!("usage: dg_connections_helper apply ROOT LINK URL | write-loop ROOT");
            2
        }
    };
    std::process::exit(code);
}

fn apply(root: &str, link: &str, url: &str) -> i32 {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return 1;
    };
    rt.block_on(async {
        let result = async {
            let reg = Registry::open(Path::new(root))?;
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
    let reg = match Registry::open(Path::new(root)) {
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
