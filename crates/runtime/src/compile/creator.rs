//! Zoho Creator statements: record fetches and their criteria, aggregates, `insert into`,
//! `delete from`, `input.Field` and form actions, and page output.
//!
//! Criteria become a small IR whose left-hand sides are field names as written and whose
//! right-hand sides are ordinary expressions, evaluated when the fetch runs; the host then
//! selects the records (the runtime does no IO).

use dg_syntax::ast::{self, BinOp, ExprKind as A, UnOp};
use dg_syntax::{Code, Diagnostic, Span};

use super::FnCompiler;
use crate::creator::{CompareOp, TextOp};
use crate::ir::{CritIr, Expr, ExprKind, FetchIr, RecordFn, StmtKind};
use crate::Value;

const CRITERIA_HELP: &str = "criteria are conditions `Field op value` (==, !=, <, <=, >, >=, Field.contains(x), Field.startsWith(x), Field.endsWith(x), Field.isEmpty()) joined by && and ||; `ID != 0` selects every record";

impl FnCompiler<'_> {
    /// `Form[criteria]` with its `sort by` / `range from` clauses and at most one `.Field`
    /// after the criteria: the fetch and the field, if `e` has that shape.
    pub(super) fn fetch_shape(&mut self, e: &ast::Expr) -> Option<(FetchIr, Option<ast::Ident>)> {
        match &e.kind {
            A::Index(recv, crit) => {
                let A::Var(form) = &recv.kind else { return None };
                if self.slots.contains_key(&form.name) || form.is("input") {
                    return None;
                }
                let criteria = self.criteria(crit);
                let mut fields = Vec::new();
                self.criteria_fields(crit, &mut fields);
                Some((
                    FetchIr {
                        form: form.name.as_str().into(),
                        criteria,
                        sort: None,
                        range: None,
                        fields,
                    },
                    None,
                ))
            }
            A::Sort(s) => {
                let (mut f, got) = self.fetch_shape(&s.base)?;
                f.sort = Some((s.field.name.as_str().into(), s.desc));
                f.fields.push((s.field.name.as_str().into(), self.global(s.field.span)));
                Some((f, got))
            }
            A::Range(r) => {
                let (mut f, got) = self.fetch_shape(&r.base)?;
                f.range = Some((self.expr(&r.from), self.expr(&r.to)));
                Some((f, got))
            }
            A::Field(base, name) => match self.fetch_shape(base)? {
                (f, None) => Some((f, Some(name.clone()))),
                _ => None,
            },
            _ => None,
        }
    }

    /// Compiles a fetch shape: the collection, or `.Field` of its first record.
    pub(super) fn fetch_expr(&mut self, e: &ast::Expr) -> Option<ExprKind> {
        let (fetch, field) = self.fetch_shape(e)?;
        let span = self.global(e.span);
        let coll = ExprKind::Fetch(Box::new(fetch));
        Some(match field {
            None => coll,
            Some(f) => ExprKind::Field(Box::new(Expr { kind: coll, span }), Value::text(f.name)),
        })
    }

    fn criteria_error(&mut self, msg: impl Into<String>, span: Span) -> CritIr {
        self.diags.push(
            Diagnostic::new(Code::UnexpectedToken, msg, span)
                .with_label("not a criteria condition")
                .with_help(CRITERIA_HELP),
        );
        CritIr::All
    }

    /// A field name on the left of a condition: `Field` or `Lookup.Field`.
    fn field_name(e: &ast::Expr) -> Option<String> {
        match &e.kind {
            A::Var(id) => Some(id.name.to_string()),
            A::Field(base, name) => Some(format!("{}.{}", Self::field_name(base)?, name.name)),
            _ => None,
        }
    }

    /// The field names on the left of conditions, with their spans.
    fn criteria_fields(&self, e: &ast::Expr, out: &mut Vec<(Box<str>, Span)>) {
        match &e.kind {
            A::Binary(BinOp::And | BinOp::Or, l, r) => {
                self.criteria_fields(l, out);
                self.criteria_fields(r, out);
            }
            A::Unary(UnOp::Not, x) => self.criteria_fields(x, out),
            A::Binary(_, l, _) => {
                if let Some(f) = Self::field_name(l) {
                    out.push((f.into(), self.global(l.span)));
                }
            }
            A::Method(m) => {
                if let Some(f) = Self::field_name(&m.recv) {
                    out.push((f.into(), self.global(m.recv.span)));
                }
            }
            _ => {}
        }
    }

    fn criteria(&mut self, e: &ast::Expr) -> CritIr {
        match &e.kind {
            A::Binary(BinOp::And, l, r) => CritIr::And(vec![self.criteria(l), self.criteria(r)]),
            A::Binary(BinOp::Or, l, r) => CritIr::Or(vec![self.criteria(l), self.criteria(r)]),
            A::Unary(UnOp::Not, x) => CritIr::Not(Box::new(self.criteria(x))),
            A::Binary(op, l, r) => {
                let op = match op {
                    BinOp::Eq => CompareOp::Eq,
                    BinOp::Ne => CompareOp::Ne,
                    BinOp::Lt => CompareOp::Lt,
                    BinOp::Le => CompareOp::Le,
                    BinOp::Gt => CompareOp::Gt,
                    BinOp::Ge => CompareOp::Ge,
                    BinOp::In => CompareOp::In,
                    BinOp::NotIn => CompareOp::NotIn,
                    other => {
                        return self.criteria_error(
                            format!("`{}` is not a criteria operator", other.symbol()),
                            e.span,
                        )
                    }
                };
                match Self::field_name(l) {
                    Some(field) => CritIr::Compare(field.into(), op, self.expr(r)),
                    None => self.criteria_error(
                        "the left side of a criteria condition must be a field name",
                        l.span,
                    ),
                }
            }
            A::Method(m) => {
                let ast::Method { recv, name, args } = &**m;
                let Some(field) = Self::field_name(recv) else {
                    return self.criteria_error(
                        format!("`.{}()` in criteria must follow a field name", name.name),
                        e.span,
                    );
                };
                let text = match name.name.to_ascii_lowercase().as_str() {
                    "contains" => Some(TextOp::Contains),
                    "notcontains" => Some(TextOp::NotContains),
                    "startswith" => Some(TextOp::StartsWith),
                    "endswith" => Some(TextOp::EndsWith),
                    "isempty" | "isnull" | "isblank" if args.is_empty() => {
                        return CritIr::Empty(field.into())
                    }
                    _ => None,
                };
                match (text, &args[..]) {
                    (Some(op), [arg]) => CritIr::Text(field.into(), op, self.expr(arg)),
                    _ => self.criteria_error(
                        format!("`{}.{}(…)` is not a criteria test", field, name.name),
                        e.span,
                    ),
                }
            }
            A::Error => CritIr::All,
            _ => self.criteria_error("this is not a criteria condition", e.span),
        }
    }

    /// `coll.count()`, `Form[c].sum(Amount)`, `Form[c].Amount.getall()`, `v.F.getall()`.
    pub(super) fn records_method(
        &mut self,
        recv: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
    ) -> Option<ExprKind> {
        let func = match name.name.to_ascii_lowercase().as_str() {
            "count" => RecordFn::Count,
            "sum" => RecordFn::Sum,
            "avg" => RecordFn::Avg,
            "maximum" => RecordFn::Maximum,
            "minimum" => RecordFn::Minimum,
            "distinct" => RecordFn::Distinct,
            "getall" => RecordFn::GetAll,
            _ => return None,
        };
        let span = self.global(recv.span);
        if func == RecordFn::GetAll {
            if !args.is_empty() {
                return None;
            }
            if let Some((fetch, Some(field))) = self.fetch_shape(recv) {
                let coll = Expr { kind: ExprKind::Fetch(Box::new(fetch)), span };
                return Some(ExprKind::Records {
                    recv: Box::new(coll),
                    func,
                    field: Some(field.name.as_str().into()),
                });
            }
            let A::Field(base, field) = &recv.kind else { return None };
            if self.namespace_path(base).is_some() {
                return None;
            }
            return Some(ExprKind::Records {
                recv: Box::new(self.expr(base)),
                func,
                field: Some(field.name.as_str().into()),
            });
        }
        let is_fetch = matches!(recv.kind, A::Index(..) | A::Sort { .. } | A::Range { .. })
            && self.fetch_shape_peek(recv);
        let field = match args {
            [] => None,
            [a] => match &a.kind {
                A::Var(id) if is_fetch || !self.slots.contains_key(&id.name) => {
                    Some(id.name.as_str().into())
                }
                _ => return None,
            },
            _ => return None,
        };
        // `list.sum()`, `list.distinct()` stay list builtins.
        if !is_fetch && field.is_none() && func != RecordFn::Count {
            return None;
        }
        Some(ExprKind::Records { recv: Box::new(self.expr(recv)), func, field })
    }

    /// Whether `e` is a fetch without a trailing `.Field`, without compiling it.
    fn fetch_shape_peek(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            A::Index(recv, _) => matches!(&recv.kind, A::Var(form)
                if !self.slots.contains_key(&form.name) && !form.is("input")),
            A::Sort(s) => self.fetch_shape_peek(&s.base),
            A::Range(r) => self.fetch_shape_peek(&r.base),
            _ => false,
        }
    }

    /// `insert into Form [ Field = value … ]`.
    pub(super) fn insert(&mut self, t: &ast::Task) -> ExprKind {
        let fields = t
            .entries
            .iter()
            .map(|en| (en.key.as_str().into(), self.global(en.key_span), self.expr(&en.value)))
            .collect();
        ExprKind::Insert { form: t.name.name.as_str().into(), fields }
    }

    /// `delete from Form[criteria];`
    pub(super) fn delete(&mut self, target: &ast::Expr) -> StmtKind {
        match self.fetch_shape(target) {
            Some((fetch, None)) => StmtKind::Delete(Box::new(fetch)),
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        Code::UnexpectedToken,
                        "`delete from` needs a form and criteria: `delete from Form[criteria];`",
                        target.span,
                    )
                    .with_label("not `Form[criteria]`"),
                );
                StmtKind::Unsupported("this `delete from` did not compile".into())
            }
        }
    }

    /// `alert "…";`, `cancel submit;`, `hide Field;`, `reload;`, ….
    pub(super) fn form_action(
        &mut self,
        word: &ast::Ident,
        operand: Option<&ast::Expr>,
    ) -> StmtKind {
        let action = word.name.to_ascii_lowercase();
        let bad = |c: &mut Self, msg: String, span: Span| {
            c.diags.push(Diagnostic::new(Code::UnexpectedToken, msg, span));
            StmtKind::Unsupported("this form action did not compile".into())
        };
        match (action.as_str(), operand) {
            ("alert", Some(ast::Expr { kind: A::Call(call), span })) if call.name.is("alert") => {
                // `alert(Field, message)`: the message shows below the field.
                match &call.args[..] {
                    [field, message] => match Self::field_name(field) {
                        Some(field) => StmtKind::FormAction {
                            action: "alert".into(),
                            field: Some(field.into()),
                            value: Some(self.expr(message)),
                        },
                        None => bad(
                            self,
                            "`alert(Field, message)` needs a field link name first".into(),
                            field.span,
                        ),
                    },
                    _ => {
                        bad(self, "`alert` takes a message, or a field and a message".into(), *span)
                    }
                }
            }
            ("alert", Some(e)) => StmtKind::FormAction {
                action: "alert".into(),
                field: None,
                value: Some(self.expr(e)),
            },
            ("cancel", Some(ast::Expr { kind: A::Var(what), .. }))
                if what.is("submit") || what.is("delete") =>
            {
                StmtKind::FormAction {
                    action: format!("cancel {}", what.name.to_ascii_lowercase()).into(),
                    field: None,
                    value: None,
                }
            }
            ("reload", None) => {
                StmtKind::FormAction { action: "reload".into(), field: None, value: None }
            }
            ("hide" | "show" | "enable" | "disable" | "clear" | "select" | "deselect", Some(e)) => {
                match Self::field_name(e) {
                    Some(field) => StmtKind::FormAction {
                        action: action.into(),
                        field: Some(field.into()),
                        value: None,
                    },
                    None => bad(self, format!("`{action}` needs a field name"), e.span),
                }
            }
            _ => bad(self, format!("`{}` is not a form action this way", word.name), word.span),
        }
    }

    /// `openUrl(url, window[, options])` as a statement.
    pub(super) fn open_url(&mut self, args: &[ast::Expr], span: Span) -> StmtKind {
        if !(1..=3).contains(&args.len()) {
            self.error(Code::ArgumentCount, "openUrl takes a URL, a window and options", span);
        }
        let value = args.first().map(|a| self.expr(a));
        let window = args.get(1).and_then(|w| match &w.kind {
            A::Text(t) => Some(t.as_str().into()),
            _ => None,
        });
        StmtKind::FormAction { action: "openurl".into(), field: window, value }
    }
}

