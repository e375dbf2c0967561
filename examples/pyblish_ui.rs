//! A Pyblish UI: the window side of Pyblish's IPC pattern, where a host application and a
//! separate UI process each run an XML-RPC server and call each other (see
//! `pyblish_host.rs` for the other side).
//!
//! The UI runs an XML-RPC server of its own, at a port its hosts know (9090). A host calls
//! `show(port, settings)` to say where it listens; the UI then calls `ping`, `discover` and
//! `context` on `http://127.0.0.1:PORT/pyblish`. The host keeps sending `heartbeat(port)`.
//!
//! ```text
//! pyblish_ui [--listen ADDR] [--secret S]
//! ```
//!
//! * `--listen` (default `127.0.0.1:9090`): the first line on stdout is
//!   `listening on http://HOST:PORT/`, printed once connections are accepted.
//! * `--secret`: the password the hosts want (HTTP Basic auth, user name `pyblish`).
//!
//! It then prints one line per event: `show from PORT title TITLE` (`-` without a title),
//! `host ping ok: MESSAGE`, `host discover ok: N plugins`, `host context ok: N instances`,
//! `host METHOD failed: ERROR`, `heartbeat from PORT`, `hide`, `quit`, `ping` and
//! `find_available_port START -> PORT`. It runs until `quit` is called, or until SIGINT or
//! SIGTERM, then shuts down gracefully and exits 0.

// The shared conventions of the examples: the `listening on` line, the signal handlers and the flags (`cli::Flags`).
// This example reads a longer command line of its own, so `cli::listen_addr` goes unused.
#[allow(dead_code)]
#[path = "support/cli.rs"]
mod cli;

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use rpc_runtime::Fault;
use rpc_runtime::server::Server;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// What the Pyblish UI serves to its hosts.
#[rpc_runtime::service(server)]
pub trait Ui {
    /// The host tells where it listens; the UI then asks it for its plugins and context.
    async fn show(&self, port: u16, settings: Option<Settings>) -> bool;
    /// Hides the window.
    async fn hide(&self) -> bool;
    /// Closes the UI once this call is answered.
    async fn quit(&self) -> bool;
    /// The host at `port` is still there.
    async fn heartbeat(&self, port: u16);
    /// Connectivity check.
    async fn ping(&self) -> Greeting;
    /// The first port from `start` (default 9001) on that 127.0.0.1 can bind.
    ///
    /// A plain `fn`: it runs on the blocking pool, since binding is a blocking call.
    fn find_available_port(&self, start: Option<u16>) -> Result<u16, Fault>;
}

/// The part of the host's service that the UI calls. The types read only the members the UI
/// uses; the others are skipped.
#[rpc_runtime::service(client)]
pub trait Host {
    /// Connectivity check.
    async fn ping(&self) -> Greeting;
    /// The plugins, in processing order.
    async fn discover(&self) -> Vec<PluginSummary>;
    /// The context: the scene's data and its instances.
    async fn context(&self) -> ContextSummary;
}

/// The answer to `ping`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Greeting {
    /// Always "Hello, whomever you are".
    pub message: String,
}

/// Window settings a host may send with `show`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The window's title.
    #[serde(rename = "WindowTitle")]
    pub window_title: Option<String>,
    /// Width and height.
    #[serde(rename = "WindowSize")]
    pub window_size: Option<Vec<u32>>,
}

/// What the UI reads of a plugin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PluginSummary {
    /// Class name.
    pub name: String,
    /// Where it runs in the sequence.
    pub order: f64,
    /// The families of instances it processes.
    pub families: Vec<String>,
}

/// What the UI reads of the context.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContextSummary {
    /// The instances.
    pub children: Vec<InstanceSummary>,
}

/// What the UI reads of an instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceSummary {
    /// Name shown in the UI.
    pub name: String,
    /// Identifier.
    pub id: String,
}

const GREETING: &str = "Hello, whomever you are";

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // Nobody reads stdout any more once it is closed: nothing left to report to.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for the user-info part.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn host_url(port: u16, secret: Option<&str>) -> String {
    match secret {
        Some(secret) => format!(
            "http://pyblish:{}@127.0.0.1:{port}/pyblish",
            percent_encode(secret)
        ),
        None => format!("http://127.0.0.1:{port}/pyblish"),
    }
}

