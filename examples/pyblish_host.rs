//! A Pyblish host: the publishing side of Pyblish's IPC pattern, where a host application
//! and a separate UI process each run an XML-RPC server and call each other (see
//! `pyblish_ui.rs` for the other side).
//!
//! A host application runs an XML-RPC server of its own at `/pyblish`, tells the UI at
//! `http://127.0.0.1:UI_PORT/` where it listens (`show`), and then sends it a `heartbeat`
//! about once a second from a tokio task of its own, so heartbeats go on while a long `process`
//! call is being served.
//!
//! ```text
//! pyblish_host [--listen ADDR] [--ui-port PORT] [--secret S]
//!              [--process-delay-ms MS] [--heartbeat-ms MS]
//! ```
//!
//! * `--listen` (default `127.0.0.1:0`, a free port): the first line on stdout is
//!   `listening on http://HOST:PORT/pyblish`, printed once connections are accepted.
//! * `--ui-port` (default 9090, where the Pyblish UI listens).
//! * `--secret`: every request must carry HTTP Basic auth with this password (any user
//!   name), otherwise it is answered with 401.
//! * `--process-delay-ms` (default 3000): how long the `ExtractSlowly` plugin works.
//! * `--heartbeat-ms` (default 1000): the heartbeat interval.
//!
//! It then prints one line per event: `ui show ok: true`, `ui show failed: ERROR`,
//! `ui heartbeat ok`, `ui heartbeat failed: ERROR`, `call METHOD` for every call it serves
//! and `emit SIGNAL (KWARG, ...)`. It runs until SIGINT or SIGTERM, then shuts down
//! gracefully and exits 0.

// The shared conventions of the examples: the `listening on` line, the signal handlers and the flags (`cli::Flags`).
// This example reads a longer command line of its own, so `cli::listen_addr` goes unused.
#[allow(dead_code)]
#[path = "support/cli.rs"]
mod cli;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rpc_runtime::server::{Server, basic_credentials};
use rpc_runtime::{Fault, Value};
use serde::{Deserialize, Serialize};

/// What a Pyblish host serves to its UI.
#[rpc_runtime::service(server)]
pub trait Host {
    /// Connectivity check.
    async fn ping(&self) -> Greeting;
    /// How many calls this host has served, this one included.
    async fn stats(&self) -> Stats;
    /// Goes back to the freshly collected scene.
    async fn reset(&self);
    /// The context: the scene's data and its instances.
    async fn context(&self) -> Context;
    /// The plugins, in processing order.
    async fn discover(&self) -> Vec<Plugin>;
    /// Runs a plugin, on an instance when the plugin processes instances, or one of its
    /// actions.
    async fn process(
        &self,
        plugin: Ref,
        instance: Option<Ref>,
        action: Option<String>,
    ) -> Result<ProcessResult, Fault>;
    /// Repairs what a plugin found wrong, on one instance or on all of them.
    async fn repair(&self, plugin: Ref, instance: Option<Ref>) -> Result<ProcessResult, Fault>;
    /// Tells the host that something happened in the UI.
    async fn emit(&self, signal: String, kwargs: Value);
}

/// The part of the UI's service that a host calls.
#[rpc_runtime::service(client)]
pub trait Ui {
    /// Tells the UI where the host listens, with optional window settings.
    async fn show(&self, port: u16, settings: Option<Settings>) -> bool;
    /// Tells the UI that the host at `port` is still there.
    async fn heartbeat(&self, port: u16);
}

/// The answer to `ping`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Greeting {
    /// Always "Hello, whomever you are".
    pub message: String,
}

/// The answer to `stats`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stats {
    /// Calls served so far.
    #[serde(rename = "totalRequestCount")]
    pub total_request_count: u64,
}

/// The publishing context: data about the scene and the instances to publish.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Context {
    /// The instances.
    pub children: Vec<Instance>,
    /// Data about the scene.
    pub data: ContextData,
}