#[cfg(test)]
mod tests {
    use crate::creator::{CompareOp, Criteria, Fetch, FormAction};
    use crate::{Host, Interpreter, RecordingHost, Script, Value};

    /// A host with one form in memory that records what the runtime asked for.
    #[derive(Default)]
    struct FakeCreator {
        fetches: Vec<Fetch>,
        updates: Vec<(String, String, String, String)>,
        inserts: Vec<(String, Vec<(String, Value)>)>,
        actions: Vec<FormAction>,
        info: Vec<String>,
    }

    impl Host for FakeCreator {
        fn info(&mut self, line: &str) {
            self.info.push(line.into());
        }
        fn now(&mut self) -> chrono::NaiveDateTime {
            RecordingHost::default().now
        }
        fn creator_fetch(&mut self, fetch: &Fetch) -> Result<Vec<Value>, String> {
            self.fetches.push(fetch.clone());
            Ok((1..=3)
                .map(|i| {
                    Value::map_from([
                        ("ID", Value::Int(i)),
                        ("Amount", Value::Int(i * 10)),
                        ("Name", Value::text(format!("n{i}"))),
                    ])
                })
                .collect())
        }
        fn creator_insert(
            &mut self,
            form: &str,
            fields: &[(String, Value)],
        ) -> Result<Value, String> {
            if fields.iter().any(|(k, _)| k == "Bad") {
                return Err(format!("form '{form}' has no field 'Bad'"));
            }
            self.inserts.push((form.into(), fields.to_vec()));
            Ok(Value::Int(99))
        }
        fn creator_update(
            &mut self,
            form: &str,
            id: &Value,
            field: &str,
            value: &Value,
        ) -> Result<(), String> {
            self.updates.push((form.into(), id.to_display(), field.into(), value.to_display()));
            Ok(())
        }
        fn form_action(&mut self, action: &FormAction) -> Result<(), String> {
            self.actions.push(action.clone());
            Ok(())
        }
    }

