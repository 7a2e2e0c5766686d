//! Unit tests of COQL queries against a small CRM store, and of the route.

use serde_json::{json, Value};

use super::error::CoqlError;
use super::parse::{MAX_CRITERIA, MAX_DEPTH};
use super::run;
use crate::{Body, Request, Sandbox, Service};

const STATE: &str = r#"{"crm": {
  "Accounts": [
    {"id": "100", "Account_Name": "Zylker", "Industry": "Retail", "Parent_Account": {"id": "102"}},
    {"id": "101", "Account_Name": "Acme", "Industry": "Energy"},
    {"id": "102", "Account_Name": "Zylker Holdings", "Industry": "Finance"}
  ],
  "Deals": [
    {"id": "3", "Deal_Name": "Boilers", "Stage": "Closed Won", "Amount": 5000, "Closing_Date": "2024-03-01",
     "Account_Name": {"name": "Zylker", "id": "100"}, "Last_Name": "Ng", "Hot": true,
     "Owner": {"name": "Sandbox User", "id": "5000000000000", "email": "sandbox.user@example.com"},
     "Created_Time": "2024-01-10T09:00:00+05:30"},
    {"id": "1", "Deal_Name": "Pumps", "Stage": "closed won", "Amount": 1500, "Closing_Date": "2024-01-20",
     "Account_Name": {"name": "Acme", "id": "101"}, "Last_Name": "Okafor", "Hot": false,
     "Created_Time": "2024-01-10T05:00:00+00:00"},
    {"id": "2", "Deal_Name": "Valves", "Stage": "Negotiation", "Amount": 800, "Closing_Date": "2024-02-11",
     "Account_Name": {"name": "Zylker", "id": "100"}, "Last_Name": "Ito", "Hot": false,
     "Created_Time": "2024-01-09T23:00:00+00:00"},
    {"id": "4", "Deal_Name": "Pipes", "Stage": "Closed Lost", "Amount": 2500, "Closing_Date": "2024-04-05",
     "Account_Name": null, "Last_Name": "O'Brien", "Hot": true, "Created_Time": "2024-01-11T08:00:00+00:00"},
    {"id": "5", "Deal_Name": "Tanks", "Stage": "Closed Won", "Closing_Date": "2024-05-05",
     "Last_Name": "Abe", "Hot": false, "Created_Time": "2024-01-12T08:00:00+00:00"}
  ],
  "Leads": []
}}"#;

fn sandbox() -> Sandbox {
    Sandbox::from_json(STATE).unwrap()
}

fn query(text: &str) -> Result<Option<Value>, CoqlError> {
    run(&sandbox().crm, text, 100_000)
}

fn rows(text: &str) -> Vec<Value> {
    match query(text) {
        Ok(Some(body)) => body["data"].as_array().cloned().unwrap_or_default(),
        Ok(None) => Vec::new(),
        Err(err) => panic!("{text}: {err:?}"),
    }
}

fn ids(text: &str) -> Vec<String> {
    rows(text).iter().map(|row| row["id"].as_str().unwrap_or("?").to_string()).collect()
}

fn error(text: &str) -> CoqlError {
    match query(text) {
        Err(err) => err,
        Ok(body) => panic!("{text}: expected an error, got {body:?}"),
    }
}

fn deals_where(criteria: &str) -> Vec<String> {
    ids(&format!("select Deal_Name from Deals where {criteria}"))
}