/// Data about the scene.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContextData {
    /// Label shown in the UI.
    pub label: String,
    /// The scene file.
    pub current_file: String,
    /// Who publishes.
    pub user: String,
    /// The artist's comment, nil until there is one.
    pub comment: Option<String>,
}

/// One thing to publish. Callers may send back only its `id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Instance {
    /// Name shown in the UI.
    pub name: String,
    /// Identifier, unique in the context.
    pub id: String,
    /// Family and other data.
    pub data: InstanceData,
    /// Nested instances.
    pub children: Vec<Instance>,
}

/// Data of an instance.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceData {
    /// What kind of thing it is (`model`, `rig`, ...).
    pub family: String,
    /// Whether it is to be published.
    pub publish: bool,
    /// Label shown in the UI.
    pub label: String,
    /// First and last frame.
    pub frames: Vec<i32>,
}

/// A plugin, as `discover` describes it. Callers may send back only its `id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Plugin {
    /// Identifier.
    pub id: String,
    /// Class name.
    pub name: String,
    /// Label shown in the UI.
    pub label: String,
    /// `Collector`, `Validator`, `Extractor` or `Integrator`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it runs in the sequence.
    pub order: f64,
    /// The families of instances it processes (`*`: all).
    pub families: Vec<String>,
    /// Whether the user may switch it off.
    pub optional: bool,
    /// Whether `repair` does something for it.
    #[serde(rename = "hasRepair")]
    pub has_repair: bool,
    /// Documentation.
    pub doc: String,
    /// What the user can do after it ran.
    pub actions: Vec<Action>,
    /// The arguments its `process` takes.
    pub process: Signature,
    /// The arguments its `repair` takes.
    pub repair: Signature,
}

/// An action a plugin offers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Action {
    /// Identifier, as `process` takes it.
    pub id: String,
    /// Label shown in the UI.
    pub label: String,
    /// When it is offered: `all`, `failed` or `succeeded`.
    pub on: String,
}

/// The arguments of a plugin's method.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Signature {
    /// Argument names: `context` or `instance`.
    pub args: Vec<String>,
}

/// A plugin or an instance as a caller names it: usually the whole struct that `discover`
/// or `context` gave, of which only `id` (or, without one, `name`) is read; the other
/// members are skipped, whatever their types.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ref {
    /// Identifier.
    pub id: String,
    /// Name, used when there is no `id`.
    pub name: String,
}

impl Ref {
    fn key(&self) -> &str {
        if self.id.is_empty() {
            &self.name
        } else {
            &self.id
        }
    }
}

/// The outcome of `process` or `repair`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessResult {
    /// Whether the plugin ran without error.
    pub success: bool,
    /// The plugin's id.
    pub plugin: String,
    /// The instance's id, nil when none was given.
    pub instance: Option<String>,
    /// The action run, nil for a plain `process`.
    pub action: Option<String>,
    /// What went wrong, nil on success.
    pub error: Option<PluginError>,
    /// What the plugin logged.
    pub records: Vec<Record>,
    /// Milliseconds it took.
    pub duration: f64,
}

/// What went wrong in a plugin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PluginError {
    /// The message for the user.
    pub message: String,
}

/// One log record of a plugin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// The plugin that logged it.
    pub name: String,
    /// `INFO`, `WARNING`, ...
    pub levelname: String,
    /// The text.
    pub message: String,
}

/// Window settings sent with `show`.
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

const GREETING: &str = "Hello, whomever you are";

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // Nobody reads stdout any more once it is closed: nothing left to report to.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

fn plugin(id: &str, kind: &str, order: f64, families: &[&str], arg: &str, doc: &str) -> Plugin {
    Plugin {
        id: id.to_owned(),
        name: id.to_owned(),
        label: id.to_owned(),
        kind: kind.to_owned(),
        order,
        families: families.iter().map(|f| (*f).to_owned()).collect(),
        doc: doc.to_owned(),
        process: Signature {
            args: vec![arg.to_owned()],
        },
        ..Plugin::default()
    }
}