    fn run(src: &str, host: &mut dyn Host) -> crate::Outcome {
        let script = Script::new(src);
        assert!(!script.has_errors(), "{:?}", script.diagnostics());
        Interpreter::new().run(&script, crate::Entry::Auto, vec![], host)
    }

    #[test]
    fn fetch_sends_evaluated_criteria_sort_and_range() {
        let mut host = FakeCreator::default();
        let out = run(
            "limit = 50; c = Orders[Amount > limit * 2 && Name != null] sort by Amount desc range from 2 to limit; info c.count(); info c.Name; info c.sum(Amount); info c.Amount.getall(); return c.ID;",
            &mut host,
        );
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(out.result.to_display(), "1");
        assert_eq!(host.info, ["3", "n1", "60", "10,20,30"]);
        let f = &host.fetches[0];
        assert_eq!(f.form, "Orders");
        assert_eq!(f.sort, Some(("Amount".into(), true)));
        assert_eq!(f.range, Some((2, 50)));
        let Criteria::And(items) = &f.criteria else { panic!("{:?}", f.criteria) };
        assert_eq!(
            items[0],
            Criteria::Compare { field: "Amount".into(), op: CompareOp::Gt, value: Value::Int(100) }
        );
        assert_eq!(
            items[1],
            Criteria::Compare { field: "Name".into(), op: CompareOp::Ne, value: Value::Null }
        );
    }

