//! `dg.toml`: the project's settings.
//!
//! ```toml
//! [project]
//! name = "crm_org"
//! include = ["**/*.dg", "**/*.deluge", "**/*.ds"]   # the default
//! exclude = ["old/**"]
//!
//! [check]
//! allow = ["external-function"]                     # warnings never reported
//!
//! [format]
//! indent = "tab"                                    # or a number of spaces
//! line_width = 100
//! ```

use dg_syntax::Code;
use serde::Deserialize;
use std::fmt;

/// The project file's name.
pub const CONFIG_FILE: &str = "dg.toml";

/// Files that belong to a project unless `include` says otherwise.
pub const DEFAULT_INCLUDE: &[&str] = &["**/*.dg", "**/*.deluge", "**/*.ds"];

/// Folders never searched: build output, dependencies, VCS metadata.
pub const ALWAYS_EXCLUDED: &[&str] = &["**/target/**", "**/node_modules/**", "**/.*/**"];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: Option<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Warnings silenced in the whole project.
    pub allow: Vec<Code>,
    pub format: FormatConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            name: None,
            include: DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            allow: Vec::new(),
            format: FormatConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indent {
    Tab,
    Spaces(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatConfig {
    pub indent: Indent,
    pub line_width: u16,
}

impl Default for FormatConfig {
    fn default() -> FormatConfig {
        FormatConfig { indent: Indent::Tab, line_width: 100 }
    }
}

/// A `dg.toml` that cannot be used, with the line and column of the problem when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    /// 1-based.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", CONFIG_FILE, self.message),
            _ => write!(f, "{}: {}", CONFIG_FILE, self.message),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    project: RawProject,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    format: RawFormat,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: Option<String>,
    include: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFormat {
    indent: Option<toml::Value>,
    line_width: Option<i64>,
}

impl Config {
    /// Parses the text of a `dg.toml`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            ConfigError { message: e.message().to_string(), line, column }
        })?;
        let err = |message: String| ConfigError { message, line: None, column: None };
        let mut config = Config { name: raw.project.name, ..Config::default() };
        if let Some(include) = raw.project.include {
            config.include = include;
        }
        config.exclude = raw.project.exclude;
        for pattern in config.include.iter().chain(&config.exclude) {
            globset::Glob::new(pattern)
                .map_err(|e| err(format!("pattern '{pattern}' is not a valid glob: {e}")))?;
        }
        for name in raw.check.allow {
            let code = Code::parse(&name).ok_or_else(|| {
                err(format!(
                    "[check] allow: '{name}' is not a diagnostic name (see docs/diagnostics.md)"
                ))
            })?;
            if code.severity() == dg_syntax::Severity::Error {
                return Err(err(format!(
                    "[check] allow: '{name}' is an error, and errors cannot be silenced"
                )));
            }
            config.allow.push(code);
        }
        match raw.format.indent {
            None => {}
            Some(toml::Value::String(s)) if s == "tab" => config.format.indent = Indent::Tab,
            Some(toml::Value::Integer(n)) if (1..=16).contains(&n) => {
                config.format.indent = Indent::Spaces(n as u8)
            }
            Some(other) => {
                return Err(err(format!(
                "[format] indent must be \"tab\" or a number of spaces from 1 to 16, not {other}"
            )))
            }
        }
        if let Some(w) = raw.format.line_width {
            if !(20..=1000).contains(&w) {
                return Err(err(format!(
                    "[format] line_width must be between 20 and 1000, not {w}"
                )));
            }
            config.format.line_width = w as u16;
        }
        Ok(config)
    }

    /// The `dg.toml` that `dg init` writes.
    pub fn template(name: &str) -> String {
        format!(
            "# A dg project: every .dg, .deluge and .ds file under this folder.\n\
             # Their functions can call each other (standalone.f(), thisapp.f()).\n\
             [project]\n\
             name = \"{name}\"\n\
             # include = [\"**/*.dg\", \"**/*.deluge\", \"**/*.ds\"]\n\
             # exclude = [\"old/**\"]\n\
             \n\
             [check]\n\
             # Warnings to silence in the whole project (names from docs/diagnostics.md).\n\
             allow = []\n\
             \n\
             [format]\n\
             indent = \"tab\"\n\
             line_width = 100\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_template() {
        let c = Config::parse("").unwrap();
        assert_eq!(c, Config::default());
        let t = Config::parse(&Config::template("org")).unwrap();
        assert_eq!(t.name.as_deref(), Some("org"));
        assert_eq!(t.format, FormatConfig::default());
    }

    #[test]
    fn settings() {
        let c = Config::parse(
            "[project]\ninclude = [\"src/**/*.dg\"]\nexclude = [\"old/**\"]\n[check]\nallow = [\"W0202\", \"assign-in-condition\"]\n[format]\nindent = 4\nline_width = 80\n",
        )
        .unwrap();
        assert_eq!(c.include, ["src/**/*.dg"]);
        assert_eq!(c.allow, [Code::ExternalFunction, Code::AssignInCondition]);
        assert_eq!(c.format, FormatConfig { indent: Indent::Spaces(4), line_width: 80 });
    }

    #[test]
    fn errors_are_located_and_clear() {
        let e = Config::parse("[project]\nname = \n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(8)), "{e}");
        let e = Config::parse("[projet]\n").unwrap_err();
        assert!(e.message.contains("projet"), "{e}");
        let e = Config::parse("[check]\nallow = [\"nope\"]").unwrap_err();
        assert!(e.message.contains("nope"), "{e}");
        let e = Config::parse("[check]\nallow = [\"unknown-function\"]").unwrap_err();
        assert!(e.message.contains("cannot be silenced"), "{e}");
        let e = Config::parse("[project]\ninclude = [\"a/[\"]").unwrap_err();
        assert!(e.message.contains("glob"), "{e}");
        let e = Config::parse("[format]\nindent = \"spaces\"").unwrap_err();
        assert!(e.message.contains("indent"), "{e}");
    }
}