#[test]
fn select_returns_the_fields_then_id() {
    let body = query("select Deal_Name, Amount from Deals where Deal_Name = 'Boilers'").unwrap();
    let body = body.unwrap();
    assert_eq!(
        body.to_string(),
        r#"{"data":[{"Deal_Name":"Boilers","Amount":5000,"id":"3"}],"info":{"count":1,"more_records":false}}"#
    );
    let row = &rows("select id, Amount, Account_Name, Owner from Deals where id = 5")[0];
    assert_eq!(row.to_string(), r#"{"id":"5","Amount":null,"Account_Name":null,"Owner":null}"#);
    let row = &rows("select Account_Name, owner from Deals where id = 3")[0];
    assert_eq!(
        row.to_string(),
        r#"{"Account_Name":{"id":"100"},"Owner":{"id":"5000000000000"},"id":"3"}"#
    );
}

#[test]
fn keywords_and_field_names_ignore_case() {
    let rows =
        rows("SELECT deal_name FROM deals WHERE AMOUNT >= 5000 ORDER BY Amount DESC LIMIT 1");
    assert_eq!(rows[0].to_string(), r#"{"Deal_Name":"Boilers","id":"3"}"#);
}

#[test]
fn lookup_paths_follow_the_id() {
    let found = rows("select Account_Name.Account_Name, Account_Name.Parent_Account.Account_Name, Owner.email from Deals where id = 3");
    assert_eq!(
        found[0].to_string(),
        r#"{"Account_Name.Account_Name":"Zylker","Account_Name.Parent_Account.Account_Name":"Zylker Holdings","Owner.email":"sandbox.user@example.com","id":"3"}"#
    );
    assert_eq!(deals_where("Account_Name.Account_Name = 'zylker'"), ["2", "3"]);
    assert_eq!(deals_where("Account_Name.Industry in ('Energy', 'Finance')"), ["1"]);
    assert_eq!(deals_where("Account_Name = '101'"), ["1"]);
    assert_eq!(deals_where("Account_Name is null"), ["4", "5"]);
    let none = rows("select Account_Name.Account_Name from Deals where id = 4");
    assert_eq!(none[0]["Account_Name.Account_Name"], Value::Null);
}

#[test]
fn aliases_name_the_columns() {
    let row = &rows("select Deal_Name as 'Deal', Amount as Value from Deals where id = 1")[0];
    assert_eq!(row.to_string(), r#"{"Deal":"Pumps","Value":1500,"id":"1"}"#);
    assert_eq!(
        ids("select Amount as v from Deals where Amount > 0 order by v desc"),
        ["3", "4", "1", "2"]
    );
}

#[test]
fn comparison_operators() {
    assert_eq!(deals_where("Amount = 1500"), ["1"]);
    assert_eq!(deals_where("Amount = '1500'"), ["1"]);
    assert_eq!(deals_where("Amount != 1500"), ["2", "3", "4"], "!= skips empty fields");
    assert_eq!(deals_where("Amount <> 1500"), ["2", "3", "4"]);
    assert_eq!(deals_where("Amount < 1500"), ["2"]);
    assert_eq!(deals_where("Amount <= 1500"), ["1", "2"]);
    assert_eq!(deals_where("Amount > 1500"), ["3", "4"]);
    assert_eq!(deals_where("Amount >= 1500"), ["1", "3", "4"]);
    assert_eq!(deals_where("Amount > -1"), ["1", "2", "3", "4"]);
    assert_eq!(deals_where("Amount >= 1000.5"), ["1", "3", "4"]);
}

#[test]
fn text_equality_ignores_case() {
    assert_eq!(deals_where("Stage = 'Closed Won'"), ["1", "3", "5"]);
    assert_eq!(deals_where("Stage != 'closed WON'"), ["2", "4"]);
    assert_eq!(deals_where("Last_Name = 'O''Brien'"), ["4"]);
    assert_eq!(deals_where(r"Last_Name = 'O\'Brien'"), ["4"]);
    assert_eq!(deals_where(r#"Last_Name = "o'brien""#), ["4"]);
}

#[test]
fn like_and_not_like() {
    assert_eq!(deals_where("Deal_Name like 'P%'"), ["1", "4"]);
    assert_eq!(deals_where("Deal_Name like '%s'"), ["1", "2", "3", "4", "5"]);
    assert_eq!(deals_where("Deal_Name like '%ILE%'"), ["3"]);
    assert_eq!(deals_where("Deal_Name not like '%p%'"), ["2", "3", "5"]);
    assert_eq!(deals_where("Deal_Name like 'Pumps'"), ["1"]);
}

#[test]
fn in_and_not_in() {
    assert_eq!(deals_where("Stage in ('Negotiation', 'closed lost')"), ["2", "4"]);
    assert_eq!(deals_where("Stage not in ('Closed Won')"), ["2", "4"]);
    assert_eq!(deals_where("Amount in (800, 5000)"), ["2", "3"]);
    assert_eq!(deals_where("Amount not in (800)"), ["1", "3", "4"]);
    assert_eq!(deals_where("id in ('1', 4)"), ["1", "4"]);
}

#[test]
fn between_and_not_between() {
    assert_eq!(deals_where("Amount between 800 and 2500"), ["1", "2", "4"]);
    assert_eq!(deals_where("Amount not between 800 and 2500"), ["3"]);
    assert_eq!(deals_where("Closing_Date between '2024-02-01' and '2024-04-05'"), ["2", "3", "4"]);
}

#[test]
fn dates_and_datetimes_compare_chronologically() {
    assert_eq!(deals_where("Closing_Date > '2024-03-01'"), ["4", "5"]);
    assert_eq!(deals_where("Closing_Date = '2024-01-20'"), ["1"]);
    // 09:00+05:30 is 03:30 UTC, before deal 1's 05:00 UTC
    assert_eq!(deals_where("Created_Time < '2024-01-10T04:00:00+00:00'"), ["2", "3"]);
    assert_eq!(deals_where("Created_Time = '2024-01-10'"), ["1", "3"]);
    let order = ids("select id from Deals where Created_Time is not null order by Created_Time");
    assert_eq!(order, ["2", "3", "1", "4", "5"]);
}

#[test]
fn null_tests() {
    assert_eq!(deals_where("Amount is null"), ["5"]);
    assert_eq!(deals_where("Amount is not null"), ["1", "2", "3", "4"]);
}

#[test]
fn booleans() {
    assert_eq!(deals_where("Hot = true"), ["3", "4"]);
    assert_eq!(deals_where("Hot = 'false'"), ["1", "2", "5"]);
}

#[test]
fn and_or_and_brackets() {
    assert_eq!(deals_where("Stage = 'Closed Won' and Amount > 1000"), ["1", "3"]);
    assert_eq!(deals_where("Amount < 1000 or Amount is null"), ["2", "5"]);
    assert_eq!(
        deals_where("(Stage = 'Closed Won' and Amount > 1000) or (Deal_Name like 'V%')"),
        ["1", "2", "3"]
    );
    assert_eq!(deals_where("((Stage = 'Closed Won' and Amount > 1000) and Hot = true)"), ["3"]);
    assert_eq!(deals_where("(Hot = true and (Amount > 1000 or Amount < 10))"), ["3", "4"]);
    assert_eq!(deals_where("(((Amount = 800)))"), ["2"]);
}

#[test]
fn order_by_several_keys() {
    assert_eq!(
        ids("select id from Deals where Amount > 0 order by Amount desc"),
        ["3", "4", "1", "2"]
    );
    assert_eq!(
        ids("select id from Deals where Amount > 0 order by Amount asc"),
        ["2", "1", "4", "3"]
    );
    assert_eq!(
        ids("select id from Deals where id is not null order by Hot desc, Amount desc"),
        ["3", "4", "1", "2", "5"]
    );
    assert_eq!(
        ids("select id from Deals order by Amount"),
        ["5", "2", "1", "4", "3"],
        "empty first"
    );
    assert_eq!(ids("select id from Deals"), ["1", "2", "3", "4", "5"], "by id without order by");
    assert_eq!(
        ids("select id from Deals order by Account_Name.Account_Name desc, id desc"),
        ["3", "2", "1", "5", "4"]
    );
}

#[test]
fn limit_and_offset() {
    let all = "select id from Deals";
    assert_eq!(ids(&format!("{all} limit 2")), ["1", "2"]);
    assert_eq!(ids(&format!("{all} limit 2, 2")), ["3", "4"]);
    assert_eq!(ids(&format!("{all} limit 2 offset 3")), ["4", "5"]);
    assert_eq!(ids(&format!("{all} offset 4")), ["5"]);
    let body = query(&format!("{all} limit 2")).unwrap().unwrap();
    assert_eq!(body["info"], json!({"count": 2, "more_records": true}));
    let body = query(&format!("{all} limit 3, 2")).unwrap().unwrap();
    assert_eq!(body["info"], json!({"count": 2, "more_records": false}));
    assert_eq!(query(&format!("{all} limit 10 offset 5")).unwrap(), None);
}

#[test]
fn nothing_matching_is_no_content() {
    assert_eq!(query("select id from Deals where Amount > 99999").unwrap(), None);
    assert_eq!(query("select Last_Name from Leads").unwrap(), None);
    assert_eq!(query("select Anything from Leads where Whatever = 1").unwrap(), None);
}

#[test]
fn aggregates_with_group_by() {
    let found = rows("select Stage, COUNT(id), SUM(Amount), MAX(Amount), MIN(Closing_Date), AVG(Amount) from Deals group by Stage");
    assert_eq!(
        Value::Array(found).to_string(),
        concat!(
            r#"[{"Stage":"Closed Lost","COUNT(id)":1,"SUM(Amount)":2500,"MAX(Amount)":2500,"MIN(Closing_Date)":"2024-04-05","AVG(Amount)":2500},"#,
            r#"{"Stage":"Closed Won","COUNT(id)":3,"SUM(Amount)":6500,"MAX(Amount)":5000,"MIN(Closing_Date)":"2024-01-20","AVG(Amount)":3250},"#,
            r#"{"Stage":"Negotiation","COUNT(id)":1,"SUM(Amount)":800,"MAX(Amount)":800,"MIN(Closing_Date)":"2024-02-11","AVG(Amount)":800}]"#
        )
    );
    let ordered = rows("select Stage, sum(Amount) as total from Deals where Amount > 0 group by Stage order by total desc");
    let totals: Vec<&Value> = ordered.iter().map(|row| &row["total"]).collect();
    assert_eq!(totals, [&json!(6500), &json!(2500), &json!(800)]);
    let by_two = rows(
        "select Stage, Hot, count(id) from Deals where Stage = 'closed won' group by Stage, Hot",
    );
    assert_eq!(by_two.len(), 2);
}

#[test]
fn aggregates_without_group_by() {
    let row =
        &rows("select COUNT(id), SUM(Amount), AVG(Amount) from Deals where Stage = 'Closed Won'")
            [0];
    assert_eq!(row.to_string(), r#"{"COUNT(id)":3,"SUM(Amount)":6500,"AVG(Amount)":3250}"#);
    let row =
        &rows("select COUNT(id), SUM(Amount), MAX(Amount) from Deals where Amount > 99999")[0];
    assert_eq!(row.to_string(), r#"{"COUNT(id)":0,"SUM(Amount)":0,"MAX(Amount)":null}"#);
    let row = &rows("select count(Amount), avg(Amount) from Deals")[0];
    assert_eq!(row.to_string(), r#"{"COUNT(Amount)":4,"AVG(Amount)":2450}"#);
}

fn code_and_details(err: &CoqlError) -> (&str, String) {
    (err.code, err.details.to_string())
}

#[test]
fn syntax_errors_are_located() {
    let err = error("select Deal_Name Deals where Amount > 1");
    assert_eq!(err.code, "SYNTAX_ERROR");
    assert_eq!(err.message, "unexpected token");
    assert_eq!(
        err.details.to_string(),
        r#"{"line":1,"column":18,"near":"Deals","reason":"expected `,` or `from` after a selected column"}"#
    );
    let err = error("select Deal_Name\nfrom Deals\nwhere Amount >");
    assert_eq!((err.details["line"].clone(), err.details["column"].clone()), (json!(3), json!(15)));
    assert_eq!(err.details["near"], "end of query");
    let err = error("select Deal_Name from Deals where Amount = 1 limit 5 extra");
    assert_eq!(err.details["near"], "extra");
    let err = error("select from Deals");
    assert_eq!(err.details["near"], "from");
    let err = error("select * from Deals");
    assert_eq!(err.details["near"], "*");
    let err = error("select Deal_Name from Deals where Stage = 'open");
    assert_eq!(err.details["reason"], "text is not closed");
    assert_eq!(code_and_details(&error("")), ("SYNTAX_ERROR", r#"{"clause":"select"}"#.into()));
    assert_eq!(
        code_and_details(&error("select Deal_Name")),
        ("SYNTAX_ERROR", r#"{"clause":"from"}"#.into())
    );
    assert_eq!(error("update Deals set Amount = 1").details["near"], "update");
}

#[test]
fn three_criteria_need_brackets() {
    let err = error("select id from Deals where Amount > 1 and Amount < 9 and Hot = true");
    assert_eq!(err.code, "SYNTAX_ERROR");
    assert_eq!(err.details["near"], "and");
    assert_eq!(err.details["column"], 54);
    let err = error("select id from Deals where Amount > 1 and Amount < 9 or Hot = true");
    assert_eq!(err.details["near"], "or");
}

#[test]
fn unsupported_operators() {
    assert_eq!(
        code_and_details(&error("select id from Deals where not Amount = 1")),
        ("SYNTAX_ERROR", r#"{"operator":"not"}"#.into())
    );
    assert_eq!(error("select id from Deals where Amount not = 1").details["operator"], "not");
    assert_eq!(error("select id from Deals where Amount = null").code, "SYNTAX_ERROR");
    assert_eq!(error("select id from Deals where Amount ~ 1").details["near"], "~");
    assert_eq!(error("select id from Deals where Deal_Name like 5").details["near"], "5");
}

#[test]
fn operators_the_field_type_refuses() {
    let err = error("select id from Deals where Deal_Name > 'A'");
    assert_eq!(
        (err.code, err.message, err.details.to_string()),
        (
            "INVALID_QUERY",
            "Invalid query formed",
            r#"{"reason":"invalid operator found","column_name":"Deal_Name","operator":">"}"#
                .to_string()
        )
    );
    assert_eq!(
        error("select id from Deals where Deal_Name between 'a' and 'b'").details["operator"],
        "between"
    );
    assert_eq!(error("select id from Deals where Amount like '1%'").details["operator"], "like");
    assert_eq!(error("select id from Deals where Hot != true").details["operator"], "!=");
    assert_eq!(error("select id from Deals where Account_Name > 5").details["operator"], ">");
    let err = error("select id from Deals where Amount > 'lots'");
    assert_eq!(
        (err.code, err.message),
        ("INVALID_QUERY", "value given seems to be invalid for the column")
    );
    assert_eq!(err.details.to_string(), r#"{"column_name":"Amount","value":"'lots'"}"#);
    assert_eq!(
        error("select id from Deals where Closing_Date > 'soon'").details["value"],
        "'soon'"
    );
    assert_eq!(error("select id from Deals where Hot = 1").details["value"], "1");
    assert_eq!(error("select SUM(Deal_Name) from Deals").code, "INVALID_QUERY");
}

#[test]
fn unknown_fields_and_modules() {
    for (text, column, clause) in [
        ("select Nope from Deals", "Nope", "select"),
        ("select id from Deals where Nope = 1", "Nope", "where"),
        ("select id from Deals order by Nope", "Nope", "order by"),
        ("select COUNT(id) from Deals group by Nope", "Nope", "group by"),
        ("select Deal_Name.Account_Name from Deals", "Deal_Name.Account_Name", "select"),
        ("select Account_Name.a.b.c from Deals", "Account_Name.a.b.c", "select"),
    ] {
        let err = error(text);
        assert_eq!(
            (err.code, err.message),
            ("INVALID_QUERY", "column given seems to be invalid"),
            "{text}"
        );
        assert_eq!(err.details, json!({"column_name": column, "clause": clause}), "{text}");
    }
    let err = error("select id from Nothing");
    assert_eq!(code_and_details(&err), ("INVALID_MODULE", "{}".into()));
    assert_eq!(err.message, "the given module is not supported in api");
}

#[test]
fn bad_limits_and_offsets() {
    let err = error("select id from Deals limit s");
    assert_eq!(
        (err.code, err.message, err.details.to_string()),
        ("INVALID_QUERY", "limit given seems to be invalid", r#"{"limit":"s"}"#.into())
    );
    assert_eq!(error("select id from Deals limit 1.5").details, json!({"limit": "1.5"}));
    let err = error("select id from Deals limit 0");
    assert_eq!((err.code, err.message), ("INVALID_DATA", "limit should be greater than 0"));
    assert_eq!(error("select id from Deals limit -3").code, "INVALID_DATA");
    assert_eq!(error("select id from Deals limit 2 offset x").details, json!({"offset": "x"}));
    assert_eq!(error("select id from Deals offset -1").details, json!({"offset": "-1"}));
    let err = error("select id from Deals limit 2001");
    assert_eq!(
        code_and_details(&err),
        ("LIMIT_EXCEEDED", r#"{"clause":"limit","given":2001,"maximum":2000}"#.into())
    );
    assert!(query("select id from Deals limit 2000").is_ok());
    assert_eq!(error("select id from Deals limit 99999999999999999999999").code, "LIMIT_EXCEEDED");
    let err = error("select id from Deals limit 99000, 2000");
    assert_eq!(err.details, json!({"clause": "offset", "given": 101_000, "maximum": 100_000}));
    let older = run(&sandbox().crm, "select id from Deals limit 9900, 200", 10_000).unwrap_err();
    assert_eq!(older.details["maximum"], 10_000);
}

#[test]
fn zoho_limits_on_clauses() {
    let criteria: Vec<String> = (0..=MAX_CRITERIA).map(|n| format!("Amount != {n}")).collect();
    let nested =
        criteria.iter().skip(1).fold(criteria[0].clone(), |acc, c| format!("({acc} and {c})"));
    let err = error(&format!("select id from Deals where {nested}"));
    assert_eq!(
        code_and_details(&err),
        ("LIMIT_EXCEEDED", r#"{"clause":"where","given":26,"maximum":25}"#.into())
    );
    let ok = criteria[..MAX_CRITERIA]
        .iter()
        .skip(1)
        .fold(criteria[0].clone(), |acc, c| format!("({acc} and {c})"));
    assert!(query(&format!("select id from Deals where {ok}")).is_ok());
    let values: Vec<String> = (0..51).map(|n| n.to_string()).collect();
    let err = error(&format!("select id from Deals where Amount in ({})", values.join(",")));
    assert_eq!(err.details, json!({"clause": "in", "given": 51, "maximum": 50}));
    let columns = vec!["Deal_Name"; 51].join(", ");
    assert_eq!(error(&format!("select {columns} from Deals")).details["clause"], "select");
    let err = error("select Stage, Hot, Deal_Name, Amount, Last_Name, COUNT(id) from Deals group by Stage, Hot, Deal_Name, Amount, Last_Name");
    assert_eq!(err.details["clause"], "group by");
    let err = error("select COUNT(id), SUM(Amount), MAX(Amount), MIN(Amount), AVG(Amount), COUNT(Amount) from Deals");
    assert_eq!(err.details["clause"], "aggregate");
    let keys = [
        "id",
        "Amount",
        "Stage",
        "Hot",
        "Deal_Name",
        "Last_Name",
        "Closing_Date",
        "Created_Time",
        "Owner",
        "Account_Name",
        "Modified_Time",
    ];
    assert_eq!(
        error(&format!("select id from Deals order by {}", keys.join(", "))).details["clause"],
        "order by"
    );
}

#[test]
fn adversarial_queries_are_bounded() {
    let deep = format!(
        "select id from Deals where {}Amount = 1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert!(error(&deep).details["reason"].as_str().unwrap_or_default().contains("nested deeper"));
    let fine = format!(
        "select id from Deals where {}Amount = 800{}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    assert_eq!(ids(&fine), ["2"]);
    let huge = format!("select id from Deals where Deal_Name = '{}'", "x".repeat(200_000));
    assert_eq!(error(&huge).details["clause"], "select_query");
    let many_parens = format!("select id from Deals where {}", "(".repeat(50_000));
    assert_eq!(error(&many_parens).code, "SYNTAX_ERROR");
}

#[test]
fn random_token_soup_never_panics() {
    const PIECES: [&str; 44] = [
        "select",
        "from",
        "where",
        "and",
        "or",
        "not",
        "like",
        "in",
        "between",
        "is",
        "null",
        "order",
        "group",
        "by",
        "limit",
        "offset",
        "asc",
        "desc",
        "as",
        "Deals",
        "Amount",
        "Stage",
        "Account_Name",
        ".",
        ",",
        "(",
        ")",
        "=",
        "!=",
        "<",
        ">=",
        "*",
        "-",
        "'x%'",
        "'",
        "\"",
        "12",
        "0",
        "1.5",
        "COUNT(id)",
        "SUM(",
        "true",
        "é",
        "\\",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let store = sandbox().crm;
    for _ in 0..4000 {
        let len = (next() % 24) as usize;
        let mut text = String::from(if next() % 4 == 0 { "" } else { "select " });
        for _ in 0..len {
            text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            text.push(if next() % 5 == 0 { '\n' } else { ' ' });
        }
        if let Err(err) = run(&store, &text, 100_000) {
            assert!(err.details.is_object(), "{text}");
        }
    }
    let valid = "select Amount, Stage from Deals where (Amount > 1 and Stage like 'C%') order by Amount desc limit 2";
    assert!(run(&store, valid, 100_000).unwrap().is_some());
}

#[test]
fn duplicates_and_aliases() {
    let err = error("select Deal_Name, deal_name from Deals");
    assert_eq!(
        (err.code, err.message, err.details.to_string()),
        ("DUPLICATE_DATA", "duplicate select column", r#"{"column_name":"Deal_Name"}"#.into())
    );
    let err = error("select MAX(Amount), max(Amount) from Deals");
    assert_eq!(err.details, json!({"column_name": "Amount", "aggregate": "MAX"}));
    assert_eq!(
        error("select id from Deals order by Amount, Amount").details,
        json!({"column_name": "Amount", "clause": "order by"})
    );
    assert_eq!(error("select COUNT(id) from Deals group by Stage, stage").code, "DUPLICATE_DATA");
    let err = error("select Deal_Name as '' from Deals");
    assert_eq!(
        (err.code, err.details.to_string()),
        ("INVALID_ALIAS", r#"{"column_name":"Deal_Name","alias":""}"#.into())
    );
    let err = error("select Deal_Name as Name, Last_Name as Name from Deals");
    assert_eq!(
        (err.code, err.details.to_string()),
        (
            "DUPLICATE_ALIAS",
            r#"{"referred_columns":["Deal_Name","Last_Name"],"alias":"Name"}"#.into()
        )
    );
    let err = error("select Deal_Name as Last_Name, Last_Name from Deals");
    assert_eq!(
        (err.code, err.details.to_string()),
        ("INVALID_QUERY", r#"{"column_name":"Last_Name","alias":"Last_Name"}"#.into())
    );
}

#[test]
fn grouping_rules() {
    let err = error("select Deal_Name, COUNT(id) from Deals group by Stage");
    assert_eq!(
        err.details,
        json!({"reason": "a column selected with aggregates must be in group by", "column_name": "Deal_Name"})
    );
    assert_eq!(error("select Deal_Name, COUNT(id) from Deals").details["column_name"], "Deal_Name");
    assert_eq!(
        error("select Stage, COUNT(id) from Deals group by Stage order by Amount").details
            ["column_name"],
        "Amount"
    );
    assert_eq!(
        error("select id from Deals order by SUM(Amount)").details["column_name"],
        "SUM(Amount)"
    );
    let err = error("select Median(Amount) from Deals");
    assert_eq!(
        (err.code, err.details.to_string()),
        (
            "INVALID_DATA",
            r#"{"reason":"unsupported aggregate function","column":"Median(Amount)"}"#.into()
        )
    );
    assert_eq!(error("select COUNT(*) from Deals").details["near"], "*");
}

fn post(sandbox: &mut Sandbox, url: &str, headers: &[(&str, &str)], body: Body) -> (u16, String) {
    let token = sandbox.issue_token("crm", Service::Crm);
    let mut all = vec![("Authorization".to_string(), format!("Zoho-oauthtoken {token}"))];
    all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let response =
        sandbox.handle(&Request { method: "POST".into(), url: url.into(), headers: all, body });
    (response.status, response.text().into_owned())
}

#[test]
fn the_route_takes_json_text_and_form_bodies_on_every_version() {
    let mut sandbox = sandbox();
    let json_body = r#"{"select_query":"select Deal_Name from Deals where Amount = 800"}"#;
    let expected =
        r#"{"data":[{"Deal_Name":"Valves","id":"2"}],"info":{"count":1,"more_records":false}}"#;
    for version in ["v2", "v2.1", "v3", "v4", "v5", "v6", "v7", "v8"] {
        for dc in ["com", "eu", "com.au", "com.cn"] {
            let url = format!("https://www.zohoapis.{dc}/crm/{version}/coql");
            assert_eq!(
                post(&mut sandbox, &url, &[], Body::Text(json_body.into())),
                (200, expected.into())
            );
        }
    }
    let url = "https://www.zohoapis.com/crm/v7/coql";
    let form_type = [("Content-Type", "application/x-www-form-urlencoded")];
    assert_eq!(post(&mut sandbox, url, &form_type, Body::Text(json_body.into())).1, expected);
    let fields = vec![(
        "select_query".to_string(),
        "select Deal_Name from Deals where Amount = 800".to_string(),
    )];
    assert_eq!(post(&mut sandbox, url, &[], Body::Form(fields)).1, expected);
    let as_key = vec![(json_body.to_string(), String::new())];
    assert_eq!(post(&mut sandbox, url, &[], Body::Form(as_key)).1, expected);
    let encoded = "select_query=select+Deal_Name+from+Deals+where+Amount+%3D+800";
    assert_eq!(post(&mut sandbox, url, &form_type, Body::Text(encoded.into())).1, expected);
    let meta = r#"{"select_query":"select Deal_Name from Deals where Amount = 800","include_meta":["fields"]}"#;
    assert_eq!(post(&mut sandbox, url, &[], Body::Text(meta.into())).1, expected);
    let none = r#"{"select_query":"select Deal_Name from Deals where Amount = 1"}"#;
    assert_eq!(post(&mut sandbox, url, &[], Body::Text(none.into())), (204, String::new()));
}

#[test]
fn the_route_refuses_bad_requests() {
    let mut sandbox = sandbox();
    let url = "https://www.zohoapis.com/crm/v8/coql";
    let (status, body) = post(&mut sandbox, url, &[], Body::Text("{}".into()));
    assert_eq!(
        (status, body.as_str()),
        (
            400,
            r#"{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"select_query"},"message":"mandatory key not found","status":"error"}"#
        )
    );
    assert!(post(&mut sandbox, url, &[], Body::None).1.contains("MANDATORY_NOT_FOUND"));
    let (_, body) = post(&mut sandbox, url, &[], Body::Text(r#"{"select_query": 5}"#.into()));
    assert!(body.contains(r#""expected_data_type":"text""#), "{body}");
    let (_, body) = post(
        &mut sandbox,
        url,
        &[],
        Body::Text(r#"{"select_query":"select id from Deals","include_meta":["x"]}"#.into()),
    );
    assert!(body.contains(r#""json_path":"$.include_meta[0]""#), "{body}");
    let (_, body) = post(&mut sandbox, url, &[], Body::Text("[1]".into()));
    assert!(body.contains("INVALID_DATA"), "{body}");
    let (status, body) =
        post(&mut sandbox, url, &[], Body::Text(r#"{"select_query":"select id Deals"}"#.into()));
    assert_eq!(status, 400);
    assert!(body.contains(r#""code":"SYNTAX_ERROR""#), "{body}");
    let get = sandbox.handle(&Request {
        method: "GET".into(),
        url: url.into(),
        headers: vec![],
        body: Body::None,
    });
    assert_eq!(get.status, 401, "auth comes first");
    let token = sandbox.issue_token("crm", Service::Crm);
    let auth = vec![("Authorization".to_string(), format!("Zoho-oauthtoken {token}"))];
    let get = sandbox.handle(&Request {
        method: "GET".into(),
        url: url.into(),
        headers: auth,
        body: Body::None,
    });
    assert_eq!(get.status, 400);
    assert!(get.text().contains("INVALID_REQUEST_METHOD"));
    let books = sandbox.issue_token("books", Service::Books);
    let wrong = vec![("Authorization".to_string(), format!("Zoho-oauthtoken {books}"))];
    let body = Body::Text(r#"{"select_query":"select id from Deals"}"#.into());
    let response =
        sandbox.handle(&Request { method: "POST".into(), url: url.into(), headers: wrong, body });
    assert_eq!(response.status, 401);
}

#[test]
fn request_bodies_never_panic() {
    let mut sandbox = sandbox();
    let url = "https://www.zohoapis.com/crm/v2/coql";
    for body in [
        "",
        "{",
        "null",
        "\"select\"",
        "{\"select_query\":null}",
        "select_query=",
        "=&=&",
        "%zz",
        "{\"select_query\":\"\"}",
    ] {
        let (status, _) = post(&mut sandbox, url, &[], Body::Text(body.into()));
        assert_eq!(status, 400, "{body}");
    }
}

#[test]
fn empty_module_accepts_any_field() {
    assert_eq!(
        query(
            "select Email, Anything.Else from Leads where Email like '%@x.com' order by Score desc"
        )
        .unwrap(),
        None
    );
    let row = &rows("select COUNT(id) from Leads")[0];
    assert_eq!(row["COUNT(id)"], 0);
    assert_eq!(query("select Stage, COUNT(id) from Leads group by Stage").unwrap(), None);
}

#[test]
fn null_field_name_is_checked() {
    let err = error("select id from Deals where Unknown_In_Some is null");
    assert_eq!(err.code, "INVALID_QUERY");
}
