//! The command line shared by every example that runs a server.
//!
//! ```text
//! EXAMPLE [--listen ADDR]
//! ```
//!
//! * `--listen ADDR` (or `--listen=ADDR`): the address to bind; `127.0.0.1:0` picks a free
//!   port. Each example has its own default.
//! * Once the server accepts connections, the first line on stdout is
//!   `listening on http://HOST:PORT/PATH`, flushed at once, so a script or a test can read
//!   the port from it.
//! * The server runs until SIGINT (Ctrl-C) or SIGTERM, then stops accepting, lets the calls
//!   in progress finish, and the process exits 0.
//!
//! Each example includes this file with `#[path = "support/cli.rs"] mod cli;`.

use std::io::Write;
use std::net::SocketAddr;

/// The address to listen on, from `--listen`, or `default`; on a bad command line prints
/// the usage to stderr and exits 2; `--help` prints it to stdout and exits 0.
pub(crate) fn listen_addr(program: &str, default: &str) -> SocketAddr {
    let usage = format!(
        "usage: {program} [--listen ADDR]\n  --listen ADDR  address to bind (default {default}; \
         port 0 picks a free port)"
    );
    parsed_or_exit(program, &usage, parse(std::env::args().skip(1), default))
}

/// A parsed command line, or the exit the convention asks for: `Ok(None)` (`--help`) prints
/// `usage` to stdout and exits 0; `Err(message)` prints it with the usage to stderr and
/// exits 2.
pub(crate) fn parsed_or_exit<T>(
    program: &str,
    usage: &str,
    parsed: Result<Option<T>, String>,
) -> T {
    match parsed {
        Ok(Some(value)) => value,
        Ok(None) => {
            println!("{usage}");
            std::process::exit(0);
        }
        Err(message) => {
            eprintln!("{program}: {message}\n{usage}");
            std::process::exit(2);
        }
    }
}

/// Parses the arguments (without the program name): `Ok(None)` for `--help`.
fn parse(args: impl Iterator<Item = String>, default: &str) -> Result<Option<SocketAddr>, String> {
    let mut listen = default.to_owned();
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => listen = flags.value()?,
            _ => return Err(flags.unknown()),
        }
    }
    listen
        .parse()
        .map(Some)
        .map_err(|e| format!("--listen {listen}: {e} (expected HOST:PORT, e.g. 127.0.0.1:0)"))
}

/// A command line read flag by flag, each written `--flag VALUE` or `--flag=VALUE`.
pub(crate) struct Flags<I> {
    args: I,
    /// The flag read last.
    flag: String,
    /// Its value when written `--flag=VALUE`.
    inline: Option<String>,
}

impl<I: Iterator<Item = String>> Flags<I> {
    /// Reads `args` (without the program name).
    pub(crate) fn new(args: I) -> Self {
        Flags {
            args,
            flag: String::new(),
            inline: None,
        }
    }

    /// The next flag (`--listen` of `--listen=ADDR`), or `None` after the last.
    pub(crate) fn next_flag(&mut self) -> Option<String> {
        let arg = self.args.next()?;
        (self.flag, self.inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        Some(self.flag.clone())
    }

    /// The value of the flag read last: after its `=`, or the next argument.
    pub(crate) fn value(&mut self) -> Result<String, String> {
        self.inline
            .take()
            .or_else(|| self.args.next())
            .ok_or_else(|| format!("{} needs a value", self.flag))
    }

    /// The value of the flag read last, parsed.
    #[allow(dead_code)] // Not every example has a flag with a number.
    pub(crate) fn parsed<T: std::str::FromStr>(&mut self) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        let value = self.value()?;
        value.parse().map_err(|e| format!("{}: {e}", self.flag))
    }

    /// The error for the flag read last when the example does not know it.
    pub(crate) fn unknown(&self) -> String {
        format!("unknown argument `{}`", self.flag)
    }
}

/// Prints the `listening on http://ADDR/PATH` line and flushes stdout. `path` starts with `/`.
pub(crate) fn announce(addr: SocketAddr, path: &str) {
    let mut out = std::io::stdout().lock();
    // A closed stdout must not stop the server: the line is for whoever reads it.
    let _ = writeln!(out, "listening on http://{addr}{path}");
    let _ = out.flush();
}

/// Installs the SIGINT and SIGTERM handlers at once and returns a future that completes on
/// the first of them. Call it before [`announce`]: a signal that arrives after the
/// `listening on` line must find the handlers in place, or it would kill the process.
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate()).expect("install the SIGTERM handler");
    let mut interrupt = signal(SignalKind::interrupt()).expect("install the SIGINT handler");
    async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    }
}
