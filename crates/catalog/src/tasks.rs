//! The integration task table (`data/tasks.toml`), name resolution with API
//! versions, and "did you mean" suggestions.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::distance::edit_distance;

/// One integration task, `zoho.<product>.<task>(…)`.
#[derive(Debug, Clone)]
pub struct TaskDoc {
    /// The full name in lower case: `zoho.crm.getrecordbyid`.
    pub name: String,
    /// The full name as Zoho spells it: `zoho.crm.getRecordById`.
    pub display: String,
    /// The product namespace: `crm`.
    pub product: String,
    /// The parameters in order.
    pub params: Vec<TaskParam>,
    /// The number of required parameters.
    pub min_args: usize,
    /// The number of parameters.
    pub max_args: usize,
    /// Zoho's type name of the result (`KEY-VALUE`, `LIST`, …).
    pub returns: String,
    /// One line, in our words.
    pub summary: String,
    /// The Zoho help page.
    pub url: String,
    /// Whether the parameter list was read on a Zoho page; `false` when it follows
    /// the product's other tasks or common usage.
    pub confirmed: bool,
}

/// A parameter of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskParam {
    /// Zoho's placeholder name without brackets: `module_name`.
    pub name: String,
    /// Zoho's type name; alternatives are separated by `/` (`KEY-VALUE/TEXT`).
    pub ty: String,
    pub optional: bool,
}

impl TaskDoc {
    /// The call as Zoho's pages write it:
    /// `zoho.crm.getRecordById(<module_name>, <record_id>, [<query_value>], [<connection>])`.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| if p.optional { format!("[<{}>]", p.name) } else { format!("<{}>", p.name) })
            .collect();
        format!("{}({})", self.display, params.join(", "))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    name: String,
    params: Vec<String>,
    returns: String,
    summary: String,
    url: String,
    #[serde(default = "yes")]
    confirmed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    task: Vec<RawTask>,
}

fn parse_param(task: &str, spec: &str) -> TaskParam {
    let (name, ty) = spec
        .split_once(':')
        .unwrap_or_else(|| panic!("{task}: parameter {spec:?} must be \"name: TYPE\""));
    let name = name.trim();
    let (name, optional) = match name.strip_suffix('?') {
        Some(n) => (n, true),
        None => (name, false),
    };
    TaskParam { name: name.to_string(), ty: ty.trim().to_string(), optional }
}

fn build(raw: RawTask) -> TaskDoc {
    let params: Vec<TaskParam> = raw.params.iter().map(|p| parse_param(&raw.name, p)).collect();
    let min_args = params.iter().take_while(|p| !p.optional).count();
    assert!(
        params[min_args..].iter().all(|p| p.optional),
        "{}: a required parameter follows an optional one",
        raw.name
    );
    let mut parts = raw.name.split('.');
    let (Some("zoho"), Some(product), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("{}: a task name is zoho.<product>.<task>", raw.name)
    };
    TaskDoc {
        name: raw.name.to_ascii_lowercase(),
        product: product.to_ascii_lowercase(),
        display: raw.name,
        max_args: params.len(),
        min_args,
        params,
        returns: raw.returns,
        summary: raw.summary,
        url: raw.url,
        confirmed: raw.confirmed,
    }
}

struct Table {
    tasks: Vec<TaskDoc>,
    index: HashMap<String, usize>,
    products: Vec<String>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: File = toml::from_str(include_str!("../data/tasks.toml"))
            .unwrap_or_else(|e| panic!("data/tasks.toml is invalid: {e}"));
        let tasks: Vec<TaskDoc> = file.task.into_iter().map(build).collect();
        let mut index = HashMap::new();
        for (i, t) in tasks.iter().enumerate() {
            assert!(
                index.insert(t.name.clone(), i).is_none(),
                "task {} is listed twice",
                t.display
            );
        }
        let mut products: Vec<String> = tasks.iter().map(|t| t.product.clone()).collect();
        products.sort();
        products.dedup();
        Table { tasks, index, products }
    })
}

