//! `dg connections authorize` for OAuth through the CLI entry point: the loopback listener
//! and the pasted-redirect (`--stdin`) forms, the test playing the user and the browser.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use crate::common::{clock, Fake, CLIENT_ID, CLIENT_SECRET};
use clap::Parser;
use dg_connections::cli::{run_with, CliContext, ConnectionsCommand};
use dg_connections::{AuthState, Registry};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: ConnectionsCommand,
}

/// Standard input fed line by line from the test.
struct ChanReader {
    rx: Receiver<String>,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for ChanReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(out.len());
            out[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChanReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.buf.len() {
            match self.rx.recv() {
                Ok(s) => (self.buf, self.pos) = (s.into_bytes(), 0),
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.buf[self.pos..])
    }
    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}

/// Standard error forwarded to the test as it is written.
struct ChanWriter(Sender<Vec<u8>>);

impl Write for ChanWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(b.to_vec());
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Running {
    stdin: Sender<String>,
    stderr: Receiver<Vec<u8>>,
    done: std::thread::JoinHandle<(i32, String)>,
}

fn spawn_cli(root: PathBuf, args: Vec<String>, interactive: bool) -> Running {
    let (in_tx, in_rx) = channel();
    let (err_tx, err_rx) = channel();
    let done = std::thread::spawn(move || {
        let cmd = Cli::try_parse_from(std::iter::once("connections".to_string()).chain(args))
            .unwrap()
            .cmd;
        let mut stdin = ChanReader { rx: in_rx, buf: Vec::new(), pos: 0 };
        let mut stderr = ChanWriter(err_tx);
        let mut stdout = Vec::new();
        let mut ctx = CliContext {
            root: Some(root),
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
            interactive,
            clock: Some(clock()),
        };
        let code = run_with(cmd, &mut ctx);
        (code, String::from_utf8(stdout).unwrap())
    });
    Running { stdin: in_tx, stderr: err_rx, done }
}

/// Reads stderr until the printed authorization URL appears.
fn printed_url(r: &Running) -> String {
    let mut text = String::new();
    loop {
        let chunk = r.stderr.recv_timeout(Duration::from_secs(10)).expect("the CLI prints the URL");
        text.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(line) = text
            .lines()
            .find(|l| l.trim_start().starts_with("http") && text.contains("Open this URL"))
        {
            if text.ends_with('\n') {
                return line.trim().to_string();
            }
        }
    }
}

fn setup(rt: &tokio::runtime::Runtime, root: &Path) -> Fake {
    let fake = rt.block_on(Fake::start());
    let mut reg = Registry::open(root).unwrap().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("fake.toml"),
    )
    .unwrap();
    reg.add_connection(dg_connections::NewConnection {
        link: "oa".into(),
        service: "fake".into(),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(dg_connections::SecretString::from(CLIENT_SECRET)),
        ..Default::default()
    })
    .unwrap();
    fake
}

#[test]
fn authorize_through_the_loopback_listener() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let _fake = setup(&rt, dir.path());
    let args = ["authorize", "oa", "--no-browser", "--port", "0", "--timeout", "20"];
    // A terminal session: the loopback flow needs one (see the next test).
    let running =
        spawn_cli(dir.path().to_path_buf(), args.iter().map(|s| s.to_string()).collect(), true);
    let url = printed_url(&running);
    // The browser: follows the provider's redirect to the CLI's loopback listener.
    let status = rt.block_on(async { reqwest::get(&url).await.unwrap().status().as_u16() });
    assert_eq!(status, 200);
    let (code, out) = running.done.join().unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("connection oa is authorized"));
    assert_eq!(
        Registry::open(dir.path()).unwrap().with_clock(clock()).connection("oa").unwrap().state,
        AuthState::Authorized
    );
}

#[test]
fn authorize_with_a_pasted_redirect_url() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let _fake = setup(&rt, dir.path());
    let running = spawn_cli(
        dir.path().to_path_buf(),
        vec!["authorize".into(), "oa".into(), "--stdin".into()],
        false,
    );
    let url = printed_url(&running);
    assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"), "{url}");
    // The user: approves, the browser fails to load the redirect, the user copies its URL.
    let location = rt.block_on(async {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        client.get(&url).send().await.unwrap().headers()["location"].to_str().unwrap().to_string()
    });
    running.stdin.send(format!("{location}\n")).unwrap();
    let (code, out) = running.done.join().unwrap();
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        Registry::open(dir.path()).unwrap().with_clock(clock()).connection("oa").unwrap().state,
        AuthState::Authorized
    );
}

/// Without a terminal and without `--stdin`/`--code-stdin`/`--refresh-token-stdin`, the
/// browser flow fails at once with exit code 2 and says how to authorize non-interactively
/// (it used to wait 180 s and exit 1).
#[test]
fn authorize_without_a_terminal_fails_fast_with_exit_2() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fake = setup(&rt, dir.path());
    let started = std::time::Instant::now();
    let running = spawn_cli(dir.path().to_path_buf(), vec!["authorize".into(), "oa".into()], false);
    let (code, _) = running.done.join().unwrap();
    let mut err = String::new();
    while let Ok(chunk) = running.stderr.try_recv() {
        err.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert_eq!(code, 2, "{err}");
    assert!(started.elapsed() < Duration::from_secs(20), "it must not wait for a browser");
    for hint in ["not a terminal", "--stdin", "--code-stdin", "--refresh-token-stdin"] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
    assert_eq!(fake.state.code_exchanges.load(std::sync::atomic::Ordering::SeqCst), 0);

    // The same through the process entry point (`cli::run`, as `dg connections` calls it),
    // with standard input not a terminal.
    let helper = env!("CARGO_BIN_EXE_dg_connections_helper");
    let mut child = std::process::Command::new(helper)
        .args(["cli", "authorize", "oa", "--no-browser"])
        .env("DG_HOME", dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`authorize` without a terminal is still waiting after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--stdin"), "{stderr}");
}