    #[test]
    fn writes_go_through_the_host() {
        let mut host = FakeCreator::default();
        let out = run(
            "c = Orders[ID != 0]; c.Name = \"first\"; for each r in c { r.Amount = r.Amount + 1; } m = {\"a\": 1}; m.a = 2; id = insert into Orders [ Name = \"x\" Amount = 1 + 1 ]; info id; info c.Name;",
            &mut host,
        );
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(host.info, ["99", "first"]);
        assert_eq!(host.updates[0], ("Orders".into(), "1".into(), "Name".into(), "first".into()));
        assert_eq!(host.updates[3], ("Orders".into(), "3".into(), "Amount".into(), "31".into()));
        assert_eq!(host.updates.len(), 4, "the plain map write stays local");
        assert_eq!(host.inserts[0].1[1], ("Amount".to_string(), Value::Int(2)));
    }

    #[test]
    fn insert_errors_point_at_the_field() {
        let mut host = FakeCreator::default();
        let src = "id = insert into Orders\n[\n  Name = \"x\"\n  Bad = 1\n];";
        let out = run(src, &mut host);
        let err = out.error.unwrap();
        assert_eq!((err.line, err.column), (4, 3));
        assert_eq!(err.message, "form 'Orders' has no field 'Bad'");
    }

    #[test]
    fn form_actions_and_input() {
        let mut host = FakeCreator::default();
        let script = Script::new("if (input.Amount > 5) { alert \"big\"; cancel submit; } hide Note; input.Amount = 5; reload; return input.Amount;");
        let input = Value::map_from([("Amount", Value::Int(9))]);
        let out = Interpreter::new().run(
            &script,
            crate::Entry::Auto,
            vec![("input".into(), input)],
            &mut host,
        );
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(out.result.to_display(), "5");
        let got: Vec<String> = host.actions.iter().map(FormAction::describe).collect();
        assert_eq!(
            got,
            ["alert \"big\"", "cancel submit", "hide Note", "set input.Amount = 5", "reload"]
        );
    }

