//! Limits and options of the codec.

/// Limits and options for reading and writing messages.
///
/// Every reader in this crate enforces these; exceeding one is an error of kind
/// [`ErrorKind::Limit`](crate::ErrorKind::Limit), never unbounded memory or recursion.
///
/// | field | default | why |
/// |---|---|---|
/// | `max_depth` | 64 | nesting of arrays and structs; xmlrpc-c uses 64 too |
/// | `max_size` | 8 MiB | bytes of one message; a 4 MiB payload plus its markup fits |
/// | `max_items` | 1,000,000 | items of one array |
/// | `max_members` | 65,536 | members of one struct |
/// | `allow_non_finite` | false | `inf`, `-inf` and `nan` doubles: the spec has none |
///
/// ```
/// use rpc_runtime::Config;
/// let config = Config::default().max_depth(16).max_size(1 << 20);
/// assert_eq!(config.max_depth, 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// How deeply arrays and structs may nest: a value directly in `<param>` is at depth 1.
    pub max_depth: usize,
    /// The size in bytes of one message.
    pub max_size: usize,
    /// The items in one array.
    pub max_items: usize,
    /// The members in one struct.
    pub max_members: usize,
    /// Whether doubles may be infinite or NaN. Off, reading `inf` or `nan` is a type error
    /// and writing one is an encode error, as the spec has it. On, they are read in any
    /// form Rust's `f64` parser accepts and written as Python writes them (`inf`, `-inf`,
    /// `nan`), which Python and xmlrpc-c read.
    pub allow_non_finite: bool,
}

impl Config {
    /// The defaults in the table above.
    pub const DEFAULT: Config = Config {
        max_depth: 64,
        max_size: 8 * 1024 * 1024,
        max_items: 1_000_000,
        max_members: 65_536,
        allow_non_finite: false,
    };

    /// Sets `max_depth`.
    #[must_use]
    pub fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }
    /// Sets `max_size`.
    #[must_use]
    pub fn max_size(mut self, n: usize) -> Self {
        self.max_size = n;
        self
    }
    /// Sets `max_items`.
    #[must_use]
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = n;
        self
    }
    /// Sets `max_members`.
    #[must_use]
    pub fn max_members(mut self, n: usize) -> Self {
        self.max_members = n;
        self
    }
    /// Sets `allow_non_finite`.
    #[must_use]
    pub fn allow_non_finite(mut self, allow: bool) -> Self {
        self.allow_non_finite = allow;
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
    }
}
