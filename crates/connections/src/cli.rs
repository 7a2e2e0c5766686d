//! `dg connections …`: the command-line side of the registry.
//!
//! The `dg` binary wires this in with one line: a `Connections { #[command(subcommand)] cmd:
//! ConnectionsCommand }` variant whose handler returns `dg_connections::cli::run(cmd)`.
//! Exit codes: 0 success, 1 failure, 2 usage error. Secrets are read from prompts (hidden) or
//! from standard input (`--stdin`, `--client-secret-stdin`), never from arguments.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use crate::error::ConnectionError;
use crate::model::Grant;
use crate::registry::{NewConnection, Registry};

mod authorize;
mod output;

use authorize::{authorize, read_secret_line};

/// `dg connections` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ConnectionsCommand {
    /// List the services connections can use (built-in catalog and custom services).
    Services {
        /// Print a JSON array, one object per service.
        #[arg(long)]
        json: bool,
    },
    /// Create a connection: a link name bound to a service.
    Add(AddArgs),
    /// Authorize a connection (browser + loopback redirect, pasted redirect, client
    /// credentials, or prompts for API keys / basic credentials / tokens).
    Authorize(AuthorizeArgs),
    /// List connections and their state.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show one connection (secrets masked).
    Show {
        /// Link name.
        link: String,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Refresh a connection's OAuth access token now.
    Refresh {
        /// Link name.
        link: String,
    },
    /// Forget a connection's tokens and credentials, keeping its configuration.
    Logout {
        /// Link name.
        link: String,
        /// First ask the provider to revoke the grant (OAuth services with a revoke URL).
        #[arg(long)]
        revoke: bool,
    },
    /// Delete a connection and its secrets.
    Remove {
        /// Link name.
        link: String,
    },
    /// Manage custom services.
    #[command(subcommand)]
    Service(ServiceCommand),
}

/// `dg connections service …`.
#[derive(Debug, clap::Subcommand)]
pub enum ServiceCommand {
    /// Add (or replace) a custom service described in a TOML file.
    Add {
        /// The service description.
        file: PathBuf,
    },
    /// Remove a custom service (no connection may use it).
    Remove {
        /// Service name.
        name: String,
    },
    /// Show one service.
    Show {
        /// Service name.
        name: String,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// `dg connections add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Link name scripts will use (`^[a-z][a-z0-9_]{0,49}$`).
    pub link: String,
    /// Service name (see `dg connections services`).
    #[arg(long)]
    pub service: String,
    /// Scope to request; repeat or separate with commas. Defaults to the service's defaults.
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Zoho data centre: com, eu, in, com.au, jp, ca, sa, com.cn, uk, ae.
    #[arg(long)]
    pub dc: Option<String>,
    /// Your OAuth app's client id (OAuth services).
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read your OAuth app's client secret from the first line of standard input.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Per-connection value needed by the service's URLs (`shop=acme`, `subdomain=acme`).
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Replace an existing connection with the same link name.
    #[arg(long)]
    pub force: bool,
}

/// `dg connections authorize`.
#[derive(Debug, clap::Args)]
pub struct AuthorizeArgs {
    /// Link name.
    pub link: String,
    /// Do not open a browser; print the URL only.
    #[arg(long)]
    pub no_browser: bool,
    /// Non-interactive: read from standard input instead of prompting (API key values one per
    /// line; username then password; the token; or, for OAuth, the pasted redirect URL/code).
    #[arg(long)]
    pub stdin: bool,
    /// OAuth (CI): import an existing refresh token read from standard input.
    #[arg(long, conflicts_with = "stdin")]
    pub refresh_token_stdin: bool,
    /// OAuth: exchange a code generated in the provider's console (Zoho Self Client), read
    /// from standard input; no browser, no redirect.
    #[arg(long, conflicts_with_all = ["stdin", "refresh_token_stdin"])]
    pub code_stdin: bool,
    /// Loopback port for the redirect URI (default: the service's, else any free port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Seconds to wait for the browser to come back.
    #[arg(long, default_value_t = 180)]
    pub timeout: u64,
}

/// Where a command reads and writes. [`run`] uses the process's streams and
/// [`Registry::default_root`].
pub struct CliContext<'a> {
    /// Store root; `None` means [`Registry::default_root`].
    pub root: Option<PathBuf>,
    pub stdin: &'a mut dyn BufRead,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether prompts and browser/paste interaction are possible.
    pub interactive: bool,
    /// The registry's clock; `None` means the system clock (tests pin it).
    pub clock: Option<std::sync::Arc<dyn crate::Clock>>,
}

/// Runs a command against the default store with the process's streams; returns the exit
/// code (0 ok, 1 failure, 2 usage). Builds its own tokio runtime: call it from synchronous
/// code.
pub fn run(cmd: ConnectionsCommand) -> i32 {
    use std::io::IsTerminal as _;
    let interactive = std::io::stdin().is_terminal();
    // Not `stdin().lock()`: the paste fallback of `authorize` reads stdin from another thread.
    let mut stdin = std::io::BufReader::new(std::io::stdin());
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let mut ctx = CliContext {
        root: None,
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
        interactive,
        clock: None,
    };
    run_with(cmd, &mut ctx)
}