/// A collector, a validator with a repair and an action, and an extractor that takes a while.
fn sample_plugins() -> Vec<Plugin> {
    let collect = plugin(
        "CollectInstances",
        "Collector",
        0.0,
        &["*"],
        "context",
        "Finds the instances of the scene.",
    );
    let mut validate = plugin(
        "ValidateNaming",
        "Validator",
        1.0,
        &["model", "rig"],
        "instance",
        "Instance names start with a capital letter.",
    );
    validate.optional = true;
    validate.has_repair = true;
    validate.repair = Signature {
        args: vec!["instance".to_owned()],
    };
    validate.actions = vec![Action {
        id: "SelectInvalid".to_owned(),
        label: "Select invalid".to_owned(),
        on: "failed".to_owned(),
    }];
    let extract = plugin(
        "ExtractSlowly",
        "Extractor",
        2.0,
        &["*"],
        "instance",
        "Writes each instance to disk; takes a while.",
    );
    vec![collect, validate, extract]
}

fn instance(name: &str, family: &str, frames: [i32; 2]) -> Instance {
    Instance {
        name: name.to_owned(),
        id: name.to_owned(),
        data: InstanceData {
            family: family.to_owned(),
            publish: true,
            label: name.to_owned(),
            frames: frames.to_vec(),
        },
        children: Vec::new(),
    }
}

/// Two instances, one of them badly named.
fn sample_context() -> Context {
    Context {
        children: vec![
            instance("Peter01", "rig", [1, 100]),
            instance("richard05", "model", [1, 1]),
        ],
        data: ContextData {
            label: "Scene".to_owned(),
            current_file: "scene.ma".to_owned(),
            user: "artist".to_owned(),
            comment: None,
        },
    }
}