    #[test]
    fn bad_shapes_are_diagnostics() {
        for (src, msg) in [
            ("x = Orders[5];", "this is not a criteria condition"),
            (
                "x = Orders[\"a\" == Name];",
                "the left side of a criteria condition must be a field name",
            ),
            (
                "x = Orders[Name.size() == 1];",
                "the left side of a criteria condition must be a field name",
            ),
            ("x = Orders[Name.matches(\"a\")];", "`Name.matches(…)` is not a criteria test"),
            ("delete from Orders;", "`delete from` needs a form and criteria"),
            ("cancel everything;", "`cancel` is not a form action this way"),
        ] {
            let script = Script::new(src);
            assert!(
                script.diagnostics().iter().any(|d| d.message.starts_with(msg)),
                "{src}: {:?}",
                script.diagnostics()
            );
        }
    }

    #[test]
    fn plain_lists_and_hosts_without_creator() {
        let mut host = RecordingHost::default();
        let out = run("l = {1, 2}; info l.sum(); return l.count();", &mut host);
        assert!(out.error.unwrap().message.contains("not on a plain LIST; use size()"));
        assert_eq!(host.info, ["3"]);
        let out = run("return Orders[ID != 0];", &mut host);
        assert!(out.error.unwrap().message.contains("needs a Creator app"));
    }
}