/// Asks the host that just said hello for what the window shows.
async fn call_host(port: u16, secret: Option<String>) {
    let host = match HostClient::new(&host_url(port, secret.as_deref())) {
        Ok(host) => host,
        Err(e) => return say(&format!("host ping failed: {e}")),
    };
    match host.ping().await {
        Ok(greeting) => say(&format!("host ping ok: {}", greeting.message)),
        Err(e) => say(&format!("host ping failed: {e}")),
    }
    match host.discover().await {
        Ok(plugins) => say(&format!("host discover ok: {} plugins", plugins.len())),
        Err(e) => say(&format!("host discover failed: {e}")),
    }
    match host.context().await {
        Ok(context) => say(&format!(
            "host context ok: {} instances",
            context.children.len()
        )),
        Err(e) => say(&format!("host context failed: {e}")),
    }
}

/// The UI's state, shared by every call.
struct PyblishUi {
    secret: Option<String>,
    quit: Arc<Notify>,
}

impl Ui for PyblishUi {
    async fn show(&self, port: u16, settings: Option<Settings>) -> bool {
        let title = settings
            .and_then(|s| s.window_title)
            .unwrap_or_else(|| "-".to_owned());
        say(&format!("show from {port} title {title}"));
        tokio::spawn(call_host(port, self.secret.clone()));
        true
    }

    async fn hide(&self) -> bool {
        say("hide");
        true
    }

    async fn quit(&self) -> bool {
        say("quit");
        // The server stops accepting, answers this call, then ends.
        self.quit.notify_one();
        true
    }

    async fn heartbeat(&self, port: u16) {
        say(&format!("heartbeat from {port}"));
    }

    async fn ping(&self) -> Greeting {
        say("ping");
        Greeting {
            message: GREETING.to_owned(),
        }
    }

    fn find_available_port(&self, start: Option<u16>) -> Result<u16, Fault> {
        let start = start.unwrap_or(9001);
        let found = (start..=u16::MAX).find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok());
        match found {
            Some(port) => {
                say(&format!("find_available_port {start} -> {port}"));
                Ok(port)
            }
            None => Err(Fault::invalid_params(format!(
                "no free port from {start} on"
            ))),
        }
    }
}

struct Options {
    listen: SocketAddr,
    secret: Option<String>,
}

const USAGE: &str = "usage: pyblish_ui [--listen ADDR] [--secret S]
  --listen ADDR  address to bind (default 127.0.0.1:9090; port 0 picks a free port)
  --secret S     the password the hosts want (HTTP Basic auth)";

/// The command line (`--flag VALUE` or `--flag=VALUE`), or `None` for `--help`.
fn parse_options(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 9090)),
        secret: None,
    };
    let mut flags = cli::Flags::new(args);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => options.listen = flags.parsed()?,
            "--secret" => options.secret = Some(flags.value()?),
            _ => return Err(flags.unknown()),
        }
    }
    Ok(Some(options))
}

#[tokio::main]
async fn main() {
    let options = cli::parsed_or_exit("pyblish_ui", USAGE, parse_options(std::env::args().skip(1)));
    if let Err(e) = run(options).await {
        eprintln!("pyblish_ui: {e}");
        std::process::exit(1);
    }
}

async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let quit = Arc::new(Notify::new());
    let ui = PyblishUi {
        secret: options.secret,
        quit: Arc::clone(&quit),
    };
    let server = Server::builder()
        .path("/")
        .service(UiServer::new(ui))
        .bind(options.listen)
        .await?;
    // The handlers are in place before the `listening on` line: a signal right after it
    // still stops the UI gracefully.
    let signals = cli::shutdown_signal();
    let stop = async move {
        tokio::select! {
            () = signals => {}
            () = quit.notified() => {}
        }
    };
    cli::announce(server.local_addr(), "/");
    server.serve_with_shutdown(stop).await?;
    Ok(())
}