fn starts_upper(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

fn record(plugin: &Plugin, message: String) -> Record {
    Record {
        name: plugin.id.clone(),
        levelname: "INFO".to_owned(),
        message,
    }
}

/// The host's state, shared by every call.
struct PyblishHost {
    calls: AtomicU64,
    plugins: Vec<Plugin>,
    context: Mutex<Context>,
    process_delay: Duration,
}

impl PyblishHost {
    fn hit(&self, method: &str) -> u64 {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        say(&format!("call {method}"));
        n
    }

    fn find_plugin(&self, wanted: &Ref) -> Result<&Plugin, Fault> {
        let key = wanted.key();
        self.plugins
            .iter()
            .find(|p| p.id == key)
            .ok_or_else(|| Fault::invalid_params(format!("no plugin {key:?}")))
    }

    fn find_instance(&self, wanted: Option<&Ref>) -> Result<Option<Instance>, Fault> {
        let Some(wanted) = wanted else {
            return Ok(None);
        };
        let key = wanted.key();
        let context = self.context.lock().unwrap_or_else(|e| e.into_inner());
        match context.children.iter().find(|i| i.id == key) {
            Some(found) => Ok(Some(found.clone())),
            None => Err(Fault::invalid_params(format!("no instance {key:?}"))),
        }
    }
}

fn outcome(
    plugin: &Plugin,
    instance: Option<&Instance>,
    action: Option<String>,
    error: Option<String>,
    records: Vec<Record>,
    start: Instant,
) -> ProcessResult {
    ProcessResult {
        success: error.is_none(),
        plugin: plugin.id.clone(),
        instance: instance.map(|i| i.id.clone()),
        action,
        error: error.map(|message| PluginError { message }),
        records,
        duration: start.elapsed().as_secs_f64() * 1000.0,
    }
}

impl Host for PyblishHost {
    async fn ping(&self) -> Greeting {
        self.hit("ping");
        Greeting {
            message: GREETING.to_owned(),
        }
    }

    async fn stats(&self) -> Stats {
        Stats {
            total_request_count: self.hit("stats"),
        }
    }

    async fn reset(&self) {
        self.hit("reset");
        *self.context.lock().unwrap_or_else(|e| e.into_inner()) = sample_context();
    }

    async fn context(&self) -> Context {
        self.hit("context");
        self.context
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    async fn discover(&self) -> Vec<Plugin> {
        self.hit("discover");
        self.plugins.clone()
    }

    async fn process(
        &self,
        plugin: Ref,
        instance: Option<Ref>,
        action: Option<String>,
    ) -> Result<ProcessResult, Fault> {
        self.hit("process");
        let start = Instant::now();
        let plugin = self.find_plugin(&plugin)?;
        let instance = self.find_instance(instance.as_ref())?;
        let mut records = Vec::new();
        let mut error = None;
        let wants_instance = plugin.process.args.iter().any(|a| a == "instance");
        if let Some(action) = &action {
            if !plugin.actions.iter().any(|a| &a.id == action) {
                return Err(Fault::invalid_params(format!(
                    "plugin {} has no action {action:?}",
                    plugin.id
                )));
            }
            records.push(record(plugin, format!("running action {action}")));
        } else if let (true, None) = (wants_instance, &instance) {
            error = Some(format!("{} processes instances; none given", plugin.id));
        } else {
            match (plugin.id.as_str(), &instance) {
                ("CollectInstances", _) => {
                    let n = self
                        .context
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .children
                        .len();
                    records.push(record(plugin, format!("collected {n} instances")));
                }
                ("ValidateNaming", Some(i)) if starts_upper(&i.name) => {
                    records.push(record(plugin, format!("{} is named well", i.name)));
                }
                ("ValidateNaming", Some(i)) => {
                    error = Some(format!("{} must start with a capital letter", i.name));
                }
                ("ExtractSlowly", Some(i)) => {
                    // An await, not a blocking sleep: other calls are served meanwhile.
                    tokio::time::sleep(self.process_delay).await;
                    records.push(record(plugin, format!("extracted {}", i.name)));
                }
                _ => {}
            }
        }
        Ok(outcome(
            plugin,
            instance.as_ref(),
            action,
            error,
            records,
            start,
        ))
    }

    async fn repair(&self, plugin: Ref, instance: Option<Ref>) -> Result<ProcessResult, Fault> {
        self.hit("repair");
        let start = Instant::now();
        let plugin = self.find_plugin(&plugin)?;
        let instance = self.find_instance(instance.as_ref())?;
        if !plugin.has_repair {
            let error = Some(format!("{} has no repair", plugin.id));
            return Ok(outcome(
                plugin,
                instance.as_ref(),
                None,
                error,
                Vec::new(),
                start,
            ));
        }
        let mut records = Vec::new();
        let mut context = self.context.lock().unwrap_or_else(|e| e.into_inner());
        let targets = context
            .children
            .iter_mut()
            .filter(|i| instance.as_ref().is_none_or(|wanted| wanted.id == i.id));
        for target in targets.filter(|i| !starts_upper(&i.name)) {
            let mut chars = target.name.chars();
            let fixed: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            records.push(record(
                plugin,
                format!("renamed {} to {fixed}", target.name),
            ));
            target.data.label = fixed.clone();
            target.name = fixed;
        }
        drop(context);
        Ok(outcome(
            plugin,
            instance.as_ref(),
            None,
            None,
            records,
            start,
        ))
    }

    async fn emit(&self, signal: String, kwargs: Value) {
        self.hit("emit");
        let names: Vec<&str> = kwargs
            .as_struct()
            .map(|s| s.keys().collect())
            .unwrap_or_default();
        say(&format!("emit {signal} ({})", names.join(", ")));
    }
}

/// Tells the UI where this host listens, then sends heartbeats until the process ends.
async fn talk_to_ui(ui: UiClient, host_port: u16, interval: Duration) {
    let settings = Settings {
        window_title: Some("Pyblish (rust host)".to_owned()),
        window_size: Some(vec![430, 600]),
    };
    match ui.show(host_port, Some(settings)).await {
        Ok(shown) => say(&format!("ui show ok: {shown}")),
        Err(e) => say(&format!("ui show failed: {e}")),
    }
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match ui.heartbeat(host_port).await {
            Ok(()) => say("ui heartbeat ok"),
            Err(e) => say(&format!("ui heartbeat failed: {e}")),
        }
    }
}

/// Whether the request carries HTTP Basic credentials with this password (any user name).
fn authorized(request: &http::request::Parts, secret: &str) -> bool {
    let Some(credentials) = basic_credentials(&request.headers) else {
        return false;
    };
    match credentials.iter().position(|&b| b == b':') {
        Some(colon) => &credentials[colon + 1..] == secret.as_bytes(),
        None => false,
    }
}

struct Options {
    listen: SocketAddr,
    ui_port: u16,
    secret: Option<String>,
    process_delay: Duration,
    heartbeat: Duration,
}

const USAGE: &str = "usage: pyblish_host [--listen ADDR] [--ui-port PORT] [--secret S] \
    [--process-delay-ms MS] [--heartbeat-ms MS]
  --listen ADDR           address to bind (default 127.0.0.1:0: a free port)
  --ui-port PORT          where the UI listens on 127.0.0.1 (default 9090)
  --secret S              require HTTP Basic auth with this password
  --process-delay-ms MS   how long the ExtractSlowly plugin works (default 3000)
  --heartbeat-ms MS       heartbeat interval (default 1000)";

/// The command line (`--flag VALUE` or `--flag=VALUE`), or `None` for `--help`.
fn parse_options(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ui_port: 9090,
        secret: None,
        process_delay: Duration::from_millis(3000),
        heartbeat: Duration::from_millis(1000),
    };
    let mut flags = cli::Flags::new(args);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => options.listen = flags.parsed()?,
            "--ui-port" => options.ui_port = flags.parsed()?,
            "--secret" => options.secret = Some(flags.value()?),
            "--process-delay-ms" => options.process_delay = Duration::from_millis(flags.parsed()?),
            "--heartbeat-ms" => {
                options.heartbeat = Duration::from_millis(flags.parsed::<u64>()?.max(1));
            }
            _ => return Err(flags.unknown()),
        }
    }
    Ok(Some(options))
}