/// Like [`run`] with explicit streams and root (tests, embedding).
pub fn run_with(cmd: ConnectionsCommand, ctx: &mut CliContext<'_>) -> i32 {
    if tokio::runtime::Handle::try_current().is_ok() {
        let _ = writeln!(ctx.stderr, "error: dg connections must not run inside an async runtime");
        return 1;
    }
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(ctx.stderr, "error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    match rt.block_on(exec(cmd, ctx)) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(ctx.stderr, "error: {e}");
            e.exit_code()
        }
    }
}

fn open_registry(ctx: &CliContext<'_>) -> Result<Registry, ConnectionError> {
    let reg = match &ctx.root {
        Some(root) => Registry::open(root)?,
        None => Registry::open_default()?,
    };
    Ok(match &ctx.clock {
        Some(clock) => reg.with_clock(clock.clone()),
        None => reg,
    })
}

fn out_err(e: std::io::Error) -> ConnectionError {
    ConnectionError::io("<stdout>", e)
}

async fn exec(cmd: ConnectionsCommand, ctx: &mut CliContext<'_>) -> Result<(), ConnectionError> {
    let mut reg = open_registry(ctx)?;
    match cmd {
        ConnectionsCommand::Services { json } => output::services(&reg, json, ctx.stdout),
        ConnectionsCommand::List { json } => output::list(&reg, json, ctx.stdout),
        ConnectionsCommand::Show { link, json } => output::show(&reg, &link, json, ctx.stdout),
        ConnectionsCommand::Add(args) => add(&reg, args, ctx),
        ConnectionsCommand::Authorize(args) => authorize(&reg, args, ctx).await,
        ConnectionsCommand::Refresh { link } => {
            let conn = reg.refresh(&link).await?;
            let when = conn.token_expires_at.map_or("no expiry".into(), crate::model::format_time);
            writeln!(ctx.stdout, "refreshed {link}; the token expires {when}").map_err(out_err)
        }
        ConnectionsCommand::Logout { link, revoke } => {
            if revoke && !reg.revoke(&link).await? {
                writeln!(
                    ctx.stdout,
                    "nothing was revoked at the provider (no revocation endpoint or no token)"
                )
                .map_err(out_err)?;
            }
            reg.deauthorize(&link)?;
            writeln!(ctx.stdout, "forgot the credentials of {link}; run `dg connections authorize {link}` to use it again").map_err(out_err)
        }
        ConnectionsCommand::Remove { link } => {
            reg.remove_connection(&link)?;
            writeln!(ctx.stdout, "removed {link}").map_err(out_err)
        }
        ConnectionsCommand::Service(ServiceCommand::Add { file }) => {
            let s = reg.add_service_file(&file)?;
            writeln!(ctx.stdout, "added service {} ({})", s.name, s.auth.as_str()).map_err(out_err)
        }
        ConnectionsCommand::Service(ServiceCommand::Remove { name }) => {
            reg.remove_service(&name)?;
            writeln!(ctx.stdout, "removed service {name}").map_err(out_err)
        }
        ConnectionsCommand::Service(ServiceCommand::Show { name, json }) => {
            output::service(&reg, &name, json, ctx.stdout)
        }
    }
}

fn add(reg: &Registry, args: AddArgs, ctx: &mut CliContext<'_>) -> Result<(), ConnectionError> {
    let mut config = BTreeMap::new();
    for kv in &args.config {
        let (k, v) = kv.split_once('=').ok_or_else(|| {
            ConnectionError::Invalid(format!("--config expects KEY=VALUE, got \"{kv}\""))
        })?;
        config.insert(k.trim().to_string(), v.trim().to_string());
    }
    let client_secret = if args.client_secret_stdin {
        Some(read_secret_line(ctx.stdin, "client secret")?)
    } else {
        None
    };
    let scopes = args
        .scopes
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let conn = reg.add_connection(NewConnection {
        link: args.link,
        service: args.service,
        scopes,
        dc: args.dc,
        client_id: args.client_id,
        client_secret,
        config,
        replace: args.force,
    })?;
    let service = reg.service_of(&conn.link)?;
    writeln!(ctx.stdout, "added connection {} ({})", conn.link, service.display_name)
        .map_err(out_err)?;
    if service.grant() == Some(Grant::AuthorizationCode) {
        let port = service.oauth2.as_ref().and_then(|o| o.redirect_port);
        let uri = port.map_or("http://127.0.0.1:PORT/callback (any port)".into(), |p| {
            format!("http://127.0.0.1:{p}/callback")
        });
        writeln!(ctx.stdout, "redirect URI to register with your OAuth app: {uri}")
            .map_err(out_err)?;
    }
    writeln!(ctx.stdout, "next: dg connections authorize {}", conn.link).map_err(out_err)
}
