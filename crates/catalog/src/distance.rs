//! Edit distance for "did you mean" suggestions.

/// The optimal-string-alignment distance between `a` and `b`, compared
/// case-insensitively (ASCII): insertions, deletions, substitutions and
/// transpositions of two adjacent characters each count as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Three rows: the one before the previous (for transpositions), the previous
    // and the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn counts_each_kind_of_edit_once() {
        assert_eq!(edit_distance("getRecordById", "getRecordById"), 0);
        assert_eq!(edit_distance("getRecordById", "GETRECORDBYID"), 0);
        // substitution (a pasted lower-case L for an I)
        assert_eq!(edit_distance("getRecordByld", "getRecordById"), 1);
        // transposition
        assert_eq!(edit_distance("getRecrodById", "getRecordById"), 1);
        // insertion and deletion
        assert_eq!(edit_distance("getRecordsById", "getRecordById"), 1);
        assert_eq!(edit_distance("getRecordBy", "getRecordById"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("create", "update"), 3);
    }
}