#[tokio::main]
async fn main() {
    let options = cli::parsed_or_exit(
        "pyblish_host",
        USAGE,
        parse_options(std::env::args().skip(1)),
    );
    if let Err(e) = run(options).await {
        eprintln!("pyblish_host: {e}");
        std::process::exit(1);
    }
}

async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let host = PyblishHost {
        calls: AtomicU64::new(0),
        plugins: sample_plugins(),
        context: Mutex::new(sample_context()),
        process_delay: options.process_delay,
    };
    let mut builder = Server::builder()
        .path("/pyblish")
        .service(HostServer::new(host))
        // A `process` call may take long: allow it up to an hour, as pyblish's client waits.
        .handler_timeout(Duration::from_secs(3600));
    if let Some(secret) = options.secret {
        builder = builder.auth(move |request: &http::request::Parts| authorized(request, &secret));
    }
    let server = builder.bind(options.listen).await?;
    let addr = server.local_addr();
    // The handlers are in place before the `listening on` line: a signal right after it
    // still stops the host gracefully.
    let stop = cli::shutdown_signal();
    cli::announce(addr, "/pyblish");

    let ui = UiClient::new(&format!("http://127.0.0.1:{}/", options.ui_port))?;
    let heartbeats = tokio::spawn(talk_to_ui(ui, addr.port(), options.heartbeat));
    let served = server.serve_with_shutdown(stop).await;
    heartbeats.abort();
    Ok(served?)
}
