//! What the sandbox knows about each Books module: its singular key, id field, messages,
//! mandatory fields and document numbering.

/// Facts about one Books module (the path segment after `/books/v3/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BooksModule {
    /// Path segment and list key: `contacts`.
    pub(crate) path: String,
    /// Key of a single record in responses: `contact`.
    pub(crate) singular: String,
    /// Id field: `contact_id`.
    pub(crate) id_key: String,
    /// Lower-case words for messages: `contact`, `sales order`.
    pub(crate) label: String,
    /// `The … has been added.` (true) or `… has been created.` (false).
    added: bool,
    /// Fields a create must carry.
    pub(crate) mandatory: &'static [&'static str],
    /// Document number field and prefix for new records (`invoice_number`, `INV-`).
    pub(crate) numbering: Option<(&'static str, &'static str)>,
}

/// (path, singular, id field, label, "added", mandatory fields, numbering)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

#[rustfmt::skip]
const KNOWN: &[Row] = &[
    ("contacts", "contact", "contact_id", "contact", true, &["contact_name"], None),
    ("items", "item", "item_id", "item", true, &["name"], None),
    ("invoices", "invoice", "invoice_id", "invoice", false, &["customer_id"], Some(("invoice_number", "INV-"))),
    ("estimates", "estimate", "estimate_id", "estimate", false, &["customer_id"], Some(("estimate_number", "EST-"))),
    ("salesorders", "salesorder", "salesorder_id", "sales order", false, &["customer_id"], Some(("salesorder_number", "SO-"))),
    ("purchaseorders", "purchaseorder", "purchaseorder_id", "purchase order", false, &["vendor_id"], Some(("purchaseorder_number", "PO-"))),
    ("creditnotes", "creditnote", "creditnote_id", "credit note", false, &["customer_id"], Some(("creditnote_number", "CN-"))),
    ("bills", "bill", "bill_id", "bill", false, &["vendor_id"], None),
    ("customerpayments", "payment", "payment_id", "payment", false, &["customer_id"], None),
    ("vendorpayments", "vendorpayment", "payment_id", "payment", false, &["vendor_id"], None),
    ("expenses", "expense", "expense_id", "expense", false, &[], None),
    ("recurringinvoices", "recurring_invoice", "recurring_invoice_id", "recurring invoice", false, &["customer_id"], None),
    ("projects", "project", "project_id", "project", true, &["project_name"], None),
    ("journals", "journal", "journal_id", "journal", false, &[], None),
    ("taxes", "tax", "tax_id", "tax", true, &["tax_name"], None),
    ("users", "user", "user_id", "user", true, &["email"], None),
    ("bankaccounts", "bankaccount", "account_id", "account", false, &["account_name"], None),
    ("chartofaccounts", "chart_of_account", "account_id", "account", false, &["account_name"], None),
];

impl BooksModule {
    /// The module served at `path`: a known one, or a generic one (singular = path without
    /// its trailing `s`) when `known_only` is false.
    pub(crate) fn lookup(path: &str, known_only: bool) -> Option<BooksModule> {
        if let Some(row) = KNOWN.iter().find(|row| row.0 == path) {
            let (path, singular, id_key, label, added, mandatory, numbering) = *row;
            return Some(BooksModule {
                path: path.to_string(),
                singular: singular.to_string(),
                id_key: id_key.to_string(),
                label: label.to_string(),
                added,
                mandatory,
                numbering,
            });
        }
        if known_only || path.is_empty() {
            return None;
        }
        let singular = path.strip_suffix('s').unwrap_or(path).to_string();
        Some(BooksModule {
            path: path.to_string(),
            id_key: format!("{singular}_id"),
            label: singular.replace('_', " "),
            singular,
            added: false,
            mandatory: &[],
            numbering: None,
        })
    }

    /// `The contact has been added.` / `The invoice has been created.`
    pub(crate) fn created_message(&self) -> String {
        let verb = if self.added { "added" } else { "created" };
        format!("The {} has been {verb}.", self.label)
    }

    /// `Contact information has been saved.`
    pub(crate) fn saved_message(&self) -> String {
        format!("{} information has been saved.", capitalised(&self.label))
    }

    /// `The contact has been deleted.`
    pub(crate) fn deleted_message(&self) -> String {
        format!("The {} has been deleted.", self.label)
    }

    /// `Contact does not exist.`
    pub(crate) fn missing_message(&self) -> String {
        format!("{} does not exist.", capitalised(&self.label))
    }
}

/// `text` with its first letter in upper case.
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_generic_modules() {
        let contacts = BooksModule::lookup("contacts", true).unwrap();
        assert_eq!(contacts.created_message(), "The contact has been added.");
        assert_eq!(contacts.saved_message(), "Contact information has been saved.");
        let payments = BooksModule::lookup("customerpayments", true).unwrap();
        assert_eq!(payments.id_key, "payment_id");
        assert!(BooksModule::lookup("widgets", true).is_none());
        let widgets = BooksModule::lookup("widgets", false).unwrap();
        assert_eq!((widgets.singular.as_str(), widgets.id_key.as_str()), ("widget", "widget_id"));
        assert_eq!(widgets.missing_message(), "Widget does not exist.");
    }
}
