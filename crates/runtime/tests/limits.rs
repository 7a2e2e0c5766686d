//! The memory and time budgets and the size limits, end to end through `Interpreter::run`,
//! with the counting allocator installed as an embedder would. Sizes are small (a budget of
//! tens of MB) so the tests stay light; the peak is measured by the allocator itself.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dg_runtime::alloc::Counting;
use dg_runtime::{FailureKind, Interpreter, Limits, Outcome, RecordingHost};

/// The runtime's counting allocator plus a process-wide peak, to assert that a limit error
/// came before the memory was used, not after.
struct Peak(Counting<System>);

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the wrapped allocator unchanged; only counters are updated.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: the caller's contract.
        unsafe { self.0.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract.
        unsafe { self.0.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new >= l.size() {
            let now = LIVE.fetch_add(new - l.size(), Ordering::Relaxed) + new - l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - new, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract.
        unsafe { self.0.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Peak = Peak(Counting(System));

/// Tests in this file measure the process-wide peak: run them one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

const MB: usize = 1 << 20;

fn small_limits() -> Limits {
    Limits {
        max_statements: None,
        max_text_bytes: 8 * MB,
        max_memory_bytes: Some(48 * MB),
        max_info_bytes: usize::MAX,
        ..Limits::default()
    }
}

/// Runs `src` and returns the outcome and the peak heap growth during the run.
fn run(limits: Limits, src: &str) -> (Outcome, usize) {
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut host = RecordingHost::default();
    let outcome = Interpreter::with_limits(limits).run_source(src, &mut host);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (outcome, peak)
}

fn limit_error(o: &Outcome) -> (String, u32) {
    match &o.error {
        Some(f) if f.kind == FailureKind::Limit => (f.message.clone(), f.line),
        other => panic!("expected a limit error, got {other:?} (result {:?})", o.result),
    }
}

#[test]
fn to_string_of_many_references_to_one_big_text_stops_at_the_cap() {
    // 30 references to one 6 MB text would print as 180 MB.
    let src = format!(
        "t = \"a\".repeat(6000000);\nl = List();\n{}s = l.toString();\ninfo s.length();\n",
        "l.add(t);\n".repeat(30)
    );
    let (o, peak) = run(small_limits(), &src);
    let (msg, line) = limit_error(&o);
    assert!(msg.contains("text size limit of 8 MB"), "{msg}");
    assert_eq!(line, 33);
    assert!(peak < 40 * MB, "peak {} MB", peak / MB);
}

#[test]
fn concatenating_a_huge_list_stops_at_the_cap() {
    let src = format!(
        "t = \"a\".repeat(6000000);\nl = List();\n{}s = \"x\" + l;\n",
        "l.add(t);\n".repeat(30)
    );
    let (o, peak) = run(small_limits(), &src);
    assert!(limit_error(&o).0.contains("text size limit"));
    assert!(peak < 40 * MB, "peak {} MB", peak / MB);
}

#[test]
fn many_distinct_big_texts_exceed_the_memory_budget() {
    // 100 distinct 6 MB texts would hold 600 MB; the budget is 48 MB.
    let src = "t = \"a\".repeat(6000000);\nl = List();\nfor each c in (\"x,\".repeat(99) + \"x\").toList(\",\")\n{\n\tl.add(t + c);\n}\ninfo l.size();\n";
    let (o, peak) = run(small_limits(), src);
    let (msg, line) = limit_error(&o);
    assert!(msg.contains("more than 48 MB of memory (memory limit"), "{msg}");
    assert_eq!(line, 5);
    assert!(peak < 64 * MB, "peak {} MB", peak / MB);
}

#[test]
fn growing_a_text_in_a_loop_exceeds_the_memory_budget() {
    // Each pass builds two new 4 MB texts and keeps one alive in the list.
    let src = "t = \"b\".repeat(4000000);\nl = List();\nfor each c in (\"x,\".repeat(60) + \"x\").toList(\",\")\n{\n\tl.add(t.toUpperCase() + c);\n}\n";
    let (o, peak) = run(small_limits(), src);
    assert!(limit_error(&o).0.contains("memory limit"));
    assert!(peak < 64 * MB, "peak {} MB", peak / MB);
}

#[test]
fn upper_case_expansion_is_bounded() {
    // `ΐ` is 2 bytes and upper-cases to 3 characters of 2 bytes each: 3 MB become 9 MB.
    let src = "t = \"ΐ\".repeat(1500000);\nu = t.toUpperCase();\ninfo u.length();\n";
    let (o, peak) = run(small_limits(), src);
    let (msg, line) = limit_error(&o);
    assert!(msg.contains("text size limit of 8 MB"), "{msg}");
    assert_eq!(line, 2);
    assert!(peak < 24 * MB, "peak {} MB", peak / MB);
    // Within the limit the expansion is complete.
    let (o, _) = run(
        small_limits(),
        "info \"ΐß\".toUpperCase();\nreturn \"ΐ\".repeat(1000).toUpperCase().length();",
    );
    assert!(o.error.is_none(), "{:?}", o.error);
    assert_eq!(o.result.to_display(), "3000");
}

#[test]
fn info_of_a_huge_value_fails_before_printing_it() {
    let src =
        format!("t = \"a\".repeat(6000000);\nl = List();\n{}info l;\n", "l.add(t);\n".repeat(30));
    let mut limits = small_limits();
    limits.max_info_bytes = 500 * 1024;
    let (o, peak) = run(limits, &src);
    let (msg, line) = limit_error(&o);
    assert!(msg.contains("info output exceeds 500 KB"), "{msg}");
    assert_eq!(line, 33);
    assert!(peak < 24 * MB, "peak {} MB", peak / MB);
    // Without an info limit the text limit still applies.
    let (o, peak) = run(small_limits(), &src);
    assert!(limit_error(&o).0.contains("text size limit"));
    assert!(peak < 40 * MB, "peak {} MB", peak / MB);
}

#[test]
fn the_info_limit_counts_every_line() {
    let limits = Limits { max_info_bytes: 1000, ..Limits::default() };
    // 9 lines of 99 characters + newline = 900 bytes: fine.
    let ok = "x = \"a\".repeat(99);\nfor each c in \"1,2,3,4,5,6,7,8,9\".toList(\",\")\n{\n\tinfo x;\n}\n";
    let (o, _) = run(limits.clone(), ok);
    assert!(o.error.is_none(), "{:?}", o.error);
    // An 11th line passes 1000 bytes.
    let over = "x = \"a\".repeat(99);\nfor each c in \"1,2,3,4,5,6,7,8,9,10,11\".toList(\",\")\n{\n\tinfo x;\n}\n";
    let (o, _) = run(limits.clone(), over);
    let (msg, line) = limit_error(&o);
    assert_eq!(msg, "info output exceeds 1000 bytes (info limit)");
    assert_eq!(line, 4);
    // Exactly at the limit is allowed: 999 characters + newline.
    let (o, _) = run(limits.clone(), "info \"a\".repeat(999);");
    assert!(o.error.is_none(), "{:?}", o.error);
    let (o, _) = run(limits, "info \"a\".repeat(1000);");
    assert!(limit_error(&o).0.contains("info limit"));
    // The default is Zoho's 500 KB.
    let (o, _) = run(Limits::default(), "info \"a\".repeat(600000);");
    assert_eq!(limit_error(&o).0, "info output exceeds 500 KB (info limit)");
}

#[test]
fn lifting_the_memory_budget_lets_big_values_live() {
    let src = "t = \"a\".repeat(6000000);\nl = List();\nfor each c in (\"x,\".repeat(9) + \"x\").toList(\",\")\n{\n\tl.add(t + c);\n}\nreturn l.size();\n";
    let (o, _) = run(Limits { max_memory_bytes: None, ..small_limits() }, src);
    assert!(o.error.is_none(), "{:?}", o.error);
    assert_eq!(o.result.to_display(), "10");
}

#[test]
fn a_memory_limit_error_cannot_be_caught() {
    let src = "t = \"a\".repeat(6000000);\nl = List();\ntry\n{\n\tfor each c in (\"x,\".repeat(99) + \"x\").toList(\",\")\n\t{\n\t\tl.add(t + c);\n\t}\n}\ncatch (e)\n{\n\tinfo \"caught\";\n}\n";
    let (o, _) = run(small_limits(), src);
    assert!(limit_error(&o).0.contains("memory limit"));
}

#[test]
fn the_wall_clock_limit_stops_an_endless_loop() {
    let limits = Limits {
        max_statements: None,
        max_time: Some(Duration::from_millis(50)),
        ..Limits::default()
    };
    let start = Instant::now();
    let (o, _) = run(limits, "n = 0;\nwhile (true)\n{\n\tn = n + 1;\n}\n");
    let (msg, _) = limit_error(&o);
    assert_eq!(msg, "the script ran longer than 0.05 s (time limit; dg run --max-time)");
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn the_wall_clock_limit_stops_scans_of_a_huge_text() {
    // Each `contains` scans 8 MB; the deadline is checked as the scanned bytes add up, not
    // only every few hundred statements.
    let limits = Limits {
        max_statements: None,
        max_time: Some(Duration::from_millis(100)),
        max_text_bytes: 16 * MB,
        ..Limits::default()
    };
    let src = "t = \"a\".repeat(8000000);\nhits = 0;\nfor each c in (\"x,\".repeat(100000) + \"x\").toList(\",\")\n{\n\tif (t.contains(\"b\"))\n\t{\n\t\thits = hits + 1;\n\t}\n}\n";
    let start = Instant::now();
    let (o, _) = run(limits, src);
    let (msg, line) = limit_error(&o);
    assert!(msg.contains("time limit"), "{msg}");
    assert_eq!(line, 5);
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn no_time_limit_when_lifted() {
    let limits = Limits { max_time: None, ..Limits::default() };
    let (o, _) = run(limits, "n = 0;\nfor each c in (\"x,\".repeat(999) + \"x\").toList(\",\")\n{\n\tn = n + 1;\n}\nreturn n;");
    assert!(o.error.is_none(), "{:?}", o.error);
    assert_eq!(o.result.to_display(), "1000");
}

#[test]
fn parsing_a_huge_json_text_stops_at_the_memory_budget() {
    // 7 MB of `[]` elements: about 2.5 million empty lists, several hundred MB as values.
    let src =
        "t = \"[\" + \"[],\".repeat(2400000) + \"[]]\";\nl = t.toJSONList();\ninfo l.size();\n";
    let limits = Limits { max_collection_len: usize::MAX, ..small_limits() };
    let (o, peak) = run(limits, src);
    let (msg, line) = limit_error(&o);
    assert!(msg.contains("memory limit"), "{msg}");
    assert_eq!(line, 2);
    assert!(peak < 80 * MB, "peak {} MB", peak / MB);
    // Within the budget it parses.
    let (o, _) = run(
        small_limits(),
        "return (\"[\" + \"[1],\".repeat(1000) + \"[]]\").toJSONList().size();",
    );
    assert!(o.error.is_none(), "{:?}", o.error);
    assert_eq!(o.result.to_display(), "1001");
}

#[test]
fn map_put_past_the_collection_limit_stops_at_that_put() {
    // `m.put(k, v)` on a map runs without builtin dispatch at its call site; the limit and the
    // error's line are the builtin's. The second map is first an undecided Collection, which
    // goes through dispatch: the same error.
    for init in ["Map()", "Collection()"] {
        let src = format!(
            "m = {init};\nfor each i in {{1,2,3,4,5}}\n{{\n\tm.put(i, i);\n}}\ninfo m.size();\n"
        );
        let limits = Limits { max_collection_len: 3, ..small_limits() };
        let (o, _) = run(limits, &src);
        let (msg, line) = limit_error(&o);
        assert_eq!(msg, "collection of 4 elements exceeds the limit of 3", "{init}");
        assert_eq!(line, 4, "{init}");
    }
}
