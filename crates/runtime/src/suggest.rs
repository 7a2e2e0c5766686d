//! "Did you mean …?": the closest candidate by edit distance (`dg_catalog::edit_distance`,
//! which counts a transposition as one edit), ignoring case.

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
        if lower.chars().count().abs_diff(name.chars().count()) > budget {
            continue;
        }
        let d = dg_catalog::edit_distance(&name, &lower);
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
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
