//! "Did you mean …?": the closest candidate by edit distance, ignoring case.

/// The candidate nearest to `name`, if it is near enough to be a likely typo: at most one
/// edit for short names, two for longer ones, three past twelve characters.
pub(crate) fn closest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let name = name.to_ascii_lowercase();
    let budget = match name.chars().count() {
        0..=3 => 1,
        4..=12 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let lower = cand.to_ascii_lowercase();
        if lower == name {
            continue;
        }
        let d = distance(&name, &lower, budget);
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance with transpositions counted as one edit (so `getRecordByld` →
/// `getRecordById` and `lenght` → `length` are one step); gives up past `limit`.
fn distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos() {
        assert_eq!(closest("lenght", ["length", "left", "len"]), Some("length"));
        assert_eq!(
            closest("getRecordByld", ["getRecordById", "getRecords"]),
            Some("getRecordById")
        );
        assert_eq!(
            closest("toUppercase", ["toUpperCase"]),
            None,
            "same name ignoring case is not a typo"
        );
        assert_eq!(closest("frobnicate", ["length", "trim"]), None);
        assert_eq!(closest("x", ["y", "xy"]), Some("y"));
    }
}