/// Every documented task, in the order of the data file (grouped by product).
pub fn tasks() -> &'static [TaskDoc] {
    &table().tasks
}

/// The product namespaces the catalog covers, sorted (`bigin`, `books`, `crm`, …).
/// A `zoho.<product>.<name>(…)` call whose product is listed here but whose task
/// is not in the catalog is probably misspelt (see [`suggest_task`]).
pub fn products() -> &'static [String] {
    &table().products
}

/// Whether a name segment is an API version: `v8`, `v2`, `v2_1`.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else { return false };
    let mut parts = rest.splitn(2, '_');
    let major = parts.next().unwrap_or("");
    let minor_ok =
        parts.next().is_none_or(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()));
    !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()) && minor_ok
}

/// The lower-case name without its version segment, when it has one:
/// `zoho.crm.v8.getrecordbyid` → `zoho.crm.getrecordbyid`.
fn unversioned(lower: &str) -> Option<String> {
    let mut parts: Vec<&str> = lower.split('.').collect();
    if parts.len() >= 4 && parts[0] == "zoho" && is_version(parts[2]) {
        parts.remove(2);
        Some(parts.join("."))
    } else {
        None
    }
}

/// The documentation of a task, case-insensitively. A versioned name
/// (`zoho.crm.v8.getRecordById`, `zoho.creator.v2_1.getRecords`) resolves to its
/// own entry when the catalog has one, else to the unversioned task.
pub fn task(name: &str) -> Option<&'static TaskDoc> {
    let t = table();
    let lower = name.to_ascii_lowercase();
    if let Some(&i) = t.index.get(&lower) {
        return Some(&t.tasks[i]);
    }
    let base = unversioned(&lower)?;
    t.index.get(&base).map(|&i| &t.tasks[i])
}

