//! The builtin function table (`data/builtins.toml`).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

/// The kind of value a builtin works on, as Zoho's help groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Text,
    Number,
    Date,
    List,
    Map,
    /// Functions that take a list or a map (Zoho's "Collection" functions).
    Collection,
    /// JSON text (`toMap`, `toJSONList`, `getJSON` on text).
    Json,
    /// Conversions and type checks that take any value.
    Convert,
    /// `zoho.encryption.*`.
    Crypto,
    /// FILE values (`getFileName`, `toFile`, ...).
    File,
    Xml,
    Misc,
}

impl Family {
    /// The family's name in lower case, as in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Text => "text",
            Family::Number => "number",
            Family::Date => "date",
            Family::List => "list",
            Family::Map => "map",
            Family::Collection => "collection",
            Family::Json => "json",
            Family::Convert => "convert",
            Family::Crypto => "crypto",
            Family::File => "file",
            Family::Xml => "xml",
            Family::Misc => "misc",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One builtin function: its name as Zoho spells it, other names of the same
/// function, and one form per kind of value it works on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinDoc {
    /// Zoho's spelling: `toUpperCase`, `zoho.encryption.base64Encode`.
    pub name: String,
    /// Other names that call the same function with the same forms (`upper`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// At least one form; several when the name works on several kinds of value
    /// (`contains` on text and on collections).
    #[serde(rename = "form")]
    pub forms: Vec<BuiltinForm>,
}

/// The builtin on one kind of value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinForm {
    pub family: Family,
    /// As Zoho's pages write it: `<text>.subString(<start_index>, [<end_index>])`.
    pub signature: String,
    /// Zoho's type name of the result (`TEXT`, `NUMBER`, `LIST`, …); `NONE` for a
    /// mutator used as a statement, `ANY` when it depends on the content.
    pub returns: String,
    /// One line, in our words.
    pub summary: String,
    /// The Zoho help page.
    pub url: String,
}

impl BuiltinDoc {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The family of the first form (the one a hover shows first).
    pub fn family(&self) -> Family {
        self.forms[0].family
    }

    /// The form for a family, if the builtin has one.
    pub fn form(&self, family: Family) -> Option<&BuiltinForm> {
        self.forms.iter().find(|f| f.family == family)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    builtin: Vec<BuiltinDoc>,
}

struct Table {
    docs: Vec<BuiltinDoc>,
    /// Lower-case name or alias → index into `docs`.
    index: HashMap<String, usize>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: File = toml::from_str(include_str!("../data/builtins.toml"))
            .unwrap_or_else(|e| panic!("data/builtins.toml is invalid: {e}"));
        let mut index = HashMap::new();
        for (i, doc) in file.builtin.iter().enumerate() {
            assert!(!doc.forms.is_empty(), "builtin {} has no form", doc.name);
            for name in doc.names() {
                let previous = index.insert(name.to_ascii_lowercase(), i);
                assert!(previous.is_none(), "builtin name {name} is documented twice");
            }
        }
        Table { docs: file.builtin, index }
    })
}

/// Every documented builtin, in the order of the data file (grouped by family).
pub fn builtins() -> &'static [BuiltinDoc] {
    &table().docs
}

/// The documentation of a builtin by name or alias, case-insensitively
/// (`"toUpperCase"`, `"upper"`, `"zoho.encryption.md5"`).
pub fn builtin(name: &str) -> Option<&'static BuiltinDoc> {
    let t = table();
    t.index.get(&name.to_ascii_lowercase()).map(|&i| &t.docs[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_finds_aliases() {
        let upper = builtin("UPPER").expect("upper is documented");
        assert_eq!(upper.name, "toUpperCase");
        assert!(std::ptr::eq(upper, builtin("touppercase").unwrap()));
        assert_eq!(builtin("zoho.encryption.MD5").unwrap().family(), Family::Crypto);
        assert!(builtin("noSuchFunction").is_none());
    }

    #[test]
    fn names_with_several_forms_keep_each_family() {
        let contains = builtin("contains").unwrap();
        assert_eq!(contains.form(Family::Text).unwrap().returns, "BOOLEAN");
        assert!(contains.form(Family::Collection).unwrap().signature.starts_with("<collection>"));
        assert!(contains.form(Family::Date).is_none());
    }

    #[test]
    fn every_form_is_filled_in() {
        for doc in builtins() {
            for form in &doc.forms {
                assert!(
                    form.url.starts_with("https://www.zoho.com/")
                        || form.url.starts_with("https://zoho.com/"),
                    "{}: the help link must be a Zoho page, got {}",
                    doc.name,
                    form.url
                );
                assert!(!form.summary.is_empty() && !form.summary.contains('\n'), "{}", doc.name);
                assert!(!form.returns.is_empty(), "{}", doc.name);
                // The signature names the function (or an alias) it documents.
                let sig = form.signature.to_ascii_lowercase();
                assert!(
                    doc.names().any(|n| sig.contains(&format!("{}(", n.to_ascii_lowercase()))),
                    "{}: signature {} does not call it",
                    doc.name,
                    form.signature
                );
            }
        }
    }
}