/// The task a misspelt name most likely means: the catalog task of the same
/// product whose name is the fewest edits away (a transposition of two adjacent
/// letters counts as one edit), if it is close enough — at most 1 edit for a
/// task name of up to 5 letters, at most 2 otherwise. A name the catalog has
/// returns its own entry. Ties go to the task listed first.
///
/// `zoho.crm.getRecordByld` → `zoho.crm.getRecordById`.
pub fn suggest_task(name: &str) -> Option<&'static TaskDoc> {
    if let Some(found) = task(name) {
        return Some(found);
    }
    let lower = name.to_ascii_lowercase();
    let lower = unversioned(&lower).unwrap_or(lower);
    let rest = lower.strip_prefix("zoho.")?;
    let (product, op) = rest.split_once('.')?;
    let budget = if op.chars().count() <= 5 { 1 } else { 2 };
    let mut best: Option<(usize, &'static TaskDoc)> = None;
    for t in tasks().iter().filter(|t| t.product == product) {
        // Compare the part after the product; versioned entries compare without
        // their version.
        let candidate = unversioned(&t.name).unwrap_or_else(|| t.name.clone());
        let candidate_op = &candidate["zoho.".len() + product.len() + 1..];
        let d = edit_distance(op, candidate_op);
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, t));
        }
    }
    best.map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_counts_arguments() {
        let t = task("ZOHO.CRM.GETRECORDBYID").expect("getRecordById is documented");
        assert_eq!(t.display, "zoho.crm.getRecordById");
        assert_eq!(t.name, "zoho.crm.getrecordbyid");
        assert_eq!(t.product, "crm");
        assert_eq!((t.min_args, t.max_args), (2, 4));
        assert_eq!(
            t.params[0],
            TaskParam { name: "module_name".into(), ty: "TEXT".into(), optional: false }
        );
        assert!(t.params.last().unwrap().optional);
        assert_eq!(
            t.signature(),
            "zoho.crm.getRecordById(<module_name>, <record_id>, [<query_value>], [<connection>])"
        );
        assert!(task("zoho.crm.noSuchTask").is_none());
        assert!(task("getRecordById").is_none());
    }

    #[test]
    fn versioned_names_resolve_to_their_own_entry_or_the_base_task() {
        let base = task("zoho.crm.getRecordById").unwrap();
        assert!(std::ptr::eq(task("zoho.crm.v8.getRecordById").unwrap(), base));
        assert!(std::ptr::eq(task("zoho.crm.V2_1.getRecordById").unwrap(), base));
        // zoho.creator.v2_1.createRecords has an entry of its own; the unversioned
        // name does not exist.
        let own = task("zoho.creator.v2_1.createRecords").unwrap();
        assert_eq!(own.display, "zoho.creator.v2_1.createRecords");
        assert!(task("zoho.creator.createRecords").is_none());
        // v2_1.createRecord has its own parameters, not those of createRecord.
        assert_eq!(
            task("zoho.creator.v2_1.createRecord").unwrap().display,
            "zoho.creator.v2_1.createRecord"
        );
        // Only a v<digits>[_<digits>] segment is a version.
        assert!(task("zoho.crm.vx.getRecordById").is_none());
        assert!(task("zoho.crm.v.getRecordById").is_none());
        assert!(task("zoho.crm.v2_.getRecordById").is_none());
        // A four-part name that is not versioned is looked up as it is.
        assert_eq!(task("zoho.salesiq.visitorsession.get").unwrap().product, "salesiq");
    }

    #[test]
    fn suggestions_fix_one_or_two_edits_within_the_product() {
        let by_id = |n: &str| suggest_task(n).map(|t| t.display.as_str());
        assert_eq!(by_id("zoho.crm.getRecordByld"), Some("zoho.crm.getRecordById"));
        assert_eq!(by_id("zoho.crm.getRecrodById"), Some("zoho.crm.getRecordById"));
        assert_eq!(by_id("zoho.crm.v8.getRecordByld"), Some("zoho.crm.getRecordById"));
        assert_eq!(by_id("zoho.crm.serchRecords"), Some("zoho.crm.searchRecords"));
        assert_eq!(by_id("zoho.books.getRecordsById"), Some("zoho.books.getRecordsByID"));
        assert_eq!(by_id("zoho.books.getRecordById"), Some("zoho.books.getRecordsByID"));
        assert_eq!(
            by_id("zoho.creator.v2_1.createRecrods"),
            Some("zoho.creator.v2_1.createRecords")
        );
        // Not close enough, another product, or not a zoho.* name at all.
        assert_eq!(by_id("zoho.crm.fetchEverything"), None);
        assert_eq!(by_id("zoho.desk.getRecordByld"), Some("zoho.desk.getRecordById"));
        assert_eq!(by_id("zoho.nosuchproduct.getRecordById"), None);
        assert_eq!(by_id("thisapp.getRecordById"), None);
        // Short names get one edit at most.
        assert_eq!(by_id("zoho.desk.crete"), Some("zoho.desk.create"));
        assert_eq!(by_id("zoho.desk.crt"), None);
    }

    #[test]
    fn products_are_the_namespaces_of_the_tasks() {
        let products = products();
        for p in ["bigin", "billing", "books", "cliq", "creator", "crm", "desk", "inventory"] {
            assert!(products.iter().any(|x| x == p), "{p} is covered");
        }
        assert!(!products.iter().any(|x| x == "encryption"), "zoho.encryption.* are builtins");
        assert!(products.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    }

    #[test]
    fn every_task_is_filled_in() {
        for t in tasks() {
            assert!(
                t.url.starts_with("https://www.zoho.com/")
                    || t.url.starts_with("https://zoho.com/")
                    || t.url.starts_with("https://www.bigin.com/"),
                "{}: the help link must be a Zoho page, got {}",
                t.display,
                t.url
            );
            assert!(!t.summary.is_empty() && !t.summary.contains('\n'), "{}", t.display);
            assert!(
                t.params.iter().all(|p| !p.name.is_empty() && !p.ty.is_empty()),
                "{}",
                t.display
            );
            assert!(t.min_args <= t.max_args);
        }
    }
}
